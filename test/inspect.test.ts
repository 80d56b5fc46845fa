/**
 * Catalog introspection (`db.inspect()`): the schema regista's models create, read back exactly;
 * hand-written DDL regista did not create (serial and identity keys, composite keys, unique
 * constraints and unique indexes, foreign key actions, partial and expression indexes, function
 * defaults, quoted names, enum types, comments); exclusions (SQLite's own tables, staging tables);
 * deterministic order; the JSON round trip; an empty database; inspection inside a transaction.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  Model, belongsTo, connect, field, model, primaryKey,
  type Catalog, type CatalogTable, type Database,
} from 'regista';
import { dialectName, isPostgres, pgUrl, useTestDatabase } from './support/database';

const db = useTestDatabase();
const pg = isPostgres();

/** The entry of `name`, failing the test when it is missing. */
function tableOf(catalog: Catalog, name: string): CatalogTable {
  const table = catalog.tables.find((t) => t.name === name);
  assert.ok(table, `table ${name} is in the catalog (tables: ${catalog.tables.map((t) => t.name).join(', ')})`);
  return table;
}

async function runAll(database: Database, statements: readonly string[]): Promise<void> {
  for (const sql of statements) await database.run(sql, [], false);
}

// ------------------------------------------------------------------------------------------------
// Models

@model({ table: 'insp_authors' })
class InspAuthor extends Model<InspAuthor>() {
  @primaryKey() id!: number;
  @field() name!: string;
}

@model({ table: 'insp_tags' })
class InspTag extends Model<InspTag>() {
  @primaryKey({ type: 'uuid' }) id!: string;
  @field() label!: string;
}

@model({
  table: 'insp_items',
  unique: [['sku', 'region']],
  indexes: ['title', { fields: ['price', 'rating'], name: 'insp_items_price_rating' }],
})
class InspItem extends Model<InspItem>() {
  @primaryKey() id!: number;
  @field({ type: 'integer', default: 0 }) quantity!: number;
  @field({ type: 'bigint', nullable: true }) big!: bigint | null;
  @field({ type: 'float', default: 1.5 }) rating!: number;
  @field({ type: 'decimal', precision: 10, scale: 2, default: '12.50' }) price!: string;
  @field({ type: 'text' }) title!: string;
  @field({ type: 'varchar', length: 40, unique: true }) sku!: string;
  @field({ type: 'varchar' }) region!: string;
  @field({ type: 'boolean', default: true }) active!: boolean;
  @field({ type: 'date', nullable: true }) day!: string | null;
  @field({ type: 'datetime', default: new Date('2020-01-02T03:04:05.678Z') }) at!: Date;
  @field({ type: 'json', default: { tags: ['x'] } }) data!: unknown;
  @field({ type: 'uuid', nullable: true }) ref!: string | null;
  @field({ type: 'enum', values: ['draft', 'live'], default: 'draft' }) status!: string;
  @field({ type: 'integer' }) authorId!: number;
  @belongsTo(() => InspAuthor, { foreignKey: 'authorId', onDelete: 'cascade' }) author!: Promise<InspAuthor | null>;
}

