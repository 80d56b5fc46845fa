/**
 * Schema lifecycle: offline DDL (generateSchemaSql) for both dialects and on a fresh database;
 * the round trip models → DDL → database → inspect → diff (empty, also for tables regista
 * auto-created); db.plan() operations of every kind with their SQL, reasons and data checks;
 * renames that keep data; destructive operations skipped by default and applied when allowed;
 * enum value removal and narrowing refused with what would be lost; blocked changes; SQLite's
 * table rebuild keeping every row, the AUTOINCREMENT counter and foreign key integrity; stale plans.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Model, MigrationError, StalePlanError, belongsTo, connect, diffCatalogs, expectedCatalog, field, generateSchemaSql, model,
  primaryKey, registry,
  type Database, type SchemaOperation, type SchemaPlan,
} from 'regista';
import { dialectName, isPostgres, isSqlite, pgUrl, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();
const pg = isPostgres();

// ------------------------------------------------------------------------------------------------
// Helpers

async function rows(sql: string, database: Database = db()): Promise<Record<string, unknown>[]> {
  return (await database.run(sql, [], true)).rows;
}

async function exec(sql: string, database: Database = db()): Promise<void> {
  await database.run(sql, [], false);
}

function ops(plan: SchemaPlan, kind?: string): SchemaOperation[] {
  return plan.operations.filter((o) => kind === undefined || o.kind === kind);
}

function only(plan: SchemaPlan, kind: string, column?: string): SchemaOperation {
  const found = ops(plan, kind).filter((o) => column === undefined || o.column === column);
  assert.equal(found.length, 1, `one ${kind}${column ? ` of ${column}` : ''} in:\n${plan.toString()}`);
  return found[0];
}

function kinds(plan: SchemaPlan): string[] {
  return [...new Set(plan.operations.map((o) => o.kind))].sort();
}

/** Plans for `models` (and `tables`) only, so the other tests' tables stay out of it. */
function planFor(models: Function[], options: { allowDestructive?: boolean; tables?: string[] } = {}): Promise<SchemaPlan> {
  return db().plan({ models, ...options });
}

async function assertInSync(models: Function[], tables?: string[]): Promise<void> {
  const plan = await planFor(models, { tables });
  assert.equal(plan.isEmpty, true, `expected no difference, got:\n${plan.toString()}`);
}

async function foreignKeysOn(): Promise<boolean> {
  const [row] = await rows('PRAGMA foreign_keys');
  return Number(row.foreign_keys) === 1;
}

const q = (name: string): string => `"${name}"`;

// ------------------------------------------------------------------------------------------------
// A schema with every column type, constraints, indexes, a foreign key and enums

const rtParentTable = uniqueTable('sp_rt_parent');
const rtAllTable = uniqueTable('sp_rt_all');
const rtKeyTable = uniqueTable('sp_rt_key');

@model({ table: rtParentTable, comment: 'Owners of things' })
class RtParent extends Model<RtParent>() {
  @primaryKey() id!: number;
  @field({ type: 'varchar', length: 60, unique: true, comment: 'Shown to people' }) name!: string;
}

@model({
  table: rtAllTable,
  unique: [['code', 'region']],
  indexes: ['title', { fields: ['price', 'rating'], name: `${rtAllTable}_price_rating` }],
})
class RtAll extends Model<RtAll>() {
  @primaryKey({ type: 'bigint' }) id!: bigint;
  @field({ type: 'integer', default: -1 }) quantity!: number;
  @field({ type: 'bigint', default: 5n }) big!: bigint;
  @field({ type: 'float', default: 1.5 }) rating!: number;
  @field({ type: 'decimal', precision: 10, scale: 2, default: '12.50' }) price!: string;
  @field({ type: 'decimal', nullable: true }) ratio!: string | null;
  @field({ type: 'text', default: "it's" }) title!: string;
  @field({ type: 'varchar', length: 20 }) code!: string;
  @field({ type: 'varchar', default: 'eu' }) region!: string;
  @field({ type: 'boolean', default: true }) active!: boolean;
  @field({ type: 'date', default: '2020-02-02' }) day!: string;
  @field({ type: 'datetime', default: new Date('2020-01-01T10:00:00Z') }) at!: Date;
  @field({ type: 'json', default: { a: [1, 2] } }) doc!: unknown;
  @field({ type: 'uuid', nullable: true, index: true }) ref!: string | null;
  @field({ type: 'enum', values: ['draft', 'live', "it's"], default: 'draft', comment: 'Where it is' }) status!: string;
  @field({ type: 'enum', values: ['s', 'm', 'l'], nullable: true }) size!: string | null;
  @field({ type: 'integer', nullable: true }) ownerId!: number | null;
  @belongsTo(() => RtParent, { foreignKey: 'ownerId', onDelete: 'set null' }) owner!: unknown;
}

@model({ table: rtKeyTable })
class RtUuidKey extends Model<RtUuidKey>() {
  @primaryKey({ type: 'uuid' }) id!: string;
  @field({ type: 'varchar', length: 10, unique: true }) label!: string;
  @field({ type: 'integer', nullable: true }) parentId!: number | null;
  @belongsTo(() => RtParent, { foreignKey: 'parentId', onDelete: 'cascade' }) parent!: unknown;
}

const rtModels = [RtParent, RtAll, RtUuidKey];

// ------------------------------------------------------------------------------------------------

