/**
 * Batch writes: createMany, upsertMany, updateMany and deleteMany, atomic (all or nothing) and not
 * (per-item results), inside and outside the caller's transaction; duplicate keys in one batch;
 * empty batches; input checks; the result types.
 */
import { before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IsEmail, Length, Min } from 'class-validator';
import {
  DuplicateBatchKeyError, DuplicateKeyError, ErrorCodes, ForeignKeyViolationError, InvalidPrimaryKeyAssignmentError,
  InvalidQueryError, Model, RecordNotFoundError, RegistaError, UniqueConstraintError, ValidationError, belongsTo, field,
  model, primaryKey, transaction,
  type BatchFailure, type BatchResult, type SerializedError,
} from 'regista';
import { countQueries, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

@model({ table: uniqueTable('bt_users'), unique: ['email'] })
class BUser extends Model<BUser>() {
  @primaryKey() id!: number;
  @field() @Length(1, 80) name!: string;
  @field() @IsEmail() email!: string;
  @field({ default: 0 }) @Min(0) age!: number;
}

/** Caller-supplied primary key. */
@model({ table: uniqueTable('bt_settings') })
class BSetting extends Model<BSetting>() {
  @primaryKey({ autoincrement: false }) key!: string;
  @field() @Length(1, 40) value!: string;
  @field({ default: 0 }) version!: number;
}

/** A composite unique group and a nullable unique field. */
@model({ table: uniqueTable('bt_members'), unique: [['tenant', 'slug']] })
class BMember extends Model<BMember>() {
  @primaryKey() id!: number;
  @field() tenant!: string;
  @field() slug!: string;
  @field({ type: 'text', nullable: true, unique: true }) handle!: string | null;
}

/** A caller-supplied bigint key and a unique Date, to compare keys by value. */
@model({ table: uniqueTable('bt_events') })
class BEvent extends Model<BEvent>() {
  @primaryKey({ autoincrement: false, type: 'bigint' }) id!: bigint;
  @field({ type: 'datetime', unique: true }) at!: Date;
  @field() label!: string;
}

@model({ table: uniqueTable('bt_parents') })
class BParent extends Model<BParent>() {
  @primaryKey() id!: number;
  @field() name!: string;
}

/** Keeps its parent from being deleted. */
@model({ table: uniqueTable('bt_children') })
class BChild extends Model<BChild>() {
  @primaryKey() id!: number;
  @field() parentId!: number;
  @belongsTo(() => BParent, { foreignKey: 'parentId', onDelete: 'restrict' }) parent!: Promise<BParent | null>;
}

/** The rows of a table as stored, read with knex (not through regista), in key order. */
async function stored(cls: { objects: { meta: { table: string } } }, orderBy: string): Promise<Record<string, unknown>[]> {
  return db().knex(cls.objects.meta.table).select('*').orderBy(orderBy);
}

async function users(): Promise<Array<[number, string, string, number]>> {
  return (await stored(BUser, 'id')).map((r) => [Number(r.id), String(r.name), String(r.email), Number(r.age)]);
}

async function settings(): Promise<Array<[string, string, number]>> {
  return (await stored(BSetting, 'key')).map((r) => [String(r.key), String(r.value), Number(r.version)]);
}

/** The error `promise` rejects with, which must be exactly `cls`. */
async function errorOf<E extends RegistaError>(promise: Promise<unknown>, cls: abstract new (...args: never[]) => E): Promise<E> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof cls, `expected ${cls.name}, got ${String(caught)}`);
  assert.equal(caught.constructor, cls, `expected exactly ${cls.name}, got ${caught.constructor.name}`);
  return caught;
}

/** What the single-row method throws for the same item, serialised: a failure entry must carry exactly it. */
async function serialised(promise: Promise<unknown>, cls: abstract new (...args: never[]) => RegistaError): Promise<SerializedError> {
  return (await errorOf(promise, cls)).toJSON();
}

/** The fields listed in a serialised ValidationError. */
function violatedFields(error: SerializedError): string[] {
  const list: unknown = error.details.errors;
  assert.ok(Array.isArray(list), 'details.errors is a list');
  return list.map((e: { field?: unknown }) => String(e.field));
}

/** Checks a DuplicateBatchKeyError: class, code, exact details, and that no statement was sent. */
async function expectDuplicate(fn: () => Promise<unknown>, details: Record<string, unknown>): Promise<void> {
  const { result: error, count, statements } = await countQueries(db(), () => errorOf(fn(), DuplicateBatchKeyError));
  assert.equal(count, 0, `nothing may be sent: ${statements.join('; ')}`);
  assert.ok(error instanceof RegistaError);
  assert.equal(error.code, ErrorCodes.DUPLICATE_BATCH_KEY);
  assert.equal(error.code, 1210);
  assert.equal(DuplicateBatchKeyError.code, 1210);
  assert.deepEqual(error.details, details);
  assert.match(error.message, new RegExp(`item ${String(details.duplicateIndex)} repeats item ${String(details.firstIndex)}`));
  assert.equal(error.toJSON().name, 'DuplicateBatchKeyError');
}

