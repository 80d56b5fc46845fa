// pg by hand, each scenario on PostgreSQL's fastest path: COPY, unnest upserts, named prepared
// statements, a server-side cursor.
import { createRequire } from 'node:module';
import { copyRows, pgConfig } from '../lib/db.mjs';

const require = createRequire(import.meta.url);
const UPSERT_CHUNK = 10000;

export function describe() {
  return {
    a: { api: '`COPY … FROM STDIN` (pg-copy-streams), one stream' },
    b: { api: `\`INSERT … SELECT * FROM unnest($1::int[], …) ON CONFLICT (n) DO UPDATE\`, ${UPSERT_CHUNK.toLocaleString('en-US')} rows per statement, one transaction` },
    c: { api: 'named prepared statement `client.query({ name, text, values })`' },
    d: { api: 'named prepared statement' },
    e: { api: '2 named prepared statements (children `WHERE parent_id = ANY($1)`), grouped in JS' },
    f: { api: 'server-side cursor (pg-cursor), `read(1000)`' },
  };
}

export async function open(target) {
  const pg = require('pg');
  const client = new pg.Client(pgConfig(target));
  await client.connect();
  const cols = 'id, n, name, note, score, created_at';
  return {
    async insert(rows) {
      const { from } = require('pg-copy-streams');
      await copyRows(client, from, 'bench_items', ['n', 'name', 'note', 'score', 'created_at'],
        (function* () { for (const r of rows) yield [r.n, r.name, r.note, r.score, r.createdAt]; })());
    },
    async upsert(rows) {
      await client.query('BEGIN');
      try {
        for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
          const chunk = rows.slice(i, i + UPSERT_CHUNK);
          await client.query({
            name: 'upsert_items',
            text: `INSERT INTO bench_items (n, name, note, score, created_at)
                   SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::timestamptz[])
                   ON CONFLICT (n) DO UPDATE SET name = EXCLUDED.name, note = EXCLUDED.note, score = EXCLUDED.score`,
            values: [chunk.map((r) => r.n), chunk.map((r) => r.name), chunk.map((r) => r.note), chunk.map((r) => r.score), chunk.map((r) => r.createdAt)],
          });
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
    async get(id) {
      return (await client.query({ name: 'get_item', text: `SELECT ${cols} FROM bench_items WHERE id = $1`, values: [id] })).rows[0];
    },
    async page(lo, hi, limit, offset) {
      return (await client.query({
        name: 'page_items', text: `SELECT ${cols} FROM bench_items WHERE n BETWEEN $1 AND $2 ORDER BY id LIMIT $3 OFFSET $4`, values: [lo, hi, limit, offset],
      })).rows;
    },
    async loadParents() {
      const list = (await client.query({ name: 'parents', text: 'SELECT id, name FROM bench_parents ORDER BY id' })).rows;
      const byId = new Map();
      for (const p of list) {
        p.children = [];
        byId.set(p.id, p);
      }
      const kids = await client.query({
        name: 'children', text: 'SELECT id, parent_id, title, n FROM bench_children WHERE parent_id = ANY($1) ORDER BY id', values: [list.map((p) => p.id)],
      });
      for (const c of kids.rows) byId.get(c.parent_id).children.push(c);
      return list;
    },
    countChildren: async (list) => list.reduce((n, p) => n + p.children.length, 0),
    async stream(onRow) {
      const Cursor = require('pg-cursor');
      const cursor = client.query(new Cursor(`SELECT ${cols} FROM bench_items ORDER BY id`));
      try {
        for (;;) {
          const rows = await cursor.read(1000);
          if (rows.length === 0) break;
          for (const row of rows) onRow(row);
        }
      } finally {
        await cursor.close();
      }
    },
    close: () => client.end(),
  };
}
