// The Express app: route handlers call User.objects and Post.objects directly, and reach a user's
// posts through the relation; one error handler turns regista's typed errors into HTTP statuses,
// with the error's own toJSON() as the body.
import express, { type ErrorRequestHandler, type Express } from 'express';
import {
  DuplicateKeyError, ImmutableFieldError, InvalidPrimaryKeyAssignmentError, InvalidQueryError, RecordNotFoundError,
  RegistaError, UniqueConstraintError, ValidationError,
} from 'regista';
import { EDITABLE_FIELDS, POST_FIELDS, Post, User, type PostInput, type UserInput } from './models';

/** HTTP status of each regista error class (first match wins); any other error is a 500. */
const STATUS_BY_ERROR: ReadonlyArray<readonly [abstract new (...args: never[]) => RegistaError, number]> = [
  [ValidationError, 400],
  [InvalidQueryError, 400],
  [InvalidPrimaryKeyAssignmentError, 400],
  [ImmutableFieldError, 400],
  [RecordNotFoundError, 404],
  [UniqueConstraintError, 409],
  [DuplicateKeyError, 409],
];

/** Largest page `GET /users` returns. */
const MAX_LIMIT = 100;

/**
 * The fields of `allowed` present in a request body. Their values are not checked here: regista
 * validates them on create and save (a ValidationError becomes a 400).
 */
function pick(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  const source: Record<string, unknown> = body !== null && typeof body === 'object' ? { ...body } : {};
  const input: Record<string, unknown> = {};
  for (const key of allowed) if (key in source) input[key] = source[key];
  return input;
}

const userFields = (body: unknown) => pick(body, EDITABLE_FIELDS) as UserInput;
const postFields = (body: unknown) => pick(body, POST_FIELDS) as PostInput;

/**
 * Relations to load with the response: `?include=posts`, `?include=posts,posts.author` or the
 * parameter repeated. regista checks the paths: an unknown one is an InvalidQueryError (400).
 */
function includeOf(value: unknown): string[] | undefined {
  const list = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
  const paths = list.flatMap((v) => v.split(',')).map((p) => p.trim()).filter((p) => p !== '');
  return paths.length > 0 ? paths : undefined;
}

const notFound = (model: string, id: string) => ({ error: RecordNotFoundError.for(model, { id }).toJSON() });

/** Builds the app. It uses the `default` database; connect it first (see server.ts). */
export function createApp(): Express {
  const app = express();
  app.use(express.json());

  // GET /users?role=admin&limit=20&offset=40&include=posts&postTitle=Hello
  app.get('/users', async (req, res) => {
    const { role, postTitle, limit = '20', offset = '0' } = req.query;
    const users = await User.objects.filter(
      {
        role: typeof role === 'string' ? role : undefined,
        // A dotted path reaches across the relation: users with at least one post of that title.
        'posts.title': typeof postTitle === 'string' ? postTitle : undefined,
      },
      { orderBy: 'id', limit: Math.min(Number(limit), MAX_LIMIT), offset: Number(offset), include: includeOf(req.query.include) },
    );
    res.json(users);
  });

  app.get('/users/:id', async (req, res) => {
    const user = await User.objects.get(Number(req.params.id), { include: includeOf(req.query.include) });
    if (user === null) {
      res.status(404).json(notFound('User', req.params.id));
      return;
    }
    res.json(user);
  });

  app.post('/users', async (req, res) => {
    const user = await User.objects.create(userFields(req.body));
    res.status(201).location(`/users/${user.id}`).json(user);
  });

  app.patch('/users/:id', async (req, res) => {
    const user = await User.objects.require(Number(req.params.id));
    Object.assign(user, userFields(req.body));
    res.json(await user.save());
  });

  // Deleting a user deletes their posts too: the foreign key says ON DELETE CASCADE.
  app.delete('/users/:id', async (req, res) => {
    const deleted = await User.objects.delete(Number(req.params.id));
    if (!deleted) {
      res.status(404).json(notFound('User', req.params.id));
      return;
    }
    res.status(204).end();
  });

  // The posts of one user, through the relation (one query, in id order).
  app.get('/users/:id/posts', async (req, res) => {
    const user = await User.objects.require(Number(req.params.id));
    res.json(await user.posts);
  });

  // A new post of that user: related('posts').create sets its authorId.
  app.post('/users/:id/posts', async (req, res) => {
    const user = await User.objects.require(Number(req.params.id));
    const post = await user.related('posts').create(postFields(req.body));
    res.status(201).location(`/posts/${post.id}`).json(post);
  });

  // GET /posts/7?include=author
  app.get('/posts/:id', async (req, res) => {
    const post = await Post.objects.get(Number(req.params.id), { include: includeOf(req.query.include) });
    if (post === null) {
      res.status(404).json(notFound('Post', req.params.id));
      return;
    }
    res.json(post);
  });

  app.use(handleErrors);
  return app;
}

/** Express 5 sends a rejected handler's error here. */
const handleErrors: ErrorRequestHandler = (err: unknown, _req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  if (err instanceof RegistaError) {
    const status = STATUS_BY_ERROR.find(([cls]) => err instanceof cls)?.[1];
    if (status !== undefined) {
      res.status(status).json({ error: err.toJSON() });
      return;
    }
  }
  // Errors of express itself (a malformed JSON body is a 400) carry their status.
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    res.status(status).json({ error: { name: 'BadRequest', message: (err as Error).message } });
    return;
  }
  console.error(err);
  res.status(500).json({ error: { name: 'InternalServerError', message: 'Internal Server Error' } });
};