let serial = 0;
function userRow(overrides: { name?: string; email?: string; age?: number } = {}) {
  serial += 1;
  return { name: `user${serial}`, email: `user${serial}@example.com`, ...overrides };
}

// ---------------------------------------------------------------------------------------------

describe('createMany', () => {
  before(async () => {
    await BUser.createSchema();
    await BSetting.createSchema();
  });
  beforeEach(async () => {
    await BUser.truncate();
    await BSetting.truncate();
  });

  it('atomic: creates every row in one transaction and returns the instances in order', async () => {
    const rows = [userRow({ age: 1 }), userRow({ age: 2 }), userRow()];
    const { result: created, count } = await countQueries(db(), () => BUser.objects.createMany(rows));
    assert.equal(count, rows.length + 2, 'BEGIN, one INSERT per row, COMMIT');
    assert.equal(created.length, 3);
    assert.ok(created.every((u) => u instanceof BUser && u.isPersisted()));
    assert.deepEqual(created.map((u) => [u.name, u.email, u.age]), rows.map((r) => [r.name, r.email, r.age ?? 0]));
    assert.deepEqual(await users(), created.map((u) => [u.id, u.name, u.email, u.age]));
  });

  it('atomic: a unique violation at index 2 throws that error and writes nothing', async () => {
    const existing = await BUser.objects.create(userRow());
    const rows = [userRow(), userRow(), userRow({ email: existing.email }), userRow()];
    const error = await errorOf(BUser.objects.createMany(rows), UniqueConstraintError);
    assert.equal(error.code, ErrorCodes.UNIQUE_CONSTRAINT);
    assert.deepEqual(error.details.fields, ['email']);
    assert.equal(error.details.model, 'BUser');
    assert.deepEqual(await users(), [[existing.id, existing.name, existing.email, 0]]);
  });

  it('atomic: a validation error at index 2 throws ValidationError and writes nothing', async () => {
    const rows = [userRow(), userRow(), userRow({ email: 'not-an-email' }), userRow()];
    const error = await errorOf(BUser.objects.createMany(rows), ValidationError);
    assert.equal(error.code, ErrorCodes.VALIDATION);
    assert.deepEqual(error.errors.map((e) => e.field), ['email']);
    assert.deepEqual(await users(), []);
  });

  it('atomic inside the caller\'s transaction: the failed batch is rolled back, the caller\'s own work commits', async () => {
    const taken = userRow();
    await transaction(async () => {
      await BUser.objects.create(taken);
      const error = await errorOf(BUser.objects.createMany([userRow({ name: 'batch' }), userRow({ email: taken.email })]), UniqueConstraintError);
      assert.deepEqual(error.details.fields, ['email']);
      await BUser.objects.create(userRow({ name: 'after' }));
    });
    assert.deepEqual((await users()).map(([, name]) => name), [taken.name, 'after']);
  });

  it('not atomic: reports succeeded keys and failed items; the database holds exactly the successes', async () => {
    const existing = await BUser.objects.create(userRow());
    const rows = [userRow(), userRow({ email: 'broken' }), userRow(), userRow({ email: existing.email }), userRow()];
    const expectedInvalid = await serialised(BUser.objects.create(rows[1]), ValidationError);
    const expectedTaken = await serialised(BUser.objects.create(rows[3]), UniqueConstraintError);

    const result: BatchResult = await BUser.objects.createMany(rows, { atomic: false });

    const kept = (await users()).filter(([id]) => id !== existing.id);
    assert.deepEqual(kept.map(([, name]) => name), [rows[0].name, rows[2].name, rows[4].name]);
    assert.deepEqual(result.succeeded, kept.map(([id]) => id));
    assert.deepEqual(result.failed, [
      { index: 1, key: null, error: expectedInvalid },
      { index: 3, key: null, error: expectedTaken },
    ] satisfies BatchFailure[]);
    // Not only equal to what create() throws: the right class, code and details.
    const [invalid, taken] = result.failed;
    assert.equal(invalid.error.name, 'ValidationError');
    assert.equal(invalid.error.code, 1100);
    assert.equal(invalid.error.details.model, 'BUser');
    assert.deepEqual(violatedFields(invalid.error), ['email']);
    assert.match(invalid.error.message, /email/);
    assert.equal(taken.error.name, 'UniqueConstraintError');
    assert.equal(taken.error.code, 1402);
    assert.deepEqual(taken.error.details.fields, ['email']);
    assert.equal(taken.error.details.model, 'BUser');
    assert.deepEqual(Object.keys(taken.error).sort(), ['code', 'details', 'message', 'name']);
  });

  it('not atomic: a failed row reports the key given in its data', async () => {
    await BSetting.objects.create({ key: 'taken', value: 'old' });
    const rows = [{ key: 'a', value: 'x' }, { key: 'taken', value: 'new' }, { key: 'b', value: '' }, { key: 'c', value: 'z' }];
    const expectedTaken = await serialised(BSetting.objects.create(rows[1]), DuplicateKeyError);
    const expectedInvalid = await serialised(BSetting.objects.create(rows[2]), ValidationError);
    const result = await BSetting.objects.createMany(rows, { atomic: false });
    assert.deepEqual(result, {
      succeeded: ['a', 'c'],
      failed: [{ index: 1, key: 'taken', error: expectedTaken }, { index: 2, key: 'b', error: expectedInvalid }],
    });
    assert.equal(result.failed[0].error.code, ErrorCodes.DUPLICATE_KEY);
    assert.equal(result.failed[1].error.code, ErrorCodes.VALIDATION);
    assert.deepEqual(await settings(), [['a', 'x', 0], ['c', 'z', 0], ['taken', 'old', 0]]);

    // An autoincrement key in the data fails that row, and is the key reported.
    const own = await BUser.objects.createMany([{ ...userRow(), id: 777 }], { atomic: false });
    assert.deepEqual(own.succeeded, []);
    assert.equal(own.failed[0].key, 777);
    assert.equal(own.failed[0].error.name, InvalidPrimaryKeyAssignmentError.name);
    assert.deepEqual(own.failed[0].error.details, { model: 'BUser', field: 'id', value: 777 });
  });

  it('not atomic inside the caller\'s transaction: continues after a failure, and the commit keeps the successes', async () => {
    const taken = userRow();
    const rows = [userRow(), userRow({ email: taken.email }), userRow(), userRow({ name: '' }), userRow()];
    const result = await transaction(async () => {
      await BUser.objects.create(taken);
      // A database-side failure (the unique email) aborts a PostgreSQL transaction unless it ran
      // in a savepoint: the rows after it, and the create below, prove it did.
      const inner = await BUser.objects.createMany(rows, { atomic: false });
      await BUser.objects.create(userRow({ name: 'after' }));
      return inner;
    });
    assert.deepEqual(result.failed.map((f) => [f.index, f.error.name]), [[1, 'UniqueConstraintError'], [3, 'ValidationError']]);
    const all = await users();
    assert.deepEqual(all.map(([, name]) => name), [taken.name, rows[0].name, rows[2].name, rows[4].name, 'after']);
    assert.deepEqual(result.succeeded, all.slice(1, 4).map(([id]) => id));
  });

  it('not atomic inside the caller\'s transaction: rolling the caller back undoes the successes too', async () => {
    await assert.rejects(transaction(async () => {
      const inner = await BUser.objects.createMany([userRow(), userRow({ age: -1 }), userRow()], { atomic: false });
      assert.equal(inner.succeeded.length, 2);
      throw new Error('caller gives up');
    }), /caller gives up/);
    assert.deepEqual(await users(), []);
  });

  it('the same email twice: DuplicateBatchKeyError before anything is written, in both modes', async () => {
    const rows = [userRow(), userRow(), userRow({ email: 'twice@example.com' }), userRow({ email: 'twice@example.com' })];
    const details = { key: { email: 'twice@example.com' }, firstIndex: 2, duplicateIndex: 3, batchSize: 4 };
    await expectDuplicate(() => BUser.objects.createMany(rows), details);
    await expectDuplicate(() => BUser.objects.createMany(rows, { atomic: false }), details);
    assert.deepEqual(await users(), []);
  });

  it('the same primary key twice: DuplicateBatchKeyError', async () => {
    const rows = [{ key: 'k1', value: 'a' }, { key: 'k2', value: 'b' }, { key: 'k1', value: 'c' }];
    await expectDuplicate(() => BSetting.objects.createMany(rows), { key: 'k1', firstIndex: 0, duplicateIndex: 2, batchSize: 3 });
    assert.deepEqual(await settings(), []);
  });

  it('returns an empty result for an empty batch, without a statement', async () => {
    const { result, count } = await countQueries(db(), async () => [
      await BUser.objects.createMany([]),
      await BUser.objects.createMany([], { atomic: false }),
    ] as const);
    assert.equal(count, 0);
    assert.deepEqual(result[0], []);
    assert.deepEqual(result[1], { succeeded: [], failed: [] });
  });

  it('refuses what is not an array of objects, and unknown options, with InvalidQueryError', async () => {
    const notArray = await errorOf(BUser.objects.createMany(userRow() as never), InvalidQueryError);
    assert.deepEqual(notArray.details, { model: 'BUser', method: 'createMany' });
    const notObject = await errorOf(BUser.objects.createMany([userRow(), 'x' as never]), InvalidQueryError);
    assert.deepEqual(notObject.details, { model: 'BUser', method: 'createMany', index: 1 });
    const nullRow = await errorOf(BUser.objects.createMany([null as never], { atomic: false }), InvalidQueryError);
    assert.deepEqual(nullRow.details, { model: 'BUser', method: 'createMany', index: 0 });
    const option = await errorOf(BUser.objects.createMany([userRow()], { atmoic: false } as never), InvalidQueryError);
    assert.deepEqual(option.details, { model: 'BUser', method: 'createMany', option: 'atmoic' });
    const atomic = await errorOf(BUser.objects.createMany([userRow()], { atomic: 'no' } as never), InvalidQueryError);
    assert.deepEqual(atomic.details, { model: 'BUser', method: 'createMany', option: 'atomic', value: 'no' });
    assert.deepEqual(await users(), []);
  });
});

