/**
 * sync: a plan of creates, updates (per-field from → to), deletes and an unchanged count between a
 * desired set of rows and a table; printing and serialising it; applying it in one transaction;
 * refusing a stale plan (StalePlanError, nothing written); input checks; async iterables; the
 * `fields` option; keys on a unique field, a group, or the primary key.
 */
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ErrorCodes, InvalidQueryError, Model, RegistaError, StalePlanError, SyncPlan, UniqueConstraintError, field, model,
  primaryKey, transaction, type CreateData, type SyncResult,
} from 'regista';
import { countQueries, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

@model({ table: uniqueTable('sy_users'), unique: ['email'] })
class SyncUser extends Model<SyncUser>() {
  @primaryKey() id!: number;
  @field() email!: string;
  @field() name!: string;
  @field({ type: 'text', nullable: true }) role!: string | null;
  @field({ default: 0 }) age!: number;
  @field({ type: 'json', nullable: true }) profile!: Record<string, unknown> | null;
  @field({ type: 'text', unique: true, nullable: true }) handle!: string | null;
  @field({ type: 'datetime', nullable: true }) seen!: Date | null;
}

/** Caller-supplied primary key. */
@model({ table: uniqueTable('sy_settings') })
class SyncSetting extends Model<SyncSetting>() {
  @primaryKey({ autoincrement: false }) key!: string;
  @field() value!: string;
  @field({ default: 0 }) version!: number;
}

/** A unique group, and a bigint. */
@model({ table: uniqueTable('sy_members'), unique: [['tenant', 'slug']] })
class SyncMember extends Model<SyncMember>() {
  @primaryKey() id!: number;
  @field() tenant!: string;
  @field() slug!: string;
  @field() title!: string;
  @field({ type: 'bigint', nullable: true }) quota!: bigint | null;
}

const SEEN = new Date(Date.UTC(2025, 4, 6, 7, 8, 9, 123));

/** ann unchanged, bob and cid to update, dan not desired, eve to create. */
const SEED: CreateData<SyncUser>[] = [
  { email: 'ann@x.io', name: 'Ann', role: 'admin', age: 30, handle: 'ann', seen: SEEN },
  { email: 'bob@x.io', name: 'Bob', age: 40, profile: { plan: 'free' } },
  { email: 'cid@x.io', name: 'Cid', role: 'dev', age: 50 },
  { email: 'dan@x.io', name: 'Dan', role: 'dev', age: 60, handle: 'dan' },
];

const DESIRED: CreateData<SyncUser>[] = [
  { email: 'ann@x.io', name: 'Ann', role: 'admin', age: 30, seen: new Date(SEEN.getTime()) },
  { email: 'bob@x.io', name: 'Robert', role: 'ops', age: 40, profile: { plan: 'pro' } },
  { email: 'cid@x.io', name: 'Cid', age: 51 },
  { email: 'eve@x.io', name: 'Eve', role: 'dev', age: 20, handle: 'eve' },
];

async function seed(): Promise<void> {
  await SyncUser.createSchema();
  await SyncUser.truncate();
  for (const row of SEED) await SyncUser.objects.create(row);
}

function userData(u: SyncUser) {
  return { id: u.id, email: u.email, name: u.name, role: u.role, age: u.age, profile: u.profile, handle: u.handle, seen: u.seen };
}

/** The whole table as plain data, in key order. */
async function table(): Promise<Array<ReturnType<typeof userData>>> {
  return (await SyncUser.objects.all({ orderBy: 'id' })).map(userData);
}

/** The error `promise` rejects with, which must be exactly `cls`. */
async function errorOf<E extends RegistaError>(promise: Promise<unknown>, cls: abstract new (...args: never[]) => E): Promise<E> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof cls, `expected ${cls.name}, got ${caught instanceof Error ? caught.stack : String(caught)}`);
  assert.equal(caught.constructor, cls, `expected exactly ${cls.name}, got ${caught.constructor.name}`);
  return caught;
}

