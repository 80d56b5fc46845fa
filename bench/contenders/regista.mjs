// regista, from the repository's own build (dist/), with its own dependencies from the root
// node_modules: one copy of regista and of its drivers. Models are declared in plain JS by
// applying the decorators by hand, each field with an explicit type.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** bench/run.mjs hands every worker its per-run copy of dist/; alone, the module uses the repository's dist/. */
const DIST = process.env.REGISTA_BENCH_DIST ?? new URL('../../dist/cjs/index.js', import.meta.url).pathname;

export function describe(db, options) {
  const v = options.validate ? '' : ', validate: false';
  return {
    a: { api: `\`Item.objects.bulkCreate(rows${options.validate ? '' : ', { validate: false }'})\`` },
    b: { api: `\`Item.objects.bulkUpsert(rows, { conflict: ['n'], update: ['name', 'note', 'score']${v} })\`` },
    c: { api: '`Item.objects.get(id)`' },
    d: { api: "`Item.objects.filter({ n: { between: [lo, hi] } }, { orderBy: 'id', limit, offset })`" },
    e: { api: "`Parent.objects.all({ include: ['children'], orderBy: 'id' })`" },
    f: { api: '`for await (const item of Item.objects.iterate(undefined, { batchSize: 1000 }))`' },
  };
}

function defineModels(r) {
  const { Model, model, field, primaryKey, hasMany } = r;
  class Item extends Model() {}
  primaryKey({ type: 'integer' })(Item.prototype, 'id');
  field({ type: 'integer' })(Item.prototype, 'n');
  field({ type: 'text' })(Item.prototype, 'name');
  field({ type: 'text' })(Item.prototype, 'note');
  field({ type: 'integer' })(Item.prototype, 'score');
  field({ type: 'datetime' })(Item.prototype, 'createdAt');
  model({ table: 'bench_items', autoCreate: false })(Item);

  class Child extends Model() {}
  primaryKey({ type: 'integer' })(Child.prototype, 'id');
  field({ type: 'integer' })(Child.prototype, 'parentId');
  field({ type: 'text' })(Child.prototype, 'title');
  field({ type: 'integer' })(Child.prototype, 'n');
  model({ table: 'bench_children', autoCreate: false })(Child);

  class Parent extends Model() {}
  primaryKey({ type: 'integer' })(Parent.prototype, 'id');
  field({ type: 'text' })(Parent.prototype, 'name');
  hasMany(() => Child, { foreignKey: 'parentId' })(Parent.prototype, 'children');
  model({ table: 'bench_parents', autoCreate: false })(Parent);
  return { Item, Parent, Child };
}

export async function open(target, options) {
  const r = require(DIST);
  const db = target.db === 'sqlite' ? r.connect(`sqlite://${target.file}`) : r.connect(target.url, { schema: target.schema });
  const { Item, Parent } = defineModels(r);
  const validate = options.validate === true;
  const objects = Item.objects;
  const handle = {
    async get(id) {
      return objects.get(id);
    },
    async page(lo, hi, limit, offset) {
      return objects.filter({ n: { between: [lo, hi] } }, { orderBy: 'id', limit, offset });
    },
    async loadParents(limit) {
      return Parent.objects.all({ include: ['children'], orderBy: 'id', ...(limit ? { limit } : {}) });
    },
    async countChildren(list) {
      let n = 0;
      for (const p of list) n += (await p.children).length;
      return n;
    },
    /** Queries per relation load, counted with db.on('query'), at the full size and at 10 parents. */
    async queriesPerLoad() {
      let count = 0;
      const listener = () => { count++; };
      db.on('query', listener);
      try {
        await handle.loadParents();
        const full = count;
        count = 0;
        await handle.loadParents(10);
        return { full, small: count };
      } finally {
        db.off('query', listener);
      }
    },
    close: () => r.disconnectAll(),
    pending: {},
  };
  // Methods of issue 5 that may not be built yet: absent means "pending", not a failure.
  if (typeof objects.bulkCreate === 'function') handle.insert = (rows) => objects.bulkCreate(rows, { validate });
  else handle.pending.a = 'Manager.bulkCreate is not in dist/ yet';
  if (typeof objects.bulkUpsert === 'function') {
    handle.upsert = (rows) => objects.bulkUpsert(rows, { conflict: ['n'], update: ['name', 'note', 'score'], validate });
  } else handle.pending.b = 'Manager.bulkUpsert is not in dist/ yet';
  if (typeof objects.iterate === 'function') {
    handle.stream = async (onRow) => {
      for await (const item of objects.iterate(undefined, { batchSize: 1000 })) onRow(item);
    };
  } else handle.pending.f = 'Manager.iterate is not in dist/ yet';
  return handle;
}