describe('inspect: tables created from models', () => {
  let catalog: Catalog;
  before(async () => {
    for (const m of [InspAuthor, InspTag, InspItem]) await m.createSchema();
    catalog = await db().inspect();
  });

  it('names the dialect and the schema', async () => {
    assert.equal(catalog.dialect, pg ? 'postgres' : 'sqlite');
    if (pg) {
      const { rows } = await db().run('SELECT current_schema() AS s');
      assert.equal(catalog.schema, rows[0].s);
    } else {
      assert.equal(catalog.schema, 'main');
    }
  });

  it('reads every field type back with normalised types, nullability and defaults', () => {
    const col = (name: string, type: string, nullable: boolean, fallback: string | null, extra: object = {}) =>
      ({ name, type, nullable, default: fallback, autoincrement: false, ...extra });
    assert.deepEqual(tableOf(catalog, 'insp_items').columns, [
      { name: 'id', type: 'integer', nullable: false, default: null, autoincrement: true },
      col('quantity', 'integer', false, '0'),
      col('big', 'bigint', true, null),
      col('rating', pg ? 'double precision' : 'real', false, '1.5'),
      // regista writes the decimal as a string literal; PostgreSQL stores a numeric constant.
      col('price', 'numeric(10,2)', false, pg ? '12.50' : "'12.50'"),
      col('title', 'text', false, null),
      col('sku', 'varchar(40)', false, null),
      col('region', 'varchar(255)', false, null),
      col('active', 'boolean', false, pg ? 'true' : '1'),
      col('day', 'date', true, null),
      col('at', pg ? 'timestamptz' : 'datetime', false, "'2020-01-02T03:04:05.678Z'"),
      col('data', pg ? 'jsonb' : 'text', false, '\'{"tags":["x"]}\''),
      col('ref', pg ? 'uuid' : 'text', true, null),
      col('status', pg ? 'insp_items_status_enum' : 'text', false, "'draft'", { enumValues: ['draft', 'live'] }),
      col('author_id', 'integer', false, null),
    ]);
  });

  it('reads keys, unique groups, indexes, the foreign key and (on SQLite) no enum CHECK among the checks', () => {
    const { columns: _columns, ...rest } = tableOf(catalog, 'insp_items');
    assert.deepEqual(rest, {
      name: 'insp_items',
      // SQLite's autoincrement key is declared inline (`INTEGER PRIMARY KEY AUTOINCREMENT`): unnamed.
      primaryKey: pg ? { name: 'insp_items_pkey', columns: ['id'] } : { columns: ['id'] },
      uniques: [
        { name: 'insp_items_sku_region_unique', columns: ['sku', 'region'] },
        { name: 'insp_items_sku_unique', columns: ['sku'] },
      ],
      foreignKeys: [{
        name: 'insp_items_author_id_foreign', columns: ['author_id'], referencedTable: 'insp_authors', referencedColumns: ['id'], onDelete: 'cascade',
      }],
      indexes: [
        { name: 'insp_items_author_id_index', columns: ['author_id'], unique: false },
        { name: 'insp_items_price_rating', columns: ['price', 'rating'], unique: false },
        { name: 'insp_items_title_index', columns: ['title'], unique: false },
      ],
      checks: [],
    });
  });

  it('reads a named key over a uuid column and the referenced table', () => {
    assert.deepEqual(tableOf(catalog, 'insp_tags'), {
      name: 'insp_tags',
      columns: [
        { name: 'id', type: pg ? 'uuid' : 'text', nullable: false, default: null, autoincrement: false },
        { name: 'label', type: 'text', nullable: false, default: null, autoincrement: false },
      ],
      primaryKey: { name: 'insp_tags_pkey', columns: ['id'] },
      uniques: [],
      foreignKeys: [],
      indexes: [],
      checks: [],
    });
    assert.deepEqual(tableOf(catalog, 'insp_authors').primaryKey, pg ? { name: 'insp_authors_pkey', columns: ['id'] } : { columns: ['id'] });
  });

  it('lists enum types (PostgreSQL) and none on SQLite', () => {
    assert.deepEqual(catalog.enums, pg ? [{ name: 'insp_items_status_enum', values: ['draft', 'live'] }] : []);
  });

  it('sorts tables by name and is the same on every call', async () => {
    const names = catalog.tables.map((t) => t.name);
    assert.deepEqual(names, [...names].sort());
    assert.deepEqual(await db().inspect(), catalog);
  });

  it('round-trips through JSON', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(catalog)), catalog);
  });
});

// ------------------------------------------------------------------------------------------------
// Hand-written DDL

