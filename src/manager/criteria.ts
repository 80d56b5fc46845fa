import { InvalidQueryError } from '../errors';
import type { ResolvedRelation } from '../metadata/relation-meta';
import { registry } from '../metadata/registry';
import { compiledModel, type CompiledModel, type CompiledField } from './compiled-model';
import { expectedOf, fitsField } from './value-checks';

/**
 * Criteria as the manager receives them: `{ role: 'admin', age: { gte: 18 }, 'author.name': 'Ann',
 * 'profile.vip': true, OR: [...], NOT: {...} }`.
 */
export type CriteriaInput = Readonly<Record<string, unknown>>;

/** A compiled condition: its shape key (for SQL caching), SQL builder and bound values. */
export interface CompiledWhere {
  key: string;
  bindings: unknown[];
  /** ` WHERE ...` (or '') with placeholders numbered from `start` (1-based). */
  sql(start: number): string;
  /** The bare condition (or ''), numbered from `start`. */
  conditions(start: number): string;
}

/** Operators of the criteria language. */
export const OPERATORS = [
  'eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'notIn', 'between', 'like', 'ilike',
  'contains', 'startsWith', 'endsWith', 'isNull',
] as const;
export type Operator = (typeof OPERATORS)[number];
const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS);
const COMBINATORS: ReadonlySet<string> = new Set(['AND', 'OR', 'NOT']);
const COMPARISON: Record<string, string> = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };
const TEXT_TYPES: ReadonlySet<string> = new Set(['text', 'varchar', 'uuid', 'enum']);
const PATH_SEGMENT = /^(?:[A-Za-z_][A-Za-z0-9_]*|\d+)$/;
const MAX_DEPTH = 64;

/** Where a condition reads its value: a column, or a path inside a JSON column. */
type Lhs = { field: CompiledField; path?: readonly string[] };

type Node =
  | { t: 'const'; sql: string }
  | { t: 'cmp'; lhs: Lhs; op: Operator; count: number; json: boolean[] }
  | { t: 'and' | 'or'; items: Node[] }
  | { t: 'not'; item: Node }
  | { t: 'exists'; relation: ResolvedRelation; inner: Node; alias: string; target: CompiledModel; through?: CompiledModel };

interface Compiler {
  model: CompiledModel;
  bindings: unknown[];
  key: string;
  depth: number;
  aliases: number;
}

/**
 * Validates criteria against the model and compiles them. Keys are fields, `relation.field` paths
 * (any depth; EXISTS sub-queries, so rows are never duplicated) or `jsonField.path` paths; values
 * are a value (equality), an array (IN), null (IS NULL) or an operator object. AND / OR / NOT
 * combine criteria to any depth. Unknown names, operators and values of the wrong type are refused
 * with InvalidQueryError. `ref` qualifies this model's columns (undefined at the top level).
 */
export function compileCriteria(model: CompiledModel, criteria: CriteriaInput | undefined, ref?: string): CompiledWhere {
  if (criteria === undefined || criteria === null) return EMPTY;
  const c: Compiler = { model, bindings: [], key: '', depth: 0, aliases: 0 };
  const node = compileObject(c, model, criteria);
  if (c.bindings.length > model.dialect.capabilities.maxBindParams - 2) {
    throw new InvalidQueryError(`${model.meta.name} criteria carry ${c.bindings.length} values; the ${model.dialect.name} limit is ${model.dialect.capabilities.maxBindParams}.`, { model: model.meta.name, values: c.bindings.length });
  }
  const conditions = (start: number) => (node ? emit(model, node, { n: start }, ref) : '');
  return {
    key: c.key,
    bindings: c.bindings,
    conditions,
    sql: (start) => {
      const text = conditions(start);
      return text ? ` WHERE ${text}` : '';
    },
  };
}

const EMPTY: CompiledWhere = { key: '', bindings: [], sql: () => '', conditions: () => '' };

