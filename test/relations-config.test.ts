/**
 * Relations and the schema: the foreign key constraint and index a BelongsTo puts on its table
 * (read back from the catalog), table creation in dependency order, dependency cycles, onDelete
 * on both databases; and misconfigured relations, refused with RelationshipError at first use.
 * Loading: relations-loading.test.ts; filters and writes: relations-writes.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  ErrorCodes, ForeignKeyViolationError, Model, ModelRegistrationError, RegistaError, RelationshipError, SchemaError, belongsTo, connect,
  defineRelation, dependencyOrder, field, hasMany, hasManyThrough, model, primaryKey, registry, HasManyThrough,
  type Database, type SchemaEvent,
} from 'regista';
import { dialectName, isPostgres, pgUrl, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

/** An assert.throws/rejects validator: exactly this class and code, and these details. */
function expectError(
  cls: new (...args: never[]) => RegistaError, code: number, details: Record<string, unknown> = {}, message?: RegExp,
): (error: unknown) => true {
  return (error: unknown) => {
    assert.ok(error instanceof cls, `expected ${cls.name}, got ${String(error)}`);
    assert.equal(error.constructor, cls, `expected exactly ${cls.name}, got ${error.constructor.name}`);
    assert.equal(error.code, code);
    for (const [k, v] of Object.entries(details)) assert.deepEqual(error.details[k], v, `details.${k}`);
    if (message) assert.match(error.message, message);
    return true;
  };
}

// ------------------------------------------------------------------------------------------------
// Catalog readers (table names come from uniqueTable: safe to inline).

interface ForeignKeyInfo {
  column: string;
  referencedTable: string;
  referencedColumn: string;
  onDelete: string;
  /** Constraint name (PostgreSQL only: SQLite does not keep it). */
  name?: string;
}

async function foreignKeysOf(database: Database, table: string): Promise<ForeignKeyInfo[]> {
  if (database.dialect.name === 'postgres') {
    const { rows } = await database.run(
      'SELECT tc.constraint_name AS name, kcu.column_name AS col, ccu.table_name AS ref_table, ccu.column_name AS ref_col, rc.delete_rule AS on_delete' +
      ' FROM information_schema.table_constraints tc' +
      ' JOIN information_schema.key_column_usage kcu ON kcu.constraint_schema = tc.constraint_schema AND kcu.constraint_name = tc.constraint_name' +
      ' JOIN information_schema.referential_constraints rc ON rc.constraint_schema = tc.constraint_schema AND rc.constraint_name = tc.constraint_name' +
      ' JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_schema = tc.constraint_schema AND ccu.constraint_name = tc.constraint_name' +
      ` WHERE tc.table_schema = current_schema() AND tc.table_name = '${table}' AND tc.constraint_type = 'FOREIGN KEY' ORDER BY kcu.column_name`,
    );
    return rows.map((r) => ({
      column: String(r.col), referencedTable: String(r.ref_table), referencedColumn: String(r.ref_col), onDelete: String(r.on_delete), name: String(r.name),
    }));
  }
  const { rows } = await database.run(`PRAGMA foreign_key_list("${table}")`);
  return rows
    .map((r) => ({ column: String(r.from), referencedTable: String(r.table), referencedColumn: String(r.to), onDelete: String(r.on_delete) }))
    .sort((x, y) => x.column.localeCompare(y.column));
}

