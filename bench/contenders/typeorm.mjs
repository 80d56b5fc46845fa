// TypeORM with EntitySchema (no decorators needed in plain JS).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const CHUNK = 1000;

export function describe(db) {
  return {
    a: { api: `\`em.createQueryBuilder().insert().into(Item).values(chunk).updateEntity(false).execute()\`, ${CHUNK} rows per chunk, in \`dataSource.transaction()\`` },
    b: { api: `same with \`.orUpdate(['name', 'note', 'score'], ['n'])\`, ${CHUNK} rows per chunk, one transaction` },
    c: { api: '`repo.findOneBy({ id })`' },
    d: { api: "`repo.find({ where: { n: Between(lo, hi) }, order: { id: 'ASC' }, take, skip })`" },
    e: { api: "`repo.find({ relations: { children: true }, order: { id: 'ASC' } })` (one LEFT JOIN)" },
    f: db === 'sqlite'
      ? { na: 'TypeORM has no streaming on SQLite (`QueryBuilder.stream()` throws "Stream is not supported by sqlite driver")' }
      : { api: '`repo.createQueryBuilder().select(…).orderBy(…).stream()` (pg-query-stream, raw rows, its default batch of 100)' },
  };
}

export async function open(target) {
  const { DataSource, EntitySchema, Between } = require('typeorm');
  const sqlite = target.db === 'sqlite';
  const Item = new EntitySchema({
    name: 'Item',
    tableName: 'bench_items',
    columns: {
      id: { type: 'int', primary: true, generated: 'increment' },
      n: { type: 'int' },
      name: { type: 'text' },
      note: { type: 'text' },
      score: { type: 'int' },
      createdAt: { type: sqlite ? 'datetime' : 'timestamptz', name: 'created_at' },
    },
  });
  const Parent = new EntitySchema({
    name: 'Parent',
    tableName: 'bench_parents',
    columns: { id: { type: 'int', primary: true, generated: 'increment' }, name: { type: 'text' } },
    relations: { children: { type: 'one-to-many', target: 'Child', inverseSide: 'parent' } },
  });
  const Child = new EntitySchema({
    name: 'Child',
    tableName: 'bench_children',
    columns: {
      id: { type: 'int', primary: true, generated: 'increment' },
      parentId: { type: 'int', name: 'parent_id' },
      title: { type: 'text' },
      n: { type: 'int' },
    },
    relations: { parent: { type: 'many-to-one', target: 'Parent', joinColumn: { name: 'parent_id' }, inverseSide: 'children' } },
  });
  const ds = new DataSource(sqlite
    ? { type: 'better-sqlite3', database: target.file, entities: [Item, Parent, Child], synchronize: false, logging: false }
    : { type: 'postgres', url: target.url, schema: target.schema, entities: [Item, Parent, Child], synchronize: false, logging: false });
  await ds.initialize();
  const items = ds.getRepository(Item);
  const parents = ds.getRepository(Parent);
  return {
    async insert(rows) {
      await ds.transaction(async (em) => {
        for (let i = 0; i < rows.length; i += CHUNK) {
          await em.createQueryBuilder().insert().into(Item).values(rows.slice(i, i + CHUNK)).updateEntity(false).execute();
        }
      });
    },
    async upsert(rows) {
      await ds.transaction(async (em) => {
        for (let i = 0; i < rows.length; i += CHUNK) {
          await em.createQueryBuilder().insert().into(Item).values(rows.slice(i, i + CHUNK))
            .orUpdate(['name', 'note', 'score'], ['n']).updateEntity(false).execute();
        }
      });
    },
    get: (id) => items.findOneBy({ id }),
    page: (lo, hi, limit, offset) => items.find({ where: { n: Between(lo, hi) }, order: { id: 'ASC' }, take: limit, skip: offset }),
    loadParents: () => parents.find({ relations: { children: true }, order: { id: 'ASC' } }),
    countChildren: async (list) => list.reduce((n, p) => n + p.children.length, 0),
    ...(sqlite ? {} : {
      async stream(onRow) {
        const stream = await items.createQueryBuilder('i')
          .select('i.id', 'id').addSelect('i.n', 'n').addSelect('i.name', 'name').addSelect('i.note', 'note')
          .addSelect('i.score', 'score').addSelect('i.createdAt', 'created_at')
          .orderBy('i.id').stream();
        for await (const row of stream) onRow(row);
      },
    }),
    close: () => ds.destroy(),
  };
}
