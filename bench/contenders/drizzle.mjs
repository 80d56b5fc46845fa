// Drizzle ORM: schema objects, chunked inserts, prepared queries, the relational query API.
import { createRequire } from 'node:module';
import { pgConfig } from '../lib/db.mjs';

const require = createRequire(import.meta.url);
const CHUNK = 1000;

export function describe(db) {
  return {
    a: { api: `\`tx.insert(items).values(chunk)\`, ${CHUNK} rows per chunk (${CHUNK * 5} parameters), in \`db.transaction()\`` },
    b: { api: `\`tx.insert(items).values(chunk).onConflictDoUpdate({ target: items.n, set })\`, ${CHUNK} rows per chunk` },
    c: { api: "prepared `db.select().from(items).where(eq(items.id, sql.placeholder('id'))).prepare()`" },
    d: { api: 'prepared `select … where(between(…)).orderBy(asc(items.id)).limit().offset()` with placeholders' },
    e: { api: 'prepared relational query `db.query.parents.findMany({ with: { children: true } })` (one query, JSON sub-select)' },
    f: { na: `Drizzle 0.45 has no streaming or iterator API on ${db === 'sqlite' ? 'better-sqlite3' : 'node-postgres'}` },
  };
}

export async function open(target) {
  const { eq, between, asc, sql, relations } = require('drizzle-orm');
  const sqlite = target.db === 'sqlite';
  let t;
  if (sqlite) {
    const { sqliteTable, integer, text, customType } = require('drizzle-orm/sqlite-core');
    const isoDate = customType({ dataType: () => 'datetime', toDriver: (d) => d.toISOString(), fromDriver: (s) => new Date(s) });
    t = {
      items: sqliteTable('bench_items', {
        id: integer('id').primaryKey({ autoIncrement: true }), n: integer('n').notNull(), name: text('name').notNull(),
        note: text('note').notNull(), score: integer('score').notNull(), createdAt: isoDate('created_at').notNull(),
      }),
      parents: sqliteTable('bench_parents', { id: integer('id').primaryKey({ autoIncrement: true }), name: text('name').notNull() }),
      children: sqliteTable('bench_children', {
        id: integer('id').primaryKey({ autoIncrement: true }), parentId: integer('parent_id').notNull(), title: text('title').notNull(), n: integer('n').notNull(),
      }),
    };
  } else {
    const { pgTable, integer, text, timestamp } = require('drizzle-orm/pg-core');
    t = {
      items: pgTable('bench_items', {
        id: integer('id').primaryKey().generatedByDefaultAsIdentity(), n: integer('n').notNull(), name: text('name').notNull(),
        note: text('note').notNull(), score: integer('score').notNull(), createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
      }),
      parents: pgTable('bench_parents', { id: integer('id').primaryKey().generatedByDefaultAsIdentity(), name: text('name').notNull() }),
      children: pgTable('bench_children', {
        id: integer('id').primaryKey().generatedByDefaultAsIdentity(), parentId: integer('parent_id').notNull(), title: text('title').notNull(), n: integer('n').notNull(),
      }),
    };
  }
  const schema = {
    ...t,
    parentsRelations: relations(t.parents, ({ many }) => ({ children: many(t.children) })),
    childrenRelations: relations(t.children, ({ one }) => ({ parent: one(t.parents, { fields: [t.children.parentId], references: [t.parents.id] }) })),
  };
  let db;
  let close;
  if (sqlite) {
    const Database = require('better-sqlite3');
    const client = new Database(target.file);
    client.pragma('foreign_keys = ON');
    client.pragma('busy_timeout = 5000');
    db = require('drizzle-orm/better-sqlite3').drizzle(client, { schema });
    close = async () => client.close();
  } else {
    const pg = require('pg');
    const pool = new pg.Pool({ ...pgConfig(target), max: 10 });
    db = require('drizzle-orm/node-postgres').drizzle(pool, { schema });
    close = () => pool.end();
  }
  const { items } = t;
  const set = { name: sql`excluded.name`, note: sql`excluded.note`, score: sql`excluded.score` };
  // Prepared once, on first use (the tables of other scenarios do not exist).
  let getQ;
  let pageQ;
  let parentsQ;
  const prepareGet = () => db.select().from(items).where(eq(items.id, sql.placeholder('id'))).prepare(sqlite ? undefined : 'get_item');
  const preparePage = () => db.select().from(items).where(between(items.n, sql.placeholder('lo'), sql.placeholder('hi')))
    .orderBy(asc(items.id)).limit(sql.placeholder('limit')).offset(sql.placeholder('offset')).prepare(sqlite ? undefined : 'page_items');
  const prepareParents = () => db.query.parents.findMany({ with: { children: true }, orderBy: (p, o) => [o.asc(p.id)] }).prepare(sqlite ? undefined : 'parents');

  const write = sqlite
    ? (rows, build) => db.transaction((tx) => {
      for (let i = 0; i < rows.length; i += CHUNK) build(tx, rows.slice(i, i + CHUNK)).run();
    })
    : (rows, build) => db.transaction(async (tx) => {
      for (let i = 0; i < rows.length; i += CHUNK) await build(tx, rows.slice(i, i + CHUNK));
    });
  return {
    insert: async (rows) => write(rows, (tx, chunk) => tx.insert(items).values(chunk)),
    upsert: async (rows) => write(rows, (tx, chunk) => tx.insert(items).values(chunk).onConflictDoUpdate({ target: items.n, set })),
    get: sqlite
      ? async (id) => (getQ ??= prepareGet()).get({ id })
      : async (id) => (await (getQ ??= prepareGet()).execute({ id }))[0],
    page: sqlite
      ? async (lo, hi, limit, offset) => (pageQ ??= preparePage()).all({ lo, hi, limit, offset })
      : (lo, hi, limit, offset) => (pageQ ??= preparePage()).execute({ lo, hi, limit, offset }),
    loadParents: sqlite ? async () => (parentsQ ??= prepareParents()).all() : () => (parentsQ ??= prepareParents()).execute(),
    countChildren: async (list) => list.reduce((n, p) => n + p.children.length, 0),
    close,
  };
}