describe('keys compare by value', () => {
  before(async () => {
    await BMember.createSchema();
    await BEvent.createSchema();
  });
  beforeEach(async () => {
    await BMember.truncate();
    await BEvent.truncate();
  });

  it('a composite unique group collides only when every field matches', async () => {
    const rows = [
      { tenant: 'acme', slug: 'home' }, { tenant: 'acme', slug: 'about' }, { tenant: 'globex', slug: 'home' },
      { tenant: 'acme', slug: 'home', handle: 'x' },
    ];
    await expectDuplicate(() => BMember.objects.createMany(rows), { key: { tenant: 'acme', slug: 'home' }, firstIndex: 0, duplicateIndex: 3, batchSize: 4 });
    assert.equal(await BMember.objects.count(), 0);
    const created = await BMember.objects.createMany(rows.slice(0, 3));
    assert.equal(created.length, 3);
  });

  it('nulls in a unique field never collide', async () => {
    const created = await BMember.objects.createMany([
      { tenant: 't', slug: 'a', handle: null }, { tenant: 't', slug: 'b', handle: null }, { tenant: 't', slug: 'c' },
    ]);
    assert.deepEqual(created.map((m) => m.handle), [null, null, null]);
    assert.equal(await BMember.objects.count({ tenant: 't' }), 3);
    await expectDuplicate(
      () => BMember.objects.createMany([{ tenant: 't', slug: 'd', handle: 'h' }, { tenant: 't', slug: 'e', handle: 'h' }]),
      { key: { handle: 'h' }, firstIndex: 0, duplicateIndex: 1, batchSize: 2 },
    );
  });

  it('bigint, number and integer text of one key are the same key; equal Dates are the same value', async () => {
    const at = (ms: number) => new Date(Date.UTC(2024, 0, 1) + ms);
    await expectDuplicate(
      () => BEvent.objects.createMany([{ id: 1n, at: at(1), label: 'a' }, { id: 2n, at: at(2), label: 'b' }, { id: 1, at: at(3), label: 'c' } as never]),
      { key: 1, firstIndex: 0, duplicateIndex: 2, batchSize: 3 },
    );
    await expectDuplicate(
      () => BEvent.objects.createMany([{ id: 5n, at: at(10), label: 'a' }, { id: 6n, at: at(10), label: 'b' }]),
      { key: { at: at(10) }, firstIndex: 0, duplicateIndex: 1, batchSize: 2 },
    );
    await expectDuplicate(() => BEvent.objects.deleteMany([7n, '7']), { key: '7', firstIndex: 0, duplicateIndex: 1, batchSize: 2 });
    await expectDuplicate(
      () => BEvent.objects.updateMany([{ key: 9, changes: { label: 'x' } }, { key: 9n, changes: { label: 'y' } }]),
      { key: 9n, firstIndex: 0, duplicateIndex: 1, batchSize: 2 },
    );
    assert.equal(await BEvent.objects.count(), 0);

    const created = await BEvent.objects.createMany([{ id: 10n, at: at(20), label: 'a' }, { id: 11n, at: at(21), label: 'b' }]);
    assert.deepEqual(created.map((e) => e.id), [10n, 11n]);
    assert.deepEqual((await stored(BEvent, 'id')).map((r) => String(r.id)), ['10', '11']);
  });
});