/** One criteria object: its entries joined with AND; undefined when it has none. */
function compileObject(c: Compiler, model: CompiledModel, criteria: unknown): Node | undefined {
  if (typeof criteria !== 'object' || criteria === null || Array.isArray(criteria) || criteria instanceof Date) {
    throw new InvalidQueryError(`${model.meta.name} criteria must be an object of field: condition pairs, got ${Array.isArray(criteria) ? 'an array' : criteria === null ? 'null' : typeof criteria}.`, { model: model.meta.name });
  }
  if (++c.depth > MAX_DEPTH) throw new InvalidQueryError(`${model.meta.name} criteria nest deeper than ${MAX_DEPTH} levels.`, { model: model.meta.name });
  const items: Node[] = [];
  const relationPaths = new Map<string, Record<string, unknown>>();
  c.key += '{';
  for (const [name, value] of Object.entries(criteria as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (COMBINATORS.has(name)) {
      items.push(compileCombinator(c, model, name, value));
      continue;
    }
    const dot = name.indexOf('.');
    const head = dot > 0 ? name.slice(0, dot) : name;
    const field = model.byProperty.get(head);
    if (dot > 0 && !field) {
      const group = relationPaths.get(head) ?? {};
      group[name.slice(dot + 1)] = value;
      relationPaths.set(head, group);
      continue;
    }
    if (!field) throw unknownName(model, name);
    const path = dot > 0 ? jsonPath(model, field, name.slice(dot + 1)) : undefined;
    c.key += `${name}:`;
    items.push(compileCondition(c, model, { field, path }, value));
  }
  for (const [head, inner] of relationPaths) items.push(compileExists(c, model, head, inner));
  c.key += '}';
  c.depth--;
  return items.length === 0 ? undefined : items.length === 1 ? items[0] : { t: 'and', items };
}

function compileCombinator(c: Compiler, model: CompiledModel, name: string, value: unknown): Node {
  c.key += `${name}(`;
  let node: Node;
  if (name === 'NOT') {
    const inner = Array.isArray(value) ? andOf(value.map((v) => compileObject(c, model, v))) : compileObject(c, model, value);
    node = inner ? { t: 'not', item: inner } : { t: 'const', sql: '1 = 0' };
  } else {
    if (!Array.isArray(value)) throw new InvalidQueryError(`${name} takes an array of criteria, got ${typeof value}.`, { model: model.meta.name, combinator: name });
    const bound = c.bindings.length;
    const parts = value.map((v) => compileObject(c, model, v));
    const present = parts.filter((p): p is Node => p !== undefined);
    if (name === 'AND') node = andOf(parts) ?? { t: 'const', sql: '1 = 1' };
    // OR of nothing matches nothing; OR with an empty (always true) member matches everything.
    else if (present.length === 0) node = { t: 'const', sql: value.length === 0 ? '1 = 0' : '1 = 1' };
    else if (present.length < parts.length) {
      c.bindings.length = bound; // the members' values are not in the SQL any more
      node = { t: 'const', sql: '1 = 1' };
    }
    else node = present.length === 1 ? present[0] : { t: 'or', items: present };
  }
  c.key += ')';
  return node;
}

function andOf(parts: Array<Node | undefined>): Node | undefined {
  const present = parts.filter((p): p is Node => p !== undefined);
  return present.length === 0 ? undefined : present.length === 1 ? present[0] : { t: 'and', items: present };
}

/** A condition on one column or JSON path: a value, an array, null or an operator object. */
function compileCondition(c: Compiler, model: CompiledModel, lhs: Lhs, value: unknown): Node {
  if (value === null) return cmp(c, model, lhs, 'isNull', true);
  if (Array.isArray(value)) return cmp(c, model, lhs, 'in', value);
  if (isOperatorObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) throw new InvalidQueryError(`${describe(model, lhs)} has an empty operator object.`, { model: model.meta.name, field: lhs.field.property });
    const nodes = entries.map(([op, v]) => {
      if (!OPERATOR_SET.has(op)) {
        throw new InvalidQueryError(`Unknown operator "${op}" on ${describe(model, lhs)}. Operators: ${OPERATORS.join(', ')}.`, { model: model.meta.name, field: lhs.field.property, operator: op });
      }
      return cmp(c, model, lhs, op as Operator, v);
    });
    return nodes.length === 1 ? nodes[0] : { t: 'and', items: nodes };
  }
  return cmp(c, model, lhs, 'eq', value);
}

/**
 * A plain object is an operator object. (A JSON field's whole document is matched with dotted
 * paths or findByExample, never by passing an object here.)
 */
function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !(value instanceof Date) && !Array.isArray(value);
}

