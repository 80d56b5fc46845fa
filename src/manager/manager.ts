import {
  ImmutableFieldError, InvalidPrimaryKeyAssignmentError, InvalidQueryError, MigrationError,
  MultipleRecordsFoundError, RecordNotFoundError, RelationshipError,
} from '../errors';
import { adHocField } from '../metadata/ad-hoc-field';
import type { ModelMeta } from '../metadata/model-meta';
import type { FieldOptions } from '../metadata/options';
import { registry } from '../metadata/registry';
import { checkRelationsUnassigned } from '../relations/accessors';
import { loadIncludes, parseInclude } from '../relations/loader';
import { forget as forgetRelations } from '../relations/relation-cache';
import { addColumn } from '../schema/ensure-table';
import type { CompiledField, CompiledModel } from './compiled-model';
import { readyModel } from './ready-model';
import { compileCriteria, hasConditions, type CriteriaInput } from './criteria';
import { hydrate, hydrateInto, isPersisted, markDeleted, snapshotOf } from './instance-state';
import { prepareChanges, prepareInsert, validateInstance } from './prepare-write';
import { selectStatement, type QueryOptions } from './select-query';
import type { CreateData, Criteria, PrimaryKeyValue } from './types';
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

  /** Validates and inserts one row; returns the stored instance with generated values filled in. */
  async create(data: CreateData<T>): Promise<T> {
    const m = await this.#model();
    const Cls = m.meta.cls as new () => T;
    const instance = new Cls();
    checkRelationData(m, data as Bag);
    const values = await prepareInsert(m, instance, data as Bag);
    const result = await m.db.run(m.insertSql, values, true, m.meta);
    return hydrateInto(m, instance, result.rows[0]);
  }

  /** The instance with this primary key (or matching these criteria), or null. */
  async get(key: PrimaryKeyValue | Criteria<T>, options?: GetOptions): Promise<T | null> {
    const m = await this.#model();
    checkGetOptions(m, options);
    if (typeof key === 'object' && key !== null) {
      if (!hasConditions(key as CriteriaInput)) throw new InvalidQueryError(`${m.meta.name}.objects.get() needs a primary key or non-empty criteria.`, { model: m.meta.name });
      const rows = await this.#select(m, key as CriteriaInput, { limit: 2, include: options?.include });
      if (rows.length > 1) throw MultipleRecordsFoundError.for(m.meta.name, key);
      return rows[0] ?? null;
    }
    const result = await m.db.run(m.getByPkSql, [pkValue(m, key)], true, m.meta);
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

  /** Instances matching the criteria (equality, arrays as IN, null as IS NULL). */
  async filter(criteria?: Criteria<T>, options?: QueryOptions): Promise<T[]> {
    return this.#select(await this.#model(), criteria as CriteriaInput, options);
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
    const result = await m.db.run(sql, where.bindings, true, m.meta);
    return result.rows.length > 0;
  }

  /** How many rows match. */
  async count(criteria?: Criteria<T>): Promise<number> {
    const m = await this.#model();
    const where = compileCriteria(m, criteria as CriteriaInput);
    const sql = m.sql(`c|${where.key}`, () => `SELECT COUNT(*) AS n FROM ${m.table}${where.sql(1)}`);
    const result = await m.db.run(sql, where.bindings, true, m.meta);
    return Number(result.rows[0].n);
  }

  /**
   * Inserts, or updates on conflict, in one atomic statement. The conflict target is the primary
   * key when `data` has it, else the first unique group fully present in `data`; with neither it
   * is a plain create. On conflict only the fields present in `data` are updated.
   */
  async upsert(data: CreateData<T>): Promise<T> {
    const m = await this.#model();
    const bag = data as Bag;
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
    const updates = m.fields.filter((f) => bag[f.property] !== undefined && !conflict.includes(f.property) && f !== pk);
    const sql = m.sql(`u|${conflict.join(',')}|${updates.map((f) => f.property).join(',')}`, () =>
      m.insertStatement(m.insertFields, m.dialect.upsertClause(conflict.map((p) => m.byProperty.get(p)!.column), updates.map((f) => f.column))));
    const result = await m.db.run(sql, values, true, m.meta);
    return hydrateInto(m, instance, result.rows[0]);
  }

  /** Updates every row matching the criteria; returns the updated instances. */
  async updateWhere(criteria: Criteria<T>, changes: CreateData<T>): Promise<T[]> {
    const m = await this.#model();
    requireConditions(m, criteria as CriteriaInput, 'updateWhere');
    const sets = await prepareChanges(m, changes as Bag);
    if (sets.length === 0) throw new InvalidQueryError(`${m.meta.name}.objects.updateWhere() needs at least one change.`, { model: m.meta.name });
    const where = compileCriteria(m, criteria as CriteriaInput);
    const setKey = sets.map(([f]) => f.property).join(',');
    const sql = m.sql(`w|${setKey}|${where.key}`, () =>
      `UPDATE ${m.table} SET ${assignments(m, sets.map(([f]) => f))}${where.sql(sets.length + 1)} RETURNING ${m.returning}`);
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
    return (await m.db.run(m.deleteByPkSql, [pkValue(m, key)], false, m.meta)).rowCount > 0;
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
    const snapshot = snapshotOf(instance);
    checkRelationsUnassigned(instance, m.meta);
    if (!snapshot) {
      const values = await prepareInsert(m, instance, undefined);
      const result = await m.db.run(m.insertSql, values, true, m.meta);
      return hydrateInto(m, instance, result.rows[0]);
    }
    const bag = instance as Bag;
    const storedKey = decode(m.pk, snapshot[m.pk.column]);
    if (!sameValue(m.pk, bag[m.pk.property], storedKey)) throw ImmutableFieldError.for(m.meta.name, m.pk.property, storedKey, bag[m.pk.property]);
    await validateInstance(m, instance);
    const changed = m.fields.filter((f) => f !== m.pk && !sameValue(f, bag[f.property], decode(f, snapshot[f.column])));
    if (changed.length === 0) return instance;
    const n = changed.length;
    const sql = m.sql(`p|${changed.map((f) => f.property).join(',')}`, () =>
      `UPDATE ${m.table} SET ${assignments(m, changed)} WHERE ${m.pk.quoted} = ${m.dialect.placeholder(n + 1)} RETURNING ${m.returning}`);
    const values = [...changed.map((f) => m.toDb(f, bag[f.property])), m.toDb(m.pk, storedKey)];
    const result = await m.db.run(sql, values, true, m.meta);
    if (result.rows.length === 0) throw RecordNotFoundError.for(m.meta.name, { [m.pk.property]: storedKey });
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

  /** @internal Deletes an instance's row (`instance.delete()`). */
  async deleteInstance(instance: T): Promise<boolean> {
    const m = await this.#model();
    const key = storedKeyOf(m, instance);
    const deleted = (await m.db.run(m.deleteByPkSql, [m.toDb(m.pk, key)], false, m.meta)).rowCount > 0;
    markDeleted(instance);
    return deleted;
  }

  /** The model compiled for its database, with its table ready. */
  #model(): Promise<CompiledModel> {
    return readyModel(this.meta);
  }

  async #select(m: CompiledModel, criteria: CriteriaInput | undefined, options?: QueryOptions, mode?: { defaultOrder?: boolean; reverse?: boolean }): Promise<T[]> {
    const include = options?.include ? parseInclude(m.meta, options.include) : undefined;
    const statement = selectStatement(m, compileCriteria(m, criteria), options, mode);
    const result = await m.db.run(statement.sql, statement.bindings, true, m.meta);
    const rows = result.rows.map((row) => hydrate<T>(m, row));
    if (include) await loadIncludes(m.meta, rows, include);
    return rows;
  }
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
  if (!hasConditions(criteria)) {
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