/** Index name → its columns. */
async function indexesOf(database: Database, table: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (database.dialect.name === 'postgres') {
    const { rows } = await database.run(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = '${table}'`);
    for (const r of rows) {
      const columns = /\(([^)]*)\)\s*$/.exec(String(r.indexdef))?.[1].split(',').map((c) => c.trim().replace(/"/g, '')) ?? [];
      out.set(String(r.indexname), columns);
    }
    return out;
  }
  const { rows } = await database.run(`PRAGMA index_list("${table}")`);
  for (const r of rows) {
    const info = await database.run(`PRAGMA index_info("${String(r.name)}")`);
    out.set(String(r.name), info.rows.map((c) => String(c.name)));
  }
  return out;
}

async function tableExists(database: Database, table: string): Promise<boolean> {
  const sql = database.dialect.name === 'postgres'
    ? `SELECT 1 AS x FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '${table}'`
    : `SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = '${table}'`;
  return (await database.run(sql)).rows.length > 0;
}

/**
 * Connects a second database under `name` for one test: a schema of its own on PostgreSQL, an
 * in-memory database on SQLite (same driver as the dialect under test). Returns it with a cleanup.
 */
async function connectOther(name: string): Promise<{ other: Database; close: () => Promise<void> }> {
  if (isPostgres()) {
    const schema = `rel_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
    await db().run(`CREATE SCHEMA "${schema}"`, [], false);
    const other = connect(pgUrl(), { name, schema });
    return {
      other,
      close: async () => {
        await other.close();
        await db().run(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`, [], false);
      },
    };
  }
  const other = connect('sqlite::memory:', { name, driver: dialectName() === 'sqlite3-file' ? 'sqlite3' : 'better-sqlite3' });
  return { other, close: () => other.close() };
}

// ------------------------------------------------------------------------------------------------
// Schema

@model({ table: uniqueTable('rc_authors') })
class Author extends Model<Author>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @hasMany(() => Post, { foreignKey: 'authorId' }) posts!: Promise<Post[]>;
  @hasManyThrough(() => Post, { through: () => Favourite, sourceKey: 'authorId', targetKey: 'postId' }) favourites!: Promise<Post[]>;
}

@model({ table: uniqueTable('rc_posts') })
class Post extends Model<Post>() {
  @primaryKey() id!: number;
  @field() title!: string;
  @field() authorId!: number;
  @field({ type: 'integer', nullable: true }) reviewerId!: number | null;
  @belongsTo(() => Author, { foreignKey: 'authorId', onDelete: 'cascade' }) author!: Promise<Author | null>;
  @belongsTo(() => Author, { foreignKey: 'reviewerId', onDelete: 'set null' }) reviewer!: Promise<Author | null>;
}

/** A join model with plain key fields: no constraints of its own. */
@model({ table: uniqueTable('rc_favourites') })
class Favourite extends Model<Favourite>() {
  @primaryKey() id!: number;
  @field() authorId!: number;
  @field() postId!: number;
}

@model({ table: uniqueTable('rc_parents') })
class Parent extends Model<Parent>() {
  @primaryKey() id!: number;
  @field() name!: string;
}

@model({ table: uniqueTable('rc_od_cascade') })
class CascadeChild extends Model<CascadeChild>() {
  @primaryKey() id!: number;
  @field() parentId!: number;
  @belongsTo(() => Parent, { foreignKey: 'parentId', onDelete: 'cascade' }) parent!: Promise<Parent | null>;
}

@model({ table: uniqueTable('rc_od_setnull') })
class SetNullChild extends Model<SetNullChild>() {
  @primaryKey() id!: number;
  @field({ type: 'integer', nullable: true }) parentId!: number | null;
  @belongsTo(() => Parent, { foreignKey: 'parentId', onDelete: 'set null' }) parent!: Promise<Parent | null>;
}

@model({ table: uniqueTable('rc_od_restrict') })
class RestrictChild extends Model<RestrictChild>() {
  @primaryKey() id!: number;
  @field() parentId!: number;
  @belongsTo(() => Parent, { foreignKey: 'parentId', onDelete: 'restrict' }) parent!: Promise<Parent | null>;
}

@model({ table: uniqueTable('rc_od_noaction') })
class NoActionChild extends Model<NoActionChild>() {
  @primaryKey() id!: number;
  @field() parentId!: number;
  @belongsTo(() => Parent, { foreignKey: 'parentId', onDelete: 'no action' }) parent!: Promise<Parent | null>;
}

/** No onDelete: the default is 'no action'. */
@model({ table: uniqueTable('rc_od_default') })
class DefaultChild extends Model<DefaultChild>() {
  @primaryKey() id!: number;
  @field() parentId!: number;
  @belongsTo(() => Parent, { foreignKey: 'parentId' }) parent!: Promise<Parent | null>;
}

describe('relations: schema', () => {
  before(async () => {
    // First use creates the tables.
    for (const m of [Post, Favourite, CascadeChild, SetNullChild, RestrictChild, NoActionChild, DefaultChild]) await m.objects.count();
  });

  it('a BelongsTo emits a foreign key constraint and an index on the key column', async () => {
    const table = Post.objects.meta.table;
    const authors = Author.objects.meta.table;
    const fks = await foreignKeysOf(db(), table);
    assert.deepEqual(fks.map(({ name: _name, ...rest }) => rest), [
      { column: 'author_id', referencedTable: authors, referencedColumn: 'id', onDelete: 'CASCADE' },
      { column: 'reviewer_id', referencedTable: authors, referencedColumn: 'id', onDelete: 'SET NULL' },
    ]);
    if (isPostgres()) assert.deepEqual(fks.map((f) => f.name), [`${table}_author_id_foreign`, `${table}_reviewer_id_foreign`]);
    const indexes = await indexesOf(db(), table);
    assert.deepEqual(indexes.get(`${table}_author_id_index`), ['author_id']);
    assert.deepEqual(indexes.get(`${table}_reviewer_id_index`), ['reviewer_id']);
  });

  it('every onDelete reaches the catalog; the default is NO ACTION', async () => {
    const parents = Parent.objects.meta.table;
    const expected: Array<[{ objects: { meta: { table: string } } }, string]> = [
      [CascadeChild, 'CASCADE'], [SetNullChild, 'SET NULL'], [RestrictChild, 'RESTRICT'], [NoActionChild, 'NO ACTION'], [DefaultChild, 'NO ACTION'],
    ];
    for (const [cls, onDelete] of expected) {
      const table = cls.objects.meta.table;
      const fks = await foreignKeysOf(db(), table);
      assert.deepEqual(fks.map(({ name: _name, ...rest }) => rest), [{ column: 'parent_id', referencedTable: parents, referencedColumn: 'id', onDelete }], table);
      assert.deepEqual((await indexesOf(db(), table)).get(`${table}_parent_id_index`), ['parent_id'], table);
    }
  });

  it('HasMany and HasManyThrough add no constraint to any table', async () => {
    assert.deepEqual(await foreignKeysOf(db(), Author.objects.meta.table), []);
    assert.deepEqual(await foreignKeysOf(db(), Favourite.objects.meta.table), []);
    const favIndexes = [...(await indexesOf(db(), Favourite.objects.meta.table)).keys()];
    assert.ok(!favIndexes.some((n) => n.endsWith('_index')), `unexpected indexes ${favIndexes.join(', ')}`);
  });

  it('the constraint is enforced: a key that points nowhere is a ForeignKeyViolationError', async () => {
    const before = await Post.objects.count();
    await assert.rejects(
      Post.objects.create({ title: 'orphan', authorId: 987_654 }),
      expectError(ForeignKeyViolationError, 1404, { model: 'Post' }),
    );
    assert.equal(await Post.objects.count(), before);
  });

  it('first use of a model creates the tables it points at first', async () => {
    @model({ table: uniqueTable('rc_lazy_parent') })
    class LazyParent extends Model<LazyParent>() {
      @primaryKey() id!: number;
    }
    @model({ table: uniqueTable('rc_lazy_child') })
    class LazyChild extends Model<LazyChild>() {
      @primaryKey() id!: number;
      @field() parentId!: number;
      @belongsTo(() => LazyParent, { foreignKey: 'parentId' }) parent!: Promise<LazyParent | null>;
    }
    try {
      assert.equal(await LazyChild.objects.count(), 0);
      assert.equal(await tableExists(db(), LazyParent.objects.meta.table), true);
      const fks = await foreignKeysOf(db(), LazyChild.objects.meta.table);
      assert.deepEqual(fks.map((f) => f.referencedTable), [LazyParent.objects.meta.table]);
    } finally {
      registry.unregister(LazyChild);
      registry.unregister(LazyParent);
    }
  });

  it('an existing table: a new key column gets its constraint and index, an existing key column its index', async () => {
    const table = uniqueTable('rc_existing');
    const authors = Author.objects.meta.table;
    await db().run(`CREATE TABLE "${table}" ("id" integer PRIMARY KEY, "title" varchar(255) NOT NULL, "author_id" integer)`, [], false);
    @model({ table })
    class Existing extends Model<Existing>() {
      @primaryKey({ autoincrement: false }) id!: number;
      @field() title!: string;
      @field({ type: 'integer', nullable: true }) authorId!: number | null;
      @field({ type: 'integer', nullable: true }) reviewerId!: number | null;
      @belongsTo(() => Author, { foreignKey: 'authorId', onDelete: 'cascade' }) author!: Promise<Author | null>;
      @belongsTo(() => Author, { foreignKey: 'reviewerId', onDelete: 'set null' }) reviewer!: Promise<Author | null>;
    }
    try {
      assert.equal(await Existing.objects.count(), 0);
      const fks = await foreignKeysOf(db(), table);
      // regista never alters an existing column: author_id gets no constraint.
      assert.deepEqual(fks.map(({ name: _name, ...rest }) => rest), [
        { column: 'reviewer_id', referencedTable: authors, referencedColumn: 'id', onDelete: 'SET NULL' },
      ]);
      if (isPostgres()) assert.deepEqual(fks.map((f) => f.name), [`${table}_reviewer_id_foreign`]);
      const indexes = await indexesOf(db(), table);
      assert.deepEqual(indexes.get(`${table}_author_id_index`), ['author_id']);
      assert.deepEqual(indexes.get(`${table}_reviewer_id_index`), ['reviewer_id']);
      // The added constraint is enforced, with its onDelete.
      await assert.rejects(
        Existing.objects.create({ id: 1, title: 'x', authorId: null, reviewerId: 987_654 }),
        expectError(ForeignKeyViolationError, 1404, { model: 'Existing' }),
      );
      const reviewer = await Author.objects.create({ name: 'existing-reviewer' });
      await Existing.objects.create({ id: 2, title: 'y', authorId: null, reviewerId: reviewer.id });
      await reviewer.delete();
      assert.equal((await Existing.objects.require(2)).reviewerId, null);
    } finally {
      registry.unregister(Existing);
    }
  });

  it('truncate() of a referenced table follows onDelete on both databases', async () => {
    @model({ table: uniqueTable('rc_tr_parents') })
    class TrParent extends Model<TrParent>() {
      @primaryKey() id!: number;
      @field() name!: string;
    }
    @model({ table: uniqueTable('rc_tr_children') })
    class TrChild extends Model<TrChild>() {
      @primaryKey() id!: number;
      @field() parentId!: number;
      @belongsTo(() => TrParent, { foreignKey: 'parentId', onDelete: 'cascade' }) parent!: Promise<TrParent | null>;
    }
    @model({ table: uniqueTable('rc_tr_blockers') })
    class TrBlocker extends Model<TrBlocker>() {
      @primaryKey() id!: number;
      @field() parentId!: number;
      @belongsTo(() => TrParent, { foreignKey: 'parentId', onDelete: 'restrict' }) parent!: Promise<TrParent | null>;
    }
    try {
      const first = await TrParent.objects.create({ name: 'first' });
      await TrParent.objects.create({ name: 'second' });
      await TrChild.objects.create({ parentId: first.id });
      await TrChild.objects.create({ parentId: first.id });
      assert.equal(await TrBlocker.objects.count(), 0);
      await TrParent.truncate();
      assert.equal(await TrParent.objects.count(), 0);
      assert.equal(await TrChild.objects.count(), 0, 'cascaded');
      const again = await TrParent.objects.create({ name: 'again' });
      assert.equal(again.id, 1, 'generated keys restart');
      const blocker = await TrBlocker.objects.create({ parentId: again.id });
      await assert.rejects(TrParent.truncate(), expectError(ForeignKeyViolationError, 1404, { model: 'TrParent' }));
      assert.deepEqual((await TrParent.objects.all()).map((p) => p.name), ['again']);
      await blocker.delete();
      await TrParent.truncate();
      assert.equal(await TrParent.objects.count(), 0);
    } finally {
      for (const m of [TrBlocker, TrChild, TrParent]) registry.unregister(m);
    }
  });

  describe('onDelete, when the parent row is deleted', () => {
    it('cascade: the children are deleted with it', async () => {
      const parent = await Parent.objects.create({ name: 'cascade' });
      const other = await Parent.objects.create({ name: 'cascade-other' });
      await CascadeChild.objects.create({ parentId: parent.id });
      await CascadeChild.objects.create({ parentId: parent.id });
      const kept = await CascadeChild.objects.create({ parentId: other.id });
      assert.equal(await parent.delete(), true);
      assert.equal(await Parent.objects.get(parent.id), null);
      assert.equal(await CascadeChild.objects.count({ parentId: parent.id }), 0);
      assert.deepEqual((await CascadeChild.objects.filter({ parentId: other.id })).map((c) => c.id), [kept.id]);
    });

    it('cascade through two levels (Author -> Post), and set null on another relation', async () => {
      const author = await Author.objects.create({ name: 'to-delete' });
      const reviewer = await Author.objects.create({ name: 'reviewer' });
      const own = await Post.objects.create({ title: 'own', authorId: author.id, reviewerId: reviewer.id });
      const reviewed = await Post.objects.create({ title: 'reviewed', authorId: reviewer.id, reviewerId: author.id });
      assert.equal(await Author.objects.delete(author.id), true);
      assert.equal(await Post.objects.get(own.id), null);
      const stillThere = await Post.objects.require(reviewed.id);
      assert.equal(stillThere.reviewerId, null);
      assert.equal(stillThere.authorId, reviewer.id);
    });

    it('set null: the children stay, their key is null', async () => {
      const parent = await Parent.objects.create({ name: 'setnull' });
      const a = await SetNullChild.objects.create({ parentId: parent.id });
      const b = await SetNullChild.objects.create({ parentId: parent.id });
      assert.equal(await parent.delete(), true);
      assert.equal(await Parent.objects.get(parent.id), null);
      const rows = await SetNullChild.objects.filter({ id: [a.id, b.id] }, { orderBy: 'id' });
      assert.deepEqual(rows.map((r) => [r.id, r.parentId]), [[a.id, null], [b.id, null]]);
      await a.refresh();
      assert.equal(a.parentId, null);
      assert.equal(await a.parent, null);
    });

    for (const [label, Child] of [['restrict', RestrictChild], ['no action', NoActionChild], ['no action (default)', DefaultChild]] as const) {
      it(`${label}: the delete is refused with ForeignKeyViolationError; parent and children stay`, async () => {
        const parent = await Parent.objects.create({ name: label });
        const child = await Child.objects.create({ parentId: parent.id });
        const refused = expectError(ForeignKeyViolationError, ErrorCodes.FOREIGN_KEY_VIOLATION, { model: 'Parent' });
        await assert.rejects(parent.delete(), refused);
        await assert.rejects(Parent.objects.delete(parent.id), refused);
        await assert.rejects(Parent.objects.deleteWhere({ name: label }), refused);
        assert.equal(parent.isPersisted(), true);
        assert.equal((await Parent.objects.require(parent.id)).name, label);
        assert.equal((await Child.objects.require(child.id)).parentId, parent.id);
        // Once the child is gone, the parent can be deleted.
        await child.delete();
        assert.equal(await parent.delete(), true);
        assert.equal(await Parent.objects.get(parent.id), null);
      });
    }
  });
});

// ------------------------------------------------------------------------------------------------
// createAll: dependency order and cycles, each on a database of its own.

describe('relations: createAll', () => {
  it('creates tables in dependency order whatever the registration order', async () => {
    const { other, close } = await connectOther('rel_order');
    // Registered children first: a naive order would CREATE TABLE ... REFERENCES a missing table.
    @model({ table: uniqueTable('rc_ord_grandchild'), database: 'rel_order', autoCreate: false })
    class OrdGrandChild extends Model<OrdGrandChild>() {
      @primaryKey() id!: number;
      @field() childId!: number;
      @belongsTo(() => OrdChild, { foreignKey: 'childId', onDelete: 'cascade' }) child!: Promise<OrdChild | null>;
    }
    @model({ table: uniqueTable('rc_ord_child'), database: 'rel_order', autoCreate: false })
    class OrdChild extends Model<OrdChild>() {
      @primaryKey() id!: number;
      @field() parentId!: number;
      @belongsTo(() => OrdParent, { foreignKey: 'parentId', onDelete: 'cascade' }) parent!: Promise<OrdParent | null>;
    }
    @model({ table: uniqueTable('rc_ord_parent'), database: 'rel_order', autoCreate: false })
    class OrdParent extends Model<OrdParent>() {
      @primaryKey() id!: number;
      @field() name!: string;
      @field({ type: 'integer', nullable: true }) parentId!: number | null;
      /** Self-reference: not a cycle. */
      @belongsTo(() => OrdParent, { foreignKey: 'parentId', onDelete: 'cascade' }) parent!: Promise<OrdParent | null>;
    }
    const events: SchemaEvent[] = [];
    other.on('schema', (e) => events.push(e));
    try {
      // dependencyOrder resolves the relations itself (nothing has used these models yet).
      const metas = [OrdGrandChild, OrdChild, OrdParent].map((m) => m.objects.meta);
      assert.deepEqual(dependencyOrder(metas).map((m) => m.name), ['OrdParent', 'OrdChild', 'OrdGrandChild']);
      await other.createAll();
      assert.deepEqual(events.filter((e) => e.action === 'createTable').map((e) => e.model), ['OrdParent', 'OrdChild', 'OrdGrandChild']);
      for (const m of [OrdParent, OrdChild, OrdGrandChild]) assert.equal(await tableExists(other, m.objects.meta.table), true);
      assert.deepEqual((await foreignKeysOf(other, OrdGrandChild.objects.meta.table)).map((f) => [f.column, f.referencedTable]), [['child_id', OrdChild.objects.meta.table]]);
      assert.deepEqual((await foreignKeysOf(other, OrdChild.objects.meta.table)).map((f) => [f.column, f.referencedTable]), [['parent_id', OrdParent.objects.meta.table]]);
      assert.deepEqual((await foreignKeysOf(other, OrdParent.objects.meta.table)).map((f) => [f.column, f.referencedTable]), [['parent_id', OrdParent.objects.meta.table]]);
      // The tables work, cascades included.
      const p = await OrdParent.objects.create({ name: 'p', parentId: null });
      const c = await OrdChild.objects.create({ parentId: p.id });
      await OrdGrandChild.objects.create({ childId: c.id });
      await p.delete();
      assert.equal(await OrdGrandChild.objects.count(), 0);
      // A second run changes nothing.
      await other.createAll();
      assert.equal(events.filter((e) => e.action === 'createTable').length, 3);
    } finally {
      for (const m of [OrdGrandChild, OrdChild, OrdParent]) registry.unregister(m);
      await close();
    }
  });

  it('a dependency cycle: SchemaError naming the cycle from createAll and from first use, nothing created', async () => {
    const { other, close } = await connectOther('rel_cycle');
    @model({ table: uniqueTable('rc_cyc_a'), database: 'rel_cycle' })
    class CycA extends Model<CycA>() {
      @primaryKey() id!: number;
      @field({ type: 'integer', nullable: true }) bId!: number | null;
      @belongsTo(() => CycB, { foreignKey: 'bId' }) b!: Promise<CycB | null>;
    }
    @model({ table: uniqueTable('rc_cyc_b'), database: 'rel_cycle' })
    class CycB extends Model<CycB>() {
      @primaryKey() id!: number;
      @field({ type: 'integer', nullable: true }) aId!: number | null;
      @belongsTo(() => CycA, { foreignKey: 'aId' }) a!: Promise<CycA | null>;
    }
    const events: SchemaEvent[] = [];
    other.on('schema', (e) => events.push(e));
    try {
      await assert.rejects(other.createAll(), expectError(SchemaError, 1500, { cycle: ['CycA', 'CycB', 'CycA'] }, /cycle: CycA -> CycB -> CycA\./));
      assert.throws(() => dependencyOrder([CycB.objects.meta, CycA.objects.meta]), expectError(SchemaError, 1500, { cycle: ['CycB', 'CycA', 'CycB'] }, /CycB -> CycA -> CycB/));
      // First use finds it too, on every database (PostgreSQL would otherwise fail on REFERENCES).
      await assert.rejects(CycA.objects.count(), expectError(SchemaError, 1500, { cycle: ['CycA', 'CycB', 'CycA'] }, /cycle: CycA -> CycB -> CycA\./));
      await assert.rejects(CycB.objects.create({ aId: null }), expectError(SchemaError, 1500, { cycle: ['CycB', 'CycA', 'CycB'] }));
      assert.deepEqual(events, []);
      assert.equal(await tableExists(other, CycA.objects.meta.table), false);
      assert.equal(await tableExists(other, CycB.objects.meta.table), false);
    } finally {
      registry.unregister(CycA);
      registry.unregister(CycB);
      await close();
    }
  });
});

// ------------------------------------------------------------------------------------------------
// Misconfiguration: RelationshipError (1600) naming the relation and the available fields, at the
// model's first use at the latest. Broken models are unregistered afterwards.

describe('relations: misconfiguration', () => {
  /** Every model a test registered, unregistered after it. */
  const made: Function[] = [];
  after(() => {
    for (const cls of made) registry.unregister(cls);
    // With the broken models gone, every remaining relation resolves.
    registry.ensureResolved();
  });

  function misconfigured(relation: string, ...problems: RegExp[]): (error: unknown) => true {
    return (error: unknown) => {
      expectError(RelationshipError, 1600)(error);
      const e = error as RelationshipError;
      const listed = e.details.problems;
      assert.ok(Array.isArray(listed), 'details.problems is a list');
      assert.equal(listed.length, problems.length, listed.join('\n'));
      problems.forEach((p, i) => {
        assert.match(String(listed[i]), p);
        assert.ok(String(listed[i]).startsWith(`${relation}: `), `names ${relation}: ${String(listed[i])}`);
      });
      for (const p of problems) assert.match(e.message, p);
      return true;
    };
  }

  it('hasMany: a foreignKey that is not a field of the target', async () => {
    @model({ table: uniqueTable('rc_mx1_posts') })
    class MxPost extends Model<MxPost>() {
      @primaryKey() id!: number;
      @field() title!: string;
      /** Declared, but not a field (no @field). */
      writerId!: number;
    }
    @model({ table: uniqueTable('rc_mx1_authors') })
    class MxAuthor extends Model<MxAuthor>() {
      @primaryKey() id!: number;
      @field() name!: string;
      @hasMany(() => MxPost, { foreignKey: 'writerId' }) posts!: Promise<MxPost[]>;
    }
    made.push(MxPost, MxAuthor);
    const refused = misconfigured('MxAuthor.posts', /MxAuthor\.posts: foreignKey "writerId" is not a field of MxPost; its fields are: id, title/);
    await assert.rejects(MxAuthor.objects.all(), refused);
    await assert.rejects(MxAuthor.objects.create({ name: 'x' }), refused, 'still refused on the next use');
    // The target on its own is fine.
    assert.equal(await MxPost.objects.count(), 0);
  });

  it('belongsTo: a foreignKey that is not a field of the model', async () => {
    @model({ table: uniqueTable('rc_mx2_authors') })
    class MxAuthor2 extends Model<MxAuthor2>() {
      @primaryKey() id!: number;
    }
    @model({ table: uniqueTable('rc_mx2_posts') })
    class MxPost2 extends Model<MxPost2>() {
      @primaryKey() id!: number;
      @field() title!: string;
      @field() authorId!: number;
      @belongsTo(() => MxAuthor2, { foreignKey: 'authorRef' }) author!: Promise<MxAuthor2 | null>;
    }
    made.push(MxAuthor2, MxPost2);
    await assert.rejects(
      MxPost2.objects.filter({ title: 'x' }),
      misconfigured('MxPost2.author', /MxPost2\.author: foreignKey "authorRef" is not a field of MxPost2; its fields are: id, title, authorId/),
    );
    assert.equal(await tableExists(db(), MxPost2.objects.meta.table), false, 'no table without its foreign key');
  });

  it('a target that is not a registered model', async () => {
    class NotAModel {
      id!: number;
      ownerId!: number;
    }
    @model({ table: uniqueTable('rc_mx3_owners') })
    class MxOwner extends Model<MxOwner>() {
      @primaryKey() id!: number;
      @hasMany(() => NotAModel, { foreignKey: 'ownerId' }) items!: Promise<NotAModel[]>;
    }
    @model({ table: uniqueTable('rc_mx3_items') })
    class MxItem extends Model<MxItem>() {
      @primaryKey() id!: number;
      @field({ type: 'integer', nullable: true }) ownerId!: number | null;
      @belongsTo(() => NotAModel, { foreignKey: 'ownerId' }) owner!: Promise<NotAModel | null>;
    }
    made.push(MxOwner, MxItem);
    await assert.rejects(MxOwner.objects.count(), misconfigured('MxOwner.items', /MxOwner\.items: target is NotAModel, which is not a registered model/));
    await assert.rejects(MxItem.objects.create({ ownerId: null }), misconfigured('MxItem.owner', /MxItem\.owner: target is NotAModel, which is not a registered model/));
  });

  it('a target thunk that throws (a circular import seen too early)', async () => {
    @model({ table: uniqueTable('rc_mx4_things') })
    class MxThing extends Model<MxThing>() {
      @primaryKey() id!: number;
      @hasMany(() => { throw new ReferenceError('Cannot access Later before initialization'); }, { foreignKey: 'id' }) later!: Promise<MxThing[]>;
    }
    made.push(MxThing);
    await assert.rejects(MxThing.objects.all(), misconfigured('MxThing.later', /MxThing\.later: target thunk threw: Cannot access Later before initialization/));
  });

  it('a through model without the two keys', async () => {
    @model({ table: uniqueTable('rc_mx5_tags') })
    class MxTag extends Model<MxTag>() {
      @primaryKey() id!: number;
      @field() name!: string;
    }
    @model({ table: uniqueTable('rc_mx5_links') })
    class MxLink extends Model<MxLink>() {
      @primaryKey() id!: number;
      @field() note!: string;
    }
    @model({ table: uniqueTable('rc_mx5_posts') })
    class MxPost5 extends Model<MxPost5>() {
      @primaryKey() id!: number;
      tags!: Promise<MxTag[]>;
    }
    made.push(MxTag, MxLink, MxPost5);
    defineRelation(MxPost5, 'tags', new HasManyThrough(() => MxTag, { through: () => MxLink, sourceKey: 'postId', targetKey: 'tagId' }));
    await assert.rejects(MxPost5.objects.all(), misconfigured(
      'MxPost5.tags',
      /MxPost5\.tags: sourceKey "postId" is not a field of MxLink; its fields are: id, note/,
      /MxPost5\.tags: targetKey "tagId" is not a field of MxLink; its fields are: id, note/,
    ));
  });

  it("onDelete 'set null' on a non-nullable foreign key", async () => {
    @model({ table: uniqueTable('rc_mx6_authors') })
    class MxAuthor6 extends Model<MxAuthor6>() {
      @primaryKey() id!: number;
    }
    @model({ table: uniqueTable('rc_mx6_posts') })
    class MxPost6 extends Model<MxPost6>() {
      @primaryKey() id!: number;
      @field() authorId!: number;
      @belongsTo(() => MxAuthor6, { foreignKey: 'authorId', onDelete: 'set null' }) author!: Promise<MxAuthor6 | null>;
    }
    made.push(MxAuthor6, MxPost6);
    await assert.rejects(MxPost6.objects.count(), misconfigured('MxPost6.author', /MxPost6\.author: onDelete 'set null' needs MxPost6\.authorId to be nullable/));
    assert.equal(await tableExists(db(), MxPost6.objects.meta.table), false);
  });

  it('a relation named like a field or a method: @model() refuses the class (ModelRegistrationError)', () => {
    const table = uniqueTable('rc_mx7_things');
    assert.throws(() => {
      @model({ table })
      class MxReserved extends Model<MxReserved>() {
        @primaryKey() id!: number;
        @hasMany(() => MxReserved, { foreignKey: 'id' }) count!: Promise<MxReserved[]>;
      }
      made.push(MxReserved);
    }, expectError(ModelRegistrationError, 1002, { model: 'MxReserved' }, /relation "count" collides with a regista method/));
    assert.equal(registry.get(table), undefined);
  });

  it('a model whose relations resolve is not held up by broken ones registered next to it', async () => {
    // Several broken models are registered at this point (unregistered after the suite).
    const author = await Author.objects.create({ name: 'unaffected' });
    const post = await Post.objects.create({ title: 'unaffected', authorId: author.id });
    assert.deepEqual((await author.posts).map((p) => p.id), [post.id]);
  });
});
