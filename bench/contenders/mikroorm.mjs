// MikroORM 6.6 (7 needs Node 22) with EntitySchema, a forked EntityManager per unit of work.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const CHUNK = 1000;
/** Its query builder writes multi-row SQLite inserts through knex as `SELECT … UNION ALL …`, capped at 500 terms. */
const upsertChunk = (db) => (db === 'sqlite' ? 500 : CHUNK);

export function describe(db) {
  return {
    a: { api: `\`em.insertMany(Item, chunk)\`, ${CHUNK} rows per chunk, in \`em.transactional()\`` },
    b: { api: `\`em.createQueryBuilder(Item).insert(chunk).onConflict('n').merge([...])\`, ${upsertChunk(db)} rows per chunk, one transaction` },
    c: { api: '`orm.em.fork().findOne(Item, id)` (a fork per lookup, as per request)' },
    d: { api: "`em.fork().find(Item, { n: { $gte: lo, $lte: hi } }, { orderBy: { id: 'asc' }, limit, offset })`" },
    e: { api: "`em.fork().find(Parent, {}, { populate: ['children'], orderBy })` (joined strategy)" },
    f: { na: 'MikroORM 6.6 has no streaming API (no em.stream or QueryBuilder stream)' },
  };
}

export async function open(target) {
  const { EntitySchema } = require('@mikro-orm/core');
  const sqlite = target.db === 'sqlite';
  const Item = new EntitySchema({
    name: 'Item',
    tableName: 'bench_items',
    properties: {
      id: { type: 'number', primary: true, autoincrement: true },
      n: { type: 'number' },
      name: { type: 'text' },
      note: { type: 'text' },
      score: { type: 'number' },
      createdAt: { type: 'Date', fieldName: 'created_at' },
    },
  });
  const Parent = new EntitySchema({
    name: 'Parent',
    tableName: 'bench_parents',
    properties: {
      id: { type: 'number', primary: true, autoincrement: true },
      name: { type: 'text' },
      children: { kind: '1:m', entity: 'Child', mappedBy: 'parent' },
    },
  });
  const Child = new EntitySchema({
    name: 'Child',
    tableName: 'bench_children',
    properties: {
      id: { type: 'number', primary: true, autoincrement: true },
      title: { type: 'text' },
      n: { type: 'number' },
      parent: { kind: 'm:1', entity: 'Parent', fieldName: 'parent_id' },
    },
  });
  const entities = [Item, Parent, Child];
  const orm = sqlite
    ? await require('@mikro-orm/better-sqlite').MikroORM.init({ dbName: target.file, entities, debug: false, allowGlobalContext: false })
    : await require('@mikro-orm/postgresql').MikroORM.init({ clientUrl: target.url, schema: target.schema, entities, debug: false, allowGlobalContext: false });
  return {
    async insert(rows) {
      await orm.em.fork().transactional(async (em) => {
        for (let i = 0; i < rows.length; i += CHUNK) await em.insertMany(Item, rows.slice(i, i + CHUNK));
      });
    },
    async upsert(rows) {
      await orm.em.fork().transactional(async (em) => {
        const size = upsertChunk(target.db);
        for (let i = 0; i < rows.length; i += size) {
          await em.createQueryBuilder(Item).insert(rows.slice(i, i + size)).onConflict('n').merge(['name', 'note', 'score']).execute();
        }
      });
    },
    get: (id) => orm.em.fork().findOne(Item, id),
    page: (lo, hi, limit, offset) => orm.em.fork().find(Item, { n: { $gte: lo, $lte: hi } }, { orderBy: { id: 'asc' }, limit, offset }),
    loadParents: () => orm.em.fork().find(Parent, {}, { populate: ['children'], orderBy: { id: 'asc' } }),
    countChildren: async (list) => list.reduce((n, p) => n + p.children.count(), 0),
    close: () => orm.close(true),
  };
}