function cmp(c: Compiler, model: CompiledModel, lhs: Lhs, op: Operator, value: unknown): Node {
  const json: boolean[] = [];
  const bind = (v: unknown) => {
    if (lhs.path) {
      if (v === null || v === undefined || typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') {
        throw InvalidQueryError.badValue(model.meta.name, describePath(lhs), 'a JSON value', v);
      }
      json.push(typeof v === 'object');
      c.bindings.push(model.dialect.jsonValueParam(v));
    } else {
      c.bindings.push(checked(model, lhs.field, v));
    }
  };
  const text = (v: unknown, wrap: (s: string) => string) => {
    if (typeof v !== 'string') throw InvalidQueryError.badValue(model.meta.name, describePath(lhs), 'a string', v);
    if (!lhs.path && !TEXT_TYPES.has(lhs.field.meta.type)) {
      throw new InvalidQueryError(`${op} needs a text field; ${describe(model, lhs)} is ${lhs.field.meta.type}.`, { model: model.meta.name, field: lhs.field.property, operator: op });
    }
    c.bindings.push(wrap(v));
  };
  let count = 1;
  switch (op) {
    case 'isNull':
      if (typeof value !== 'boolean') throw InvalidQueryError.badValue(model.meta.name, describePath(lhs), 'true or false (isNull)', value);
      count = 0;
      c.key += `N${value ? 1 : 0}|`;
      return { t: 'cmp', lhs, op, count: value ? 1 : 0, json };
    case 'in':
    case 'notIn':
    case 'between': {
      if (!Array.isArray(value)) throw InvalidQueryError.badValue(model.meta.name, describePath(lhs), `an array (${op})`, value);
      if (op === 'between' && value.length !== 2) throw InvalidQueryError.badValue(model.meta.name, describePath(lhs), 'an array of two bounds (between)', value);
      for (const v of value) bind(v);
      count = value.length;
      break;
    }
    case 'like':
    case 'ilike':
      text(value, (s) => {
        if (/(^|[^\\])(\\\\)*\\$/.test(s)) {
          throw new InvalidQueryError(`${op} pattern ${JSON.stringify(s.slice(-40))} ends with an unpaired escape character \\.`, { model: model.meta.name, field: lhs.field.property, operator: op });
        }
        return s;
      });
      break;
    case 'contains':
      text(value, (s) => `%${escapeLike(s)}%`);
      break;
    case 'startsWith':
      text(value, (s) => `${escapeLike(s)}%`);
      break;
    case 'endsWith':
      text(value, (s) => `%${escapeLike(s)}`);
      break;
    default:
      if (value === null) {
        if (op === 'eq' || op === 'ne') return cmp(c, model, lhs, 'isNull', op === 'eq');
        throw InvalidQueryError.badValue(model.meta.name, describePath(lhs), `a value (${op})`, value);
      }
      bind(value);
  }
  c.key += `${op}${count}${json.map((j) => (j ? 'o' : 's')).join('')}|`;
  return { t: 'cmp', lhs, op, count, json };
}