const SQLITE_DDL = [
  `CREATE TABLE "Hand Parents" ("Parent Id" INTEGER PRIMARY KEY, "Code" VARCHAR(20) NOT NULL, region TEXT,
    CONSTRAINT "hp code region" UNIQUE ("Code", region))`,
  `CREATE TABLE hand_orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id INTEGER REFERENCES "Hand Parents" ON DELETE CASCADE,
    parent_code VARCHAR( 20 ),
    parent_region TEXT,
    note varchar,  -- no length; a comment with a comma, and CHECK (nothing)
    qty int NOT NULL DEFAULT 1,
    price NUMERIC(10, 2) DEFAULT 0.5,
    placed_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    flag BOOLEAN DEFAULT FALSE,
    label TEXT DEFAULT 'it''s, (quoted)',
    status TEXT NOT NULL DEFAULT 'new' CONSTRAINT "orders status" CHECK ("status" IN ('new', 'done')),
    email TEXT UNIQUE,
    CONSTRAINT qty_positive CHECK (qty > 0),
    CONSTRAINT orders_parent_fk FOREIGN KEY (parent_code, parent_region) REFERENCES "Hand Parents" ("Code", region) ON DELETE SET DEFAULT)`,
  `CREATE TABLE hand_links (a INTEGER NOT NULL, b TEXT NOT NULL, c INTEGER REFERENCES hand_orders ON DELETE SET NULL, d INTEGER REFERENCES "Hand Parents",
    CONSTRAINT hand_links_pk PRIMARY KEY (a, b),
    CONSTRAINT links_b_fk FOREIGN KEY (b) REFERENCES hand_orders (email) ON DELETE RESTRICT)`,
  'CREATE UNIQUE INDEX hand_orders_code_note ON hand_orders (parent_code, note)',
  'CREATE INDEX hand_orders_open ON hand_orders (placed_at) WHERE flag = 0',
  'CREATE INDEX hand_orders_lower_label ON hand_orders (lower(label), qty DESC)',
  'CREATE TABLE regista_stage_leftover (x INTEGER)',
];

const POSTGRES_DDL = [
  `CREATE TYPE "Order Status" AS ENUM ('new', 'done')`,
  `CREATE TABLE "Hand Parents" ("Parent Id" serial PRIMARY KEY, "Code" varchar(20) NOT NULL, region text,
    CONSTRAINT "hp code region" UNIQUE ("Code", region))`,
  `CREATE TABLE hand_orders (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id integer REFERENCES "Hand Parents" ON DELETE CASCADE,
    parent_code varchar( 20 ),
    parent_region text,
    note varchar,
    qty int NOT NULL DEFAULT 1,
    price numeric(10, 2) DEFAULT 0.5,
    placed_at timestamptz DEFAULT now(),
    flag boolean DEFAULT false,
    label text DEFAULT 'it''s, (quoted)',
    status "Order Status" NOT NULL DEFAULT 'new',
    email text UNIQUE,
    big bigserial,
    CONSTRAINT qty_positive CHECK (qty > 0),
    CONSTRAINT orders_parent_fk FOREIGN KEY (parent_code, parent_region) REFERENCES "Hand Parents" ("Code", region) ON DELETE SET DEFAULT)`,
  `CREATE TABLE hand_links (a integer NOT NULL, b text NOT NULL, c integer REFERENCES hand_orders ON DELETE SET NULL, d integer REFERENCES "Hand Parents",
    CONSTRAINT hand_links_pk PRIMARY KEY (a, b),
    CONSTRAINT links_b_fk FOREIGN KEY (b) REFERENCES hand_orders (email) ON DELETE RESTRICT)`,
  'CREATE UNIQUE INDEX hand_orders_code_note ON hand_orders (parent_code, note)',
  'CREATE INDEX hand_orders_open ON hand_orders (placed_at) WHERE NOT flag',
  'CREATE INDEX hand_orders_lower_label ON hand_orders (lower(label), qty DESC)',
  `COMMENT ON TABLE hand_orders IS 'Orders, by hand'`,
  `COMMENT ON COLUMN hand_orders.note IS 'free text'`,
  'CREATE VIEW hand_view AS SELECT id FROM hand_orders',
  'CREATE TABLE regista_stage_leftover (x integer)',
];