describe('generateSchemaSql', () => {
  const genUsers = uniqueTable('sp_gen_users');
  const genPosts = uniqueTable('sp_gen_posts');

  @model({ table: genUsers, comment: 'People who write', autoCreate: false })
  class GenUser extends Model<GenUser>() {
    @primaryKey() id!: number;
    @field({ type: 'varchar', length: 100, unique: true, comment: 'Login' }) email!: string;
    @field({ type: 'enum', values: ['active', 'retired'], default: 'active' }) status!: string;
    @field({ type: 'boolean', default: false }) admin!: boolean;
  }

  @model({ table: genPosts, autoCreate: false, indexes: ['title'] })
  class GenPost extends Model<GenPost>() {
    @primaryKey() id!: number;
    @field({ type: 'text' }) title!: string;
    @field({ type: 'decimal', precision: 8, scale: 2, default: '0.00' }) price!: string;
    @field({ type: 'integer' }) authorId!: number;
    @belongsTo(() => GenUser, { foreignKey: 'authorId', onDelete: 'cascade' }) author!: unknown;
  }

  it('writes the SQLite script: tables in foreign key order, constraints, CHECK enums, defaults, indexes, comments as -- lines', () => {
    const sql = generateSchemaSql([GenPost, GenUser], { dialect: 'sqlite' });
    const lines = sql.split('\n');
    assert.match(lines[0], /^-- Schema of 2 models for sqlite/);
    const users = lines.findIndex((l) => l.startsWith(`CREATE TABLE IF NOT EXISTS "${genUsers}"`));
    const posts = lines.findIndex((l) => l.startsWith(`CREATE TABLE IF NOT EXISTS "${genPosts}"`));
    assert.ok(users > 0 && posts > users, sql);
    assert.ok(lines.includes(`-- ${genUsers}: People who write`), sql);
    assert.ok(lines.includes(`-- ${genUsers}.email: Login`), sql);
    const userDdl = lines[users];
    assert.ok(userDdl.includes('"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL'), userDdl);
    assert.ok(userDdl.includes('"email" VARCHAR(100) NOT NULL'), userDdl);
    assert.ok(userDdl.includes(`"status" TEXT NOT NULL DEFAULT 'active' CONSTRAINT "${genUsers}_status_check" CHECK ("status" IN ('active', 'retired'))`), userDdl);
    assert.ok(userDdl.includes('"admin" BOOLEAN NOT NULL DEFAULT 0'), userDdl);
    assert.ok(userDdl.includes(`CONSTRAINT "${genUsers}_email_unique" UNIQUE ("email")`), userDdl);
    assert.ok(lines[posts].includes(`CONSTRAINT "${genPosts}_author_id_foreign" FOREIGN KEY ("author_id") REFERENCES "${genUsers}" ("id") ON DELETE CASCADE`), lines[posts]);
    assert.ok(lines[posts].includes(`"price" NUMERIC(8,2) NOT NULL DEFAULT '0.00'`), lines[posts]);
    assert.ok(lines.includes(`CREATE INDEX IF NOT EXISTS "${genPosts}_title_index" ON "${genPosts}" ("title");`), sql);
    assert.ok(lines.includes(`CREATE INDEX IF NOT EXISTS "${genPosts}_author_id_index" ON "${genPosts}" ("author_id");`), sql);
    assert.ok(!sql.includes('COMMENT ON'), sql);
  });

  it('writes the PostgreSQL script: enum types, identity keys, native types, COMMENT ON', () => {
    const sql = generateSchemaSql([GenUser, GenPost], { dialect: 'postgres' });
    const lines = sql.split('\n');
    assert.match(lines[0], /^-- Schema of 2 models for postgres/);
    const enumLine = lines.findIndex((l) => l.includes(`CREATE TYPE "${genUsers}_status_enum" AS ENUM ('active', 'retired')`));
    const users = lines.findIndex((l) => l.startsWith(`CREATE TABLE IF NOT EXISTS "${genUsers}"`));
    const posts = lines.findIndex((l) => l.startsWith(`CREATE TABLE IF NOT EXISTS "${genPosts}"`));
    assert.ok(enumLine > 0 && users > enumLine && posts > users, sql);
    const userDdl = lines[users];
    assert.ok(userDdl.includes('"id" integer GENERATED BY DEFAULT AS IDENTITY NOT NULL'), userDdl);
    assert.ok(userDdl.includes(`"status" "${genUsers}_status_enum" NOT NULL DEFAULT 'active'`), userDdl);
    assert.ok(userDdl.includes('"admin" boolean NOT NULL DEFAULT FALSE'), userDdl);
    assert.ok(userDdl.includes(`CONSTRAINT "${genUsers}_pkey" PRIMARY KEY ("id")`), userDdl);
    assert.ok(lines.includes(`COMMENT ON TABLE "${genUsers}" IS 'People who write';`), sql);
    assert.ok(lines.includes(`COMMENT ON COLUMN "${genUsers}"."email" IS 'Login';`), sql);
    assert.ok(lines[posts].includes(`"price" numeric(8,2) NOT NULL DEFAULT '0.00'`), lines[posts]);
    assert.ok(lines[posts].includes(`REFERENCES "${genUsers}" ("id") ON DELETE CASCADE`), lines[posts]);
    assert.ok(!sql.includes('-- ' + genUsers + ': '), 'PostgreSQL keeps comments in the database, not as -- lines');
  });

  it('covers every registered model by default, and refuses an unknown dialect', () => {
    const sql = generateSchemaSql({ dialect: 'sqlite' });
    for (const table of [genUsers, genPosts, rtParentTable, rtAllTable]) assert.ok(sql.includes(`CREATE TABLE IF NOT EXISTS "${table}"`), table);
    assert.throws(() => generateSchemaSql({ dialect: 'oracle' as never }), /Unknown database "oracle"/);
  });

  it('runs on a fresh database, which then matches the models exactly', async () => {
    const name = `sp_fresh_${process.pid}`;
    let fresh: Database;
    let schema: string | undefined;
    if (pg) {
      schema = `sp_fresh_${process.pid}_${Date.now().toString(36)}`;
      await exec(`CREATE SCHEMA "${schema}"`);
      fresh = connect(pgUrl(), { name, schema });
    } else {
      fresh = connect('sqlite::memory:', { name, driver: dialectName() === 'sqlite3-file' ? 'sqlite3' : 'better-sqlite3' });
    }
    try {
      const script = generateSchemaSql([GenUser, GenPost, ...rtModels], { dialect: pg ? 'postgres' : 'sqlite' });
      const statements = script.split('\n').filter((l) => l !== '' && !l.startsWith('--'));
      assert.ok(statements.every((s) => s.endsWith(';')), 'one statement per line');
      for (const statement of statements) await exec(statement.slice(0, -1), fresh);
      const actual = await fresh.inspect();
      const metas = [GenUser, GenPost, ...rtModels].map((m) => registry.requireMeta(m));
      const expected = expectedCatalog(metas, fresh.dialect, actual.schema);
      assert.deepEqual(diffCatalogs(expected, actual), []);
    } finally {
      await fresh.close();
      if (schema) await exec(`DROP SCHEMA "${schema}" CASCADE`);
    }
  });
});

