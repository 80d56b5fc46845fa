/**
 * JSON documents: json fields typed with a class (nested validation, instances on read), how they
 * are stored, dotted paths in criteria and text filters, updatePaths (one UPDATE; concurrent
 * updates of different paths both survive), deep merge (merge, upsert { merge: 'deep' }) and
 * findByExample. docs/documents.md shows these same cases.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsOptional, IsString, Length, Min, ValidateNested } from 'class-validator';
import {
  ErrorCodes, InvalidQueryError, Model, RecordNotFoundError, ValidationError, connect, field, getDatabase, model, primaryKey,
  transaction, type Database,
} from 'regista';
import { countQueries, dialectName, isPostgres, pgUrl, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

type Doc = Record<string, unknown>;

const ASSET_TABLE = uniqueTable('doc_assets');

/** Three json fields named as in the issue, and plain fields beside them. */
@model({ table: ASSET_TABLE })
class Asset extends Model<Asset>() {
  @primaryKey() id!: number;
  @field() name!: string;
  /** Groups the rows of one test, so each test reads only its own rows. */
  @field({ default: '' }) tag!: string;
  @field({ type: 'json', nullable: true }) source!: Doc | null;
  @field({ type: 'json', nullable: true }) cloudStatus!: Doc | null;
  @field({ type: 'json', nullable: true }) planning!: Doc | null;
  @field({ type: 'json', nullable: true }) labels!: unknown[] | null;
  @field({ default: 0 }) rank!: number;
}

/** Caller-supplied key, for upsert({ merge: 'deep' }). */
@model({ table: uniqueTable('doc_settings') })
class Setting extends Model<Setting>() {
  @primaryKey({ autoincrement: false }) key!: string;
  @field({ type: 'json', nullable: true }) value!: Doc | null;
  @field({ default: 0 }) version!: number;
}

/** A unique field as the upsert conflict target. */
@model({ table: uniqueTable('doc_profiles'), unique: ['handle'] })
class Account extends Model<Account>() {
  @primaryKey() id!: number;
  @field() handle!: string;
  @field({ type: 'json', nullable: true }) prefs!: Doc | null;
}

// Document classes: nested class-validator rules, class-transformer @Type for the nested class.
class Address {
  @IsString() @Length(1, 40) city!: string;
  @IsOptional() @IsString() zip?: string;
}

class Profile {
  @IsString() @Length(1, 40) displayName!: string;
  @IsInt() @Min(0) age!: number;
  // @ValidateNested alone lets a missing (or null) nested object through: @IsDefined requires it.
  @IsDefined() @ValidateNested() @Type(() => Address) address!: Address;
}

const MEMBER_TABLE = uniqueTable('doc_members');

@model({ table: MEMBER_TABLE })
class Member extends Model<Member>() {
  @primaryKey() id!: number;
  @field() email!: string;
  @field({ type: 'json' }) @ValidateNested() @Type(() => Profile) profile!: Profile;
}

let serial = 0;
/** A tag no other test uses. */
function newTag(): string {
  serial += 1;
  return `t${serial}`;
}