describe('upsertMany', () => {
  before(async () => {
    await BUser.createSchema();
    await BSetting.createSchema();
    await BMember.createSchema();
  });
  beforeEach(async () => {
    await BUser.truncate();
    await BSetting.truncate();
    await BMember.truncate();
  });

  it('atomic: inserts and updates (primary key and unique-field conflicts) and returns the stored rows', async () => {
    await BSetting.objects.create({ key: 'theme', value: 'dark' });
    const upserted: BSetting[] = await BSetting.objects.upsertMany([
      { key: 'theme', value: 'light', version: 2 }, { key: 'lang', value: 'en' },
    ]);
    assert.deepEqual(upserted.map((s) => [s.key, s.value, s.version]), [['theme', 'light', 2], ['lang', 'en', 0]]);
    assert.deepEqual(await settings(), [['lang', 'en', 0], ['theme', 'light', 2]]);

    const ann = await BUser.objects.create({ name: 'Ann', email: 'ann@example.com', age: 30 });
    const byEmail = await BUser.objects.upsertMany([{ name: 'Annie', email: 'ann@example.com' }, { name: 'Bob', email: 'bob@example.com' }]);
    assert.equal(byEmail[0].id, ann.id);
    assert.deepEqual(await users(), [[ann.id, 'Annie', 'ann@example.com', 30], [byEmail[1].id, 'Bob', 'bob@example.com', 0]]);
  });

  it('atomic: a validation error at index 2 changes nothing', async () => {
    await BSetting.objects.create({ key: 'a', value: 'old-a' });
    await BSetting.objects.create({ key: 'b', value: 'old-b' });
    const error = await errorOf(BSetting.objects.upsertMany([
      { key: 'a', value: 'new-a' }, { key: 'new', value: 'n' }, { key: 'b', value: '' }, { key: 'c', value: 'c' },
    ]), ValidationError);
    assert.deepEqual(error.errors.map((e) => e.field), ['value']);
    assert.deepEqual(await settings(), [['a', 'old-a', 0], ['b', 'old-b', 0]]);
  });

  it('not atomic: reports per row; the database holds exactly the successes', async () => {
    const existing = await BSetting.objects.create({ key: 'keep', value: 'v1' });
    const rows = [{ key: 'keep', value: 'v2' }, { key: 'bad', value: '' }, { key: 'fresh', value: 'f' }, { value: 'no key' }];
    const expectedBad = await serialised(BSetting.objects.upsert(rows[1]), ValidationError);
    const expectedNoKey = await serialised(BSetting.objects.upsert(rows[3]), ValidationError);
    const result: BatchResult = await BSetting.objects.upsertMany(rows, { atomic: false });
    assert.deepEqual(result, {
      succeeded: [existing.key, 'fresh'],
      failed: [{ index: 1, key: 'bad', error: expectedBad }, { index: 3, key: null, error: expectedNoKey }],
    });
    assert.deepEqual(violatedFields(expectedNoKey), ['key']);
    assert.deepEqual(await settings(), [['fresh', 'f', 0], ['keep', 'v2', 0]]);
  });

  it('the same conflict target twice: DuplicateBatchKeyError; rows without a target never collide', async () => {
    await expectDuplicate(
      () => BSetting.objects.upsertMany([{ key: 'x', value: '1' }, { key: 'x', value: '2' }]),
      { key: 'x', firstIndex: 0, duplicateIndex: 1, batchSize: 2 },
    );
    await expectDuplicate(
      () => BUser.objects.upsertMany([userRow({ email: 'e@example.com' }), userRow(), userRow({ email: 'e@example.com' })], { atomic: false }),
      { key: { email: 'e@example.com' }, firstIndex: 0, duplicateIndex: 2, batchSize: 3 },
    );
    // BMember's conflict target is (tenant, slug); handle is another unique, not the target.
    await expectDuplicate(
      () => BMember.objects.upsertMany([{ tenant: 'a', slug: 's', handle: 'h1' }, { tenant: 'a', slug: 's', handle: 'h2' }]),
      { key: { tenant: 'a', slug: 's' }, firstIndex: 0, duplicateIndex: 1, batchSize: 2 },
    );
    assert.deepEqual(await settings(), []);
    assert.deepEqual(await users(), []);
    assert.equal(await BMember.objects.count(), 0);
  });

  it('returns an empty result for an empty batch', async () => {
    assert.deepEqual(await BSetting.objects.upsertMany([]), []);
    assert.deepEqual(await BSetting.objects.upsertMany([], { atomic: false }), { succeeded: [], failed: [] });
  });
});