describe('round trip: models → DDL → database → inspect → diff', () => {
  before(async () => {
    const plan = await planFor(rtModels);
    assert.deepEqual(plan.operations.map((o) => o.kind), ['CreateTable', 'CreateTable', 'CreateTable'], plan.toString());
    assert.equal(plan.operations[0].table, rtParentTable, 'the referenced table comes first');
    await plan.apply();
  });

  it('a second plan after apply() is empty', async () => {
    await assertInSync(rtModels);
  });

  it('the inspected catalog equals the model-derived one, column by column', async () => {
    const actual = await db().inspect();
    const expected = expectedCatalog(rtModels.map((m) => registry.requireMeta(m)), db().dialect, actual.schema);
    const table = actual.tables.find((t) => t.name === rtAllTable)!;
    const wanted = expected.tables.find((t) => t.name === rtAllTable)!;
    for (const column of wanted.columns) {
      const got = table.columns.find((c) => c.name === column.name);
      assert.ok(got, column.name);
      assert.equal(got.type, column.type, column.name);
      assert.equal(got.nullable, column.nullable, column.name);
      assert.deepEqual(got.enumValues, column.enumValues, column.name);
    }
    assert.deepEqual(diffCatalogs({ ...expected, tables: expected.tables }, { ...actual, tables: actual.tables.filter((t) => rtModels.some((m) => registry.requireMeta(m).table === t.name)) }), []);
  });

  it('rows written through the models read back, and the plan stays empty', async () => {
    const owner = await RtParent.objects.create({ name: 'ann' });
    const row = await RtAll.objects.create({ code: 'c1', ownerId: owner.id, size: 'm' });
    const back = (await RtAll.objects.get({ id: row.id }))!;
    assert.equal(back.quantity, -1);
    assert.equal(back.title, "it's");
    assert.equal(back.status, 'draft');
    assert.equal(back.active, true);
    assert.deepEqual(back.doc, { a: [1, 2] });
    assert.equal(row.price, '12.50');
    await RtUuidKey.objects.create({ label: 'x', parentId: owner.id });
    await assertInSync(rtModels);
  });

  it('names longer than PostgreSQL keeps (63 bytes) do not show as differences', async () => {
    const table = uniqueTable('sp_a_rather_long_table_name_for_enum_types');
    @model({ table })
    class RtLong extends Model<RtLong>() {
      @primaryKey() id!: number;
      @field({ type: 'enum', values: ['on', 'off'], default: 'on', unique: true }) statusOfTheThing!: string;
    }
    await (await planFor([RtLong])).apply();
    await assertInSync([RtLong]);
    await RtLong.objects.create({ statusOfTheThing: 'off' });
    assert.equal((await RtLong.objects.all())[0].statusOfTheThing, 'off');
  });

  it('a table regista auto-created on first use shows no difference either', async () => {
    const table = uniqueTable('sp_auto');
    @model({ table, unique: [['a', 'b']], indexes: [['b', 'a']], comment: 'auto' })
    class RtAuto extends Model<RtAuto>() {
      @primaryKey() id!: number;
      @field({ type: 'integer', default: 3 }) a!: number;
      @field({ type: 'varchar', length: 5, default: 'x', comment: 'bee' }) b!: string;
      @field({ type: 'enum', values: ['p', 'q'], nullable: true }) e!: string | null;
      @field({ type: 'datetime', nullable: true, default: null }) when!: Date | null;
      @field({ type: 'integer', nullable: true }) parentId!: number | null;
      @belongsTo(() => RtParent, { foreignKey: 'parentId' }) parent!: unknown;
    }
    await RtAuto.objects.count();
    await assertInSync([RtAuto]);
  });
});

