import {
  ImmutableFieldError, InvalidPrimaryKeyAssignmentError, InvalidQueryError, MigrationError,
  MultipleRecordsFoundError, RecordNotFoundError, RelationshipError, UniqueConstraintError, DuplicateKeyError,
} from '../errors';
import { adHocField } from '../metadata/ad-hoc-field';
import type { ModelMeta } from '../metadata/model-meta';
import type { FieldOptions } from '../metadata/options';
import { registry } from '../metadata/registry';
import { checkRelationsUnassigned } from '../relations/accessors';
import { loadIncludes, parseInclude } from '../relations/loader';
import { forget as forgetRelations } from '../relations/relation-cache';
import { addColumn } from '../schema/ensure-table';
import * as batch from './batch-writes';
import type { BatchOptions, BatchResult } from './batch-writes';
import { bulkCreate, bulkUpsert, type BulkCreateOptions, type BulkResult, type BulkUpsertOptions, type RowSource } from './bulk';
import { criteriaFrom } from './criteria-from';
import { iterateRows, type IterateOptions } from './iterate';
import { planSync, type SyncOptions, type SyncPlan } from './sync';
import { QuerySet } from './query-set';
import { getDatabase } from '../connection/connect';
import { compiledModel, type CompiledField, type CompiledModel } from './compiled-model';
import { readyModel } from './ready-model';
import { compileCriteria, hasConditions, type CriteriaInput } from './criteria';
import { hydrate, hydrateInto, isPersisted, markDeleted, snapshotOf } from './instance-state';
import { prepareChanges, prepareInsert, validateInstance } from './prepare-write';
import { selectStatement, type QueryOptions } from './select-query';
import { exampleCriteria, mergeInto, updatePaths } from './documents';
import { hasHooks, runHooks, updatedAtField } from './hooks';
import type { CreateData, Criteria, DataKeys, PrimaryKeyValue } from './types';
import { expectedOf, fitsField } from './value-checks';

type Bag = Record<string, unknown>;

/** Options of `get` and `require`. */
export interface GetOptions {
  /** Relations to load with the instance: `['posts', 'posts.tags']`. */
  include?: readonly string[];
}

/**
 * The `objects` manager of a model: every query and write of that model goes through it.
 * Results are instances of the model class.
 *
 * @example
 * const alice = await User.objects.create({ name: 'Alice', email: 'alice@example.com' });
 * const admins = await User.objects.filter({ role: 'admin' }, { orderBy: ['-createdAt'], limit: 20 });
 */
export class Manager<T extends object> {
  private metaCache?: ModelMeta;

  constructor(private readonly modelClass: Function) {}

  /** The model's resolved metadata. */
  get meta(): ModelMeta {
    return (this.metaCache ??= registry.requireMeta(this.modelClass));
  }

  /**
   * Validates and inserts one row; returns the stored instance with generated values filled in.
   * `@beforeInsert` / `@afterInsert` hooks run inside the insert's transaction.
   */
  async create(data: CreateData<T>): Promise<T> {
    const m = await this.#model();
    checkRelationData(m, data as Bag);
    const Cls = m.meta.cls as new () => T;
    return this.#insert(m, new Cls(), data as Bag);
  }

