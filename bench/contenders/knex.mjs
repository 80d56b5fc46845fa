// Plain knex: the query builder, rows mapped to columns by hand.
import { createRequire } from 'node:module';
import { pgConfig } from '../lib/db.mjs';

const require = createRequire(import.meta.url);
/** Rows per statement: knex writes multi-row SQLite inserts as `SELECT … UNION ALL …`, capped at 500 terms. */
const chunkFor = (db) => (db === 'sqlite' ? 500 : 1000);

export function describe(db) {
  const CHUNK = chunkFor(db);
  return {
    a: { api: `\`knex.batchInsert('bench_items', rows, ${CHUNK})\` (its own transaction)` },
    b: { api: `\`trx('bench_items').insert(chunk).onConflict('n').merge([...])\`, ${CHUNK} rows per statement, one transaction` },
    c: { api: "`knex('bench_items').where('id', id).first()`" },
    d: { api: "`.whereBetween('n', [lo, hi]).orderBy('id').limit().offset()`" },
    e: { api: '2 queries (`whereIn(\'parent_id\', ids)`), grouped in JS' },
    f: db === 'sqlite'
      ? { api: '`.stream()`: on better-sqlite3 knex reads every row before emitting the first, so it does not bound memory' }
      : { api: '`.stream()` (pg-query-stream, batchSize 1000)' },
  };
}

export async function open(target) {
  const knex = require('knex');
  const sqlite = target.db === 'sqlite';
  const CHUNK = chunkFor(target.db);
  const k = sqlite
    ? knex({ client: 'better-sqlite3', connection: { filename: target.file }, useNullAsDefault: true, pool: { afterCreate: (c, done) => { c.pragma('foreign_keys = ON'); c.pragma('busy_timeout = 5000'); done(); } } })
    : knex({ client: 'pg', connection: pgConfig(target), pool: { min: 0, max: 10 } });
  const date = sqlite ? (d) => d.toISOString() : (d) => d;
  const toColumns = (r) => ({ n: r.n, name: r.name, note: r.note, score: r.score, created_at: date(r.createdAt) });
  return {
    async insert(rows) {
      await k.batchInsert('bench_items', rows.map(toColumns), CHUNK);
    },
    async upsert(rows) {
      await k.transaction(async (trx) => {
        for (let i = 0; i < rows.length; i += CHUNK) {
          await trx('bench_items').insert(rows.slice(i, i + CHUNK).map(toColumns)).onConflict('n').merge(['name', 'note', 'score']);
        }
      });
    },
    get: (id) => k('bench_items').where('id', id).first(),
    page: (lo, hi, limit, offset) => k('bench_items').whereBetween('n', [lo, hi]).orderBy('id').limit(limit).offset(offset),
    async loadParents() {
      const list = await k('bench_parents').orderBy('id');
      const byId = new Map();
      for (const p of list) {
        p.children = [];
        byId.set(p.id, p);
      }
      for (const c of await k('bench_children').whereIn('parent_id', list.map((p) => p.id)).orderBy('id')) byId.get(c.parent_id).children.push(c);
      return list;
    },
    countChildren: async (list) => list.reduce((n, p) => n + p.children.length, 0),
    async stream(onRow) {
      const stream = k('bench_items').orderBy('id').stream(sqlite ? undefined : { batchSize: 1000 });
      for await (const row of stream) onRow(row);
    },
    close: () => k.destroy(),
  };
}