describe('plan: additive and in-place changes', () => {
  const parentTable = uniqueTable('sp_add_parent');
  const table = uniqueTable('sp_add');

  @model({ table: parentTable })
  class AddParent extends Model<AddParent>() {
    @primaryKey() id!: number;
    @field() name!: string;
  }

  @model({ table, unique: ['code'], indexes: ['title'] })
  class AddV1 extends Model<AddV1>() {
    @primaryKey() id!: number;
    @field({ type: 'varchar', length: 20 }) code!: string;
    @field({ type: 'text' }) title!: string;
    @field({ type: 'integer', nullable: true }) score!: number | null;
    @field({ type: 'integer', default: 1 }) weight!: number;
    @field({ type: 'text', nullable: true }) kind!: string | null;
    @field({ type: 'enum', values: ['a', 'b'], default: 'a' }) grade!: string;
    @field({ type: 'integer', nullable: true }) parentId!: number | null;
  }

  let plan: SchemaPlan;
  let V2: typeof Model & { objects: { all(): Promise<unknown[]> } };

  before(async () => {
    await (await planFor([AddParent, AddV1])).apply();
    const p = await AddParent.objects.create({ name: 'p' });
    await AddV1.objects.createMany([
      { code: 'a', title: 'one', score: 1, kind: 'x', parentId: p.id },
      { code: 'b', title: 'two', score: null, kind: 'y', parentId: null },
    ]);
    registry.unregister(AddV1);

    @model({ table, unique: ['title'], indexes: ['code'], comment: 'Now with a comment' })
    class AddV2 extends Model<AddV2>() {
      @primaryKey() id!: number;
      @field({ type: 'varchar', length: 50 }) code!: string;                       // widened: AlterColumnType
      @field({ type: 'text' }) title!: string;                                     // unique now: AddUnique; index dropped
      @field({ type: 'integer', nullable: true, default: 0 }) score!: number | null; // SetDefault
      @field({ type: 'integer', nullable: true, default: 1 }) weight!: number | null; // SetNullable (NOT NULL → nullable)
      @field({ type: 'enum', values: ['x', 'y', 'z'], nullable: true }) kind!: string | null; // text → enum
      @field({ type: 'enum', values: ['a', 'b', 'c'], default: 'a' }) grade!: string; // AddEnumValue
      @field({ type: 'text', nullable: true, comment: 'Added later' }) note!: string | null; // AddColumn
      @field({ type: 'integer', nullable: true }) parentId!: number | null;
      @belongsTo(() => AddParent, { foreignKey: 'parentId', onDelete: 'set null' }) parent!: unknown; // AddForeignKey + AddIndex
    }
    V2 = AddV2 as never;
    plan = await planFor([AddParent, AddV2]);
  });

  it('lists one typed operation per difference, none destructive, none skipped', () => {
    const expected = ['AddColumn', 'AddEnumValue', 'AddForeignKey', 'AddIndex', 'AddUnique', 'AlterColumnType', 'DropIndex', 'DropUnique', 'SetDefault', 'SetNullable'];
    if (pg) expected.push('CreateEnum', 'SetComment');
    if (isSqlite()) expected.push('RebuildTable');
    assert.deepEqual(kinds(plan), expected.sort(), plan.toString());
    assert.ok(plan.operations.every((o) => !o.destructive && !o.skipped), plan.toString());
    assert.deepEqual(ops(plan, 'AlterColumnType').map((o) => o.column).sort(), ['code', 'kind']);
    assert.equal(only(plan, 'AddColumn').column, 'note');
    assert.equal(only(plan, 'SetDefault').column, 'score');
    assert.equal(only(plan, 'SetNullable').column, 'weight');
    assert.equal(only(plan, 'AddEnumValue').column, 'grade');
    assert.deepEqual(ops(plan, 'AddIndex').map((o) => (o.change as { index: { columns: string[] } }).index.columns.join()).sort(), ['code', 'parent_id']);
    assert.deepEqual(ops(plan, 'DropIndex').map((o) => (o.change as { index: { name: string } }).index.name), [`${table}_title_index`]);
    assert.deepEqual(ops(plan, 'DropUnique').map((o) => (o.change as { unique: { name: string } }).unique.name), [`${table}_code_unique`]);
    if (pg) {
      assert.equal(only(plan, 'CreateEnum').kind, 'CreateEnum');
      assert.deepEqual(ops(plan, 'SetComment').map((o) => o.column ?? '(table)').sort(), ['(table)']);
    }
  });

  it('orders operations so that each can run: drops of constraints first, then columns, then new constraints', () => {
    const order = plan.operations.map((o) => o.kind);
    const first = (k: string) => order.indexOf(k as (typeof order)[number]);
    assert.ok(first('DropUnique') < first('AddColumn'));
    assert.ok(first('AddColumn') < first('AlterColumnType'));
    assert.ok(first('AlterColumnType') < first('AddUnique'));
    assert.ok(first('AddUnique') < first('AddForeignKey'));
    if (pg) assert.ok(first('CreateEnum') < first('AlterColumnType'));
  });

  it('renders SQL per dialect: ALTER on PostgreSQL, a rebuild on SQLite', () => {
    const sql = plan.toSql();
    if (pg) {
      assert.ok(sql.includes(`ALTER TABLE "${table}" ALTER COLUMN "code" TYPE varchar(50) USING "code"::varchar(50);`), sql);
      assert.ok(sql.includes(`ALTER TYPE "${table}_grade_enum" ADD VALUE 'c' AFTER 'b';`), sql);
      assert.ok(sql.includes(`ALTER TABLE "${table}" ALTER COLUMN "weight" DROP NOT NULL;`), sql);
      assert.ok(sql.includes(`ALTER TABLE "${table}" ADD CONSTRAINT "${table}_title_unique" UNIQUE ("title");`), sql);
      assert.ok(sql.includes(`COMMENT ON TABLE "${table}" IS 'Now with a comment';`), sql);
      assert.ok(sql.includes(`COMMENT ON COLUMN "${table}"."note" IS 'Added later';`), sql);
      assert.match(sql, /^BEGIN;$/m);
      assert.doesNotMatch(sql, /PRAGMA/);
    } else {
      assert.match(sql, /^PRAGMA foreign_keys = OFF;\nBEGIN IMMEDIATE;$/m);
      assert.ok(sql.includes(`CREATE TABLE "${table}__regista_rebuild" (`), sql);
      assert.ok(sql.includes(`DROP TABLE "${table}";\nALTER TABLE "${table}__regista_rebuild" RENAME TO "${table}";`), sql);
      assert.ok(sql.includes(`PRAGMA foreign_key_check('${table}');`), sql);
      assert.match(sql, /COMMIT;\nPRAGMA foreign_keys = ON;\n$/);
      assert.ok(ops(plan).filter((o) => o.kind !== 'RebuildTable').every((o) => o.viaRebuild && o.sql.length === 0), 'folded into the rebuild');
    }
    const json = JSON.parse(JSON.stringify(plan));
    assert.equal(json.dialect, db().dialect.name);
    assert.equal(json.allowDestructive, false);
    assert.equal(json.operations.length, plan.operations.length);
    assert.deepEqual(Object.keys(json.operations[0]).filter((k) => ['kind', 'sql', 'destructive', 'reason', 'skipped', 'change'].includes(k)).sort(), ['change', 'destructive', 'kind', 'reason', 'skipped', 'sql']);
    assert.match(plan.toString(), new RegExp(`^Schema plan \\(${db().dialect.name}\\): \\d+ operations to apply$`, 'm'));
    assert.match(plan.toString(), /\+ AddColumn .*\.note: AddV2\.note has no column/);
  });

  it('apply() makes them, keeps every row, and a second plan is empty', async () => {
    const result = await plan.apply();
    assert.equal(result.skipped, 0);
    assert.ok(result.applied > 0);
    await assertInSync([AddParent, V2]);
    const stored = await rows(`SELECT code, title, score, weight, kind, grade, note, parent_id FROM ${q(table)} ORDER BY id`);
    assert.deepEqual(stored.map((r) => [r.code, r.title, r.score === null ? null : Number(r.score), Number(r.weight), r.kind, r.grade, r.note]),
      [['a', 'one', 1, 1, 'x', 'a', null], ['b', 'two', null, 1, 'y', 'a', null]]);
    if (isSqlite()) assert.equal(await foreignKeysOn(), true, 'foreign keys are on again');
    // The new constraints hold.
    await assert.rejects(exec(`INSERT INTO ${q(table)} (code, title, grade) VALUES ('n', 'one', 'c')`), /unique/i);
    await assert.rejects(exec(`INSERT INTO ${q(table)} (code, title, grade, kind) VALUES ('n', 'new', 'c', 'nope')`));
    await exec(`INSERT INTO ${q(table)} (code, title, grade, kind) VALUES ('n', 'new', 'c', 'z')`);
    assert.equal((await V2.objects.all()).length, 3);
  });
});

