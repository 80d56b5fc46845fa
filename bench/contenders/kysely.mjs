// Kysely: the type-safe query builder, its JSON helpers for relations, its stream().
import { createRequire } from 'node:module';
import { pgConfig } from '../lib/db.mjs';

const require = createRequire(import.meta.url);
const CHUNK = 1000;

export function describe(db) {
  return {
    a: { api: `\`trx.insertInto('bench_items').values(chunk).execute()\`, ${CHUNK} rows per chunk, in \`db.transaction()\`` },
    b: { api: `same with \`.onConflict((oc) => oc.column('n').doUpdateSet(…excluded…))\`, ${CHUNK} rows per chunk` },
    c: { api: "`db.selectFrom('bench_items').selectAll().where('id', '=', id).executeTakeFirst()`" },
    d: { api: "`.where((eb) => eb.between('n', lo, hi)).orderBy('id').limit().offset()`" },
    e: { api: `\`jsonArrayFrom(…children…)\` from \`kysely/helpers/${db}\` (one query)` },
    f: { api: db === 'sqlite' ? '`.stream()` (better-sqlite3 `iterate()`)' : '`.stream(1000)` (pg-cursor)' },
  };
}

export async function open(target) {
  const { Kysely, SqliteDialect, PostgresDialect, ParseJSONResultsPlugin } = require('kysely');
  const sqlite = target.db === 'sqlite';
  let dialect;
  if (sqlite) {
    const Database = require('better-sqlite3');
    const client = new Database(target.file);
    client.pragma('foreign_keys = ON');
    client.pragma('busy_timeout = 5000');
    dialect = new SqliteDialect({ database: client });
  } else {
    const pg = require('pg');
    dialect = new PostgresDialect({ pool: new pg.Pool({ ...pgConfig(target), max: 10 }), cursor: require('pg-cursor') });
  }
  const db = new Kysely({ dialect });
  const { jsonArrayFrom } = require(sqlite ? 'kysely/helpers/sqlite' : 'kysely/helpers/postgres');
  const date = sqlite ? (d) => d.toISOString() : (d) => d;
  const toColumns = (r) => ({ n: r.n, name: r.name, note: r.note, score: r.score, created_at: date(r.createdAt) });
  const write = (rows, build) => db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += CHUNK) await build(trx.insertInto('bench_items').values(rows.slice(i, i + CHUNK).map(toColumns))).execute();
  });
  const parseJson = new ParseJSONResultsPlugin();
  return {
    insert: (rows) => write(rows, (q) => q),
    upsert: (rows) => write(rows, (q) => q.onConflict((oc) => oc.column('n').doUpdateSet((eb) => ({
      name: eb.ref('excluded.name'), note: eb.ref('excluded.note'), score: eb.ref('excluded.score'),
    })))),
    get: (id) => db.selectFrom('bench_items').selectAll().where('id', '=', id).executeTakeFirst(),
    page: (lo, hi, limit, offset) => db.selectFrom('bench_items').selectAll().where((eb) => eb.between('n', lo, hi)).orderBy('id').limit(limit).offset(offset).execute(),
    loadParents() {
      let q = db.selectFrom('bench_parents').select((eb) => [
        'bench_parents.id', 'bench_parents.name',
        jsonArrayFrom(eb.selectFrom('bench_children').select(['bench_children.id', 'bench_children.parent_id', 'bench_children.title', 'bench_children.n'])
          .whereRef('bench_children.parent_id', '=', 'bench_parents.id').orderBy('bench_children.id')).as('children'),
      ]).orderBy('bench_parents.id');
      if (sqlite) q = q.withPlugin(parseJson);
      return q.execute();
    },
    countChildren: async (list) => list.reduce((n, p) => n + p.children.length, 0),
    async stream(onRow) {
      for await (const row of db.selectFrom('bench_items').selectAll().orderBy('id').stream(1000)) onRow(row);
    },
    close: () => db.destroy(),
  };
}
