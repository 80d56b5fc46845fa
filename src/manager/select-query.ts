import { InvalidQueryError } from '../errors';
import type { CompiledField, CompiledModel } from './compiled-model';
import type { CompiledWhere } from './criteria';

/** Options of `filter`, `all`, `first` and `last`. */
export interface QueryOptions {
  /** At most this many rows. */
  limit?: number;
  /** Skip this many rows. */
  offset?: number;
  /** Field names, `-` in front for descending: `['-createdAt', 'id']`. */
  orderBy?: string | readonly string[];
  /** Relations to load with the results, one query per relation and level: `['posts', 'posts.tags']`. */
  include?: readonly string[];
}

const OPTION_KEYS = new Set(['limit', 'offset', 'orderBy', 'include']);

/** A statement and its values. */
export interface Statement {
  sql: string;
  bindings: unknown[];
}

/**
 * Builds `SELECT ... WHERE ... ORDER BY ... LIMIT ... OFFSET ...`, caching the SQL per shape.
 * `defaultOrder` orders by primary key when no order is given; `reverse` flips every direction.
 */
export function selectStatement(
  model: CompiledModel, where: CompiledWhere, options: QueryOptions | undefined,
  mode: { defaultOrder?: boolean; reverse?: boolean; columns?: readonly CompiledField[] } = {},
): Statement {
  const opts = options ?? {};
  for (const k of Object.keys(opts)) {
    if (!OPTION_KEYS.has(k)) throw new InvalidQueryError(`Unknown query option "${k}"; use limit, offset, orderBy or include.`, { model: model.meta.name, option: k });
  }
  const order = normaliseOrder(model, opts.orderBy, mode.defaultOrder ?? false);
  const bindings = [...where.bindings];
  const limit = checkCount(model, 'limit', opts.limit);
  const offset = checkCount(model, 'offset', opts.offset);
  if (limit !== undefined) bindings.push(limit);
  if (offset !== undefined) bindings.push(offset);
  const columns = mode.columns;
  const key = `s|${columns ? columns.map((c) => c.property).join(',') : '*'}|${where.key}|${order.join(',')}|${mode.reverse ? 'r' : ''}|${limit !== undefined ? 'l' : ''}${offset !== undefined ? 'o' : ''}`;
  const sql = model.sql(key, () => {
    const d = model.dialect;
    const list = columns ? columns.map((f) => model.selectTerm(f)).join(', ') : model.selectList;
    let text = `SELECT ${list} FROM ${model.table}${where.sql(1)}`;
    if (order.length > 0) text += ` ORDER BY ${order.map((o) => orderTerm(model, o, mode.reverse ?? false)).join(', ')}`;
    let n = where.bindings.length;
    if (limit !== undefined) text += ` LIMIT ${d.placeholder(++n)}`;
    else if (offset !== undefined) text += ` LIMIT ${d.unboundedLimit}`;
    if (offset !== undefined) text += ` OFFSET ${d.placeholder(++n)}`;
    return text;
  });
  return { sql, bindings };
}

export function normaliseOrder(model: CompiledModel, orderBy: QueryOptions['orderBy'], defaultOrder: boolean): string[] {
  const list = orderBy === undefined ? [] : typeof orderBy === 'string' ? [orderBy] : [...orderBy];
  for (const term of list) {
    const property = typeof term === 'string' ? term.replace(/^[-+]/, '') : '';
    if (!model.byProperty.has(property)) {
      throw new InvalidQueryError(`Cannot order ${model.meta.name} by ${JSON.stringify(term)}: no such field. Available fields: ${[...model.byProperty.keys()].join(', ')}.`, { model: model.meta.name, field: property });
    }
  }
  if (list.length === 0 && defaultOrder) list.push(model.pk.property);
  return list;
}

export function orderTerm(model: CompiledModel, term: string, reverse: boolean): string {
  const desc = term.startsWith('-');
  const field = model.byProperty.get(term.replace(/^[-+]/, ''))!;
  return `${field.quoted} ${desc !== reverse ? 'DESC' : 'ASC'}`;
}

function checkCount(model: CompiledModel, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new InvalidQueryError(`${name} must be a non-negative integer, got ${JSON.stringify(value)}.`, { model: model.meta.name, option: name, value });
  }
  return value as number;
}