/** `%`, `_` and `\` taken literally in LIKE patterns (escape character `\`). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

function compileExists(c: Compiler, model: CompiledModel, head: string, inner: Record<string, unknown>): Node {
  const relation = relationOf(model, head);
  const target = compiledModel(relation.target, model.db);
  const alias = `r${++c.aliases}`;
  c.key += `${head}.`;
  const node = compileObject(c, target, inner) ?? { t: 'const', sql: '1 = 1' };
  const through = relation.through ? compiledModel(relation.through, model.db) : undefined;
  return { t: 'exists', relation, inner: node, alias, target, through };
}

function jsonPath(model: CompiledModel, field: CompiledField, rest: string): readonly string[] {
  if (field.meta.type !== 'json') {
    throw new InvalidQueryError(`${model.meta.name}.${field.property} is ${article(field.meta.type)} field: a dotted path needs a relation or a json field.`, { model: model.meta.name, field: field.property });
  }
  const segments = rest.split('.');
  for (const s of segments) {
    if (!PATH_SEGMENT.test(s)) {
      throw new InvalidQueryError(`Invalid JSON path segment ${JSON.stringify(s.slice(0, 40))} in ${model.meta.name}.${field.property}.${rest.slice(0, 80)}: use names (letters, digits, _) or array indexes.`, { model: model.meta.name, field: field.property });
    }
  }
  return segments;
}

function relationOf(model: CompiledModel, name: string): ResolvedRelation {
  registry.ensureResolved([model.meta]);
  const relation = model.meta.resolved.get(name);
  if (!relation) throw unknownName(model, name);
  return relation;
}

function unknownName(model: CompiledModel, name: string): InvalidQueryError {
  const relations = [...model.meta.relations.keys()];
  const error = InvalidQueryError.unknownField(model.meta.name, name, [...model.byProperty.keys()]);
  if (relations.length === 0) return error;
  return new InvalidQueryError(
    `${model.meta.name} has no field or relation "${name}". Fields: ${[...model.byProperty.keys()].join(', ')}. Relations: ${relations.join(', ')}.`,
    { ...error.details, relations },
  );
}

function checked(model: CompiledModel, field: CompiledField, value: unknown): unknown {
  if (value === null || !fitsField(field.meta, value)) {
    throw InvalidQueryError.badValue(model.meta.name, field.property, expectedOf(field.meta), value);
  }
  return field.codec.toDb(value);
}

function describePath(lhs: Lhs): string {
  return lhs.path ? `${lhs.field.property}.${lhs.path.join('.')}` : lhs.field.property;
}

function describe(model: CompiledModel, lhs: Lhs): string {
  return `${model.meta.name}.${describePath(lhs)}`;
}

function emit(model: CompiledModel, node: Node, at: { n: number }, ref: string | undefined): string {
  switch (node.t) {
    case 'const': return node.sql;
    case 'and': return node.items.map((i) => wrap(i, emit(model, i, at, ref))).join(' AND ');
    case 'or': return `(${node.items.map((i) => wrap(i, emit(model, i, at, ref))).join(' OR ')})`;
    case 'not': return `NOT (${emit(model, node.item, at, ref)})`;
    case 'exists': return emitExists(model, node, at, ref ?? model.table);
    default: return emitComparison(model, node, at, ref);
  }
}

function wrap(node: Node, sql: string): string {
  return node.t === 'and' ? `(${sql})` : sql;
}

function emitComparison(model: CompiledModel, node: Extract<Node, { t: 'cmp' }>, at: { n: number }, ref: string | undefined): string {
  const d = model.dialect;
  const { field, path } = node.lhs;
  const column = ref ? `${ref}.${field.quoted}` : field.quoted;
  const p = () => d.placeholder(at.n++);
  let j = 0;
  const value = () => (path ? d.jsonValueSql(p(), node.json[j++] ? {} : 0) : p());
  const lhs = path ? d.jsonPathSql(column, path, 'value') : column;
  switch (node.op) {
    case 'isNull': {
      const isNull = path ? d.jsonIsNullSql(column, path) : `${column} IS NULL`;
      return node.count === 1 ? isNull : `NOT (${isNull})`;
    }
    case 'in':
    case 'notIn': {
      if (node.count === 0) return node.op === 'in' ? '1 = 0' : '1 = 1';
      const list = Array.from({ length: node.count }, value).join(', ');
      return `${lhs} ${node.op === 'in' ? 'IN' : 'NOT IN'} (${list})`;
    }
    case 'between': {
      const low = value();
      return `${lhs} BETWEEN ${low} AND ${value()}`;
    }
    case 'like':
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return d.likeSql(path ? d.jsonPathSql(column, path, 'text') : column, p(), false);
    case 'ilike':
      return d.likeSql(path ? d.jsonPathSql(column, path, 'text') : column, p(), true);
    default:
      return `${lhs} ${COMPARISON[node.op]} ${value()}`;
  }
}

function emitExists(model: CompiledModel, t: Extract<Node, { t: 'exists' }>, at: { n: number }, outer: string): string {
  const q = (s: string) => model.dialect.quote(s);
  const r = t.relation;
  const alias = q(t.alias);
  const outerColumn = `${outer}.${q(r.sourceField.column)}`;
  const inner = emit(t.target, t.inner, at, alias);
  if (r.kind === 'hasManyThrough' && t.through) {
    const join = q(`${t.alias}j`);
    return `EXISTS (SELECT 1 FROM ${t.through.table} AS ${join} JOIN ${t.target.table} AS ${alias} ON ${alias}.${q(r.targetField.column)} = ${join}.${q(r.throughTarget!.column)}` +
      ` WHERE ${join}.${q(r.throughSource!.column)} = ${outerColumn} AND ${inner})`;
  }
  return `EXISTS (SELECT 1 FROM ${t.target.table} AS ${alias} WHERE ${alias}.${q(r.targetField.column)} = ${outerColumn} AND ${inner})`;
}

/** Whether criteria select anything narrower than the whole table (judged on the compiled condition). */
export function hasConditions(criteria: CriteriaInput | undefined, model?: CompiledModel): boolean {
  if (!criteria) return false;
  let any = false;
  for (const k in criteria) if (criteria[k] !== undefined) any = true;
  if (!any || !model) return any;
  const text = compileCriteria(model, criteria).conditions(1).trim();
  return text !== '' && text !== '1 = 1';
}

function article(word: string): string {
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}
