import { InvalidQueryError } from '../errors';
import type { CompiledField, CompiledModel } from './compiled-model';
import { compileCriteria, hasConditions, type CriteriaInput } from './criteria';
import { criteriaFrom } from './criteria-from';
import type { Manager } from './manager';
import { updatePaths } from './documents';
import { iterateRows, type IterateOptions } from './iterate';
import { readyModel } from './ready-model';
import { selectStatement } from './select-query';
import type { CreateData, Criteria, DataKeys, ModelData } from './types';

/** One aggregate: `{ count: '*' }`, `{ sum: 'age' }`, `{ avg: 'age' }`, `{ min: 'createdAt' }`, `{ max: 'age' }`. */
export type Aggregate<T> =
  | { count: '*' | DataKeys<T> }
  | { sum: DataKeys<T> }
  | { avg: DataKeys<T> }
  | { min: DataKeys<T> }
  | { max: DataKeys<T> };

/** A page of results with the total count. */
export interface Page<T> {
  items: T[];
  total: number;
  /** 1-based page number. */
  page: number;
  /** Number of pages (at least 1). */
  pages: number;
}

interface State {
  criteria: CriteriaInput[];
  orderBy?: string[];
  limit?: number;
  offset?: number;
  include?: string[];
  groupBy?: string[];
}

const NUMERIC: ReadonlySet<string> = new Set(['integer', 'bigint', 'float', 'decimal']);
const AGGREGATES: Record<string, string> = { count: 'COUNT', sum: 'SUM', avg: 'AVG', min: 'MIN', max: 'MAX' };

/**
 * A lazy, immutable, chainable query. Nothing runs until it is awaited or a terminal method
 * (`count`, `first`, `update`, `values`, `page`, `aggregate`...) is called.
 *
 * @example
 * const admins = await User.objects.where({ role: 'admin' }).orderBy('-createdAt', 'id').limit(20);
 * const { items, total } = await User.objects.where("age >= :min", { min: 18 }).page(2, 20);
 */
export class QuerySet<T extends object> implements PromiseLike<T[]> {
  constructor(private readonly manager: Manager<T>, private readonly state: State = { criteria: [] }) {}

  /** Narrows the query: criteria (or a text filter with parameters), ANDed with what is there. */
  where(criteria: Criteria<T> | string, params?: Record<string, unknown>): QuerySet<T> {
    return this.with({ criteria: [...this.state.criteria, criteriaFrom(criteria, params) ?? {}] });
  }

  /** Orders by fields, `-` in front for descending. Replaces any earlier order. */
  orderBy(...fields: string[]): QuerySet<T> {
    return this.with({ orderBy: fields });
  }

  /** At most `n` rows. */
  limit(n: number): QuerySet<T> {
    return this.with({ limit: n });
  }

  /** Skips `n` rows. */
  offset(n: number): QuerySet<T> {
    return this.with({ offset: n });
  }

  /** Loads relations with the results: `include('posts', 'posts.tags')`. */
  include(...paths: string[]): QuerySet<T> {
    return this.with({ include: [...(this.state.include ?? []), ...paths] });
  }

  /** Groups aggregates by fields (see `aggregate`). */
  groupBy(...fields: DataKeys<T>[]): QuerySet<T> {
    return this.with({ groupBy: fields });
  }

  /** Runs the query: the matching instances. */
  all(): Promise<T[]> {
    const { orderBy, limit, offset, include } = this.state;
    return this.manager.filter(this.criteria() as Criteria<T>, { orderBy, limit, offset, include });
  }