describe('updateMany', () => {
  before(async () => {
    await BUser.createSchema();
  });
  beforeEach(async () => {
    await BUser.truncate();
  });

  it('atomic: updates each row by key and returns the updated instances in order', async () => {
    const [a, b, c] = await BUser.objects.createMany([userRow(), userRow(), userRow()]);
    const updated: BUser[] = await BUser.objects.updateMany([
      { key: c.id, changes: { age: 3 } }, { key: a.id, changes: { name: 'A', age: 1 } },
    ]);
    assert.deepEqual(updated.map((u) => [u.id, u.name, u.age]), [[c.id, c.name, 3], [a.id, 'A', 1]]);
    assert.ok(updated.every((u) => u instanceof BUser));
    assert.deepEqual(await users(), [[a.id, 'A', a.email, 1], [b.id, b.name, b.email, 0], [c.id, c.name, c.email, 3]]);
  });

  it('atomic: a unique violation at index 2 changes nothing', async () => {
    const [a, b, c] = await BUser.objects.createMany([userRow(), userRow(), userRow()]);
    const before = await users();
    const error = await errorOf(BUser.objects.updateMany([
      { key: a.id, changes: { age: 10 } }, { key: b.id, changes: { name: 'changed' } }, { key: c.id, changes: { email: a.email } },
    ]), UniqueConstraintError);
    assert.deepEqual(error.details.fields, ['email']);
    assert.deepEqual(await users(), before);
  });

  it('atomic: a key without a row is a RecordNotFoundError and changes nothing', async () => {
    const [a] = await BUser.objects.createMany([userRow()]);
    const before = await users();
    const error = await errorOf(BUser.objects.updateMany([{ key: a.id, changes: { age: 5 } }, { key: a.id + 1000, changes: { age: 5 } }]), RecordNotFoundError);
    assert.equal(error.code, ErrorCodes.RECORD_NOT_FOUND);
    assert.deepEqual(error.details, { model: 'BUser', criteria: { id: a.id + 1000 } });
    assert.deepEqual(await users(), before);
  });

  it('not atomic: reports per key; the database shows exactly the successful changes', async () => {
    const [a, b, c, d] = await BUser.objects.createMany([userRow(), userRow(), userRow(), userRow()]);
    const missing = d.id + 1000;
    const items = [
      { key: a.id, changes: { age: 1 } },
      { key: missing, changes: { age: 2 } },
      { key: c.id, changes: { name: 'C' } },
      { key: d.id, changes: { email: b.email } },
      { key: b.id, changes: { age: -1 } },
    ];
    const expectedTaken = await serialised(BUser.objects.updateWhere({ id: d.id }, { email: b.email }), UniqueConstraintError);
    const expectedInvalid = await serialised(BUser.objects.updateWhere({ id: b.id }, { age: -1 }), ValidationError);
    const result = await BUser.objects.updateMany(items, { atomic: false });
    assert.deepEqual(result.succeeded, [a.id, c.id]);
    assert.deepEqual(result.failed, [
      {
        index: 1, key: missing,
        error: { name: 'RecordNotFoundError', code: 1300, message: `No BUser matches {"id":${missing}}.`, details: { model: 'BUser', criteria: { id: missing } } },
      },
      { index: 3, key: d.id, error: expectedTaken },
      { index: 4, key: b.id, error: expectedInvalid },
    ]);
    assert.equal(result.failed[1].error.code, ErrorCodes.UNIQUE_CONSTRAINT);
    assert.equal(result.failed[2].error.code, ErrorCodes.VALIDATION);
    assert.deepEqual(await users(), [
      [a.id, a.name, a.email, 1], [b.id, b.name, b.email, 0], [c.id, 'C', c.email, 0], [d.id, d.name, d.email, 0],
    ]);
  });

  it('the same key twice: DuplicateBatchKeyError, nothing changed', async () => {
    const [a, b] = await BUser.objects.createMany([userRow(), userRow()]);
    const before = await users();
    await expectDuplicate(
      () => BUser.objects.updateMany([{ key: a.id, changes: { age: 1 } }, { key: b.id, changes: { age: 2 } }, { key: a.id, changes: { age: 3 } }]),
      { key: a.id, firstIndex: 0, duplicateIndex: 2, batchSize: 3 },
    );
    assert.deepEqual(await users(), before);
  });

  it('refuses a key that is not one value of the primary key (an array would mean IN)', async () => {
    const [a, b] = await BUser.objects.createMany([userRow(), userRow()]);
    const before = await users();
    const error = await errorOf(BUser.objects.updateMany([{ key: [a.id, b.id] as never, changes: { age: 9 } }]), InvalidQueryError);
    assert.deepEqual(error.details, { model: 'BUser', field: 'id', expected: 'an integer', value: [a.id, b.id], method: 'updateMany', index: 0 });
    const shape = await errorOf(BUser.objects.updateMany([{ key: a.id, changes: { age: 1 } }, { id: b.id, changes: { age: 1 } } as never]), InvalidQueryError);
    assert.deepEqual(shape.details, { model: 'BUser', method: 'updateMany', index: 1 });
    await errorOf(BUser.objects.updateMany([{ key: a.id, changes: null as never }]), InvalidQueryError);
    assert.deepEqual(await users(), before);
  });

  it('returns an empty result for an empty batch', async () => {
    assert.deepEqual(await BUser.objects.updateMany([]), []);
    assert.deepEqual(await BUser.objects.updateMany([], { atomic: false }), { succeeded: [], failed: [] });
  });
});

