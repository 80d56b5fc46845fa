/**
 * Drives samples/http-service over real HTTP (127.0.0.1, ephemeral port) on the database of the
 * matrix, and checks every outcome against what the database holds afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ErrorCodes, type QueryEvent, type SerializedError } from 'regista';
import { Post, User } from '../samples/http-service/models';
import { start, type ServiceHandle } from '../samples/http-service/server';
import { useTestDatabase } from './support/database';

const db = useTestDatabase();

/** A user as the service sends it (JSON: dates are ISO strings). */
interface UserBody {
  id: number;
  name: string;
  email: string;
  role: string | null;
  profile: Record<string, unknown> | null;
  createdAt: string;
}

/** A post as the service sends it. */
interface PostBody {
  id: number;
  title: string;
  body: string | null;
  authorId: number;
  createdAt: string;
}

/** A user with relations loaded by `?include=`. */
type UserWithPosts = UserBody & { posts: Array<PostBody & { author?: UserBody }> };

interface Reply<B> {
  status: number;
  body: B;
  headers: Headers;
}

let service: ServiceHandle | undefined;

async function call<B = unknown>(method: string, path: string, body?: unknown): Promise<Reply<B>> {
  if (!service) throw new Error('service not started');
  const res = await fetch(`${service.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as B, headers: res.headers };
}

const errorOf = (reply: Reply<unknown>): SerializedError => (reply.body as { error: SerializedError }).error;

describe('samples/http-service', () => {
  // Hooks go inside the describe: on Node 20 root-level before hooks run concurrently, and this one
  // must run after useTestDatabase's has connected the database.
  before(async () => {
    service = await start({ port: 0 });
  });

  after(async () => {
    await service?.close();
    service = undefined;
  });

  beforeEach(async () => {
    // Posts first. PostgreSQL refuses to TRUNCATE a table that a foreign key references (even an
    // empty one), so the users go with a plain DELETE; generated ids are not reset.
    await Post.truncate();
    await db().run('DELETE FROM "users"', [], false);
  });

  /** Counts the statements `fn` makes the service run (the service runs in this process). */
  async function queriesOf<R>(fn: () => Promise<R>): Promise<{ result: R; sql: string[] }> {
    const sql: string[] = [];
    const listener = (e: QueryEvent) => sql.push(e.sql);
    db().on('query', listener);
    try {
      return { result: await fn(), sql };
    } finally {
      db().off('query', listener);
    }
  }

  test('start() created the users and posts tables on the test database', async () => {
    assert.equal(service?.db, db());
    assert.equal(await User.schemaExists(), true);
    assert.equal(await Post.schemaExists(), true);
  });

  test('POST /users creates the row: 201, Location, and the row reads back', async () => {
    const reply = await call<UserBody>('POST', '/users', {
      name: 'Alice', email: 'alice@example.com', role: 'admin', profile: { theme: 'dark', tags: ['a', 'b'] },
    });
    assert.equal(reply.status, 201);
    assert.equal(reply.headers.get('location'), `/users/${reply.body.id}`);
    assert.equal(typeof reply.body.id, 'number');

    const stored = await User.objects.get(reply.body.id);
    assert.ok(stored, 'the created user is in the database');
    assert.equal(stored.name, 'Alice');
    assert.equal(stored.email, 'alice@example.com');
    assert.equal(stored.role, 'admin');
    assert.deepEqual(stored.profile, { theme: 'dark', tags: ['a', 'b'] });
    assert.ok(stored.createdAt instanceof Date);
    assert.equal(reply.body.createdAt, stored.createdAt.toISOString());
  });

  test('POST /users ignores fields a client may not set (id, createdAt)', async () => {
    const reply = await call<UserBody>('POST', '/users', {
      id: 999, name: 'Bob', email: 'bob@example.com', createdAt: '2000-01-01T00:00:00.000Z',
    });
    assert.equal(reply.status, 201);
    assert.notEqual(reply.body.id, 999);
    const stored = await User.objects.require(reply.body.id);
    assert.notEqual(stored.createdAt.toISOString(), '2000-01-01T00:00:00.000Z');
    assert.equal(await User.objects.get(999), null);
  });

  test('POST /users with a duplicate email: 409 UniqueConstraintError, nothing inserted', async () => {
    await User.objects.create({ name: 'Alice', email: 'alice@example.com' });
    const reply = await call('POST', '/users', { name: 'Alice 2', email: 'alice@example.com' });
    assert.equal(reply.status, 409);
    const error = errorOf(reply);
    assert.equal(error.name, 'UniqueConstraintError');
    assert.equal(error.code, ErrorCodes.UNIQUE_CONSTRAINT);
    assert.deepEqual(error.details.fields, ['email']);
    assert.equal(error.details.model, 'User');
    assert.equal(await User.objects.count({ email: 'alice@example.com' }), 1);
    assert.equal((await User.objects.require({ email: 'alice@example.com' })).name, 'Alice');
  });

  test('POST /users with invalid data: 400 ValidationError listing each field, nothing inserted', async () => {
    const reply = await call('POST', '/users', { email: 42, role: 7 });
    assert.equal(reply.status, 400);
    const error = errorOf(reply);
    assert.equal(error.name, 'ValidationError');
    assert.equal(error.code, ErrorCodes.VALIDATION);
    const fields = (error.details.errors as Array<{ field: string }>).map((e) => e.field).sort();
    assert.deepEqual(fields, ['email', 'name', 'role']);
    assert.equal(await User.objects.count(), 0);
  });

  test('POST /users with malformed JSON: 400', async () => {
    const reply = await call('POST', '/users', '{"name": ');
    assert.equal(reply.status, 400);
    assert.equal(await User.objects.count(), 0);
  });

  test('GET /users/:id: 200 with the row, 404 when absent, 400 for a non-integer id', async () => {
    const alice = await User.objects.create({ name: 'Alice', email: 'alice@example.com', profile: { n: 1 } });

    const found = await call<UserBody>('GET', `/users/${alice.id}`);
    assert.equal(found.status, 200);
    assert.deepEqual(found.body, {
      id: alice.id, name: 'Alice', email: 'alice@example.com', role: null, profile: { n: 1 },
      createdAt: alice.createdAt.toISOString(),
    });

    const missing = await call('GET', `/users/${alice.id + 1000}`);
    assert.equal(missing.status, 404);
    assert.equal(errorOf(missing).code, ErrorCodes.RECORD_NOT_FOUND);

    const bad = await call('GET', '/users/abc');
    assert.equal(bad.status, 400);
    assert.equal(errorOf(bad).code, ErrorCodes.INVALID_QUERY);
  });

  test('GET /users filters by ?role= and pages with limit/offset in id order', async () => {
    const created = [];
    for (const [name, role] of [['A', 'admin'], ['B', null], ['C', 'admin'], ['D', 'admin'], ['E', 'editor']] as const) {
      created.push(await User.objects.create({ name, email: `${name.toLowerCase()}@example.com`, role }));
    }

    const all = await call<UserBody[]>('GET', '/users');
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.map((u) => u.name), ['A', 'B', 'C', 'D', 'E']);

    const admins = await call<UserBody[]>('GET', '/users?role=admin');
    const expected = await User.objects.filter({ role: 'admin' }, { orderBy: 'id' });
    assert.deepEqual(admins.body.map((u) => u.id), expected.map((u) => u.id));
    assert.deepEqual(admins.body.map((u) => u.name), ['A', 'C', 'D']);

    const page = await call<UserBody[]>('GET', '/users?role=admin&limit=1&offset=1');
    assert.deepEqual(page.body.map((u) => u.name), ['C']);

    const rest = await call<UserBody[]>('GET', '/users?offset=3');
    assert.deepEqual(rest.body.map((u) => u.id), created.slice(3).map((u) => u.id));

    const none = await call<UserBody[]>('GET', '/users?role=nobody');
    assert.deepEqual(none.body, []);

    const badLimit = await call('GET', '/users?limit=-1');
    assert.equal(badLimit.status, 400);
    assert.equal(errorOf(badLimit).code, ErrorCodes.INVALID_QUERY);
  });

  test('PATCH /users/:id saves the changed fields; bad values are 400 and change nothing', async () => {
    const bob = await User.objects.create({ name: 'Bob', email: 'bob@example.com' });

    const patched = await call<UserBody>('PATCH', `/users/${bob.id}`, { role: 'editor', profile: { bio: 'hi' } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.role, 'editor');
    const stored = await User.objects.require(bob.id);
    assert.equal(stored.role, 'editor');
    assert.deepEqual(stored.profile, { bio: 'hi' });
    assert.equal(stored.name, 'Bob');

    const invalid = await call('PATCH', `/users/${bob.id}`, { name: null, role: 'admin' });
    assert.equal(invalid.status, 400);
    assert.equal(errorOf(invalid).code, ErrorCodes.VALIDATION);
    const unchanged = await User.objects.require(bob.id);
    assert.equal(unchanged.name, 'Bob');
    assert.equal(unchanged.role, 'editor');

    const missing = await call('PATCH', `/users/${bob.id + 1000}`, { role: 'x' });
    assert.equal(missing.status, 404);
    assert.equal(errorOf(missing).code, ErrorCodes.RECORD_NOT_FOUND);
  });

  test('PATCH /users/:id to an email another user has: 409, both rows unchanged', async () => {
    const alice = await User.objects.create({ name: 'Alice', email: 'alice@example.com' });
    const bob = await User.objects.create({ name: 'Bob', email: 'bob@example.com' });
    const reply = await call('PATCH', `/users/${bob.id}`, { email: 'alice@example.com' });
    assert.equal(reply.status, 409);
    assert.equal(errorOf(reply).code, ErrorCodes.UNIQUE_CONSTRAINT);
    assert.equal((await User.objects.require(bob.id)).email, 'bob@example.com');
    assert.equal((await User.objects.require(alice.id)).email, 'alice@example.com');
  });

  test('DELETE /users/:id: 204 and the row is gone; again: 404', async () => {
    const carol = await User.objects.create({ name: 'Carol', email: 'carol@example.com' });
    const keep = await User.objects.create({ name: 'Dan', email: 'dan@example.com' });

    const deleted = await call('DELETE', `/users/${carol.id}`);
    assert.equal(deleted.status, 204);
    assert.equal(await User.objects.get(carol.id), null);
    assert.ok(await User.objects.get(keep.id), 'other rows are untouched');

    const again = await call('DELETE', `/users/${carol.id}`);
    assert.equal(again.status, 404);
    assert.equal(await User.objects.count(), 1);
  });

  test('POST /users/:id/posts creates a post of that user; GET /users/:id/posts lists them', async () => {
    const alice = await User.objects.create({ name: 'Alice', email: 'alice@example.com' });
    const bob = await User.objects.create({ name: 'Bob', email: 'bob@example.com' });

    const first = await call<PostBody>('POST', `/users/${alice.id}/posts`, { title: 'Hello', body: 'First post', authorId: bob.id });
    assert.equal(first.status, 201);
    assert.equal(first.headers.get('location'), `/posts/${first.body.id}`);
    assert.equal(first.body.authorId, alice.id, 'the author comes from the URL, not the body');
    await call('POST', `/users/${alice.id}/posts`, { title: 'Again' });
    await call('POST', `/users/${bob.id}/posts`, { title: 'By Bob' });

    const stored = await Post.objects.require(first.body.id);
    assert.equal(stored.title, 'Hello');
    assert.equal(stored.body, 'First post');
    assert.equal((await stored.author)?.name, 'Alice');

    const list = await call<PostBody[]>('GET', `/users/${alice.id}/posts`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((p) => p.title), ['Hello', 'Again']);
    assert.deepEqual(list.body.map((p) => p.id), (await Post.objects.filter({ authorId: alice.id }, { orderBy: 'id' })).map((p) => p.id));

    const invalid = await call('POST', `/users/${alice.id}/posts`, { body: 'no title' });
    assert.equal(invalid.status, 400);
    assert.equal(errorOf(invalid).code, ErrorCodes.VALIDATION);

    const noUser = await call('POST', `/users/${bob.id + 1000}/posts`, { title: 'Orphan' });
    assert.equal(noUser.status, 404);
    assert.equal(errorOf(noUser).code, ErrorCodes.RECORD_NOT_FOUND);
    const noUserList = await call('GET', `/users/${bob.id + 1000}/posts`);
    assert.equal(noUserList.status, 404);
    assert.equal(await Post.objects.count(), 3);
  });

  test('GET /users?include=posts embeds the posts: one query for the users, one for all their posts', async () => {
    const users = [];
    for (const name of ['A', 'B', 'C', 'D']) users.push(await User.objects.create({ name, email: `${name.toLowerCase()}@example.com` }));
    for (const [i, title] of [[0, 'a1'], [0, 'a2'], [2, 'c1']] as const) await users[i].related('posts').create({ title });

    const { result: reply, sql } = await queriesOf(() => call<UserWithPosts[]>('GET', '/users?include=posts'));
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body.map((u) => [u.name, u.posts.map((p) => p.title)]), [['A', ['a1', 'a2']], ['B', []], ['C', ['c1']], ['D', []]]);
    assert.equal(sql.length, 2, sql.join('\n'));

    const plain = await call<UserBody[]>('GET', '/users');
    assert.equal('posts' in plain.body[0], false, 'relations appear only when included');

    const nested = await call<UserWithPosts>('GET', `/users/${users[0].id}?include=posts,posts.author`);
    assert.equal(nested.status, 200);
    assert.deepEqual(nested.body.posts.map((p) => [p.title, p.author?.name]), [['a1', 'A'], ['a2', 'A']]);

    const post = await call<PostBody & { author: UserBody }>('GET', `/posts/${nested.body.posts[0].id}?include=author`);
    assert.equal(post.status, 200);
    assert.equal(post.body.author.email, 'a@example.com');
    assert.equal((await call('GET', `/posts/${nested.body.posts[0].id + 1000}`)).status, 404);

    const unknown = await call('GET', '/users?include=comments');
    assert.equal(unknown.status, 400);
    const error = errorOf(unknown);
    assert.equal(error.code, ErrorCodes.INVALID_QUERY);
    assert.deepEqual(error.details.available, ['posts']);
  });

  test('GET /users?postTitle= filters across the relation, each user once', async () => {
    const alice = await User.objects.create({ name: 'Alice', email: 'alice@example.com' });
    const bob = await User.objects.create({ name: 'Bob', email: 'bob@example.com' });
    await User.objects.create({ name: 'Carol', email: 'carol@example.com' });
    await alice.related('posts').create({ title: 'Hello' });
    await alice.related('posts').create({ title: 'Hello' });
    await bob.related('posts').create({ title: 'Hello' });
    await bob.related('posts').create({ title: 'Other' });

    const hello = await call<UserBody[]>('GET', '/users?postTitle=Hello');
    assert.deepEqual(hello.body.map((u) => u.name), ['Alice', 'Bob']);
    const other = await call<UserBody[]>('GET', '/users?postTitle=Other');
    assert.deepEqual(other.body.map((u) => u.name), ['Bob']);
    assert.deepEqual((await call<UserBody[]>('GET', '/users?postTitle=Nothing')).body, []);
  });

  test('DELETE /users/:id deletes the user\'s posts too (ON DELETE CASCADE)', async () => {
    const alice = await User.objects.create({ name: 'Alice', email: 'alice@example.com' });
    const bob = await User.objects.create({ name: 'Bob', email: 'bob@example.com' });
    await alice.related('posts').create({ title: 'a1' });
    await alice.related('posts').create({ title: 'a2' });
    const kept = await bob.related('posts').create({ title: 'b1' });

    assert.equal((await call('DELETE', `/users/${alice.id}`)).status, 204);
    assert.equal(await Post.objects.count({ authorId: alice.id }), 0);
    assert.deepEqual((await Post.objects.all()).map((p) => p.id), [kept.id]);
  });
});
