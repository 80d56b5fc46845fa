// node-sqlite3 by hand: prepared statements, writes queued in one transaction, `each` to stream.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function describe() {
  return {
    a: { api: 'prepared INSERT, `stmt.run()` per row between BEGIN/COMMIT' },
    b: { api: 'prepared INSERT … ON CONFLICT DO UPDATE, per row between BEGIN/COMMIT' },
    c: { api: 'prepared SELECT `stmt.get(id)`' },
    d: { api: 'prepared SELECT `stmt.all(…)`' },
    e: { api: '2 prepared SELECTs (children by `json_each(?)`), grouped in JS' },
    f: { api: '`db.each()` (row callback; node-sqlite3 queues rows without back-pressure, so memory grows with the result)' },
  };
}

export async function open(target) {
  const sqlite3 = require('sqlite3');
  const db = await new Promise((resolve, reject) => {
    const d = new sqlite3.Database(target.file, (error) => (error ? reject(error) : resolve(d)));
  });
  const exec = (sql) => new Promise((resolve, reject) => db.exec(sql, (e) => (e ? reject(e) : resolve())));
  const prepare = (sql) => new Promise((resolve, reject) => {
    const s = db.prepare(sql, (e) => (e ? reject(e) : resolve(s)));
  });
  const call = (stmt, method, params) => new Promise((resolve, reject) => stmt[method](params, (e, r) => (e ? reject(e) : resolve(r))));
  await exec('PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000');
  const cols = 'id, n, name, note, score, created_at';

  /** Queues every row on one statement (node-sqlite3 runs them in order), then waits for the last. */
  async function writeAll(sql, rows) {
    const stmt = await prepare(sql);
    await exec('BEGIN');
    try {
      let failure;
      const onDone = (e) => { if (e && !failure) failure = e; };
      for (const r of rows) stmt.run([r.n, r.name, r.note, r.score, r.createdAt.toISOString()], onDone);
      await new Promise((resolve) => stmt.finalize(resolve));
      if (failure) throw failure;
      await exec('COMMIT');
    } catch (error) {
      await exec('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  let get;
  let page;
  let parents;
  let children;
  return {
    insert: (rows) => writeAll('INSERT INTO bench_items (n, name, note, score, created_at) VALUES (?, ?, ?, ?, ?)', rows),
    upsert: (rows) => writeAll('INSERT INTO bench_items (n, name, note, score, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (n) DO UPDATE SET name = excluded.name, note = excluded.note, score = excluded.score', rows),
    async get(id) {
      get ??= await prepare(`SELECT ${cols} FROM bench_items WHERE id = ?`);
      return call(get, 'get', [id]);
    },
    async page(lo, hi, limit, offset) {
      page ??= await prepare(`SELECT ${cols} FROM bench_items WHERE n BETWEEN ? AND ? ORDER BY id LIMIT ? OFFSET ?`);
      return call(page, 'all', [lo, hi, limit, offset]);
    },
    async loadParents() {
      parents ??= await prepare('SELECT id, name FROM bench_parents ORDER BY id');
      children ??= await prepare('SELECT id, parent_id, title, n FROM bench_children WHERE parent_id IN (SELECT value FROM json_each(?)) ORDER BY id');
      const list = await call(parents, 'all', []);
      const byId = new Map();
      for (const p of list) {
        p.children = [];
        byId.set(p.id, p);
      }
      for (const c of await call(children, 'all', [JSON.stringify(list.map((p) => p.id))])) byId.get(c.parent_id).children.push(c);
      return list;
    },
    countChildren: async (list) => list.reduce((n, p) => n + p.children.length, 0),
    stream: (onRow) => new Promise((resolve, reject) => {
      db.each(`SELECT ${cols} FROM bench_items ORDER BY id`, (e, row) => { if (!e) onRow(row); }, (e) => (e ? reject(e) : resolve()));
    }),
    async close() {
      for (const s of [get, page, parents, children]) if (s) await new Promise((r) => s.finalize(r));
      await new Promise((resolve) => db.close(resolve));
    },
  };
}