describe('plan: foreign key actions and enum types', () => {
  const parentTable = uniqueTable('sp_fk_parent');
  const childTable = uniqueTable('sp_fk_child');

  @model({ table: parentTable })
  class FkParent extends Model<FkParent>() {
    @primaryKey() id!: number;
    @field() name!: string;
  }

  @model({ table: childTable })
  class FkChildV1 extends Model<FkChildV1>() {
    @primaryKey() id!: number;
    @field({ type: 'integer', nullable: true }) parentId!: number | null;
    @field({ type: 'enum', values: ['calm', 'busy'], default: 'calm' }) mood!: string;
    @belongsTo(() => FkParent, { foreignKey: 'parentId', onDelete: 'cascade' }) parent!: unknown;
  }

  before(async () => {
    await (await planFor([FkParent, FkChildV1])).apply();
    const [a, b] = await FkParent.objects.createMany([{ name: 'a' }, { name: 'b' }]);
    await FkChildV1.objects.createMany([{ parentId: a.id, mood: 'busy' }, { parentId: b.id }]);
  });

  it('a changed onDelete drops and adds the foreign key; an enum turned text drops its type', async () => {
    registry.unregister(FkChildV1);
    @model({ table: childTable })
    class FkChildV2 extends Model<FkChildV2>() {
      @primaryKey() id!: number;
      @field({ type: 'integer', nullable: true }) parentId!: number | null;
      @field({ type: 'text', default: 'calm' }) mood!: string;
      @belongsTo(() => FkParent, { foreignKey: 'parentId', onDelete: 'set null' }) parent!: unknown;
    }
    const plan = await planFor([FkParent, FkChildV2]);
    const expected = ['AddForeignKey', 'AlterColumnType', 'DropForeignKey'];
    if (pg) expected.push('DropEnum');
    else expected.push('RebuildTable');
    assert.deepEqual(kinds(plan), expected.sort(), plan.toString());
    assert.ok(plan.operations.every((o) => !o.skipped && !o.destructive), plan.toString());
    assert.equal((only(plan, 'DropForeignKey').change as { foreignKey: { onDelete: string } }).foreignKey.onDelete, 'cascade');
    assert.equal((only(plan, 'AddForeignKey').change as { foreignKey: { onDelete: string } }).foreignKey.onDelete, 'set null');
    if (pg) {
      assert.deepEqual(only(plan, 'DropEnum').sql, [`DROP TYPE "${childTable}_mood_enum"`]);
      assert.ok(plan.operations.indexOf(only(plan, 'DropEnum')) > plan.operations.indexOf(only(plan, 'AlterColumnType')));
    }
    await plan.apply();
    await assertInSync([FkParent, FkChildV2]);
    assert.deepEqual((await rows(`SELECT mood FROM ${q(childTable)} ORDER BY id`)).map((r) => r.mood), ['busy', 'calm']);
    await FkParent.objects.delete(1);
    assert.deepEqual((await rows(`SELECT parent_id FROM ${q(childTable)} ORDER BY id`)).map((r) => r.parent_id), [null, 2], 'set null, not cascade');
  });

  it('dropping an enum column keeps its type while the drop is skipped', { skip: pg ? false : 'SQLite has no enum types' }, async () => {
    const t = uniqueTable('sp_enum_drop');
    @model({ table: t })
    class EdV1 extends Model<EdV1>() {
      @primaryKey() id!: number;
      @field({ type: 'enum', values: ['x', 'y'], nullable: true }) e!: string | null;
    }
    await (await planFor([EdV1])).apply();
    await EdV1.objects.create({ e: 'x' });
    registry.unregister(EdV1);
    @model({ table: t })
    class EdV2 extends Model<EdV2>() {
      @primaryKey() id!: number;
    }
    let plan = await planFor([EdV2]);
    assert.deepEqual(plan.operations.map((o) => [o.kind, o.skipped, o.destructive]), [['DropColumn', true, true], ['DropEnum', true, true]]);
    assert.match(only(plan, 'DropEnum').reason, /still uses it/);
    plan = await planFor([EdV2], { allowDestructive: true });
    assert.deepEqual(plan.operations.map((o) => [o.kind, o.skipped]), [['DropColumn', false], ['DropEnum', false]]);
    await plan.apply();
    await assertInSync([EdV2]);
    assert.equal((await db().inspect()).enums.some((e) => e.name === `${t}_e_enum`), false);
  });
});

describe('plan: renames', () => {
  const table = uniqueTable('sp_ren');

  @model({ table, indexes: ['fullName'] })
  class RenV1 extends Model<RenV1>() {
    @primaryKey() id!: number;
    @field({ type: 'text' }) fullName!: string;
    @field({ type: 'integer', default: 0 }) age!: number;
  }

  before(async () => {
    await (await planFor([RenV1])).apply();
    await RenV1.objects.createMany([{ fullName: 'Ann Lee', age: 30 }, { fullName: 'Bo Kim', age: 40 }]);
  });

  it('renamedFrom turns drop + add into a rename that keeps the data (and the index follows)', async () => {
    registry.unregister(RenV1);
    @model({ table, indexes: ['displayName'] })
    class RenV2 extends Model<RenV2>() {
      @primaryKey() id!: number;
      @field({ type: 'text', renamedFrom: 'full_name' }) displayName!: string;
      @field({ type: 'integer', default: 0, renamedFrom: ['old_age', 'age_years'] }) years!: number;
      @field({ type: 'integer', default: 0 }) age!: number;
    }
    const plan = await planFor([RenV2]);
    const rename = only(plan, 'RenameColumn');
    assert.equal(rename.column, 'display_name');
    assert.deepEqual((rename.change as { from: string }).from, 'full_name');
    assert.match(rename.reason, /RenV2\.displayName was renamed from full_name/);
    // `years` names no column of the table: it is added, `age` (still a field) stays.
    assert.equal(only(plan, 'AddColumn').column, 'years');
    assert.equal(ops(plan, 'DropColumn').length, 0);
    assert.equal(ops(plan, 'AddIndex').length, 0, 'the index moves with the column');
    assert.ok(plan.operations.every((o) => !o.destructive));
    await plan.apply();
    await assertInSync([RenV2]);
    assert.deepEqual((await RenV2.objects.all({ orderBy: 'id' })).map((r) => [r.displayName, r.age, r.years]), [['Ann Lee', 30, 0], ['Bo Kim', 40, 0]]);
  });

  it('without renamedFrom the same change is a drop (destructive, skipped) and an add', async () => {
    const t = uniqueTable('sp_ren2');
    @model({ table: t })
    class Ren2V1 extends Model<Ren2V1>() {
      @primaryKey() id!: number;
      @field({ type: 'text', nullable: true }) a!: string | null;
    }
    await (await planFor([Ren2V1])).apply();
    await Ren2V1.objects.create({ a: 'kept' });
    registry.unregister(Ren2V1);
    @model({ table: t })
    class Ren2V2 extends Model<Ren2V2>() {
      @primaryKey() id!: number;
      @field({ type: 'text', nullable: true }) b!: string | null;
    }
    const plan = await planFor([Ren2V2]);
    assert.deepEqual(plan.operations.map((o) => [o.kind, o.column, o.skipped]), [['AddColumn', 'b', false], ['DropColumn', 'a', true]]);
    await plan.apply();
    assert.deepEqual(await rows(`SELECT a, b FROM ${q(t)}`), [{ a: 'kept', b: null }]);
  });
});

