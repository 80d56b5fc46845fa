// better-sqlite3 by hand: one prepared statement per query shape, writes in one transaction.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function describe() {
  return {
    a: { api: 'prepared INSERT, `.run()` per row in `db.transaction()`' },
    b: { api: 'prepared INSERT … ON CONFLICT (n) DO UPDATE, per row in `db.transaction()`' },
    c: { api: 'prepared SELECT `.get(id)`' },
    d: { api: 'prepared SELECT `.all(lo, hi, limit, offset)`' },
    e: { api: '2 prepared SELECTs (children by `json_each(?)` of the parent ids), grouped in JS' },
    f: { api: 'prepared SELECT `.iterate()`' },
  };
}

export async function open(target) {
  const Database = require('better-sqlite3');
  const db = new Database(target.file);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const cols = 'id, n, name, note, score, created_at';
  let insert;
  let upsert;
  let get;
  let page;
  let parents;
  let children;
  return {
    async insert(rows) {
      insert ??= db.prepare('INSERT INTO bench_items (n, name, note, score, created_at) VALUES (?, ?, ?, ?, ?)');
      db.transaction(() => {
        for (const r of rows) insert.run(r.n, r.name, r.note, r.score, r.createdAt.toISOString());
      })();
    },
    async upsert(rows) {
      upsert ??= db.prepare('INSERT INTO bench_items (n, name, note, score, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (n) DO UPDATE SET name = excluded.name, note = excluded.note, score = excluded.score');
      db.transaction(() => {
        for (const r of rows) upsert.run(r.n, r.name, r.note, r.score, r.createdAt.toISOString());
      })();
    },
    async get(id) {
      get ??= db.prepare(`SELECT ${cols} FROM bench_items WHERE id = ?`);
      return get.get(id);
    },
    async page(lo, hi, limit, offset) {
      page ??= db.prepare(`SELECT ${cols} FROM bench_items WHERE n BETWEEN ? AND ? ORDER BY id LIMIT ? OFFSET ?`);
      return page.all(lo, hi, limit, offset);
    },
    async loadParents() {
      parents ??= db.prepare('SELECT id, name FROM bench_parents ORDER BY id');
      children ??= db.prepare('SELECT id, parent_id, title, n FROM bench_children WHERE parent_id IN (SELECT value FROM json_each(?)) ORDER BY id');
      const list = parents.all();
      const byId = new Map();
      for (const p of list) {
        p.children = [];
        byId.set(p.id, p);
      }
      for (const c of children.all(JSON.stringify(list.map((p) => p.id)))) byId.get(c.parent_id).children.push(c);
      return list;
    },
    countChildren: async (list) => list.reduce((n, p) => n + p.children.length, 0),
    async stream(onRow) {
      for (const row of db.prepare(`SELECT ${cols} FROM bench_items ORDER BY id`).iterate()) onRow(row);
    },
    async close() {
      db.close();
    },
  };
}