/** Asserts that applying `plan` is refused as stale and that the table is left exactly as it was. */
async function expectStale(plan: SyncPlan<SyncUser>): Promise<void> {
  const before = await table();
  const error = await errorOf(plan.apply(), StalePlanError);
  assert.equal(error.code, ErrorCodes.STALE_PLAN);
  assert.equal(error.code, 1800);
  assert.equal(StalePlanError.code, 1800);
  assert.equal(error.details.model, 'SyncUser');
  assert.equal(error.details.planned, plan.fingerprint);
  assert.equal(typeof error.details.found, 'string');
  assert.notEqual(error.details.found, plan.fingerprint);
  assert.match(error.message, /SyncUser/);
  assert.deepEqual(await table(), before, 'nothing was written');
}

// ---------------------------------------------------------------------------------------------

describe('sync: planning', () => {
  beforeEach(seed);

  it('creates, updates with per-field from -> to, unchanged; deletes only with delete: true; reads only', async () => {
    const before = await table();
    const { result: plan, statements } = await countQueries(db(), () => SyncUser.objects.sync(DESIRED, { key: ['email'], delete: false }));
    assert.ok(plan instanceof SyncPlan);
    assert.deepEqual(plan.creates, [DESIRED[3]]);
    assert.deepEqual(plan.updates, [
      {
        key: { email: 'bob@x.io' },
        changes: { name: { from: 'Bob', to: 'Robert' }, role: { from: null, to: 'ops' }, profile: { from: { plan: 'free' }, to: { plan: 'pro' } } },
      },
      { key: { email: 'cid@x.io' }, changes: { age: { from: 50, to: 51 } } },
    ]);
    assert.deepEqual(plan.deletes, []);
    assert.equal(plan.unchanged, 1);
    assert.equal(plan.isEmpty, false);
    assert.match(plan.fingerprint, /^[0-9a-f]{32}$/);
    for (const sql of statements) assert.match(sql, /^SELECT /i, 'planning only reads');
    assert.deepEqual(await table(), before);

    const withDeletes = await SyncUser.objects.sync(DESIRED, { key: ['email'], delete: true });
    assert.deepEqual(withDeletes.deletes, [{ email: 'dan@x.io' }]);
    assert.deepEqual(withDeletes.creates, plan.creates);
    assert.deepEqual(withDeletes.updates, plan.updates);
    assert.equal(withDeletes.unchanged, 1);
  });

  it('toString: a summary line, then one line per operation', async () => {
    const plan = await SyncUser.objects.sync(DESIRED, { key: ['email'], delete: true });
    assert.equal(plan.toString(), [
      'SyncUser: 1 to create, 2 to update, 1 to delete, 1 unchanged',
      '  + email="eve@x.io"',
      '  ~ email="bob@x.io": name "Bob" -> "Robert"; role null -> "ops"; profile {"plan":"free"} -> {"plan":"pro"}',
      '  ~ email="cid@x.io": age 50 -> 51',
      '  - email="dan@x.io"',
    ].join('\n'));
    assert.equal(String(await SyncUser.objects.sync(SEED, { key: ['email'] })), 'SyncUser: 0 to create, 0 to update, 0 to delete, 4 unchanged');
  });

  it('JSON.stringify round-trips the plan: operations, numbers and the fingerprint', async () => {
    const plan = await SyncUser.objects.sync(DESIRED, { key: ['email'], delete: true });
    const parsed: unknown = JSON.parse(JSON.stringify(plan));
    assert.deepEqual(parsed, {
      model: 'SyncUser',
      key: ['email'],
      creates: [{ email: 'eve@x.io', name: 'Eve', role: 'dev', age: 20, handle: 'eve' }],
      updates: [
        {
          key: { email: 'bob@x.io' },
          changes: { name: { from: 'Bob', to: 'Robert' }, role: { from: null, to: 'ops' }, profile: { from: { plan: 'free' }, to: { plan: 'pro' } } },
        },
        { key: { email: 'cid@x.io' }, changes: { age: { from: 50, to: 51 } } },
      ],
      deletes: [{ email: 'dan@x.io' }],
      unchanged: 1,
      fingerprint: plan.fingerprint,
    });
  });

  it('regression: JSON.stringify of a plan with bigint values (bigints as strings, as toJSON documents)', async () => {
    await SyncMember.createSchema();
    await SyncMember.truncate();
    await SyncMember.objects.create({ tenant: 't', slug: 'a', title: 'A', quota: 2n ** 60n });
    const plan = await SyncMember.objects.sync([
      { tenant: 't', slug: 'a', title: 'A', quota: 2n ** 60n + 1n },
      { tenant: 't', slug: 'b', title: 'B', quota: 5n },
    ], { key: ['tenant', 'slug'] });
    assert.equal(plan.toString(), [
      'SyncMember: 1 to create, 1 to update, 0 to delete, 0 unchanged',
      '  + tenant="t", slug="b"',
      `  ~ tenant="t", slug="a": quota ${2n ** 60n}n -> ${2n ** 60n + 1n}n`,
    ].join('\n'));
    const parsed: unknown = JSON.parse(JSON.stringify(plan));
    assert.deepEqual(parsed, {
      model: 'SyncMember',
      key: ['tenant', 'slug'],
      creates: [{ tenant: 't', slug: 'b', title: 'B', quota: '5' }],
      updates: [{ key: { tenant: 't', slug: 'a' }, changes: { quota: { from: String(2n ** 60n), to: String(2n ** 60n + 1n) } } }],
      deletes: [],
      unchanged: 0,
      fingerprint: plan.fingerprint,
    });
  });

  it('values compare by what is stored: equal Dates, equal JSON, a number for a bigint field', async () => {
    await SyncMember.createSchema();
    await SyncMember.truncate();
    await SyncMember.objects.create({ tenant: 't', slug: 'a', title: 'A', quota: 7n });
    const plan = await SyncMember.objects.sync([{ tenant: 't', slug: 'a', title: 'A', quota: 7 as never }], { key: ['tenant', 'slug'] });
    assert.equal(plan.isEmpty, true);
    assert.equal(plan.unchanged, 1);
    // ann's `seen` is an equal Date (another object); bob's profile an equal object.
    const again = await SyncUser.objects.sync([DESIRED[0], { email: 'bob@x.io', profile: { plan: 'free' } }], { key: ['email'] });
    assert.deepEqual([again.isEmpty, again.unchanged], [true, 2]);
  });

  it('regression: JSON objects equal to the stored ones but with their keys in another order are unchanged', async () => {
    await SyncUser.objects.updateWhere({ email: 'bob@x.io' }, { profile: { theme: 'dark', lang: 'en', nested: { z: 1, a: [1, { y: 2, b: 3 }] } } });
    const plan = await SyncUser.objects.sync(
      [{ email: 'bob@x.io', profile: { theme: 'dark', lang: 'en', nested: { z: 1, a: [1, { y: 2, b: 3 }] } } }],
      { key: ['email'] },
    );
    assert.deepEqual(plan.updates, []);
    assert.equal(plan.unchanged, 1);
  });

  it('the fields option restricts what is compared (and so what is updated)', async () => {
    const plan = await SyncUser.objects.sync(DESIRED, { key: ['email'], fields: ['name'] });
    assert.deepEqual(plan.updates, [{ key: { email: 'bob@x.io' }, changes: { name: { from: 'Bob', to: 'Robert' } } }]);
    assert.equal(plan.unchanged, 2);
    assert.deepEqual(plan.creates, [DESIRED[3]]);
    await plan.apply();
    const bob = await SyncUser.objects.require({ email: 'bob@x.io' });
    assert.deepEqual([bob.name, bob.role, bob.profile], ['Robert', null, { plan: 'free' }]);
    assert.equal((await SyncUser.objects.require({ email: 'cid@x.io' })).age, 50);
    assert.equal((await SyncUser.objects.sync(DESIRED, { key: ['email'], fields: ['name'] })).isEmpty, true);
  });

  it('desired rows from an async iterable give the same plan as an array', async () => {
    async function* desired() {
      for (const row of DESIRED) {
        await new Promise((resolve) => setImmediate(resolve));
        yield row;
      }
    }
    const fromArray = await SyncUser.objects.sync(DESIRED, { key: ['email'], delete: true });
    const fromIterable = await SyncUser.objects.sync(desired(), { key: ['email'], delete: true });
    assert.deepEqual(fromIterable.toJSON(), fromArray.toJSON());
    assert.equal(fromIterable.toString(), fromArray.toString());
  });

  it('duplicate keys, missing or null key fields, a missing or unknown key: InvalidQueryError, nothing written', async () => {
    const before = await table();
    const duplicate = await errorOf(SyncUser.objects.sync([DESIRED[0], DESIRED[1], { email: 'ann@x.io', name: 'Other Ann' }], { key: ['email'] }), InvalidQueryError);
    assert.equal(duplicate.code, ErrorCodes.INVALID_QUERY);
    assert.equal(duplicate.details.index, 2);
    assert.deepEqual(duplicate.details.key, { email: 'ann@x.io' });
    const missing = await errorOf(SyncUser.objects.sync([DESIRED[0], { name: 'No Email' }], { key: ['email'] }), InvalidQueryError);
    assert.deepEqual([missing.details.index, missing.details.field], [1, 'email']);
    const nullKey = await errorOf(SyncUser.objects.sync([{ email: null as never, name: 'Null' }], { key: ['email'] }), InvalidQueryError);
    assert.deepEqual([nullKey.details.index, nullKey.details.field], [0, 'email']);
    const partOfGroup = await errorOf(SyncMember.objects.sync([{ tenant: 't', title: 'no slug' }], { key: ['tenant', 'slug'] }), InvalidQueryError);
    assert.equal(partOfGroup.details.field, 'slug');
    await errorOf(SyncUser.objects.sync(DESIRED, { key: [] }), InvalidQueryError);
    await errorOf(SyncUser.objects.sync(DESIRED, {} as never), InvalidQueryError);
    const unknown = await errorOf(SyncUser.objects.sync(DESIRED, { key: ['mail'] }), InvalidQueryError);
    assert.equal(unknown.details.field, 'mail');
    const notObject = await errorOf(SyncUser.objects.sync([DESIRED[0], 'x' as never], { key: ['email'] }), InvalidQueryError);
    assert.equal(notObject.details.index, 1);
    assert.deepEqual(await table(), before);
  });

  it('regression: stored rows with a null key field match nothing and do not stop the plan', async () => {
    // bob and cid have no handle.
    const plan = await SyncUser.objects.sync([{ handle: 'ann', email: 'ann@x.io', name: 'Ann B.' }, { handle: 'zed', email: 'zed@x.io', name: 'Zed' }], { key: ['handle'] });
    assert.deepEqual(plan.updates, [{ key: { handle: 'ann' }, changes: { name: { from: 'Ann', to: 'Ann B.' } } }]);
    assert.deepEqual(plan.creates.map((c) => c.handle), ['zed']);
    assert.deepEqual(plan.deletes, []);
  });
});