describe('plan: destructive operations', () => {
  const table = uniqueTable('sp_des');
  const orphan = uniqueTable('sp_des_orphan');
  const ownTable = `regista_sp_own_${process.pid}`;

  @model({ table })
  class DesV1 extends Model<DesV1>() {
    @primaryKey() id!: number;
    @field({ type: 'text' }) keep!: string;
    @field({ type: 'text', nullable: true }) legacy!: string | null;
    @field({ type: 'integer', nullable: true, index: true }) indexed!: number | null;
  }

  let V2: Function;

  before(async () => {
    await (await planFor([DesV1])).apply();
    await DesV1.objects.createMany([{ keep: 'a', legacy: 'x', indexed: 1 }, { keep: 'b', legacy: null, indexed: 2 }, { keep: 'c', legacy: 'z', indexed: null }]);
    await exec(`CREATE TABLE ${q(orphan)} (id INTEGER PRIMARY KEY, v TEXT)`);
    await exec(`INSERT INTO ${q(orphan)} (id, v) VALUES (1, 'a'), (2, 'b')`);
    await exec(`CREATE TABLE ${q(ownTable)} (id INTEGER PRIMARY KEY)`);
    registry.unregister(DesV1);
    @model({ table })
    class DesV2 extends Model<DesV2>() {
      @primaryKey() id!: number;
      @field({ type: 'text' }) keep!: string;
    }
    V2 = DesV2;
  });

  it('are listed as skipped by default, saying what they would lose', async () => {
    const plan = await planFor([V2], { tables: [orphan] });
    const legacy = only(plan, 'DropColumn', 'legacy');
    assert.equal(legacy.destructive, true);
    assert.equal(legacy.skipped, true);
    assert.equal(legacy.affectedRows, 2);
    assert.match(legacy.loss!, new RegExp(`column ${table}\\.legacy and the values it holds in 2 rows`));
    const indexed = only(plan, 'DropColumn', 'indexed');
    assert.equal(indexed.affectedRows, 2);
    const drop = only(plan, 'DropTable');
    assert.equal(drop.table, orphan);
    assert.equal(drop.skipped, true);
    assert.equal(drop.affectedRows, 2);
    assert.match(drop.reason, /no model describes table/);
    assert.match(drop.loss!, /and its 2 rows/);
    assert.match(plan.toString(), /! DropTable .* \[skipped: destructive, would lose table .* and its 2 rows; plan with \{ allowDestructive: true \}/);
    assert.match(plan.toSql(), /-- SKIPPED DropTable/);
    assert.match(plan.toSql(), new RegExp(`-- DROP TABLE "${orphan}"`));
    await plan.apply();
    assert.equal((await rows(`SELECT legacy FROM ${q(table)} WHERE legacy IS NOT NULL`)).length, 2, 'nothing dropped');
    assert.equal((await rows(`SELECT * FROM ${q(orphan)}`)).length, 2);
  });

  it('regista\'s own tables (regista_*) are never part of a plan', async () => {
    const plan = await db().plan({ models: [V2], tables: [ownTable] });
    assert.ok(plan.operations.every((o) => o.table !== ownTable), plan.toString());
  });

  it('a table named in `tables` that a registered model describes is compared with that model, not dropped', async () => {
    const plan = await db().plan({ tables: [rtParentTable] });
    assert.equal(plan.isEmpty, true, plan.toString());
  });

  it('are applied with allowDestructive, after which the plan is empty', async () => {
    const plan = await planFor([V2], { tables: [orphan], allowDestructive: true });
    assert.ok(plan.operations.filter((o) => o.destructive).length >= 3);
    assert.ok(plan.operations.every((o) => !o.skipped), plan.toString());
    await plan.apply();
    await assertInSync([V2], [orphan]);
    assert.deepEqual((await rows(`SELECT * FROM ${q(table)} ORDER BY id`)).map((r) => Object.keys(r).sort()), [['id', 'keep'], ['id', 'keep'], ['id', 'keep']]);
    assert.equal((await db().inspect()).tables.some((t) => t.name === orphan), false);
  });
});

describe('plan: enum value removal and narrowing', () => {
  const enumTable = uniqueTable('sp_enum');
  const narrowTable = uniqueTable('sp_narrow');

  @model({ table: enumTable })
  class EnumV1 extends Model<EnumV1>() {
    @primaryKey() id!: number;
    @field({ type: 'enum', values: ['new', 'open', 'archived', 'spam'], default: 'new' }) state!: string;
  }

  @model({ table: narrowTable })
  class NarrowV1 extends Model<NarrowV1>() {
    @primaryKey() id!: number;
    @field({ type: 'varchar', length: 255 }) name!: string;
    @field({ type: 'text', nullable: true }) amount!: string | null;
    @field({ type: 'varchar', length: 100, nullable: true }) short!: string | null;
  }

  before(async () => {
    await (await planFor([EnumV1, NarrowV1])).apply();
    await EnumV1.objects.createMany([{ state: 'new' }, { state: 'archived' }, { state: 'archived' }, { state: 'open' }]);
    await NarrowV1.objects.createMany([
      { name: 'short', amount: '12', short: 'ok' },
      { name: 'a much longer name', amount: 'n/a', short: 'fine' },
      { name: 'another long name', amount: '7', short: null },
    ]);
  });

  it('removing an enum value that rows hold is refused unless allowed, counting the rows', async () => {
    registry.unregister(EnumV1);
    @model({ table: enumTable })
    class EnumV2 extends Model<EnumV2>() {
      @primaryKey() id!: number;
      @field({ type: 'enum', values: ['new', 'open', 'archived'], default: 'new' }) state!: string;
    }
    // 'spam' is held by no row: removed without loss, applied by default.
    let plan = await planFor([EnumV2]);
    let removal = only(plan, 'RemoveEnumValue');
    assert.equal(removal.destructive, false);
    assert.equal(removal.skipped, false);
    assert.match(removal.reason, /no longer lists 'spam' \(no row holds it\)/);
    await plan.apply();
    await assertInSync([EnumV2]);

    registry.unregister(EnumV2);
    @model({ table: enumTable })
    class EnumV3 extends Model<EnumV3>() {
      @primaryKey() id!: number;
      @field({ type: 'enum', values: ['new', 'open'], default: 'new' }) state!: string;
    }
    plan = await planFor([EnumV3]);
    removal = only(plan, 'RemoveEnumValue');
    assert.equal(removal.destructive, true);
    assert.equal(removal.skipped, true);
    assert.equal(removal.affectedRows, 2);
    assert.match(removal.loss!, new RegExp(`2 rows of ${enumTable}\\.state hold 'archived'; those values would be lost \\(replaced by the default 'new'\\)`));
    await plan.apply();
    assert.deepEqual((await rows(`SELECT state FROM ${q(enumTable)} ORDER BY id`)).map((r) => r.state), ['new', 'archived', 'archived', 'open']);

    plan = await planFor([EnumV3], { allowDestructive: true });
    assert.equal(only(plan, 'RemoveEnumValue').skipped, false);
    await plan.apply();
    assert.deepEqual((await rows(`SELECT state FROM ${q(enumTable)} ORDER BY id`)).map((r) => r.state), ['new', 'new', 'new', 'open']);
    await assertInSync([EnumV3]);
    await assert.rejects(exec(`INSERT INTO ${q(enumTable)} (state) VALUES ('archived')`));
  });

  it('narrowing that would lose data is refused unless allowed, saying what would be lost', async () => {
    registry.unregister(NarrowV1);
    @model({ table: narrowTable })
    class NarrowV2 extends Model<NarrowV2>() {
      @primaryKey() id!: number;
      @field({ type: 'varchar', length: 10 }) name!: string;
      @field({ type: 'integer', nullable: true }) amount!: number | null;
      @field({ type: 'varchar', length: 10, nullable: true }) short!: string | null;
    }
    const plan = await planFor([NarrowV2]);
    const name = only(plan, 'AlterColumnType', 'name');
    assert.equal(name.skipped, true);
    assert.equal(name.affectedRows, 2);
    assert.match(name.loss!, new RegExp(`2 rows of ${narrowTable}\\.name hold values that do not fit varchar\\(10\\); they would be truncated`));
    const amount = only(plan, 'AlterColumnType', 'amount');
    assert.equal(amount.skipped, true);
    assert.equal(amount.affectedRows, 1);
    assert.match(amount.loss!, new RegExp(`1 row of ${narrowTable}\\.amount holds a value that cannot be converted to integer; it would be lost \\(replaced by NULL\\)`));
    // Every stored value of `short` fits: narrowed by default.
    const short = only(plan, 'AlterColumnType', 'short');
    assert.equal(short.destructive, false);
    assert.equal(short.skipped, false);
    assert.match(plan.toString(), /\[skipped: destructive, would lose 2 rows of .*\.name hold values that do not fit varchar\(10\)/);
    await plan.apply();
    assert.deepEqual((await rows(`SELECT name, amount FROM ${q(narrowTable)} ORDER BY id`)).map((r) => [r.name, String(r.amount)]),
      [['short', '12'], ['a much longer name', 'n/a'], ['another long name', '7']]);

    const allowed = await planFor([NarrowV2], { allowDestructive: true });
    assert.deepEqual(allowed.operations.filter((o) => o.kind === 'AlterColumnType').map((o) => [o.column, o.skipped]).sort(), [['amount', false], ['name', false]]);
    await allowed.apply();
    await assertInSync([NarrowV2]);
    assert.deepEqual((await NarrowV2.objects.all({ orderBy: 'id' })).map((r) => [r.name, r.amount, r.short]),
      [['short', 12, 'ok'], ['a much lon', null, 'fine'], ['another lo', 7, null]]);
  });
});

describe('plan: blocked changes', () => {
  const table = uniqueTable('sp_blk');

  @model({ table })
  class BlkV1 extends Model<BlkV1>() {
    @primaryKey() id!: number;
    @field({ type: 'text' }) email!: string;
    @field({ type: 'text', nullable: true }) nick!: string | null;
  }

  before(async () => {
    await (await planFor([BlkV1])).apply();
    await BlkV1.objects.createMany([{ email: 'a@x', nick: null }, { email: 'a@x', nick: 'b' }]);
    registry.unregister(BlkV1);
  });

  it('a unique over duplicates, NOT NULL over NULLs and a NOT NULL column without default are skipped with the reason', async () => {
    @model({ table })
    class BlkV2 extends Model<BlkV2>() {
      @primaryKey() id!: number;
      @field({ type: 'text', unique: true }) email!: string;
      @field({ type: 'text' }) nick!: string;
      @field({ type: 'integer' }) required!: number;
      @field({ type: 'integer', default: 0 }) counter!: number;
    }
    const plan = await planFor([BlkV2]);
    const unique = only(plan, 'AddUnique');
    assert.equal(unique.skipped, true);
    assert.equal(unique.destructive, false);
    assert.match(unique.blocked!, /1 value of \(email\) occurs more than once/);
    const nick = only(plan, 'SetNullable', 'nick');
    assert.match(nick.blocked!, new RegExp(`1 row of ${table}\\.nick holds NULL and the field has no default`));
    const required = only(plan, 'AddColumn', 'required');
    assert.match(required.blocked!, /has 2 rows and required is NOT NULL without a default/);
    const counter = only(plan, 'AddColumn', 'counter');
    assert.equal(counter.skipped, false);
    assert.match(plan.toString(), /! AddUnique .* \[skipped: blocked: /);
    const applied = await plan.apply();
    assert.equal(applied.skipped, 3);
    assert.deepEqual((await rows(`SELECT counter FROM ${q(table)}`)).map((r) => Number(r.counter)), [0, 0]);
    // Allowing destructive changes does not unblock them.
    const again = await planFor([BlkV2], { allowDestructive: true });
    assert.deepEqual(again.operations.filter((o) => o.skipped).map((o) => o.kind).sort(), ['AddColumn', 'AddUnique', 'SetNullable']);
  });

  it('NOT NULL over NULLs with a default fills them with the default', async () => {
    const t = uniqueTable('sp_fill');
    @model({ table: t })
    class FillV1 extends Model<FillV1>() {
      @primaryKey() id!: number;
      @field({ type: 'integer', nullable: true }) n!: number | null;
    }
    await (await planFor([FillV1])).apply();
    await FillV1.objects.createMany([{ n: null }, { n: 4 }]);
    registry.unregister(FillV1);
    @model({ table: t })
    class FillV2 extends Model<FillV2>() {
      @primaryKey() id!: number;
      @field({ type: 'integer', default: 9 }) n!: number;
    }
    const plan = await planFor([FillV2]);
    const set = only(plan, 'SetNullable');
    assert.equal(set.skipped, false);
    assert.match(set.reason, /1 row holding NULL gets the default 9/);
    await plan.apply();
    await assertInSync([FillV2]);
    assert.deepEqual((await FillV2.objects.all({ orderBy: 'id' })).map((r) => r.n), [9, 4]);
  });
});

describe('plan: rebuilds keep every row and foreign key integrity', () => {
  const parentTable = uniqueTable('sp_rb_parent');
  const childTable = uniqueTable('sp_rb_child');

  @model({ table: parentTable })
  class RbParentV1 extends Model<RbParentV1>() {
    @primaryKey() id!: number;
    @field({ type: 'text' }) name!: string;
    @field({ type: 'integer', nullable: true }) rank!: number | null;
  }

  @model({ table: childTable, autoCreate: false })
  class RbChild extends Model<RbChild>() {
    @primaryKey() id!: number;
    @field({ type: 'integer' }) parentId!: number;
    @field({ type: 'text' }) label!: string;
  }

  const N = 300;

  before(async () => {
    await (await planFor([RbParentV1])).apply();
    await exec(`CREATE TABLE ${q(childTable)} (${pg ? 'id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY' : 'id INTEGER PRIMARY KEY AUTOINCREMENT'}, parent_id INTEGER NOT NULL REFERENCES ${q(parentTable)} (id) ON DELETE CASCADE, label TEXT NOT NULL)`);
    await RbParentV1.objects.createMany(Array.from({ length: N }, (_, i) => ({ name: `p${i}`, rank: i % 7 === 0 ? null : i })));
    await RbChild.objects.createMany(Array.from({ length: N * 2 }, (_, i) => ({ parentId: (i % N) + 1, label: `c${i}` })));
    // The counter remembers a key that no row holds any more.
    const extra = await RbParentV1.objects.create({ name: 'gone', rank: 1 });
    await RbParentV1.objects.delete(extra.id);
  });

  it('rebuilding a referenced table (type, nullability and default changes) keeps every row, the children and the counter', async () => {
    registry.unregister(RbParentV1);
    @model({ table: parentTable })
    class RbParentV2 extends Model<RbParentV2>() {
      @primaryKey() id!: number;
      @field({ type: 'varchar', length: 40, default: 'anon' }) name!: string;
      @field({ type: 'bigint', default: 0 }) rank!: bigint;
    }
    const plan = await planFor([RbParentV2]);
    assert.ok(plan.operations.every((o) => !o.skipped), plan.toString());
    if (isSqlite()) {
      const rebuild = only(plan, 'RebuildTable');
      assert.equal(rebuild.foreignKeysOff, true);
      assert.match(rebuild.reason, /is rebuilt \(new table, every row copied/);
    } else {
      assert.equal(ops(plan, 'RebuildTable').length, 0);
    }
    const before = await rows(`SELECT id, name, rank FROM ${q(parentTable)} ORDER BY id`);
    await plan.apply();
    await assertInSync([RbParentV2]);
    const after = await rows(`SELECT id, name, rank FROM ${q(parentTable)} ORDER BY id`);
    assert.equal(after.length, N);
    assert.deepEqual(after.map((r) => [Number(r.id), r.name, Number(r.rank)]), before.map((r) => [Number(r.id), r.name, r.rank === null ? 0 : Number(r.rank)]));
    const [children] = await rows(`SELECT COUNT(*) AS n FROM ${q(childTable)} c JOIN ${q(parentTable)} p ON p.id = c.parent_id`);
    assert.equal(Number(children.n), N * 2, 'no child was cascaded away and each still finds its parent');
    if (isSqlite()) {
      assert.deepEqual(await rows('PRAGMA foreign_key_check'), []);
      assert.equal(await foreignKeysOn(), true);
    }
    const next = await RbParentV2.objects.create({ name: 'next' });
    assert.equal(next.id, N + 2, 'the key counter continues past the deleted row');
    // The foreign key still acts.
    await RbParentV2.objects.delete(1);
    const [left] = await rows(`SELECT COUNT(*) AS n FROM ${q(childTable)}`);
    assert.equal(Number(left.n), N * 2 - 2);
  });

  it('adding a foreign key over rows without a parent is blocked; with clean rows it is added', async () => {
    const t = uniqueTable('sp_rb_fk');
    @model({ table: t })
    class FkV1 extends Model<FkV1>() {
      @primaryKey() id!: number;
      @field({ type: 'integer', nullable: true }) parentId!: number | null;
    }
    await (await planFor([FkV1])).apply();
    await FkV1.objects.createMany([{ parentId: 2 }, { parentId: 99999 }, { parentId: null }]);
    registry.unregister(FkV1);
    const Parent = registry.get(parentTable)! as new () => unknown;
    @model({ table: t })
    class FkV2 extends Model<FkV2>() {
      @primaryKey() id!: number;
      @field({ type: 'integer', nullable: true }) parentId!: number | null;
      @belongsTo(() => Parent, { foreignKey: 'parentId', onDelete: 'set null' }) parent!: unknown;
    }
    let plan = await planFor([FkV2]);
    const add = only(plan, 'AddForeignKey');
    assert.equal(add.skipped, true);
    assert.match(add.blocked!, new RegExp(`1 row of ${t} refers to no row of ${parentTable}`));
    await exec(`DELETE FROM ${q(t)} WHERE parent_id = 99999`);
    plan = await planFor([FkV2]);
    assert.equal(only(plan, 'AddForeignKey').skipped, false);
    await plan.apply();
    await assertInSync([FkV2]);
    await assert.rejects(exec(`INSERT INTO ${q(t)} (parent_id) VALUES (88888)`));
  });

  it('a rebuild that would leave broken foreign keys is rolled back whole (MigrationError)', { skip: pg ? 'PostgreSQL alters in place and checks foreign keys itself' : false }, async () => {
    const t = uniqueTable('sp_rb_bad');
    await exec(`CREATE TABLE ${q(t)} (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES ${q(parentTable)} (id), v TEXT)`);
    await exec('PRAGMA foreign_keys = OFF');
    try {
      await exec(`INSERT INTO ${q(t)} (id, parent_id, v) VALUES (1, 77777, 'x'), (2, 2, 'y')`);
    } finally {
      await exec('PRAGMA foreign_keys = ON');
    }
    const Parent = registry.get(parentTable)! as new () => unknown;
    @model({ table: t, autoCreate: false })
    class Bad extends Model<Bad>() {
      @primaryKey({ autoincrement: false }) id!: number;
      @field({ type: 'integer', nullable: true }) parentId!: number | null;
      @field({ type: 'varchar', length: 10, nullable: true }) v!: string | null;
      @belongsTo(() => Parent, { foreignKey: 'parentId' }) parent!: unknown;
    }
    try {
      const plan = await planFor([Bad]);
      assert.equal(only(plan, 'AlterColumnType', 'v').skipped, false);
      assert.equal(only(plan, 'RebuildTable').table, t);
      await assert.rejects(plan.apply(), (error: unknown) => error instanceof MigrationError && /would break 1 foreign key reference/.test(error.message));
      assert.deepEqual((await rows(`SELECT id, parent_id, v FROM ${q(t)} ORDER BY id`)).map((r) => [r.id, r.parent_id, r.v]), [[1, 77777, 'x'], [2, 2, 'y']]);
      const [column] = (await rows(`SELECT type FROM pragma_table_info('${t}') WHERE name = 'v'`));
      assert.equal(column.type, 'TEXT', 'nothing was changed');
      assert.equal(await foreignKeysOn(), true);
    } finally {
      registry.unregister(Bad);
    }
  });
});

describe('plan: stale plans and scope', () => {
  const table = uniqueTable('sp_stale');

  @model({ table })
  class Stale extends Model<Stale>() {
    @primaryKey() id!: number;
    @field({ type: 'text', nullable: true }) a!: string | null;
  }

  it('apply() refuses with StalePlanError when the schema changed since planning, changing nothing', async () => {
    const plan = await planFor([Stale]);
    assert.equal(only(plan, 'CreateTable').table, table);
    await exec(`CREATE TABLE ${q(table)} (id INTEGER PRIMARY KEY, a TEXT)`);
    await assert.rejects(plan.apply(), (error: unknown) => error instanceof StalePlanError && /changed since this plan was made/.test(error.message));
    await assertInSync([Stale]);
  });

  it('applying twice is refused the second time', async () => {
    const t = uniqueTable('sp_twice');
    @model({ table: t })
    class Twice extends Model<Twice>() {
      @primaryKey() id!: number;
    }
    const plan = await planFor([Twice]);
    await plan.apply();
    await assert.rejects(plan.apply(), StalePlanError);
  });

  it('a model of another database is refused', async () => {
    const t = uniqueTable('sp_other');
    @model({ table: t, database: 'sp_elsewhere' })
    class Elsewhere extends Model<Elsewhere>() {
      @primaryKey() id!: number;
    }
    await assert.rejects(db().plan({ models: [Elsewhere] }), /lives in database "sp_elsewhere"/);
    registry.unregister(Elsewhere);
  });
});