  async #insert(m: CompiledModel, instance: T, data: Bag | undefined): Promise<T> {
    const write = async () => {
      const before = hasHooks(m.meta, 'beforeInsert') ? (i: object) => runHooks(m.meta, 'beforeInsert', i) : undefined;
      const values = await prepareInsert(m, instance, data, before);
      const result = await m.db.query(m.insertSql, values, true, m.meta);
      hydrateInto(m, instance, result.rows[0]);
      await runHooks(m.meta, 'afterInsert', instance);
      return instance;
    };
    return hasHooks(m.meta, 'beforeInsert', 'afterInsert') ? m.db.transaction(write) : write();
  }

  /** The instance with this primary key (or matching these criteria), or null. */
  async get(key: PrimaryKeyValue | Criteria<T>, options?: GetOptions): Promise<T | null> {
    const m = await this.#model();
    checkGetOptions(m, options);
    if (typeof key === 'object' && key !== null) {
      if (!hasConditions(key as CriteriaInput)) throw new InvalidQueryError(`${m.meta.name}.objects.get() needs a primary key or non-empty criteria.`, { model: m.meta.name });
      const rows = await this.#select(m, key as CriteriaInput, { limit: 2 });
      if (rows.length > 1) throw MultipleRecordsFoundError.for(m.meta.name, key);
      if (rows.length === 1 && options?.include) await loadIncludes(m.meta, rows, parseInclude(m.meta, options.include));
      return rows[0] ?? null;
    }
    const result = await m.db.query(m.getByPkSql, [pkValue(m, key)], true, m.meta);
    if (result.rows.length === 0) return null;
    const found = hydrate<T>(m, result.rows[0]);
    if (options?.include) await loadIncludes(m.meta, [found], parseInclude(m.meta, options.include));
    return found;
  }

  /** Like `get`, but throws RecordNotFoundError when nothing matches. */
  async require(key: PrimaryKeyValue | Criteria<T>, options?: GetOptions): Promise<T> {
    const found = await this.get(key, options);
    if (found === null) throw RecordNotFoundError.for(this.meta.name, key);
    return found;
  }

  /**
   * Instances matching the criteria: an object (values, arrays as IN, null as IS NULL, operators,
   * AND/OR/NOT, relation and JSON paths) or a text filter with `:name` parameters.
   *
   * @example
   * await User.objects.filter({ age: { gte: 18 }, OR: [{ role: 'admin' }, { name: { startsWith: 'A' } }] });
   * await User.objects.filter("role = 'admin' AND age >= :min", { min: 18 }, { orderBy: 'name' });
   */
  filter(criteria?: Criteria<T>, options?: QueryOptions): Promise<T[]>;
  filter(expression: string, params?: Record<string, unknown>, options?: QueryOptions): Promise<T[]>;
  async filter(criteria?: Criteria<T> | string, second?: QueryOptions | Record<string, unknown>, third?: QueryOptions): Promise<T[]> {
    const [where, options] = typeof criteria === 'string'
      ? [criteriaFrom(criteria, second as Record<string, unknown> | undefined), third]
      : [criteria as CriteriaInput | undefined, second as QueryOptions | undefined];
    return this.#select(await this.#model(), where, options);
  }

  /**
   * A lazy, chainable query set: `User.objects.where({ role: 'admin' }).orderBy('-createdAt').limit(20)`.
   * Awaiting it runs it.
   */
  where(criteria: Criteria<T> | string, params?: Record<string, unknown>): QuerySet<T> {
    return new QuerySet<T>(this).where(criteria, params);
  }

  /** Every instance (with optional limit, offset and ordering). */
  async all(options?: QueryOptions): Promise<T[]> {
    return this.#select(await this.#model(), undefined, options);
  }

  /** The first match, ordered by primary key unless `orderBy` is given; null when none. */
  async first(criteria?: Criteria<T>, options?: Omit<QueryOptions, 'limit'>): Promise<T | null> {
    const rows = await this.#select(await this.#model(), criteria as CriteriaInput, { ...options, limit: 1 }, { defaultOrder: true });
    return rows[0] ?? null;
  }

  /** The last match: the reverse of `first`'s order. */
  async last(criteria?: Criteria<T>, options?: Omit<QueryOptions, 'limit'>): Promise<T | null> {
    const rows = await this.#select(await this.#model(), criteria as CriteriaInput, { ...options, limit: 1 }, { defaultOrder: true, reverse: true });
    return rows[0] ?? null;
  }

  /** Whether any row matches. */
  async exists(criteria?: Criteria<T>): Promise<boolean> {
    const m = await this.#model();
    const where = compileCriteria(m, criteria as CriteriaInput);
    const sql = m.sql(`x|${where.key}`, () => `SELECT 1 AS x FROM ${m.table}${where.sql(1)} LIMIT 1`);
    const result = await m.db.query(sql, where.bindings, true, m.meta);
    return result.rows.length > 0;
  }

  /** How many rows match. */
  async count(criteria?: Criteria<T>): Promise<number> {
    const m = await this.#model();
    const where = compileCriteria(m, criteria as CriteriaInput);
    const sql = m.sql(`c|${where.key}`, () => `SELECT COUNT(*) AS n FROM ${m.table}${where.sql(1)}`);
    const result = await m.db.query(sql, where.bindings, true, m.meta);
    return Number(result.rows[0].n);
  }

  /**
   * Inserts, or updates on conflict, in one atomic statement. The conflict target is the primary
   * key when `data` has it, else the first unique group fully present in `data`; with neither it
   * is a plain create. On conflict only the fields present in `data` are updated.
   */
  async upsert(data: CreateData<T>, options?: { merge?: 'deep' }): Promise<T> {
    const m = await this.#model();
    const bag = data as Bag;
    if (options?.merge === 'deep') return this.#upsertDeep(m, bag);
    if (options && Object.keys(options).length > 0 && options.merge !== undefined) {
      throw new InvalidQueryError(`upsert() option merge must be 'deep', got ${JSON.stringify(options.merge)}.`, { model: m.meta.name });
    }
    const pk = m.pk;
    const present = (p: string) => bag[p] !== undefined && bag[p] !== null;
    if (pk.meta.generated === 'autoincrement' && present(pk.property)) {
      throw InvalidPrimaryKeyAssignmentError.for(m.meta.name, pk.property, bag[pk.property]);
    }
    const conflict = present(pk.property) ? [pk.property] : m.meta.uniques.find((u) => u.fields.every(present))?.fields;
    if (!conflict) return this.create(data);
    const Cls = m.meta.cls as new () => T;
    const instance = new Cls();
    const values = await prepareInsert(m, instance, bag);
    const stamp = updatedAtField(m.meta);
    const updates = m.fields.filter((f) => (bag[f.property] !== undefined || f.property === stamp) && !conflict.includes(f.property) && f !== pk);
    const sql = m.sql(`u|${conflict.join(',')}|${updates.map((f) => f.property).join(',')}`, () =>
      m.insertStatement(m.insertFields, m.dialect.upsertClause(conflict.map((p) => m.byProperty.get(p)!.column), updates.map((f) => f.column))));
    const result = await m.db.run(sql, values, true, m.meta);
    return hydrateInto(m, instance, result.rows[0]);
  }

  /** upsert with deep merge: an existing row (by the same conflict target) gets `merge`, else a create. */
  async #upsertDeep(m: CompiledModel, bag: Bag): Promise<T> {
    const present = (p: string) => bag[p] !== undefined && bag[p] !== null;
    const conflict = present(m.pk.property) ? [m.pk.property] : m.meta.uniques.find((u) => u.fields.every(present))?.fields;
    if (!conflict) return this.create(bag as CreateData<T>);
    const where = Object.fromEntries(conflict.map((p) => [p, bag[p]]));
    const attempt = () => m.db.transaction(async () => {
      const existing = await this.#select(m, where, { limit: 1 });
      if (existing.length === 0) return this.create(bag as CreateData<T>);
      const key = (existing[0] as Bag)[m.pk.property];
      const patch = { ...bag };
      delete patch[m.pk.property];
      return (await mergeInto(m, key, patch)) as T;
    });
    try {
      return await attempt();
    } catch (error) {
      // Another writer inserted the same key between our read and our insert: merge into it.
      if (error instanceof UniqueConstraintError || error instanceof DuplicateKeyError) return attempt();
      throw error;
    }
  }

  /** Updates every row matching the criteria; returns the updated instances. */
  async updateWhere(criteria: Criteria<T>, changes: CreateData<T>): Promise<T[]> {
    const m = await this.#model();
    requireConditions(m, criteria as CriteriaInput, 'updateWhere');
    const sets = await prepareChanges(m, withUpdatedAt(m, changes as Bag));
    if (sets.length === 0) throw new InvalidQueryError(`${m.meta.name}.objects.updateWhere() needs at least one change.`, { model: m.meta.name });
    const where = compileCriteria(m, criteria as CriteriaInput);
    const setKey = sets.map(([f]) => f.property).join(',');
    const sql = m.sql(`w|${setKey}|${where.key}`, () =>
      `UPDATE ${m.table} SET ${assignments(m, sets.map(([f]) => f))}${where.sql(sets.length + 1)} RETURNING ${m.selectList}`);
    const result = await m.db.run(sql, [...sets.map(([, v]) => v), ...where.bindings], true, m.meta);
    return result.rows.map((row) => hydrate<T>(m, row));
  }

  /** Deletes every row matching the criteria; returns how many. */
  async deleteWhere(criteria: Criteria<T>): Promise<number> {
    const m = await this.#model();
    requireConditions(m, criteria as CriteriaInput, 'deleteWhere');
    const where = compileCriteria(m, criteria as CriteriaInput);
    const sql = m.sql(`d|${where.key}`, () => `DELETE FROM ${m.table}${where.sql(1)}`);
    return (await m.db.run(sql, where.bindings, false, m.meta)).rowCount;
  }

  /** Deletes the row with this primary key; returns whether one was deleted. */
  async delete(key: PrimaryKeyValue): Promise<boolean> {
    const m = await this.#model();
    if (hasHooks(m.meta, 'beforeDelete', 'afterDelete')) {
      return m.db.transaction(async () => {
        const found = await m.db.run(`${m.getByPkSql}${m.dialect.rowLockClause}`, [pkValue(m, key)], true, m.meta);
        return found.rows.length === 0 ? false : this.deleteInstance(hydrate<T>(m, found.rows[0]));
      });
    }
    return (await m.db.run(m.deleteByPkSql, [pkValue(m, key)], false, m.meta)).rowCount > 0;
  }

  /**
   * Inserts many rows. Atomic by default (all or nothing; the created instances come back); with
   * `{ atomic: false }` each row stands alone and the result lists what succeeded and what failed.
   * The same key twice in one batch is refused before anything is written.
   */
  createMany(rows: ReadonlyArray<CreateData<T>>, options?: { atomic?: true }): Promise<T[]>;
  createMany(rows: ReadonlyArray<CreateData<T>>, options: { atomic: false }): Promise<BatchResult>;
  createMany(rows: ReadonlyArray<CreateData<T>>, options?: BatchOptions): Promise<T[] | BatchResult>;
  createMany(rows: ReadonlyArray<CreateData<T>>, options?: BatchOptions): Promise<T[] | BatchResult> {
    return batch.createMany(this, rows as ReadonlyArray<Bag>, options) as Promise<T[] | BatchResult>;
  }

  /** Upserts many rows (see `upsert`), atomic by default; `{ atomic: false }` reports per row. */
  upsertMany(rows: ReadonlyArray<CreateData<T>>, options?: { atomic?: true }): Promise<T[]>;
  upsertMany(rows: ReadonlyArray<CreateData<T>>, options: { atomic: false }): Promise<BatchResult>;
  upsertMany(rows: ReadonlyArray<CreateData<T>>, options?: BatchOptions): Promise<T[] | BatchResult>;
  upsertMany(rows: ReadonlyArray<CreateData<T>>, options?: BatchOptions): Promise<T[] | BatchResult> {
    return batch.upsertMany(this, rows as ReadonlyArray<Bag>, options) as Promise<T[] | BatchResult>;
  }

  /** Updates many rows by primary key: `[{ key, changes }]`, atomic by default. */
  updateMany(items: ReadonlyArray<{ key: PrimaryKeyValue; changes: CreateData<T> }>, options?: { atomic?: true }): Promise<T[]>;
  updateMany(items: ReadonlyArray<{ key: PrimaryKeyValue; changes: CreateData<T> }>, options: { atomic: false }): Promise<BatchResult>;
  updateMany(items: ReadonlyArray<{ key: PrimaryKeyValue; changes: CreateData<T> }>, options?: BatchOptions): Promise<T[] | BatchResult>;
  updateMany(items: ReadonlyArray<{ key: PrimaryKeyValue; changes: CreateData<T> }>, options?: BatchOptions): Promise<T[] | BatchResult> {
    return batch.updateMany(this, items as ReadonlyArray<{ key: PrimaryKeyValue; changes: Bag }>, options) as Promise<T[] | BatchResult>;
  }

  /** Deletes many rows by primary key; atomic by default (returns how many were deleted). */
  deleteMany(keys: ReadonlyArray<PrimaryKeyValue>, options?: { atomic?: true }): Promise<number>;
  deleteMany(keys: ReadonlyArray<PrimaryKeyValue>, options: { atomic: false }): Promise<BatchResult>;
  deleteMany(keys: ReadonlyArray<PrimaryKeyValue>, options?: BatchOptions): Promise<number | BatchResult>;
  deleteMany(keys: ReadonlyArray<PrimaryKeyValue>, options?: BatchOptions): Promise<number | BatchResult> {
    return batch.deleteMany(this, keys, options);
  }

  /**
   * Sets leaves inside JSON fields of one row in one statement, creating missing intermediate
   * objects: `updatePaths(id, { 'planning.wave': 2, 'cloudStatus.testing.status': 'done' })`.
   * Plain fields may be set alongside. Returns the updated instance.
   */
  async updatePaths(key: PrimaryKeyValue, paths: Record<string, unknown>): Promise<T> {
    const m = await this.#model();
    const rows = await updatePaths(m, { [m.pk.property]: key }, paths);
    if (rows.length === 0) throw RecordNotFoundError.for(m.meta.name, { [m.pk.property]: key });
    return rows[0] as T;
  }

  /**
   * Deep-merges a patch into one row, atomically: objects merge recursively, scalars and arrays are
   * replaced, absent keys are kept, `undefined` never overwrites, `null` does.
   */
  async merge(key: PrimaryKeyValue, patch: CreateData<T>): Promise<T> {
    const m = await this.#model();
    pkValue(m, key);
    return (await mergeInto(m, key, patch as Bag)) as T;
  }

  /** Rows where every key set in `example` matches, recursively into JSON objects. */
  async findByExample(example: Partial<Record<DataKeys<T>, unknown>>, options?: QueryOptions): Promise<T[]> {
    const m = await this.#model();
    return this.#select(m, exampleCriteria(m, example as Bag), options);
  }

  /**
   * Loads many rows at the database's bulk speed, in one transaction (COPY on PostgreSQL, prepared
   * multi-row INSERTs on SQLite). `rows` may be an array or an (async) iterable, read in chunks.
   *
   * @example
   * const { inserted } = await Event.objects.bulkCreate(rows, { validate: false });
   */
  async bulkCreate(rows: RowSource<CreateData<T>>, options?: BulkCreateOptions): Promise<BulkResult> {
    return bulkCreate(await this.#model(), rows as RowSource<Bag>, options);
  }

  /** Inserts or updates many rows on a conflict target, in one transaction (see BulkUpsertOptions). */
  async bulkUpsert(rows: RowSource<CreateData<T>>, options?: BulkUpsertOptions): Promise<BulkResult> {
    return bulkUpsert(await this.#model(), rows as RowSource<Bag>, options);
  }

  /**
   * Streams matching rows in primary-key order, a batch per query, with flat memory.
   *
   * @example
   * for await (const user of User.objects.iterate({ role: 'admin' }, { batchSize: 500 })) { ... }
   */
  iterate(criteria?: Criteria<T> | string, options?: IterateOptions & { params?: Record<string, unknown> }): AsyncGenerator<T, void, undefined> {
    return iterateRows(this, criteriaFrom(criteria, options?.params), options);
  }

  /**
   * Diffs a desired set of rows against the table by `key` and returns a plan (creates, updates
   * with per-field from → to, deletes when `delete: true`, unchanged count) to print, serialise or
   * apply in one transaction. Applying a plan whose rows changed since planning is refused.
   *
   * @example
   * const plan = await User.objects.sync(desired, { key: ['email'] });
   * console.log(plan.toString());
   * await plan.apply();
   */
  sync(desired: RowSource<CreateData<T>>, options: SyncOptions): Promise<SyncPlan<T>> {
    return planSync(this, desired as RowSource<Bag>, options);
  }

  /** @internal The model compiled for its database, table ready (for plans and query sets). */
  async compiled(): Promise<CompiledModel> {
    return this.#model();
  }

  /** Adds a column (not a model field) to the table; MigrationError if it exists already. */
  async addColumn(column: string, spec: FieldOptions & { type: NonNullable<FieldOptions['type']> }): Promise<void> {
    if (!(await this.ensureColumn(column, spec))) {
      throw new MigrationError(`Column "${column}" already exists in ${this.meta.table}.`, { model: this.meta.name, table: this.meta.table, column });
    }
  }

  /** Adds a column when it is missing: true when added, false when it was there. */
  async ensureColumn(column: string, spec: FieldOptions & { type: NonNullable<FieldOptions['type']> }): Promise<boolean> {
    const m = await this.#model();
    const field = adHocField(m.meta.name, column, spec);
    const run = (sql: string, bindings?: readonly unknown[], expectRows = true) => m.db.run(sql, bindings, expectRows, m.meta);
    return m.db.transaction(async () => {
      await m.db.runAll(m.dialect.schemaLockSql(`regista:schema:${m.meta.table}`), m.meta);
      if ((await m.dialect.columnNames(run, m.meta.table)).includes(field.column)) return false;
      await addColumn(m, field);
      return true;
    });
  }

  /** @internal Inserts or updates an instance (`instance.save()`). */
  async saveInstance(instance: T): Promise<T> {
    const m = await this.#model();
    checkRelationsUnassigned(instance, m.meta);
    if (!snapshotOf(instance)) return this.#insert(m, instance, undefined);
    const write = async () => {
      await runHooks(m.meta, 'beforeUpdate', instance);
      await this.#update(m, instance);
      await runHooks(m.meta, 'afterUpdate', instance);
      return instance;
    };
    return hasHooks(m.meta, 'beforeUpdate', 'afterUpdate') ? m.db.transaction(write) : write();
  }

  async #update(m: CompiledModel, instance: T): Promise<T> {
    const snapshot = snapshotOf(instance)!;
    const bag = instance as Bag;
    const storedKey = decode(m.pk, snapshot[m.pk.column]);
    if (!sameValue(m.pk, bag[m.pk.property], storedKey)) throw ImmutableFieldError.for(m.meta.name, m.pk.property, storedKey, bag[m.pk.property]);
    await validateInstance(m, instance);
    const stamp = updatedAtField(m.meta);
    const differs = (f: CompiledField) => f !== m.pk && !sameValue(f, bag[f.property], decode(f, snapshot[f.column]));
    let changed = m.fields.filter(differs);
    if (changed.length === 0) return instance;
    if (stamp && !changed.some((f) => f.property === stamp)) {
      bag[stamp] = new Date();
      changed = m.fields.filter(differs);
    }
    const n = changed.length;
    const sql = m.sql(`p|${changed.map((f) => f.property).join(',')}`, () =>
      `UPDATE ${m.table} SET ${assignments(m, changed)} WHERE ${m.pk.quoted} = ${m.dialect.placeholder(n + 1)} RETURNING ${m.selectList}`);
    const values = [...changed.map((f) => m.toDb(f, bag[f.property])), m.toDb(m.pk, storedKey)];
    const result = await m.db.run(sql, values, true, m.meta);
    if (result.rows.length === 0) throw RecordNotFoundError.for(m.meta.name, { [m.pk.property]: storedKey });
    for (const relation of m.meta.resolved.values()) {
      if (changed.some((f) => f.property === relation.sourceField.property)) forgetRelations(instance, relation.name);
    }
    return hydrateInto(m, instance, result.rows[0]);
  }

  /** @internal Reloads an instance in place (`instance.refresh()`). */
  async refreshInstance(instance: T): Promise<T> {
    const m = await this.#model();
    const key = storedKeyOf(m, instance);
    const result = await m.db.run(m.getByPkSql, [m.toDb(m.pk, key)], true, m.meta);
    if (result.rows.length === 0) throw RecordNotFoundError.for(m.meta.name, { [m.pk.property]: key });
    forgetRelations(instance);
    return hydrateInto(m, instance, result.rows[0]);
  }

  /** @internal Deletes an instance's row (`instance.delete()`), with its delete hooks. */
  async deleteInstance(instance: T): Promise<boolean> {
    const m = await this.#model();
    const key = storedKeyOf(m, instance);
    const write = async () => {
      await runHooks(m.meta, 'beforeDelete', instance);
      const deleted = (await m.db.run(m.deleteByPkSql, [m.toDb(m.pk, key)], false, m.meta)).rowCount > 0;
      markDeleted(instance);
      await runHooks(m.meta, 'afterDelete', instance);
      return deleted;
    };
    return hasHooks(m.meta, 'beforeDelete', 'afterDelete') ? m.db.transaction(write) : write();
  }

  /** The model compiled for its database, with its table ready. */
  #model(): CompiledModel | Promise<CompiledModel> {
    const m = compiledModel(this.meta, getDatabase(this.meta.database));
    return m.ready ? m : readyModel(this.meta);
  }

  async #select(m: CompiledModel, criteria: CriteriaInput | undefined, options?: QueryOptions, mode?: { defaultOrder?: boolean; reverse?: boolean }): Promise<T[]> {
    const include = options?.include ? parseInclude(m.meta, options.include) : undefined;
    const statement = selectStatement(m, compileCriteria(m, criteria), options, mode);
    const result = await m.db.query(statement.sql, statement.bindings, true, m.meta);
    const rows = result.rows.map((row) => hydrate<T>(m, row));
    if (include) await loadIncludes(m.meta, rows, include);
    return rows;
  }
}