describe('deleteMany', () => {
  before(async () => {
    await BUser.createSchema();
    await BParent.createSchema();
    await BChild.createSchema();
  });
  beforeEach(async () => {
    await BUser.truncate();
    // Not truncate(): PostgreSQL refuses to TRUNCATE a table that a foreign key references.
    await db().knex(BChild.objects.meta.table).del();
    await db().knex(BParent.objects.meta.table).del();
  });

  it('atomic: one statement; returns how many rows were deleted (keys without a row count nothing)', async () => {
    const [a, b, c] = await BUser.objects.createMany([userRow(), userRow(), userRow()]);
    const { result: n, count, statements } = await countQueries(db(), () => BUser.objects.deleteMany([a.id, c.id, c.id + 1000]));
    const deleted: number = n;
    assert.equal(deleted, 2);
    assert.equal(count, 1, statements.join('\n'));
    assert.match(statements[0], /^DELETE /);
    assert.deepEqual(await users(), [[b.id, b.name, b.email, 0]]);
  });

  it('atomic: more keys than one statement may bind are deleted in chunks, in one transaction', async () => {
    const [a, b, c] = await BUser.objects.createMany([userRow(), userRow(), userRow()]);
    const perStatement = db().dialect.capabilities.maxBindParams - 2;
    const keys = Array.from({ length: perStatement + 5 }, (_, i) => c.id + 1000 + i);
    keys[0] = a.id;
    keys[keys.length - 1] = c.id;
    const { result: n, statements } = await countQueries(db(), () => BUser.objects.deleteMany(keys));
    assert.equal(n, 2);
    assert.equal(statements.length, 4, statements.map((s) => s.slice(0, 40)).join('\n'));
    assert.match(statements[1], /^DELETE /);
    assert.match(statements[2], /^DELETE /);
    assert.match(statements[3], /^COMMIT/);
    assert.deepEqual(await users(), [[b.id, b.name, b.email, 0]]);
  });

  it('atomic: a foreign key violation in the middle deletes nothing', async () => {
    const [free1, used, free2] = await BParent.objects.createMany([{ name: 'free1' }, { name: 'used' }, { name: 'free2' }]);
    await BChild.objects.create({ parentId: used.id });
    const error = await errorOf(BParent.objects.deleteMany([free1.id, used.id, free2.id]), ForeignKeyViolationError);
    assert.equal(error.code, ErrorCodes.FOREIGN_KEY_VIOLATION);
    assert.equal(error.details.model, 'BParent');
    assert.deepEqual((await stored(BParent, 'id')).map((r) => r.name), ['free1', 'used', 'free2']);
  });

  it('not atomic: reports per key; a key without a row is a RecordNotFoundError', async () => {
    const [free1, used, free2, free3] = await BParent.objects.createMany([{ name: 'free1' }, { name: 'used' }, { name: 'free2' }, { name: 'free3' }]);
    await BChild.objects.create({ parentId: used.id });
    const missing = free3.id + 1000;
    const expectedFk = await serialised(BParent.objects.delete(used.id), ForeignKeyViolationError);
    const result = await BParent.objects.deleteMany([free1.id, used.id, missing, free2.id], { atomic: false });
    assert.deepEqual(result, {
      succeeded: [free1.id, free2.id],
      failed: [
        { index: 1, key: used.id, error: expectedFk },
        {
          index: 2, key: missing,
          error: { name: 'RecordNotFoundError', code: 1300, message: `No BParent matches {"id":${missing}}.`, details: { model: 'BParent', criteria: { id: missing } } },
        },
      ],
    });
    assert.equal(result.failed[0].error.code, ErrorCodes.FOREIGN_KEY_VIOLATION);
    assert.deepEqual((await stored(BParent, 'id')).map((r) => r.name), ['used', 'free3']);
  });

  it('not atomic inside the caller\'s transaction: continues after a failure (savepoints)', async () => {
    const [p1, used, p3] = await BParent.objects.createMany([{ name: 'p1' }, { name: 'used' }, { name: 'p3' }]);
    await BChild.objects.create({ parentId: used.id });
    const result = await transaction(async () => {
      const inner = await BParent.objects.deleteMany([p1.id, used.id, p3.id], { atomic: false });
      await BParent.objects.create({ name: 'after' });
      return inner;
    });
    assert.deepEqual(result.succeeded, [p1.id, p3.id]);
    assert.deepEqual(result.failed.map((f) => [f.index, f.key, f.error.name]), [[1, used.id, 'ForeignKeyViolationError']]);
    assert.deepEqual((await stored(BParent, 'id')).map((r) => r.name), ['used', 'after']);
  });

  // better-sqlite3 reports an ON DELETE RESTRICT refusal as SQLITE_CONSTRAINT_TRIGGER, which was
  // classified as a DatabaseError.
  it('regression: deleting a row a restrict foreign key references is a ForeignKeyViolationError on every driver', async () => {
    const [used] = await BParent.objects.createMany([{ name: 'used' }]);
    await BChild.objects.create({ parentId: used.id });
    const error = await errorOf(BParent.objects.delete(used.id), ForeignKeyViolationError);
    assert.equal(error.code, ErrorCodes.FOREIGN_KEY_VIOLATION);
    const batch = await errorOf(BParent.objects.deleteMany([used.id]), ForeignKeyViolationError);
    assert.equal(batch.details.model, 'BParent');
  });

  it('the same key twice: DuplicateBatchKeyError, nothing deleted', async () => {
    const [a, b] = await BUser.objects.createMany([userRow(), userRow()]);
    await expectDuplicate(() => BUser.objects.deleteMany([a.id, b.id, a.id]), { key: a.id, firstIndex: 0, duplicateIndex: 2, batchSize: 3 });
    await expectDuplicate(() => BUser.objects.deleteMany([b.id, b.id], { atomic: false }), { key: b.id, firstIndex: 0, duplicateIndex: 1, batchSize: 2 });
    assert.equal((await users()).length, 2);
  });

  it('refuses keys of the wrong type before deleting anything', async () => {
    const [a] = await BUser.objects.createMany([userRow()]);
    const error = await errorOf(BUser.objects.deleteMany([a.id, 'x']), InvalidQueryError);
    assert.deepEqual(error.details, { model: 'BUser', field: 'id', expected: 'an integer', value: 'x', method: 'deleteMany', index: 1 });
    await errorOf(BUser.objects.deleteMany([a.id, null as never], { atomic: false }), InvalidQueryError);
    await errorOf(BUser.objects.deleteMany(a.id as never), InvalidQueryError);
    assert.equal((await users()).length, 1);
  });

  it('returns 0 (or an empty result) for an empty batch, without a statement', async () => {
    const { result, count } = await countQueries(db(), async () => [
      await BUser.objects.deleteMany([]),
      await BUser.objects.deleteMany([], { atomic: false }),
    ] as const);
    assert.equal(count, 0);
    assert.equal(result[0], 0);
    assert.deepEqual(result[1], { succeeded: [], failed: [] });
  });
});