describe('inspect: hand-written DDL', () => {
  let catalog: Catalog;
  before(async () => {
    await runAll(db(), pg ? POSTGRES_DDL : SQLITE_DDL);
    catalog = await db().inspect();
  });

  it('reads serial / identity / rowid keys, quoted names and a multi-column unique constraint', () => {
    assert.deepEqual(tableOf(catalog, 'Hand Parents'), {
      name: 'Hand Parents',
      columns: [
        // SQLite: INTEGER PRIMARY KEY without AUTOINCREMENT is the rowid, generated all the same.
        { name: 'Parent Id', type: 'integer', nullable: false, default: null, autoincrement: true },
        { name: 'Code', type: 'varchar(20)', nullable: false, default: null, autoincrement: false },
        { name: 'region', type: 'text', nullable: true, default: null, autoincrement: false },
      ],
      primaryKey: pg ? { name: 'Hand Parents_pkey', columns: ['Parent Id'] } : { columns: ['Parent Id'] },
      uniques: [{ name: 'hp code region', columns: ['Code', 'region'] }],
      foreignKeys: [],
      indexes: [],
      checks: [],
    });
  });

  it('normalises types and defaults of columns regista did not write', () => {
    const col = (name: string, type: string, nullable: boolean, fallback: string | null, extra: object = {}) =>
      ({ name, type, nullable, default: fallback, autoincrement: false, ...extra });
    const expected = [
      { name: 'id', type: 'integer', nullable: false, default: null, autoincrement: true },
      col('parent_id', 'integer', true, null),
      col('parent_code', 'varchar(20)', true, null),
      col('parent_region', 'text', true, null),
      col('note', 'varchar', true, null, pg ? { comment: 'free text' } : {}),
      col('qty', pg ? 'integer' : 'int', false, '1'),
      col('price', 'numeric(10,2)', true, '0.5'),
      col('placed_at', pg ? 'timestamptz' : 'datetime', true, pg ? 'now()' : 'CURRENT_TIMESTAMP'),
      col('flag', 'boolean', true, pg ? 'false' : '0'),
      col('label', 'text', true, "'it''s, (quoted)'"),
      col('status', pg ? 'Order Status' : 'text', false, "'new'", { enumValues: ['new', 'done'] }),
      col('email', 'text', true, null),
    ];
    if (pg) expected.push({ name: 'big', type: 'bigint', nullable: false, default: null, autoincrement: true });
    assert.deepEqual(tableOf(catalog, 'hand_orders').columns, expected);
  });

  it('reads unique constraints, unique / partial / expression indexes, checks, foreign keys and comments', () => {
    const { columns: _columns, ...rest } = tableOf(catalog, 'hand_orders');
    assert.deepEqual(rest, {
      name: 'hand_orders',
      primaryKey: pg ? { name: 'hand_orders_pkey', columns: ['id'] } : { columns: ['id'] },
      // An unnamed inline UNIQUE: PostgreSQL names it; SQLite reports its automatic index.
      uniques: [{ name: pg ? 'hand_orders_email_key' : 'sqlite_autoindex_hand_orders_1', columns: ['email'] }],
      foreignKeys: [
        ...(pg ? [{ name: 'hand_orders_parent_id_fkey', columns: ['parent_id'], referencedTable: 'Hand Parents', referencedColumns: ['Parent Id'], onDelete: 'cascade' }] : []),
        { name: 'orders_parent_fk', columns: ['parent_code', 'parent_region'], referencedTable: 'Hand Parents', referencedColumns: ['Code', 'region'], onDelete: 'set default' },
        // SQLite keeps no name for an unnamed foreign key; `REFERENCES "Hand Parents"` means its key.
        ...(pg ? [] : [{ columns: ['parent_id'], referencedTable: 'Hand Parents', referencedColumns: ['Parent Id'], onDelete: 'cascade' }]),
      ],
      indexes: [
        { name: 'hand_orders_code_note', columns: ['parent_code', 'note'], unique: true },
        { name: 'hand_orders_lower_label', columns: ['lower(label)', 'qty'], unique: false },
        { name: 'hand_orders_open', columns: ['placed_at'], unique: false, where: pg ? 'NOT flag' : 'flag = 0' },
      ],
      // The enum CHECK of `status` (SQLite) became the column's enumValues, not a check.
      checks: [{ name: 'qty_positive', expression: 'qty > 0' }],
      ...(pg ? { comment: 'Orders, by hand' } : {}),
    });
  });

  it('reads a named composite primary key and every ON DELETE action', () => {
    const links = tableOf(catalog, 'hand_links');
    assert.deepEqual(links.primaryKey, { name: 'hand_links_pk', columns: ['a', 'b'] });
    assert.deepEqual(links.columns.map((c) => [c.name, c.nullable, c.autoincrement]), [
      ['a', false, false], ['b', false, false], ['c', true, false], ['d', true, false],
    ]);
    const fks = links.foreignKeys.map((fk) => ({ ...fk, name: fk.name ?? '(unnamed)' }));
    assert.deepEqual(fks, [
      ...(pg ? [] : [{ name: '(unnamed)', columns: ['c'], referencedTable: 'hand_orders', referencedColumns: ['id'], onDelete: 'set null' }]),
      ...(pg ? [] : [{ name: '(unnamed)', columns: ['d'], referencedTable: 'Hand Parents', referencedColumns: ['Parent Id'], onDelete: 'no action' }]),
      ...(pg ? [{ name: 'hand_links_c_fkey', columns: ['c'], referencedTable: 'hand_orders', referencedColumns: ['id'], onDelete: 'set null' }] : []),
      ...(pg ? [{ name: 'hand_links_d_fkey', columns: ['d'], referencedTable: 'Hand Parents', referencedColumns: ['Parent Id'], onDelete: 'no action' }] : []),
      { name: 'links_b_fk', columns: ['b'], referencedTable: 'hand_orders', referencedColumns: ['email'], onDelete: 'restrict' },
    ].sort((x, y) => (x.name === '(unnamed)' ? 1 : y.name === '(unnamed)' ? -1 : x.name < y.name ? -1 : 1)));
  });

  it('lists the enum type (PostgreSQL)', () => {
    const found = catalog.enums.find((e) => e.name === 'Order Status');
    if (pg) assert.deepEqual(found, { name: 'Order Status', values: ['new', 'done'] });
    else assert.equal(found, undefined);
  });

  it('leaves out views, SQLite\'s own tables and regista\'s staging tables', async () => {
    const names = catalog.tables.map((t) => t.name);
    assert.ok(!names.includes('regista_stage_leftover'), names.join(', '));
    assert.ok(!names.includes('hand_view'), names.join(', '));
    if (!pg) {
      // AUTOINCREMENT made sqlite_sequence: it exists, and is not reported.
      const { rows } = await db().run("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'");
      assert.equal(rows.length, 1);
      assert.ok(!names.some((n) => n.startsWith('sqlite_')), names.join(', '));
    }
  });

  it('round-trips through JSON', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(catalog)), catalog);
  });
});

