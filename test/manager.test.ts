/**
 * The `objects` manager's reads: create, get, require, filter, all, first, last, exists, count,
 * and the InvalidQueryErrors for criteria and options it cannot run.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IsEmail, Length, Min } from 'class-validator';
import {
  ErrorCodes, InvalidQueryError, Model, MultipleRecordsFoundError, RecordNotFoundError, field, model, primaryKey,
} from 'regista';
import { uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

// Nullable fields carry an explicit type: TypeScript emits design:type Object for `T | null`
// (see "regression: the User model registers" in registration.test.ts).
@model({ table: uniqueTable('mgr_users'), unique: ['email'] })
class User extends Model<User>() {
  @primaryKey() id!: number;
  @field() @Length(1, 80) name!: string;
  @field() @IsEmail() email!: string;
  @field({ type: 'text', nullable: true }) role!: string | null;
  @field({ default: 0 }) @Min(0) age!: number;
  @field({ type: 'json', nullable: true }) profile!: Record<string, unknown> | null;
  @field({ default: () => new Date() }) createdAt!: Date;
}

/** A second model for create(), so the seeded users stay as they are. */
@model({ table: uniqueTable('mgr_notes') })
class Note extends Model<Note>() {
  @primaryKey() id!: number;
  @field() title!: string;
  @field({ type: 'text', nullable: true }) body!: string | null;
  @field({ default: 1 }) priority!: number;
  @field({ default: () => new Date() }) createdAt!: Date;
}

const SEED = [
  { name: 'alice', email: 'alice@example.com', role: 'admin', age: 30, profile: { lang: 'en' } },
  { name: 'bob', email: 'bob@example.com', role: 'user', age: 25, profile: null },
  { name: 'carol', email: 'carol@example.com', role: null, age: 35, profile: null },
  { name: 'dave', email: 'dave@example.com', role: 'user', age: 25, profile: null },
  { name: 'erin', email: 'erin@example.com', role: 'admin', age: 40, profile: { lang: 'fr' } },
] as const;

/** name -> id of the seeded users. */
const ids: Record<string, number> = {};

const names = (users: readonly User[]): string[] => users.map((u) => u.name);

/** An assert.rejects validator: InvalidQueryError (code 1200) with these details. */
function invalidQuery(details: Record<string, unknown>): (error: unknown) => true {
  return (error: unknown) => {
    assert.ok(error instanceof InvalidQueryError, `expected InvalidQueryError, got ${String(error)}`);
    assert.equal(error.code, ErrorCodes.INVALID_QUERY);
    assert.equal(error.code, 1200);
    for (const [k, v] of Object.entries(details)) assert.deepEqual(error.details[k], v, `details.${k}`);
    return true;
  };
}