describe('sync: applying', () => {
  beforeEach(seed);

  it('apply: creates and updates, then deletes, in one transaction; a fresh plan is then empty', async () => {
    const plan = await SyncUser.objects.sync(DESIRED, { key: ['email'], delete: true });
    const before = await table();
    const { result, statements } = await countQueries(db(), () => plan.apply());
    assert.deepEqual(result, { created: 1, updated: 2, deleted: 1 } satisfies SyncResult);

    // One transaction around everything; writes in the order create, update, delete.
    assert.match(statements[0], /^BEGIN/i);
    assert.match(statements[statements.length - 1], /^COMMIT/i);
    assert.ok(!statements.slice(1, -1).some((s) => /^(BEGIN|COMMIT)/i.test(s)), statements.join('\n'));
    const firstOf = (re: RegExp) => statements.findIndex((s) => re.test(s));
    const lastOf = (re: RegExp) => statements.length - 1 - [...statements].reverse().findIndex((s) => re.test(s));
    assert.ok(firstOf(/^INSERT/i) > 0);
    assert.ok(lastOf(/^INSERT/i) < firstOf(/^UPDATE/i), statements.join('\n'));
    assert.ok(lastOf(/^UPDATE/i) < firstOf(/^DELETE/i), statements.join('\n'));

    const after = await table();
    assert.deepEqual(after.find((row) => row.email === 'ann@x.io'), before[0], 'the unchanged row is untouched');
    assert.deepEqual([...after].sort((a, b) => a.email.localeCompare(b.email)).map((u) => [u.email, u.name, u.role, u.age, u.profile, u.handle]), [
      ['ann@x.io', 'Ann', 'admin', 30, null, 'ann'],
      ['bob@x.io', 'Robert', 'ops', 40, { plan: 'pro' }, null],
      ['cid@x.io', 'Cid', 'dev', 51, null, null],
      ['eve@x.io', 'Eve', 'dev', 20, null, 'eve'],
    ]);

    const fresh = await SyncUser.objects.sync(DESIRED, { key: ['email'], delete: true });
    assert.equal(fresh.isEmpty, true, fresh.toString());
    assert.equal(fresh.unchanged, 4);
  });

  it('without delete: rows not desired stay', async () => {
    const plan = await SyncUser.objects.sync(DESIRED, { key: ['email'] });
    assert.deepEqual(await plan.apply(), { created: 1, updated: 2, deleted: 0 });
    assert.deepEqual((await SyncUser.objects.all({ orderBy: 'email' })).map((u) => u.email), ['ann@x.io', 'bob@x.io', 'cid@x.io', 'dan@x.io', 'eve@x.io']);
    assert.equal((await SyncUser.objects.sync(DESIRED, { key: ['email'] })).isEmpty, true);
  });

  it('a write that fails half-way rolls the whole apply back', async () => {
    // cid's update takes dan's handle: a unique violation after the create and bob's update.
    const plan = await SyncUser.objects.sync([...DESIRED.slice(0, 2), { email: 'cid@x.io', handle: 'dan' }, DESIRED[3]], { key: ['email'] });
    assert.equal(plan.updates.length, 2);
    const before = await table();
    const error = await errorOf(plan.apply(), UniqueConstraintError);
    assert.deepEqual(error.details.fields, ['handle']);
    assert.deepEqual(await table(), before);
  });

  it('inside an outer transaction it joins it: the outer rollback undoes the apply', async () => {
    const before = await table();
    const plan = await SyncUser.objects.sync(DESIRED, { key: ['email'], delete: true });
    await assert.rejects(transaction(async () => {
      assert.deepEqual(await plan.apply(), { created: 1, updated: 2, deleted: 1 });
      assert.equal(await SyncUser.objects.count({ email: 'eve@x.io' }), 1);
      throw new Error('caller gives up');
    }), /caller gives up/);
    assert.deepEqual(await table(), before);
  });

  it('stale: a row the plan updates was changed since planning', async () => {
    const plan = await SyncUser.objects.sync(DESIRED, { key: ['email'] });
    await SyncUser.objects.updateWhere({ email: 'bob@x.io' }, { age: 41 });
    await expectStale(plan);
  });

  it('stale: a row with the key of a planned create was created since planning', async () => {
    const plan = await SyncUser.objects.sync(DESIRED, { key: ['email'] });
    await SyncUser.objects.create({ email: 'eve@x.io', name: 'Early Eve' });
    await expectStale(plan);
  });

  it('stale: a row the plan deletes was changed since planning', async () => {
    const plan = await SyncUser.objects.sync(DESIRED, { key: ['email'], delete: true });
    await SyncUser.objects.updateWhere({ email: 'dan@x.io' }, { role: 'lead' });
    await expectStale(plan);
    // ...or deleted.
    const again = await SyncUser.objects.sync(DESIRED, { key: ['email'], delete: true });
    await SyncUser.objects.deleteWhere({ email: 'dan@x.io' });
    await expectStale(again);
  });

  it('stale: a plan applied twice', async () => {
    const plan = await SyncUser.objects.sync(DESIRED, { key: ['email'] });
    await plan.apply();
    await expectStale(plan);
  });

  it('not stale: a change to a row the plan does not touch', async () => {
    const plan = await SyncUser.objects.sync(DESIRED, { key: ['email'] });
    await SyncUser.objects.updateWhere({ email: 'ann@x.io' }, { age: 31 });
    await SyncUser.objects.create({ email: 'fay@x.io', name: 'Fay' });
    assert.deepEqual(await plan.apply(), { created: 1, updated: 2, deleted: 0 });
    assert.equal((await SyncUser.objects.require({ email: 'ann@x.io' })).age, 31);
  });

  it('regression: after applying JSON objects the fresh plan is empty', async () => {
    const desired = [{ email: 'bob@x.io', profile: { theme: 'dark', lang: 'en', list: [{ z: 1, a: 2 }] } }];
    await (await SyncUser.objects.sync(desired, { key: ['email'] })).apply();
    const fresh = await SyncUser.objects.sync(desired, { key: ['email'] });
    assert.equal(fresh.isEmpty, true, fresh.toString());
  });
});