/** A json column as stored, read with knex (not through regista): parsed from text on SQLite. */
async function stored(table: string, id: number, column: string): Promise<unknown> {
  const row: Record<string, unknown> | undefined = await db().knex(table).where({ id }).first();
  assert.ok(row, `row ${id} of ${table} exists`);
  const value = row[column];
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** The names of the matched rows, sorted. */
function names(rows: ReadonlyArray<{ name: string }>): string[] {
  return rows.map((r) => r.name).sort();
}

/** The UPDATE statements among those a call ran. */
function updates(statements: readonly string[]): string[] {
  return statements.filter((s) => /^\s*UPDATE\b/i.test(s));
}

/** Statements that write: INSERT, UPDATE or DELETE. */
function writes(statements: readonly string[]): string[] {
  return statements.filter((s) => /^\s*(INSERT|UPDATE|DELETE)\b/i.test(s));
}

/** An assert.rejects validator: ValidationError (1100) whose violations name exactly these fields. */
function validationOf(fields: string[]): (error: unknown) => true {
  return (error: unknown) => {
    assert.ok(error instanceof ValidationError, `expected ValidationError, got ${String(error)}`);
    assert.equal(error.code, ErrorCodes.VALIDATION);
    assert.deepEqual(error.errors.map((e) => e.field).sort(), [...fields].sort(), error.message);
    return true;
  };
}

/** An assert.rejects validator: InvalidQueryError (1200), with these details when given. */
function invalidQuery(details: Record<string, unknown> = {}): (error: unknown) => true {
  return (error: unknown) => {
    assert.ok(error instanceof InvalidQueryError, `expected InvalidQueryError, got ${String(error)}`);
    assert.equal(error.code, ErrorCodes.INVALID_QUERY);
    for (const [k, v] of Object.entries(details)) assert.deepEqual(error.details[k], v, `details.${k}`);
    return true;
  };
}

/**
 * The file behind the SQLite test database, or undefined in memory; on PostgreSQL, the schema the
 * test database works in.
 */
async function location(): Promise<string | undefined> {
  if (isPostgres()) {
    const { rows } = await db().run('SELECT current_schema() AS s');
    return String(rows[0].s);
  }
  const { rows } = await db().run('PRAGMA database_list');
  const file = rows.find((r) => r.name === 'main')?.file;
  return typeof file === 'string' && file !== '' ? file : undefined;
}

/**
 * Whether this dialect can have two connections to one database in one process. Not an in-memory
 * SQLite database (no other connection can reach it), and not better-sqlite3 on a file: its calls
 * are synchronous, so a connection waiting for the write lock (busy_timeout) blocks the event loop
 * and the connection holding the lock can never commit (SQLITE_BUSY after 5 s). sqlite3 (async) can.
 */
const TWO_CONNECTIONS = dialectName() === 'postgres' || dialectName() === 'sqlite3-file';
const ONE_CONNECTION_ONLY = !TWO_CONNECTIONS && `${dialectName()} cannot have two connections to one database in one process`;

/** A second connection (pool) to the same database, named `second`, where the dialect allows one. */
async function connectSecond(): Promise<Database | undefined> {
  if (!TWO_CONNECTIONS) return undefined;
  const where = await location();
  if (where === undefined) return undefined;
  if (isPostgres()) return connect(pgUrl(), { name: 'second', schema: where });
  return connect(`sqlite://${where}`, { name: 'second', driver: dialectName() === 'sqlite3-file' ? 'sqlite3' : 'better-sqlite3' });
}

/** The same table as Asset, used through the `second` connection. */
@model({ table: ASSET_TABLE, database: 'second', autoCreate: false })
class AssetElsewhere extends Model<AssetElsewhere>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @field({ default: '' }) tag!: string;
  @field({ type: 'json', nullable: true }) source!: Doc | null;
  @field({ type: 'json', nullable: true }) cloudStatus!: Doc | null;
  @field({ type: 'json', nullable: true }) planning!: Doc | null;
  @field({ type: 'json', nullable: true }) labels!: unknown[] | null;
  @field({ default: 0 }) rank!: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// One outer suite: under Node 20, file-level before() hooks start without waiting for each other.

describe('JSON documents', () => {
  let second: Database | undefined;

  before(async () => {
    await Asset.createSchema();
    await Setting.createSchema();
    await Account.createSchema();
    await Member.createSchema();
    second = await connectSecond();
  });

  describe('storage', () => {
    it('a json column is jsonb on PostgreSQL and JSON text on SQLite (per the catalog)', async () => {
      const a = await Asset.objects.create({ name: 'stored', source: { objectType: 'table', n: 1, ok: true } });
      if (isPostgres()) {
        const { rows } = await db().run(
          'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY column_name',
          [ASSET_TABLE],
        );
        const types = Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]));
        assert.equal(types.source, 'jsonb');
        assert.equal(types.cloud_status, 'jsonb');
        assert.equal(types.planning, 'jsonb');
        const { rows: typed } = await db().run(`SELECT jsonb_typeof(source) AS t FROM "${ASSET_TABLE}" WHERE id = $1`, [a.id]);
        assert.equal(typed[0].t, 'object');
      } else {
        const { rows } = await db().run(`PRAGMA table_info("${ASSET_TABLE}")`);
        const types = Object.fromEntries(rows.map((r) => [r.name, r.type]));
        assert.equal(types.source, 'TEXT');
        assert.equal(types.cloud_status, 'TEXT');
        const { rows: typed } = await db().run(`SELECT typeof(source) AS t, json_valid(source) AS v, source AS s FROM "${ASSET_TABLE}" WHERE id = ?`, [a.id]);
        assert.equal(typed[0].t, 'text');
        assert.equal(Number(typed[0].v), 1);
        assert.deepEqual(JSON.parse(String(typed[0].s)), { objectType: 'table', n: 1, ok: true });
      }
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'source'), { objectType: 'table', n: 1, ok: true });
    });

    it('a column name in the catalog follows the field (cloudStatus → cloud_status)', async () => {
      const a = await Asset.objects.create({ name: 'column-name', cloudStatus: { prod: 'up' } });
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'cloud_status'), { prod: 'up' });
    });
  });

  describe('json fields typed with a class', () => {
    const profile = { displayName: 'Ann', age: 41, address: { city: 'Oslo', zip: '0150' } };

    it('reads return instances of the document classes: get, filter, refresh, where, first', async () => {
      const created = await Member.objects.create({ email: 'ann@example.com', profile: { ...profile, address: { ...profile.address } } });
      assert.ok(created.profile instanceof Profile);
      assert.ok(created.profile.address instanceof Address);

      const got = await Member.objects.require(created.id);
      assert.ok(got.profile instanceof Profile, 'get');
      assert.ok(got.profile.address instanceof Address, 'get: nested');
      assert.equal(got.profile.displayName, 'Ann');
      assert.equal(got.profile.age, 41);
      assert.equal(got.profile.address.city, 'Oslo');

      const [filtered] = await Member.objects.filter({ 'profile.address.city': 'Oslo' });
      assert.ok(filtered.profile instanceof Profile, 'filter');
      assert.ok(filtered.profile.address instanceof Address, 'filter: nested');

      const first = await Member.objects.where({ email: 'ann@example.com' }).first();
      assert.ok(first?.profile instanceof Profile, 'query set first');

      await Member.objects.updateWhere({ id: created.id }, { email: 'ann2@example.com' });
      await got.refresh();
      assert.equal(got.email, 'ann2@example.com');
      assert.ok(got.profile instanceof Profile, 'refresh');
      assert.ok(got.profile.address instanceof Address, 'refresh: nested');

      const patched = await Member.objects.updatePaths(created.id, { 'profile.address.city': 'Bergen' });
      assert.ok(patched.profile instanceof Profile, 'updatePaths result');
      assert.equal(patched.profile.address.city, 'Bergen');

      const merged = await Member.objects.merge(created.id, { email: 'ann3@example.com' });
      assert.ok(merged.profile instanceof Profile, 'merge result');
      assert.ok(merged.profile.address instanceof Address, 'merge result: nested');
      assert.deepEqual(await stored(MEMBER_TABLE, created.id, 'profile'), { ...profile, address: { city: 'Bergen', zip: '0150' } });
    });

    it('invalid nested data: ValidationError listing the nested paths, nothing written', async () => {
      const before = await Member.objects.count();
      await assert.rejects(
        Member.objects.create({ email: 'bad@example.com', profile: { displayName: 'Bad', age: -1, address: { city: '' } } }),
        (error: unknown) => {
          validationOf(['profile.age', 'profile.address.city'])(error);
          assert.ok(error instanceof ValidationError);
          const byField = Object.fromEntries(error.errors.map((e) => [e.field, Object.keys(e.constraints)]));
          assert.deepEqual(byField['profile.age'], ['min']);
          assert.deepEqual(byField['profile.address.city'], ['isLength']);
          assert.match(error.message, /profile\.address\.city/);
          return true;
        },
      );
      assert.equal(await Member.objects.count(), before);
      assert.equal(await Member.objects.count({ email: 'bad@example.com' }), 0);
    });

    it('a missing or null nested object (with @IsDefined) and a wrong nested type are refused too', async () => {
      const before = await Member.objects.count();
      await assert.rejects(
        Member.objects.create({ email: 'bad2@example.com', profile: { displayName: 'No address', age: 3 } as Profile }),
        validationOf(['profile.address']),
      );
      await assert.rejects(
        Member.objects.create({ email: 'bad2@example.com', profile: { displayName: 'Null address', age: 3, address: null } as never }),
        validationOf(['profile.address']),
      );
      await assert.rejects(
        Member.objects.create({ email: 'bad3@example.com', profile: { displayName: 'Old', age: 'old', address: { city: 'Rome' } } as never }),
        validationOf(['profile.age']),
      );
      assert.equal(await Member.objects.count(), before);
    });

    it('merge, updateWhere and save validate the nested document; the row stays as it was', async () => {
      const m = await Member.objects.create({ email: 'keep@example.com', profile: { displayName: 'Keep', age: 30, address: { city: 'Lima' } } });
      const original = await stored(MEMBER_TABLE, m.id, 'profile');

      // `as Profile`: merge's patch is typed CreateData<T>, which wants a whole document (see docs/documents.md).
      await assert.rejects(Member.objects.merge(m.id, { profile: { address: { city: '' } } as Profile }), validationOf(['profile.address.city']));
      await assert.rejects(
        Member.objects.updateWhere({ id: m.id }, { profile: { displayName: 'Keep', age: -5, address: { city: 'Lima' } } }),
        validationOf(['profile.age']),
      );
      m.profile.address.city = '';
      await assert.rejects(m.save(), validationOf(['profile.address.city']));
      assert.deepEqual(await stored(MEMBER_TABLE, m.id, 'profile'), original);
    });

    it('regression: updatePaths validates the resulting document of a class-typed json field', async () => {
      const m = await Member.objects.create({ email: 'paths@example.com', profile: { displayName: 'Pat', age: 50, address: { city: 'Turku' } } });
      const original = await stored(MEMBER_TABLE, m.id, 'profile');
      await assert.rejects(Member.objects.updatePaths(m.id, { 'profile.age': -1, 'profile.address.city': '' }), validationOf(['profile.age', 'profile.address.city']));
      assert.deepEqual(await stored(MEMBER_TABLE, m.id, 'profile'), original);
    });

    it('merge of a valid nested patch keeps the other nested keys', async () => {
      const m = await Member.objects.create({ email: 'merge@example.com', profile: { displayName: 'Mo', age: 20, address: { city: 'Quito', zip: 'EC' } } });
      const merged = await Member.objects.merge(m.id, { profile: { age: 21, address: { city: 'Cuenca' } } as Profile });
      assert.ok(merged.profile instanceof Profile);
      assert.deepEqual(await stored(MEMBER_TABLE, m.id, 'profile'), { displayName: 'Mo', age: 21, address: { city: 'Cuenca', zip: 'EC' } });
    });
  });

  describe('dotted paths in criteria and text filters', () => {
    const tag = newTag();
    before(async () => {
      await Asset.objects.createMany([
        { tag, name: 'orders', source: { objectType: 'table', schema: 'sales' }, cloudStatus: { testing: { status: 'done' } }, planning: { wave: 2, locked: true } },
        { tag, name: 'customers', source: { objectType: 'table', schema: 'crm' }, cloudStatus: { prod: 'up' }, planning: { wave: 10, locked: false } },
        { tag, name: 'v_revenue', source: { objectType: 'view', schema: 'sales' }, cloudStatus: { testing: null }, planning: { wave: '10', locked: 'true' } },
        { tag, name: 'no-docs', source: null, cloudStatus: null, planning: null },
      ]);
    });

    it("{ 'source.objectType': 'table' } matches on a path inside the json field", async () => {
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'source.objectType': 'table' })), ['customers', 'orders']);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'source.objectType': 'view', 'source.schema': 'sales' })), ['v_revenue']);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'source.objectType': ['view', 'table'] })), ['customers', 'orders', 'v_revenue']);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'source.objectType': { ne: 'table' } })), ['v_revenue']);
    });

    it('the same paths in a text filter', async () => {
      assert.deepEqual(names(await Asset.objects.filter("tag = :tag AND source.objectType = 'table'", { tag })), ['customers', 'orders']);
      assert.deepEqual(names(await Asset.objects.where({ tag }).where("source.schema = 'sales' AND NOT source.objectType = 'view'")), ['orders']);
    });

    it('text operators on a path compare the text of the value', async () => {
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'source.schema': { startsWith: 'sa' } })), ['orders', 'v_revenue']);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'source.schema': { contains: 'r' } })), ['customers']);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'source.objectType': { ilike: 'VIEW' } })), ['v_revenue']);
      assert.deepEqual(names(await Asset.objects.filter("tag = :tag AND source.schema LIKE 'sal%'", { tag })), ['orders', 'v_revenue']);
    });

    it('"cloudStatus.testing IS NULL": a missing path, a JSON null and a NULL column all match', async () => {
      assert.deepEqual(names(await Asset.objects.filter('tag = :tag AND cloudStatus.testing IS NULL', { tag })), ['customers', 'no-docs', 'v_revenue']);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'cloudStatus.testing': null })), ['customers', 'no-docs', 'v_revenue']);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'cloudStatus.testing': { isNull: true } })), ['customers', 'no-docs', 'v_revenue']);
      assert.deepEqual(names(await Asset.objects.filter('tag = :tag AND cloudStatus.testing IS NOT NULL', { tag })), ['orders']);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'cloudStatus.testing.status': 'done' })), ['orders']);
    });

    it('numbers are compared as numbers, not as text', async () => {
      // As text, '10' > '9' is false and '10' = 10 could be true.
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'planning.wave': 10 })), ['customers']);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'planning.wave': '10' })), ['v_revenue']);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'source.objectType': 'table', 'planning.wave': { gt: 9 } })), ['customers']);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'source.objectType': 'table', 'planning.wave': { lt: 3 } })), ['orders']);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'planning.wave': { between: [2, 9] } })), ['orders']);
      assert.deepEqual(names(await Asset.objects.filter('tag = :tag AND planning.wave = 10', { tag })), ['customers']);
      assert.deepEqual(names(await Asset.objects.filter("tag = :tag AND planning.wave = '10'", { tag })), ['v_revenue']);
      assert.deepEqual(names(await Asset.objects.filter("tag = :tag AND source.objectType = 'table' AND planning.wave >= :w", { tag, w: 2.5 })), ['customers']);
    });

    it('booleans are compared as booleans, not as text', async () => {
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'planning.locked': true })), ['orders']);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'planning.locked': false })), ['customers']);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'planning.locked': 'true' })), ['v_revenue']);
      assert.deepEqual(names(await Asset.objects.filter('tag = :tag AND planning.locked = TRUE', { tag })), ['orders']);
      assert.deepEqual(names(await Asset.objects.filter('tag = :tag AND planning.locked = :on', { tag, on: false })), ['customers']);
    });

    it('paths work in count, exists, updateWhere and deleteWhere too', async () => {
      assert.equal(await Asset.objects.count({ tag, 'source.schema': 'sales' }), 2);
      assert.equal(await Asset.objects.exists({ tag, 'source.schema': 'nowhere' }), false);
      const t = newTag();
      await Asset.objects.createMany([
        { tag: t, name: 'x1', planning: { wave: 1 } },
        { tag: t, name: 'x2', planning: { wave: 2 } },
      ]);
      const changed = await Asset.objects.updateWhere({ tag: t, 'planning.wave': 2 }, { rank: 7 });
      assert.deepEqual(names(changed), ['x2']);
      assert.equal(await Asset.objects.deleteWhere({ tag: t, 'planning.wave': { lt: 2 } }), 1);
      assert.deepEqual(names(await Asset.objects.filter({ tag: t })), ['x2']);
    });

    it('a path on a non-json field, a bad segment, an unknown field or a bad value: InvalidQueryError', async () => {
      await assert.rejects(Asset.objects.filter({ tag, 'name.first': 'x' }), invalidQuery({ model: 'Asset', field: 'name' }));
      await assert.rejects(Asset.objects.filter({ tag, 'source.a-b': 'x' }), invalidQuery({ model: 'Asset', field: 'source' }));
      await assert.rejects(Asset.objects.filter({ tag, 'nope.x': 1 }), invalidQuery());
      await assert.rejects(Asset.objects.filter({ tag, 'source.objectType': { gt: 10n } }), invalidQuery({ field: 'source.objectType' }));
      await assert.rejects(Asset.objects.filter('source.x-y = 1'), invalidQuery());
    });
  });

  describe('updatePaths', () => {
    it('sets each leaf, keeps every other key, in ONE UPDATE statement', async () => {
      const a = await Asset.objects.create({
        name: 'paths', rank: 3,
        planning: { wave: 1, owner: 'ann', meta: { a: 1 } },
        cloudStatus: { prod: { status: 'live' }, testing: { status: 'pending', by: 'bob' } },
      });
      const { result, statements } = await countQueries(db(), () =>
        Asset.objects.updatePaths(a.id, { 'planning.wave': 2, 'cloudStatus.testing.status': 'done' }));
      assert.equal(updates(statements).length, 1, statements.join('\n'));
      assert.deepEqual(writes(statements), updates(statements), 'the UPDATE is the only write');

      const expectedPlanning = { wave: 2, owner: 'ann', meta: { a: 1 } };
      const expectedStatus = { prod: { status: 'live' }, testing: { status: 'done', by: 'bob' } };
      assert.ok(result instanceof Asset);
      assert.deepEqual(result.planning, expectedPlanning);
      assert.deepEqual(result.cloudStatus, expectedStatus);
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'planning'), expectedPlanning);
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'cloud_status'), expectedStatus);
      const again = await Asset.objects.require(a.id);
      assert.equal(again.rank, 3);
      assert.equal(again.name, 'paths');
    });

    it('creates missing intermediate objects, also when the column is NULL or holds JSON null', async () => {
      const a = await Asset.objects.create({ name: 'intermediates', cloudStatus: null, planning: { wave: 1, meta: null } });
      await Asset.objects.updatePaths(a.id, {
        'cloudStatus.testing.status': 'done',
        'planning.meta.owner.name': 'ann',
        'source.deep.er.est': true,
      });
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'cloud_status'), { testing: { status: 'done' } });
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'planning'), { wave: 1, meta: { owner: { name: 'ann' } } });
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'source'), { deep: { er: { est: true } } });
    });

    it('several paths in the same document, siblings and nested, in one call', async () => {
      const a = await Asset.objects.create({ name: 'siblings', planning: { keep: 'me' } });
      const { statements } = await countQueries(db(), () => Asset.objects.updatePaths(a.id, {
        'planning.a.x': 1, 'planning.a.y': 2, 'planning.b': 'two', 'planning.c.d.e': [1, 2],
      }));
      assert.equal(updates(statements).length, 1);
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'planning'), { keep: 'me', a: { x: 1, y: 2 }, b: 'two', c: { d: { e: [1, 2] } } });
    });

    it('values keep their JSON types: numbers, booleans, null, objects, arrays, strings that look like numbers', async () => {
      const a = await Asset.objects.create({ name: 'types', planning: {} });
      await Asset.objects.updatePaths(a.id, {
        'planning.int': 3, 'planning.float': 2.5, 'planning.yes': true, 'planning.no': false, 'planning.nothing': null,
        'planning.obj': { k: [1, { v: 'x' }] }, 'planning.list': ['a', 1, true, null], 'planning.text': '10',
        'planning.at': new Date('2020-01-02T03:04:05.000Z'),
      });
      const planning = await stored(ASSET_TABLE, a.id, 'planning');
      assert.deepEqual(planning, {
        int: 3, float: 2.5, yes: true, no: false, nothing: null, obj: { k: [1, { v: 'x' }] }, list: ['a', 1, true, null], text: '10',
        at: '2020-01-02T03:04:05.000Z',
      });
      // Read back as such by path criteria, too.
      assert.equal(await Asset.objects.count({ id: a.id, 'planning.int': 3, 'planning.yes': true, 'planning.text': '10', 'planning.nothing': null }), 1);
    });

    it('plain fields may be set alongside, in the same UPDATE', async () => {
      const a = await Asset.objects.create({ name: 'mixed', planning: { wave: 1 } });
      const { result, statements } = await countQueries(db(), () => Asset.objects.updatePaths(a.id, { 'planning.wave': 5, rank: 9, name: 'mixed2' }));
      assert.equal(updates(statements).length, 1);
      assert.equal(result.rank, 9);
      const again = await Asset.objects.require(a.id);
      assert.equal(again.name, 'mixed2');
      assert.equal(again.rank, 9);
      assert.deepEqual(again.planning, { wave: 5 });
    });

    it('on a query set: every matching row, in one UPDATE; other rows untouched', async () => {
      const tag = newTag();
      await Asset.objects.createMany([
        { tag, name: 'q1', planning: { wave: 1, owner: 'a' } },
        { tag, name: 'q2', planning: null },
        { tag, name: 'q3', planning: { wave: 1, owner: 'c' }, rank: 1 },
      ]);
      const { result, statements } = await countQueries(db(), () =>
        Asset.objects.where({ tag }).where({ rank: 0 }).updatePaths({ 'planning.wave': 2, 'planning.review.done': false }));
      assert.equal(updates(statements).length, 1, statements.join('\n'));
      assert.deepEqual(names(result), ['q1', 'q2']);
      assert.ok(result.every((r) => r instanceof Asset));
      const rows = await Asset.objects.filter({ tag }, { orderBy: 'name' });
      assert.deepEqual(rows.map((r) => r.planning), [
        { wave: 2, owner: 'a', review: { done: false } },
        { wave: 2, review: { done: false } },
        { wave: 1, owner: 'c' },
      ]);
      assert.deepEqual(await Asset.objects.where({ tag, name: 'none' }).updatePaths({ 'planning.wave': 3 }), []);
    });

    it('a query set without criteria is refused', async () => {
      await assert.rejects(Asset.objects.where({}).updatePaths({ 'planning.wave': 1 }), invalidQuery({ method: 'updatePaths' }));
    });

    it('two concurrent updates of different paths of one row both survive', async () => {
      const a = await Asset.objects.create({ name: 'race', planning: { keep: true } });
      for (let round = 0; round < 5; round++) {
        await Promise.all([
          Asset.objects.updatePaths(a.id, { [`planning.left${round}`]: round }),
          Asset.objects.updatePaths(a.id, { [`planning.right${round}.v`]: round }),
          Asset.objects.where({ id: a.id }).updatePaths({ [`cloudStatus.r${round}`]: 'ok' }),
        ]);
      }
      const planning = await stored(ASSET_TABLE, a.id, 'planning');
      const expected: Doc = { keep: true };
      const status: Doc = {};
      for (let round = 0; round < 5; round++) {
        expected[`left${round}`] = round;
        expected[`right${round}`] = { v: round };
        status[`r${round}`] = 'ok';
      }
      assert.deepEqual(planning, expected);
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'cloud_status'), status);
    });

    it('two connections (pools) updating different paths of one row: both survive', { skip: ONE_CONNECTION_ONLY }, async () => {
      assert.ok(second, 'the second connection is open');
      const a = await Asset.objects.create({ name: 'two-pools', planning: { keep: 1 } });
      // The first writer holds its transaction open after its update; the second (on its own
      // connection) must wait for it and then update the committed document, not a stale copy.
      let secondDone = false;
      let secondWrite: Promise<unknown> | undefined;
      await transaction(async () => {
        await Asset.objects.updatePaths(a.id, { 'planning.first': 'one' });
        secondWrite = AssetElsewhere.objects.updatePaths(a.id, { 'planning.second': 'two' }).then((r) => {
          secondDone = true;
          return r;
        });
        await sleep(150);
        assert.equal(secondDone, false, 'the second writer waits for the first to commit');
      });
      await secondWrite;
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'planning'), { keep: 1, first: 'one', second: 'two' });

      // And without a held transaction, many at once from both pools.
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 6; i++) {
        writes.push(Asset.objects.updatePaths(a.id, { [`planning.p${i}`]: i }));
        writes.push(AssetElsewhere.objects.updatePaths(a.id, { [`planning.q${i}`]: i }));
      }
      await Promise.all(writes);
      const planning = await stored(ASSET_TABLE, a.id, 'planning');
      const expected: Doc = { keep: 1, first: 'one', second: 'two' };
      for (let i = 0; i < 6; i++) {
        expected[`p${i}`] = i;
        expected[`q${i}`] = i;
      }
      assert.deepEqual(planning, expected);
      assert.equal(second?.name, 'second');
    });

    it('an intermediate that is not an object: ValidationError, nothing written', async () => {
      const a = await Asset.objects.create({ name: 'not-object', planning: { wave: 5, tags: ['a'], label: 'x' }, cloudStatus: { ok: 1 }, rank: 1 });
      const before = { planning: await stored(ASSET_TABLE, a.id, 'planning'), status: await stored(ASSET_TABLE, a.id, 'cloud_status') };
      for (const path of ['planning.wave.x', 'planning.tags.first', 'planning.label.a.b']) {
        const { statements } = await countQueries(db(), () =>
          assert.rejects(Asset.objects.updatePaths(a.id, { 'cloudStatus.fine': 'yes', [path]: 1, rank: 2 }), (error: unknown) => {
            validationOf([path])(error);
            assert.ok(error instanceof ValidationError);
            assert.equal(error.details.model, 'Asset');
            return true;
          }));
        assert.deepEqual(updates(statements), [], `${path}: no UPDATE ran`);
      }
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'planning'), before.planning);
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'cloud_status'), before.status);
      assert.equal((await Asset.objects.require(a.id)).rank, 1);
    });

    it('a document that is not an object at the top: ValidationError', async () => {
      const a = await Asset.objects.create({ name: 'array-doc', labels: ['x'] });
      await assert.rejects(Asset.objects.updatePaths(a.id, { 'labels.first': 1 }), validationOf(['labels.first']));
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'labels'), ['x']);
    });

    it('on a query set, one bad row refuses the whole update', async () => {
      const tag = newTag();
      await Asset.objects.createMany([
        { tag, name: 'good', planning: { wave: { n: 1 } } },
        { tag, name: 'bad', planning: { wave: 3 } },
      ]);
      await assert.rejects(Asset.objects.where({ tag }).updatePaths({ 'planning.wave.n': 2 }), validationOf(['planning.wave.n']));
      const rows = await Asset.objects.filter({ tag }, { orderBy: 'name' });
      assert.deepEqual(rows.map((r) => r.planning), [{ wave: 3 }, { wave: { n: 1 } }]);
    });

    it('unknown field, path on a non-json field, bad segments, no paths: InvalidQueryError, nothing written', async () => {
      const a = await Asset.objects.create({ name: 'errors', planning: { wave: 1 } });
      await assert.rejects(Asset.objects.updatePaths(a.id, { 'nope.x': 1 }), invalidQuery({ model: 'Asset', field: 'nope' }));
      await assert.rejects(Asset.objects.updatePaths(a.id, { 'name.first': 'x' }), invalidQuery({ model: 'Asset', field: 'name' }));
      for (const path of ['planning.0', 'planning.items.0', 'planning.a-b', 'planning..x', "planning.x'y", 'planning.x"y', 'planning.', 'planning.$']) {
        await assert.rejects(Asset.objects.updatePaths(a.id, { [path]: 1 }), invalidQuery({ model: 'Asset' }), path);
      }
      await assert.rejects(Asset.objects.updatePaths(a.id, {}), invalidQuery({ model: 'Asset' }));
      await assert.rejects(Asset.objects.updatePaths(a.id, { 'planning.x': undefined }), invalidQuery({ model: 'Asset' }));
      await assert.rejects(Asset.objects.updatePaths(a.id, { 'planning.f': () => 1 }), validationOf(['planning.f']));
      await assert.rejects(Asset.objects.updatePaths(a.id, { 'planning.big': 1n }), validationOf(['planning.big']));
      await assert.rejects(Asset.objects.updatePaths(a.id, { rank: 'high' }), validationOf(['rank']));
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'planning'), { wave: 1 });
    });

    it('a missing row: RecordNotFoundError', async () => {
      await assert.rejects(Asset.objects.updatePaths(987654, { 'planning.wave': 1 }), (error: unknown) => {
        assert.ok(error instanceof RecordNotFoundError);
        assert.equal(error.code, ErrorCodes.RECORD_NOT_FOUND);
        return true;
      });
    });

    it('regression: a field set whole and by a path in one call is refused, nothing written', async () => {
      const a = await Asset.objects.create({ name: 'whole-and-path', planning: { wave: 1 } });
      await assert.rejects(Asset.objects.updatePaths(a.id, { planning: { x: 1 }, 'planning.wave': 2 }), invalidQuery({ model: 'Asset' }));
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'planning'), { wave: 1 });
    });

    it('a value at a path that a later path goes below: the later one wins, in one statement', async () => {
      const a = await Asset.objects.create({ name: 'overlap', planning: { a: { old: 1 } } });
      await Asset.objects.updatePaths(a.id, { 'planning.a': { fresh: true }, 'planning.a.more': 2 });
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'planning'), { a: { fresh: true, more: 2 } });
    });
  });

  describe('deep merge: merge(pk, partial)', () => {
    it('objects merge recursively, scalars and arrays are replaced, absent keys kept', async () => {
      const a = await Asset.objects.create({
        name: 'merge', rank: 1,
        planning: { wave: 1, owner: 'ann', meta: { a: 1, nested: { x: 1 } }, tags: ['x', 'y'], scalar: 5 },
        source: { objectType: 'table' },
      });
      const merged = await Asset.objects.merge(a.id, {
        planning: { wave: 3, meta: { b: 2, nested: { y: 2 } }, tags: ['z'], scalar: { now: 'object' } },
        rank: 2,
      });
      const expected = { wave: 3, owner: 'ann', meta: { a: 1, b: 2, nested: { x: 1, y: 2 } }, tags: ['z'], scalar: { now: 'object' } };
      assert.ok(merged instanceof Asset);
      assert.deepEqual(merged.planning, expected);
      assert.equal(merged.rank, 2);
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'planning'), expected);
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'source'), { objectType: 'table' });
      assert.equal((await Asset.objects.require(a.id)).rank, 2);

      await Asset.objects.merge(a.id, { planning: { meta: 'flat now' } });
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'planning'), { ...expected, meta: 'flat now' });
    });

    it('undefined never overwrites; null does (inside a document and for a whole field)', async () => {
      const a = await Asset.objects.create({ name: 'nulls', planning: { owner: 'ann', wave: 1, meta: { a: 1 } }, source: { objectType: 'view' } });
      await Asset.objects.merge(a.id, { planning: { owner: undefined, wave: null, meta: { a: undefined } }, source: undefined });
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'planning'), { owner: 'ann', wave: null, meta: { a: 1 } });
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'source'), { objectType: 'view' });
      await Asset.objects.merge(a.id, { source: null });
      assert.equal(await stored(ASSET_TABLE, a.id, 'source'), null);
      assert.equal((await Asset.objects.require(a.id)).source, null);
    });

    it('merging into a NULL column stores the patch', async () => {
      const a = await Asset.objects.create({ name: 'into-null', planning: null });
      await Asset.objects.merge(a.id, { planning: { wave: 1, meta: { a: 1 } } });
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'planning'), { wave: 1, meta: { a: 1 } });
    });

    it('a patch with nothing set changes nothing', async () => {
      const a = await Asset.objects.create({ name: 'nothing', planning: { wave: 1 } });
      const { statements } = await countQueries(db(), () => Asset.objects.merge(a.id, { planning: undefined }));
      assert.deepEqual(writes(statements), []);
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'planning'), { wave: 1 });
    });

    it('a missing row: RecordNotFoundError; an unknown field: ValidationError; nothing written', async () => {
      await assert.rejects(Asset.objects.merge(987654, { planning: { wave: 1 } }), RecordNotFoundError);
      const a = await Asset.objects.create({ name: 'merge-errors', planning: { wave: 1 } });
      await assert.rejects(Asset.objects.merge(a.id, { planning: { wave: 2 }, nope: 1 } as never), validationOf(['nope']));
      await assert.rejects(Asset.objects.merge(a.id, { planning: { wave: 2 }, rank: 'x' } as never), validationOf(['rank']));
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'planning'), { wave: 1 });
      await assert.rejects(Asset.objects.merge(a.id, null as never), invalidQuery());
    });

    it('concurrent merges of different keys of one row both survive', async () => {
      const a = await Asset.objects.create({ name: 'merge-race', planning: { keep: true } });
      const jobs: Promise<unknown>[] = [];
      for (let i = 0; i < 6; i++) {
        jobs.push(Asset.objects.merge(a.id, { planning: { [`k${i}`]: i, shared: { [`s${i}`]: i } } }));
      }
      await Promise.all(jobs);
      const shared: Doc = {};
      const expected: Doc = { keep: true, shared };
      for (let i = 0; i < 6; i++) {
        expected[`k${i}`] = i;
        shared[`s${i}`] = i;
      }
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'planning'), expected);
    });

    it('concurrent merges from two connections (pools) both survive', { skip: ONE_CONNECTION_ONLY }, async () => {
      const a = await Asset.objects.create({ name: 'merge-pools', planning: { keep: true } });
      const jobs: Promise<unknown>[] = [];
      for (let i = 0; i < 4; i++) {
        jobs.push(Asset.objects.merge(a.id, { planning: { [`a${i}`]: i } }));
        jobs.push(AssetElsewhere.objects.merge(a.id, { planning: { [`b${i}`]: i } }));
      }
      await Promise.all(jobs);
      const expected: Doc = { keep: true };
      for (let i = 0; i < 4; i++) {
        expected[`a${i}`] = i;
        expected[`b${i}`] = i;
      }
      assert.deepEqual(await stored(ASSET_TABLE, a.id, 'planning'), expected);
    });
  });

  describe("deep merge: upsert(data, { merge: 'deep' })", () => {
    it('an absent row is created; an existing one gets a deep merge', async () => {
      const created = await Setting.objects.upsert({ key: 'theme', value: { colors: { bg: 'white', fg: 'black' }, fonts: ['serif'] } }, { merge: 'deep' });
      assert.equal(created.key, 'theme');
      assert.deepEqual(created.value, { colors: { bg: 'white', fg: 'black' }, fonts: ['serif'] });
      assert.equal(created.version, 0);

      const merged = await Setting.objects.upsert({ key: 'theme', value: { colors: { bg: 'black' }, fonts: ['mono'] }, version: 2 }, { merge: 'deep' });
      assert.deepEqual(merged.value, { colors: { bg: 'black', fg: 'black' }, fonts: ['mono'] });
      assert.equal(merged.version, 2);
      const row = await db().knex(Setting.objects.meta.table).where({ key: 'theme' }).first();
      const value: unknown = typeof row.value === 'string' ? JSON.parse(row.value) : row.value;
      assert.deepEqual(value, { colors: { bg: 'black', fg: 'black' }, fonts: ['mono'] });
      assert.equal(Number(row.version), 2);
      assert.equal(await Setting.objects.count({ key: 'theme' }), 1);
    });

    it('the conflict target may be a unique field; absent keys and undefined keep what is stored', async () => {
      const first = await Account.objects.upsert({ handle: 'ann', prefs: { mail: { daily: true, weekly: false }, lang: 'en' } }, { merge: 'deep' });
      const second = await Account.objects.upsert({ handle: 'ann', prefs: { mail: { weekly: true }, lang: undefined } }, { merge: 'deep' });
      assert.equal(second.id, first.id);
      assert.deepEqual(second.prefs, { mail: { daily: true, weekly: true }, lang: 'en' });
      const third = await Account.objects.upsert({ handle: 'ann', prefs: { lang: null } }, { merge: 'deep' });
      assert.deepEqual(third.prefs, { mail: { daily: true, weekly: true }, lang: null });
      assert.deepEqual(await stored(Account.objects.meta.table, first.id, 'prefs'), { mail: { daily: true, weekly: true }, lang: null });
      assert.equal(await Account.objects.count({ handle: 'ann' }), 1);
    });

    it('concurrent deep upserts of different keys on one absent row: one row, both keys', async () => {
      const jobs: Promise<unknown>[] = [];
      for (let i = 0; i < 4; i++) jobs.push(Setting.objects.upsert({ key: 'race', value: { [`k${i}`]: i, nested: { [`n${i}`]: i } } }, { merge: 'deep' }));
      await Promise.all(jobs);
      const rows = await Setting.objects.filter({ key: 'race' });
      assert.equal(rows.length, 1);
      assert.deepEqual(rows[0].value, { k0: 0, k1: 1, k2: 2, k3: 3, nested: { n0: 0, n1: 1, n2: 2, n3: 3 } });
    });

    it('an unknown merge option is refused', async () => {
      await assert.rejects(Setting.objects.upsert({ key: 'x', value: {} }, { merge: 'shallow' } as never), invalidQuery());
      assert.equal(await Setting.objects.count({ key: 'x' }), 0);
    });
  });

  describe('findByExample', () => {
    const tag = newTag();
    before(async () => {
      await Asset.objects.createMany([
        { tag, name: 'A', rank: 1, source: { objectType: 'table', schema: 'sales', tags: ['a', 'b'], meta: { owner: 'ann', size: 10, live: true } }, labels: ['x', 'y'] },
        { tag, name: 'B', rank: 1, source: { objectType: 'table', schema: 'hr', tags: ['a'], meta: { owner: 'bob', size: '10', live: false } }, labels: ['x'] },
        { tag, name: 'C', rank: 2, source: { objectType: 'view', schema: null, tags: [], meta: { owner: 'ann' } } },
        { tag, name: 'D', rank: 2, source: null },
      ]);
    });

    it('matches rows where every key set in the example matches, recursively into JSON objects', async () => {
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, source: { objectType: 'table' } })), ['A', 'B']);
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, source: { meta: { owner: 'ann' } } })), ['A', 'C']);
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, source: { objectType: 'table', meta: { owner: 'ann' } } })), ['A']);
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, rank: 2, source: { meta: { owner: 'ann' } } })), ['C']);
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, rank: 1 })), ['A', 'B']);
    });

    it('an array must match exactly (same elements, same order), not contain', async () => {
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, source: { tags: ['a'] } })), ['B']);
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, source: { tags: ['a', 'b'] } })), ['A']);
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, source: { tags: ['b', 'a'] } })), []);
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, source: { tags: [] } })), ['C']);
      // A whole json field holding an array.
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, labels: ['x'] })), ['B']);
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, labels: ['x', 'y'] })), ['A']);
    });

    it('scalars must be equal, with their JSON types: 10 is not "10", true is not "true"', async () => {
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, source: { meta: { size: 10 } } })), ['A']);
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, source: { meta: { size: '10' } } })), ['B']);
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, source: { meta: { live: true } } })), ['A']);
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, source: { meta: { live: false } } })), ['B']);
    });

    it('undefined keys are ignored; null matches a JSON null, a missing key or a NULL column', async () => {
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, source: { objectType: 'table', schema: undefined } })), ['A', 'B']);
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, source: { schema: null } })), ['C', 'D']);
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, source: null })), ['D']);
    });

    it('an empty example matches every row', async () => {
      assert.equal((await Asset.objects.findByExample({})).length, await Asset.objects.count());
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, source: undefined })), ['A', 'B', 'C', 'D']);
    });

    it('takes query options, and refuses unknown fields', async () => {
      const rows = await Asset.objects.findByExample({ tag, source: { objectType: 'table' } }, { orderBy: '-name', limit: 1 });
      assert.deepEqual(rows.map((r) => r.name), ['B']);
      assert.ok(rows[0] instanceof Asset);
      await assert.rejects(Asset.objects.findByExample({ tag, nope: 1 } as never), invalidQuery({ field: 'nope' }));
      await assert.rejects(Asset.objects.findByExample(null as never), invalidQuery());
    });
  });

  describe('documented dialect differences', () => {
    it('comparing a stored string with a number: never equal; ordering differs (SQLite: text sorts above numbers)', async () => {
      const tag = newTag();
      await Asset.objects.createMany([
        { tag, name: 'number', planning: { wave: 5 } },
        { tag, name: 'string', planning: { wave: '5' } },
      ]);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'planning.wave': 5 })), ['number']);
      const above = names(await Asset.objects.filter({ tag, 'planning.wave': { gt: 100 } }));
      // PostgreSQL orders jsonb by type first (strings below numbers); SQLite puts any text above any number.
      assert.deepEqual(above, isPostgres() ? [] : ['string']);
    });

    it('true and 1: different on PostgreSQL, the same on SQLite (json_extract gives 1 for true)', async () => {
      const tag = newTag();
      await Asset.objects.createMany([
        { tag, name: 'true', planning: { on: true } },
        { tag, name: 'one', planning: { on: 1 } },
      ]);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'planning.on': true })), isPostgres() ? ['true'] : ['one', 'true']);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'planning.on': 1 })), isPostgres() ? ['one'] : ['one', 'true']);
    });

    it("a digit segment: an array element on both, also an object's key \"0\" on PostgreSQL only", async () => {
      const tag = newTag();
      await Asset.objects.createMany([
        { tag, name: 'array', source: { cols: ['first'] } },
        { tag, name: 'object', source: { cols: { 0: 'first' } } },
      ]);
      assert.deepEqual(names(await Asset.objects.filter({ tag, 'source.cols.0': 'first' })), isPostgres() ? ['array', 'object'] : ['array']);
    });

    it('objects inside an array compared by value: key order matters on SQLite only', async () => {
      const tag = newTag();
      await Asset.objects.create({ tag, name: 'ordered', source: { cols: [{ a: 1, b: 2 }] } });
      const found = names(await Asset.objects.findByExample({ tag, source: { cols: [{ b: 2, a: 1 }] } }));
      assert.deepEqual(found, isPostgres() ? ['ordered'] : []);
      assert.deepEqual(names(await Asset.objects.findByExample({ tag, source: { cols: [{ a: 1, b: 2 }] } })), ['ordered']);
    });
  });

  it('the second connection is reachable by name', { skip: ONE_CONNECTION_ONLY }, () => {
    assert.equal(getDatabase('second'), second);
  });
});