/** Changes plus `@updatedAt = now` when the model has one and the changes don't set it. */
export function withUpdatedAt(m: CompiledModel, changes: Bag): Bag {
  const stamp = updatedAtField(m.meta);
  return stamp && changes[stamp] === undefined && Object.keys(changes).length > 0 ? { ...changes, [stamp]: new Date() } : changes;
}

function checkRelationData(m: CompiledModel, data: Bag | undefined): void {
  if (!data) return;
  for (const name of m.meta.relations.keys()) {
    if (data[name] !== undefined) {
      throw new RelationshipError(`${m.meta.name}.${name} is a relation: set its key field instead, or use related('${name}').create(...).`, { model: m.meta.name, relation: name });
    }
  }
}

function assignments(m: CompiledModel, fields: readonly CompiledField[]): string {
  return fields.map((f, i) => `${f.quoted} = ${m.dialect.placeholder(i + 1)}`).join(', ');
}

function pkValue(m: CompiledModel, key: unknown): unknown {
  if (key === null || key === undefined || !fitsField(m.pk.meta, key)) {
    throw InvalidQueryError.badValue(m.meta.name, m.pk.property, expectedOf(m.pk.meta), key);
  }
  return m.pk.codec.toDb(key);
}

function checkGetOptions(m: CompiledModel, options: unknown): void {
  if (options === undefined || options === null) return;
  const keys = typeof options === 'object' ? Object.keys(options).filter((k) => k !== 'include') : [];
  if (keys.length === 0 && typeof options === 'object') return;
  throw new InvalidQueryError(
    `${m.meta.name}.objects.get() takes a primary key or criteria, not both (got a second argument ${JSON.stringify(keys.length ? keys : options)}). Put every condition in one criteria object.`,
    { model: m.meta.name },
  );
}

function requireConditions(m: CompiledModel, criteria: CriteriaInput | undefined, method: string): void {
  if (!hasConditions(criteria, m)) {
    throw new InvalidQueryError(`${m.meta.name}.objects.${method}() refuses empty criteria: it would touch every row. Pass criteria, or use truncate().`, { model: m.meta.name, method });
  }
}

function storedKeyOf(m: CompiledModel, instance: object): unknown {
  const snapshot = snapshotOf(instance);
  const key = snapshot ? decode(m.pk, snapshot[m.pk.column]) : (instance as Bag)[m.pk.property];
  if (!isPersisted(instance) || key === undefined || key === null) {
    throw new InvalidQueryError(`This ${m.meta.name} has not been saved; there is no row to use.`, { model: m.meta.name });
  }
  return key;
}

function decode(f: CompiledField, raw: unknown): unknown {
  return raw === null || raw === undefined ? null : f.codec.fromDb(raw);
}

/** Whether two JavaScript values of a field are the same stored value. */
function sameValue(f: CompiledField, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (f.meta.type === 'json') return JSON.stringify(a) === JSON.stringify(b);
  if (typeof a === 'bigint' || typeof b === 'bigint') return String(a) === String(b);
  return false;
}