describe('inspect: edge cases of each database', () => {
  it('SQLite: tricky CREATE TABLE text, generated columns, INTEGER PRIMARY KEY DESC, WITHOUT ROWID', { skip: pg }, async () => {
    await runAll(db(), [
      `CREATE TABLE "we""ird" ("col, comma" text DEFAULT 'CHECK (x), UNIQUE', [br] int /* CONSTRAINT bogus CHECK (1) */ CHECK ([br] IN ('1', '2')),
        \`bt\` integer CONSTRAINT "named u" UNIQUE CONSTRAINT nn NOT NULL, g int GENERATED ALWAYS AS (bt * 2) VIRTUAL)`,
      'CREATE TABLE edge_desc (id INTEGER PRIMARY KEY DESC, x)',
      'CREATE TABLE edge_wr (a TEXT, b INT, PRIMARY KEY (a, b)) STRICT, WITHOUT ROWID',
    ]);
    const catalog = await db().inspect();
    assert.deepEqual(tableOf(catalog, 'we"ird'), {
      name: 'we"ird',
      columns: [
        { name: 'col, comma', type: 'text', nullable: true, default: "'CHECK (x), UNIQUE'", autoincrement: false },
        // An IN list on a column without text affinity stays a check.
        { name: 'br', type: 'int', nullable: true, default: null, autoincrement: false },
        { name: 'bt', type: 'integer', nullable: false, default: null, autoincrement: false },
        { name: 'g', type: 'int', nullable: true, default: null, autoincrement: false, generated: 'bt * 2' },
      ],
      primaryKey: null,
      uniques: [{ name: 'named u', columns: ['bt'] }],
      foreignKeys: [],
      indexes: [],
      checks: [{ expression: "[br] IN ('1', '2')" }],
    });
    // `INTEGER PRIMARY KEY DESC` is not the rowid (SQLite's documented quirk): not generated, may be null.
    assert.deepEqual(tableOf(catalog, 'edge_desc').columns[0], { name: 'id', type: 'integer', nullable: true, default: null, autoincrement: false });
    assert.deepEqual(tableOf(catalog, 'edge_wr').columns.map((c) => [c.name, c.type, c.nullable, c.autoincrement]), [
      ['a', 'text', false, false], ['b', 'int', false, false],
    ]);
    assert.deepEqual(tableOf(catalog, 'edge_wr').primaryKey, { columns: ['a', 'b'] });
  });

  it('PostgreSQL: generated columns, arrays, NOT VALID checks, partitioned tables without their partitions', { skip: !pg }, async () => {
    await runAll(db(), [
      `CREATE TABLE "Edge ""Quoted""" (a integer, b integer GENERATED ALWAYS AS (a * 2) STORED, c text[] DEFAULT '{}', d timestamp(3) DEFAULT '2020-01-02 03:04:05')`,
      `ALTER TABLE "Edge ""Quoted""" ADD CONSTRAINT nv CHECK (a > 0) NOT VALID`,
      'CREATE TABLE edge_parted (id integer, k text) PARTITION BY LIST (k)',
      `CREATE TABLE edge_part_a PARTITION OF edge_parted FOR VALUES IN ('a')`,
    ]);
    const catalog = await db().inspect();
    const edge = tableOf(catalog, 'Edge "Quoted"');
    assert.deepEqual(edge.columns, [
      { name: 'a', type: 'integer', nullable: true, default: null, autoincrement: false },
      { name: 'b', type: 'integer', nullable: true, default: null, autoincrement: false, generated: 'a * 2' },
      { name: 'c', type: 'text[]', nullable: true, default: "'{}'", autoincrement: false },
      { name: 'd', type: 'timestamp(3)', nullable: true, default: "'2020-01-02 03:04:05'", autoincrement: false },
    ]);
    assert.deepEqual(edge.checks, [{ name: 'nv', expression: 'a > 0' }]);
    assert.deepEqual(tableOf(catalog, 'edge_parted').columns.map((c) => c.name), ['id', 'k']);
    assert.equal(catalog.tables.find((t) => t.name === 'edge_part_a'), undefined);
  });
});