// One outer suite: under Node 20, file-level before() hooks start without waiting for each other,
// so seeding at file level could run before useTestDatabase() has connected.
describe('User.objects', () => {
  before(async () => {
    for (const data of SEED) {
      const u = await User.objects.create({ ...data, profile: data.profile === null ? null : { ...data.profile } });
      ids[u.name] = u.id;
    }
  });

  describe('create', () => {
    it('inserts a row and returns the stored instance with generated values', async () => {
      const before = Date.now();
      const note: Note = await Note.objects.create({ title: 'First' });
      assert.ok(note instanceof Note);
      assert.equal(typeof note.id, 'number');
      assert.equal(note.title, 'First');
      assert.equal(note.body, null);
      assert.equal(note.priority, 1);
      assert.ok(note.createdAt instanceof Date);
      assert.ok(note.createdAt.getTime() >= before - 1000 && note.createdAt.getTime() <= Date.now() + 1000);
      assert.equal(note.isPersisted(), true);

      const again = await Note.objects.create({ title: 'Second', body: 'text', priority: 5 });
      assert.notEqual(again.id, note.id);

      const stored = await Note.objects.get(note.id);
      assert.ok(stored);
      assert.deepEqual(stored.toJSON(), note.toJSON());
      const rows = await db().knex(Note.objects.meta.table).select('id', 'title', 'body', 'priority').orderBy('id');
      assert.deepEqual(rows.map((r: Record<string, unknown>) => [Number(r.id), r.title, r.body, Number(r.priority)]), [
        [note.id, 'First', null, 1],
        [again.id, 'Second', 'text', 5],
      ]);
    });
  });

  describe('get', () => {
    it('by primary key', async () => {
      const u: User | null = await User.objects.get(ids.alice);
      assert.ok(u);
      assert.ok(u instanceof User);
      assert.equal(u.id, ids.alice);
      assert.equal(u.name, 'alice');
      assert.equal(u.email, 'alice@example.com');
      assert.equal(u.role, 'admin');
      assert.equal(u.age, 30);
      assert.deepEqual(u.profile, { lang: 'en' });
      assert.ok(u.createdAt instanceof Date);
      assert.equal(u.isPersisted(), true);
    });

    it('returns null for a missing key', async () => {
      assert.equal(await User.objects.get(999_999), null);
    });

    it('by criteria', async () => {
      const bob: User | null = await User.objects.get({ email: 'bob@example.com' });
      assert.equal(bob?.id, ids.bob);
      const carol = await User.objects.get({ role: null });
      assert.equal(carol?.name, 'carol');
      const erin = await User.objects.get({ role: 'admin', age: 40 });
      assert.equal(erin?.name, 'erin');
      assert.equal(await User.objects.get({ name: 'nobody' }), null);
    });

    it('with two or more matches: MultipleRecordsFoundError', async () => {
      await assert.rejects(User.objects.get({ role: 'user' }), (error: unknown) => {
        assert.ok(error instanceof MultipleRecordsFoundError);
        assert.equal(error.code, ErrorCodes.MULTIPLE_RECORDS_FOUND);
        assert.equal(error.code, 1301);
        assert.equal(error.details.model, 'User');
        assert.deepEqual(error.details.criteria, { role: 'user' });
        return true;
      });
      await assert.rejects(User.objects.get({ age: [25, 30] }), MultipleRecordsFoundError);
    });

    it('with a key and criteria: InvalidQueryError', async () => {
      await assert.rejects(User.objects.get(ids.alice, { name: 'alice' } as never), invalidQuery({ model: 'User' }));
    });

    it('with empty criteria: InvalidQueryError', async () => {
      await assert.rejects(User.objects.get({}), invalidQuery({ model: 'User' }));
      await assert.rejects(User.objects.get({ name: undefined }), invalidQuery({ model: 'User' }));
    });

    it('with a key of the wrong type: InvalidQueryError naming the key', async () => {
      await assert.rejects(User.objects.get('abc'), invalidQuery({ model: 'User', field: 'id', value: 'abc' }));
      await assert.rejects(User.objects.get(1.5), invalidQuery({ model: 'User', field: 'id', value: 1.5 }));
      await assert.rejects(User.objects.get(null as never), invalidQuery({ model: 'User', field: 'id' }));
    });
  });

  describe('require', () => {
    it('returns the instance when found', async () => {
      const dave: User = await User.objects.require(ids.dave);
      assert.equal(dave.name, 'dave');
      const byEmail: User = await User.objects.require({ email: 'erin@example.com' });
      assert.equal(byEmail.id, ids.erin);
    });

    it('throws RecordNotFoundError naming the model and the criteria', async () => {
      await assert.rejects(User.objects.require(999_999), (error: unknown) => {
        assert.ok(error instanceof RecordNotFoundError);
        assert.equal(error.code, ErrorCodes.RECORD_NOT_FOUND);
        assert.equal(error.code, 1300);
        assert.equal(error.details.model, 'User');
        assert.equal(error.details.criteria, 999_999);
        assert.match(error.message, /User/);
        assert.match(error.message, /999999/);
        return true;
      });
      await assert.rejects(User.objects.require({ email: 'ghost@example.com', role: 'admin' }), (error: unknown) => {
        assert.ok(error instanceof RecordNotFoundError);
        assert.equal(error.details.model, 'User');
        assert.deepEqual(error.details.criteria, { email: 'ghost@example.com', role: 'admin' });
        assert.match(error.message, /ghost@example\.com/);
        return true;
      });
    });
  });

  describe('filter', () => {
    it('by equality', async () => {
      const admins: User[] = await User.objects.filter({ role: 'admin' }, { orderBy: 'id' });
      assert.deepEqual(names(admins), ['alice', 'erin']);
      assert.ok(admins.every((u) => u instanceof User && u.isPersisted()));
      assert.deepEqual(names(await User.objects.filter({ role: 'user', age: 25 }, { orderBy: 'name' })), ['bob', 'dave']);
      assert.deepEqual(await User.objects.filter({ role: 'user', age: 30 }), []);
    });

    it('with arrays (IN)', async () => {
      assert.deepEqual(names(await User.objects.filter({ id: [ids.alice, ids.carol] }, { orderBy: 'id' })), ['alice', 'carol']);
      assert.deepEqual(names(await User.objects.filter({ name: ['erin', 'bob', 'zed'] }, { orderBy: 'name' })), ['bob', 'erin']);
      assert.deepEqual(names(await User.objects.filter({ age: [25], role: ['user', 'admin'] }, { orderBy: 'name' })), ['bob', 'dave']);
    });

    it('with an empty array matches nothing', async () => {
      assert.deepEqual(await User.objects.filter({ id: [] }), []);
      assert.deepEqual(await User.objects.filter({ role: 'admin', name: [] }), []);
      assert.equal(await User.objects.count({ id: [] }), 0);
      assert.equal(await User.objects.exists({ id: [] }), false);
    });

    it('with null (IS NULL)', async () => {
      assert.deepEqual(names(await User.objects.filter({ role: null })), ['carol']);
      assert.deepEqual(names(await User.objects.filter({ profile: null }, { orderBy: 'name' })), ['bob', 'carol', 'dave']);
    });

    it('with no criteria returns everything', async () => {
      assert.equal((await User.objects.filter()).length, SEED.length);
      assert.equal((await User.objects.filter({})).length, SEED.length);
    });

    it('with limit and offset', async () => {
      assert.deepEqual(names(await User.objects.filter({}, { orderBy: 'name', limit: 2 })), ['alice', 'bob']);
      assert.deepEqual(names(await User.objects.filter({}, { orderBy: 'name', limit: 2, offset: 1 })), ['bob', 'carol']);
      assert.deepEqual(names(await User.objects.filter({}, { orderBy: 'name', offset: 3 })), ['dave', 'erin']);
      assert.deepEqual(names(await User.objects.filter({ role: 'admin' }, { orderBy: 'name', limit: 1, offset: 1 })), ['erin']);
      assert.deepEqual(await User.objects.filter({}, { orderBy: 'name', limit: 0 }), []);
      assert.deepEqual(await User.objects.filter({}, { orderBy: 'name', offset: 10 }), []);
    });

    it('ordered ascending, descending and by several keys', async () => {
      assert.deepEqual(names(await User.objects.filter({}, { orderBy: 'name' })), ['alice', 'bob', 'carol', 'dave', 'erin']);
      assert.deepEqual(names(await User.objects.filter({}, { orderBy: '-name' })), ['erin', 'dave', 'carol', 'bob', 'alice']);
      assert.deepEqual(names(await User.objects.filter({}, { orderBy: ['-age', 'name'] })), ['erin', 'carol', 'alice', 'bob', 'dave']);
      assert.deepEqual(names(await User.objects.filter({}, { orderBy: ['age', '-name'] })), ['dave', 'bob', 'alice', 'carol', 'erin']);
      assert.deepEqual(names(await User.objects.filter({ role: 'user' }, { orderBy: ['-id'] })), ['dave', 'bob']);
    });
  });

  describe('all', () => {
    it('returns every instance, with options', async () => {
      const everyone: User[] = await User.objects.all();
      assert.deepEqual(names(everyone).sort(), ['alice', 'bob', 'carol', 'dave', 'erin']);
      assert.ok(everyone.every((u) => u instanceof User));
      assert.deepEqual(names(await User.objects.all({ orderBy: '-age', limit: 2 })), ['erin', 'carol']);
      assert.deepEqual(names(await User.objects.all({ orderBy: 'id', offset: 4 })), ['erin']);
    });
  });

  describe('first and last', () => {
    it('first: primary-key order by default', async () => {
      const u: User | null = await User.objects.first();
      assert.equal(u?.name, 'alice');
      assert.equal((await User.objects.first({ role: 'user' }))?.name, 'bob');
      assert.equal((await User.objects.first({ role: 'admin' }))?.name, 'alice');
    });

    it('first: orderBy respected', async () => {
      assert.equal((await User.objects.first(undefined, { orderBy: '-age' }))?.name, 'erin');
      assert.equal((await User.objects.first({}, { orderBy: 'name' }))?.name, 'alice');
      assert.equal((await User.objects.first({ role: 'user' }, { orderBy: '-name' }))?.name, 'dave');
      assert.equal((await User.objects.first({ age: 25 }, { orderBy: ['age', '-name'] }))?.name, 'dave');
    });

    it('first: null when nothing matches', async () => {
      assert.equal(await User.objects.first({ role: 'ghost' }), null);
    });

    it('last: the reverse of first', async () => {
      const u: User | null = await User.objects.last();
      assert.equal(u?.name, 'erin');
      assert.equal((await User.objects.last({ role: 'user' }))?.name, 'dave');
      assert.equal((await User.objects.last(undefined, { orderBy: 'age' }))?.name, 'erin');
      assert.equal((await User.objects.last(undefined, { orderBy: '-age' }))?.age, 25);
      assert.equal((await User.objects.last(undefined, { orderBy: ['-age', 'name'] }))?.name, 'dave');
      assert.equal((await User.objects.last(undefined, { orderBy: ['-age', '-name'] }))?.name, 'bob');
      assert.equal(await User.objects.last({ role: 'ghost' }), null);
    });
  });

  describe('exists and count', () => {
    it('exists', async () => {
      assert.equal(await User.objects.exists(), true);
      assert.equal(await User.objects.exists({ role: 'admin' }), true);
      assert.equal(await User.objects.exists({ role: null }), true);
      assert.equal(await User.objects.exists({ role: 'ghost' }), false);
      assert.equal(await User.objects.exists({ email: ['x@y.z', 'bob@example.com'] }), true);
    });

    it('count', async () => {
      const n: number = await User.objects.count();
      assert.equal(n, SEED.length);
      assert.equal(await User.objects.count({ role: 'user' }), 2);
      assert.equal(await User.objects.count({ role: null }), 1);
      assert.equal(await User.objects.count({ age: [25, 40] }), 3);
      assert.equal(await User.objects.count({ role: 'ghost' }), 0);
    });
  });

  describe('invalid queries', () => {
    it('an unknown field: InvalidQueryError naming the field', async () => {
      const details = { model: 'User', field: 'nope' };
      await assert.rejects(User.objects.filter({ nope: 1 } as never), invalidQuery(details));
      await assert.rejects(User.objects.get({ nope: 1 } as never), invalidQuery(details));
      await assert.rejects(User.objects.count({ nope: 1 } as never), invalidQuery(details));
      await assert.rejects(User.objects.exists({ nope: 1 } as never), invalidQuery(details));
      await assert.rejects(User.objects.first({ nope: 1 } as never), invalidQuery(details));
      await assert.rejects(User.objects.filter({ nope: 1 } as never), (error: unknown) => {
        assert.ok(error instanceof InvalidQueryError);
        assert.match(error.message, /nope/);
        assert.ok(Array.isArray(error.details.available) && error.details.available.includes('email'));
        return true;
      });
      // A column name is not a field name.
      await assert.rejects(User.objects.filter({ created_at: new Date() } as never), invalidQuery({ model: 'User', field: 'created_at' }));
    });

    it('a value of the wrong type: InvalidQueryError naming the field', async () => {
      await assert.rejects(User.objects.filter({ age: 'x' } as never), invalidQuery({ model: 'User', field: 'age', value: 'x' }));
      await assert.rejects(User.objects.filter({ age: [25, 'x'] } as never), invalidQuery({ model: 'User', field: 'age', value: 'x' }));
      await assert.rejects(User.objects.filter({ name: 5 } as never), invalidQuery({ model: 'User', field: 'name', value: 5 }));
      await assert.rejects(User.objects.count({ createdAt: 'not a date' } as never), invalidQuery({ model: 'User', field: 'createdAt' }));
      await assert.rejects(User.objects.filter({ age: [null] } as never), invalidQuery({ model: 'User', field: 'age' }));
    });

    it('criteria that are not an object', async () => {
      await assert.rejects(User.objects.filter([1, 2] as never), invalidQuery({ model: 'User' }));
    });

    it('ordering by an unknown field', async () => {
      await assert.rejects(User.objects.filter({}, { orderBy: 'nope' }), invalidQuery({ model: 'User', field: 'nope' }));
      await assert.rejects(User.objects.all({ orderBy: ['name', '-nope'] }), invalidQuery({ model: 'User', field: 'nope' }));
      await assert.rejects(User.objects.first(undefined, { orderBy: 'created_at' }), invalidQuery({ model: 'User', field: 'created_at' }));
    });

    it('a negative or fractional limit or offset', async () => {
      await assert.rejects(User.objects.filter({}, { limit: -1 }), invalidQuery({ model: 'User', option: 'limit', value: -1 }));
      await assert.rejects(User.objects.all({ limit: 1.5 }), invalidQuery({ model: 'User', option: 'limit', value: 1.5 }));
      await assert.rejects(User.objects.all({ offset: -3 }), invalidQuery({ model: 'User', option: 'offset', value: -3 }));
    });

    it('an unknown query option', async () => {
      await assert.rejects(User.objects.all({ limit: 1, where: {} } as never), invalidQuery({ model: 'User', option: 'where' }));
    });

    it('nothing was changed by the refused queries', async () => {
      assert.equal(await User.objects.count(), SEED.length);
    });
  });
});