  then<R1 = T[], R2 = never>(
    onfulfilled?: ((value: T[]) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.all().then(onfulfilled, onrejected);
  }

  /** The first match (by primary key unless ordered), or null. */
  first(): Promise<T | null> {
    const { orderBy, offset, include } = this.state;
    return this.manager.first(this.criteria() as Criteria<T>, { orderBy, offset, include });
  }

  /** The last match (the reverse of `first`'s order), or null. */
  last(): Promise<T | null> {
    const { orderBy, offset, include } = this.state;
    return this.manager.last(this.criteria() as Criteria<T>, { orderBy, offset, include });
  }

  /** How many rows match (limit and offset are ignored). */
  count(): Promise<number> {
    return this.manager.count(this.criteria() as Criteria<T>);
  }

  /** Whether any row matches. */
  exists(): Promise<boolean> {
    return this.manager.exists(this.criteria() as Criteria<T>);
  }

  /** Updates every matching row; returns the updated instances. Refuses an unfiltered query. */
  async update(changes: CreateData<T>): Promise<T[]> {
    return this.manager.updateWhere((await this.requireCriteria('update')) as Criteria<T>, changes);
  }

  /** Deletes every matching row; returns how many. Refuses an unfiltered query. */
  async delete(): Promise<number> {
    return this.manager.deleteWhere((await this.requireCriteria('delete')) as Criteria<T>);
  }

  /** Sets leaves inside JSON fields of every matching row in one statement (see Manager.updatePaths). */
  async updatePaths(paths: Record<string, unknown>): Promise<T[]> {
    const m = await readyModel(this.manager.meta);
    return (await updatePaths(m, await this.requireCriteria('updatePaths'), paths)) as T[];
  }

  /** Streams the matching rows in primary-key order, a batch per query (see Manager.iterate). */
  iterate(options?: IterateOptions): AsyncGenerator<T, void, undefined> {
    return iterateRows(this.manager, this.criteria(), { include: this.state.include, ...options });
  }

  /** Plain rows with only the given fields (no instances), in the query's order and window. */
  async values<K extends DataKeys<T>>(...fields: K[]): Promise<Array<Pick<ModelData<T>, K>>> {
    const m = await readyModel(this.manager.meta);
    const columns = fields.length > 0 ? fields.map((f) => fieldOf(m, f)) : m.fields;
    const { orderBy, limit, offset } = this.state;
    const statement = selectStatement(m, compileCriteria(m, this.criteria()), { orderBy, limit, offset }, { columns });
    const result = await m.db.run(statement.sql, statement.bindings, true, m.meta);
    return result.rows.map((row) => decodeRow(columns, row) as Pick<ModelData<T>, K>);
  }

  /** Page `page` (1-based) of `size` items, with the total count of matches. */
  async page(page: number, size: number): Promise<Page<T>> {
    if (!Number.isSafeInteger(page) || page < 1 || !Number.isSafeInteger(size) || size < 1) {
      throw new InvalidQueryError(`page(${page}, ${size}): page and size must be positive integers.`, { model: this.manager.meta.name, page, size });
    }
    const [items, total] = await Promise.all([this.with({ limit: size, offset: (page - 1) * size }).all(), this.count()]);
    return { items, total, page, pages: Math.max(1, Math.ceil(total / size)) };
  }

  /**
   * Aggregates as plain rows: `{ n: { count: '*' }, avgAge: { avg: 'age' } }`, one row per group
   * when `groupBy` was given (each row also holds the group's fields). Numbers come back as numbers.
   */
  async aggregate(spec: Record<string, Aggregate<T>>): Promise<Array<Record<string, unknown>>> {
    const m = await readyModel(this.manager.meta);
    const d = m.dialect;
    const groups = (this.state.groupBy ?? []).map((g) => fieldOf(m, g));
    const terms: string[] = groups.map((g) => m.selectTerm(g));
    const aliases = Object.keys(spec);
    if (aliases.length === 0) throw new InvalidQueryError('aggregate() needs at least one aggregate.', { model: m.meta.name });
    for (const alias of aliases) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(alias)) throw new InvalidQueryError(`Aggregate name ${JSON.stringify(alias)} must be a plain identifier.`, { model: m.meta.name, alias });
      const entry = Object.entries(spec[alias] as Record<string, string>);
      if (entry.length !== 1 || !AGGREGATES[entry[0][0]]) {
        throw new InvalidQueryError(`Aggregate "${alias}" must be one of { count | sum | avg | min | max: field }.`, { model: m.meta.name, alias });
      }
      const [fn, target] = entry[0];
      const field = fn === 'count' && target === '*' ? undefined : fieldOf(m, target);
      if ((fn === 'sum' || fn === 'avg') && !NUMERIC.has(field!.meta.type)) {
        throw new InvalidQueryError(`${fn} needs a numeric field; ${m.meta.name}.${target} is ${field!.meta.type}.`, { model: m.meta.name, alias, field: target });
      }
      const call = `${AGGREGATES[fn]}(${field ? field.quoted : '*'})`;
      // min/max keep the field's type: read them the way the field is read (bigint as text on SQLite).
      terms.push(`${field && (fn === 'min' || fn === 'max') ? d.selectExpression(field.meta, call) : call} AS ${d.quote(alias)}`);
    }
    const where = compileCriteria(m, this.criteria());
    let sql = `SELECT ${terms.join(', ')} FROM ${m.table}${where.sql(1)}`;
    if (groups.length > 0) sql += ` GROUP BY ${groups.map((g) => g.quoted).join(', ')} ORDER BY ${groups.map((g) => g.quoted).join(', ')}`;
    const result = await m.db.run(sql, where.bindings, true, m.meta);
    return result.rows.map((row) => {
      const out = decodeRow(groups, row);
      for (const alias of aliases) {
        const fn = Object.keys(spec[alias])[0];
        const target = Object.values(spec[alias])[0] as string;
        const raw = row[alias];
        out[alias] = raw === null || raw === undefined ? null
          : (fn === 'min' || fn === 'max') && target !== '*' ? fieldOf(m, target).codec.fromDb(raw) : Number(raw);
      }
      return out;
    });
  }

  private with(patch: Partial<State>): QuerySet<T> {
    return new QuerySet(this.manager, { ...this.state, ...patch });
  }

  private criteria(): CriteriaInput | undefined {
    const list = this.state.criteria;
    return list.length === 0 ? undefined : list.length === 1 ? list[0] : { AND: list };
  }

  private async requireCriteria(method: string): Promise<CriteriaInput> {
    const criteria = this.criteria();
    const m = await readyModel(this.manager.meta);
    if (!criteria || !hasConditions(criteria, m)) {
      throw new InvalidQueryError(`${this.manager.meta.name}: ${method}() on an unfiltered query would touch every row. Add where(...), or use truncate().`, { model: this.manager.meta.name, method });
    }
    return criteria;
  }
}

function fieldOf(m: CompiledModel, name: string): CompiledField {
  const field = m.byProperty.get(name);
  if (!field) throw InvalidQueryError.unknownField(m.meta.name, name, [...m.byProperty.keys()]);
  return field;
}

function decodeRow(columns: readonly CompiledField[], row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of columns) {
    const raw = row[f.column];
    out[f.property] = raw === null || raw === undefined ? null : f.codec.fromDb(raw);
  }
  return out;
}