describe('sync: other keys', () => {
  it('the primary key as the key', async () => {
    await SyncSetting.objects.bulkCreate([{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'c', value: '3', version: 1 }]);
    const desired = [{ key: 'a', value: '1' }, { key: 'b', value: 'two' }, { key: 'd', value: '4' }];
    const plan = await SyncSetting.objects.sync(desired, { key: ['key'], delete: true });
    assert.deepEqual(plan.creates, [{ key: 'd', value: '4' }]);
    assert.deepEqual(plan.updates, [{ key: { key: 'b' }, changes: { value: { from: '2', to: 'two' } } }]);
    assert.deepEqual(plan.deletes, [{ key: 'c' }]);
    assert.equal(plan.unchanged, 1);
    assert.deepEqual(await plan.apply(), { created: 1, updated: 1, deleted: 1 });
    assert.deepEqual((await SyncSetting.objects.all({ orderBy: 'key' })).map((s) => [s.key, s.value, s.version]), [['a', '1', 0], ['b', 'two', 0], ['d', '4', 0]]);
    assert.equal((await SyncSetting.objects.sync(desired, { key: ['key'], delete: true })).isEmpty, true);
  });

  it('a generated primary key as the key: updates and deletes by id', async () => {
    await seed();
    const users = await SyncUser.objects.all({ orderBy: 'id' });
    const desired = [{ id: users[0].id, name: 'Ann' }, { id: users[1].id, name: 'Bobby' }, { id: users[2].id, name: 'Cid', age: 52 }];
    const plan = await SyncUser.objects.sync(desired, { key: ['id'], delete: true });
    assert.deepEqual(plan.updates, [
      { key: { id: users[1].id }, changes: { name: { from: 'Bob', to: 'Bobby' } } },
      { key: { id: users[2].id }, changes: { age: { from: 50, to: 52 } } },
    ]);
    assert.deepEqual(plan.deletes, [{ id: users[3].id }]);
    assert.deepEqual([plan.creates.length, plan.unchanged], [0, 1]);
    assert.deepEqual(await plan.apply(), { created: 0, updated: 2, deleted: 1 });
    assert.deepEqual((await SyncUser.objects.all({ orderBy: 'id' })).map((u) => [u.id, u.name, u.age]), [
      [users[0].id, 'Ann', 30], [users[1].id, 'Bobby', 40], [users[2].id, 'Cid', 52],
    ]);
    assert.equal((await SyncUser.objects.sync(desired, { key: ['id'], delete: true })).isEmpty, true);
  });

  it('a unique group as the key', async () => {
    await SyncMember.createSchema();
    await SyncMember.truncate();
    await SyncMember.objects.bulkCreate([
      { tenant: 'acme', slug: 'home', title: 'Home' }, { tenant: 'acme', slug: 'about', title: 'About' }, { tenant: 'globex', slug: 'home', title: 'G' },
    ]);
    const desired = [{ tenant: 'acme', slug: 'home', title: 'Welcome' }, { tenant: 'globex', slug: 'home', title: 'G' }, { tenant: 'globex', slug: 'about', title: 'GA' }];
    const plan = await SyncMember.objects.sync(desired, { key: ['tenant', 'slug'], delete: true });
    assert.deepEqual(plan.updates, [{ key: { tenant: 'acme', slug: 'home' }, changes: { title: { from: 'Home', to: 'Welcome' } } }]);
    assert.deepEqual(plan.deletes, [{ tenant: 'acme', slug: 'about' }]);
    assert.deepEqual(plan.creates, [desired[2]]);
    await plan.apply();
    assert.deepEqual((await SyncMember.objects.all({ orderBy: ['tenant', 'slug'] })).map((m) => [m.tenant, m.slug, m.title]), [
      ['acme', 'home', 'Welcome'], ['globex', 'about', 'GA'], ['globex', 'home', 'G'],
    ]);
    assert.equal((await SyncMember.objects.sync(desired, { key: ['tenant', 'slug'], delete: true })).isEmpty, true);
  });
});