// ------------------------------------------------------------------------------------------------
// Empty databases and transactions

/** Another, empty database of the dialect under test (PostgreSQL: a fresh schema), and its clean-up. */
async function emptyDatabase(): Promise<{ database: Database; close(): Promise<void> }> {
  const name = `insp_empty_${process.pid}`;
  switch (dialectName()) {
    case 'postgres': {
      const schema = `insp_empty_${process.pid}_${Date.now().toString(36)}`;
      await db().run(`CREATE SCHEMA "${schema}"`, [], false);
      const database = connect(pgUrl(), { name, schema });
      return {
        database,
        close: async () => {
          await database.close();
          await db().run(`DROP SCHEMA "${schema}" CASCADE`, [], false);
        },
      };
    }
    case 'sqlite-memory': {
      const database = connect('sqlite::memory:', { name });
      return { database, close: () => database.close() };
    }
    default: {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regista-inspect-'));
      const driver = dialectName() === 'sqlite3-file' ? 'sqlite3' : 'better-sqlite3';
      const database = connect(`sqlite://${path.join(dir, 'empty.sqlite')}`, { name, driver });
      return {
        database,
        close: async () => {
          await database.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    }
  }
}

describe('inspect: empty databases and transactions', () => {
  let empty: Awaited<ReturnType<typeof emptyDatabase>> | undefined;
  after(async () => {
    await empty?.close();
  });

  it('an empty database has no tables and no enum types', async () => {
    empty = await emptyDatabase();
    const catalog = await empty.database.inspect();
    assert.deepEqual(catalog, {
      dialect: pg ? 'postgres' : 'sqlite',
      schema: catalog.schema,
      tables: [],
      enums: [],
    });
    assert.ok(catalog.schema.length > 0);
  });

  it('inside a transaction, sees the transaction\'s own uncommitted tables', async () => {
    const rollback = new Error('rollback');
    await assert.rejects(
      db().transaction(async (tx) => {
        await tx.run('CREATE TABLE insp_in_tx (id integer PRIMARY KEY, v text)', [], false);
        const inside = await tx.inspect();
        assert.deepEqual(tableOf(inside, 'insp_in_tx').columns.map((c) => c.name), ['id', 'v']);
        throw rollback;
      }),
      (error) => error === rollback,
    );
    const outside = await db().inspect();
    assert.equal(outside.tables.find((t) => t.name === 'insp_in_tx'), undefined);
  });
});
