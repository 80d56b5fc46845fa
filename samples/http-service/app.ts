// The Express app: route handlers call User.objects directly; one error handler turns regista's
// typed errors into HTTP statuses, with the error's own toJSON() as the body.
import express, { type ErrorRequestHandler, type Express } from 'express';
import {
  DuplicateKeyError, ImmutableFieldError, InvalidPrimaryKeyAssignmentError, InvalidQueryError, RecordNotFoundError,
  RegistaError, UniqueConstraintError, ValidationError,
} from 'regista';
import { EDITABLE_FIELDS, User, type UserInput } from './models';

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
 * The editable fields present in a request body. Their values are not checked here: regista
 * validates them on create and save (a ValidationError becomes a 400).
 */
function editableFields(body: unknown): UserInput {
  const source: Record<string, unknown> = body !== null && typeof body === 'object' ? { ...body } : {};
  const input: Record<string, unknown> = {};
  for (const key of EDITABLE_FIELDS) if (key in source) input[key] = source[key];
  return input as UserInput;
}

/** Builds the app. It uses the `default` database; connect it first (see server.ts). */
export function createApp(): Express {
  const app = express();
  app.use(express.json());

  // GET /users?role=admin&limit=20&offset=40
  app.get('/users', async (req, res) => {
    const { role, limit = '20', offset = '0' } = req.query;
    const users = await User.objects.filter(
      { role: typeof role === 'string' ? role : undefined },
      { orderBy: 'id', limit: Math.min(Number(limit), MAX_LIMIT), offset: Number(offset) },
    );
    res.json(users);
  });

  app.get('/users/:id', async (req, res) => {
    const user = await User.objects.get(Number(req.params.id));
    if (user === null) {
      res.status(404).json({ error: RecordNotFoundError.for('User', { id: req.params.id }).toJSON() });
      return;
    }
    res.json(user);
  });

  app.post('/users', async (req, res) => {
    const user = await User.objects.create(editableFields(req.body));
    res.status(201).location(`/users/${user.id}`).json(user);
  });

  app.patch('/users/:id', async (req, res) => {
    const user = await User.objects.require(Number(req.params.id));
    Object.assign(user, editableFields(req.body));
    res.json(await user.save());
  });

  app.delete('/users/:id', async (req, res) => {
    const deleted = await User.objects.delete(Number(req.params.id));
    if (!deleted) {
      res.status(404).json({ error: RecordNotFoundError.for('User', { id: req.params.id }).toJSON() });
      return;
    }
    res.status(204).end();
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