describe('result types', () => {
  before(async () => {
    await BSetting.createSchema();
  });

  it('atomic batches give instances (deleteMany a count); { atomic: false } gives a BatchResult', async () => {
    await BSetting.truncate();
    const rows = [{ key: 't1', value: 'a' }, { key: 't2', value: 'b' }];
    const created: BSetting[] = await BSetting.objects.createMany(rows);
    const r: BatchResult = await BSetting.objects.createMany([{ key: 't3', value: 'c' }], { atomic: false });
    const updated: BSetting[] = await BSetting.objects.updateMany([{ key: 't1', changes: { value: 'z' } }], { atomic: true });
    const u: BatchResult = await BSetting.objects.upsertMany([{ key: 't2', value: 'y' }], { atomic: false });
    const n: number = await BSetting.objects.deleteMany(['t1']);
    const d: BatchResult = await BSetting.objects.deleteMany(['t2'], { atomic: false });
    // @ts-expect-error a non-atomic batch does not return instances
    const wrong: BSetting[] = await BSetting.objects.createMany([{ key: 't4', value: 'd' }], { atomic: false });
    // @ts-expect-error a field the model does not have
    await assert.rejects(BSetting.objects.createMany([{ key: 't5', value: 'e', nope: 1 }]), ValidationError);
    assert.deepEqual(created.map((s) => s.key), ['t1', 't2']);
    assert.deepEqual([r.succeeded, updated[0].value, u.succeeded, n, d.succeeded], [['t3'], 'z', ['t2'], 1, ['t2']]);
    assert.equal(Array.isArray(wrong), false);
    assert.deepEqual(await settings(), [['t3', 'c', 0], ['t4', 'd', 0]]);
  });
});
