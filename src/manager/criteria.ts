import { InvalidQueryError } from '../errors';
import type { ResolvedRelation } from '../metadata/relation-meta';
import { registry } from '../metadata/registry';
import { compiledModel, type CompiledModel, type CompiledField } from './compiled-model';
import { expectedOf, fitsField } from './value-checks';

/** Criteria as the manager receives them: `{ role: 'admin', id: [1, 2], 'author.name': 'Ann' }`. */
export type CriteriaInput = Readonly<Record<string, unknown>>;

/** A compiled condition: its shape key (for SQL caching), SQL builder and bound values. */
export interface CompiledWhere {
  key: string;
  bindings: unknown[];
  /** ` WHERE ...` (or '') with placeholders numbered from `start` (1-based). */
  sql(start: number): string;
  /** The bare conditions joined with AND (or ''), numbered from `start`. */
  conditions(start: number): string;
}

type Term =
  | { kind: 'eq' | 'null' | 'in' | 'none'; field: CompiledField; count: number }
  | { kind: 'exists'; relation: ResolvedRelation; inner: CompiledWhere; alias: string; target: CompiledModel; through?: CompiledModel };

/**
 * Validates criteria against the model and compiles them. Keys are fields, or `relation.field`
 * paths (any depth) that become EXISTS sub-queries, so rows are never duplicated by a join.
 * Unknown names and values of the wrong type are refused with InvalidQueryError.
 *
 * `ref` is how columns of this model are qualified (undefined at the top level: bare columns).
 */
export function compileCriteria(model: CompiledModel, criteria: CriteriaInput | undefined, ref?: string, depth = 0): CompiledWhere {
  if (criteria === undefined || criteria === null) return EMPTY;
  if (typeof criteria !== 'object' || Array.isArray(criteria)) {
    throw new InvalidQueryError(`${model.meta.name} criteria must be an object of field: value pairs, got ${Array.isArray(criteria) ? 'an array' : typeof criteria}.`, { model: model.meta.name });
  }
  const terms: Term[] = [];
  const bindings: unknown[] = [];
  const paths = new Map<string, Record<string, unknown>>();
  let key = '';
  for (const name in criteria) {
    const value = criteria[name];
    if (value === undefined) continue;
    const dot = name.indexOf('.');
    if (dot > 0) {
      const head = name.slice(0, dot);
      const group = paths.get(head) ?? {};
      group[name.slice(dot + 1)] = value;
      paths.set(head, group);
      continue;
    }
    const field = model.byProperty.get(name);
    if (!field) throw unknownName(model, name);
    if (value === null) {
      terms.push({ kind: 'null', field, count: 0 });
      key += `${name}:n|`;
    } else if (Array.isArray(value)) {
      for (const v of value) bindings.push(checked(model, field, v));
      terms.push({ kind: value.length === 0 ? 'none' : 'in', field, count: value.length });
      key += `${name}:i${value.length}|`;
    } else {
      bindings.push(checked(model, field, value));
      terms.push({ kind: 'eq', field, count: 1 });
      key += `${name}:e|`;
    }
  }
  for (const [head, inner] of paths) {
    const relation = relationOf(model, head);
    const target = compiledModel(relation.target, model.db);
    const alias = `r${depth + 1}`;
    const compiled = compileCriteria(target, inner, model.dialect.quote(alias), depth + 1);
    const through = relation.through ? compiledModel(relation.through, model.db) : undefined;
    terms.push({ kind: 'exists', relation, inner: compiled, alias, target, through });
    bindings.push(...compiled.bindings);
    key += `${head}.(${compiled.key})|`;
  }
  if (bindings.length > model.dialect.capabilities.maxBindParams - 2) {
    throw new InvalidQueryError(`${model.meta.name} criteria carry ${bindings.length} values; the ${model.dialect.name} limit is ${model.dialect.capabilities.maxBindParams}.`, { model: model.meta.name, values: bindings.length });
  }
  const conditions = (start: number) => conditionsSql(model, terms, start, ref);
  return {
    key,
    bindings,
    conditions,
    sql: (start) => {
      const text = conditions(start);
      return text ? ` WHERE ${text}` : '';
    },
  };
}

const EMPTY: CompiledWhere = { key: '', bindings: [], sql: () => '', conditions: () => '' };

function relationOf(model: CompiledModel, name: string): ResolvedRelation {
  registry.ensureResolved([model.meta]);
  const relation = model.meta.resolved.get(name);
  if (!relation) {
    const field = model.byProperty.get(name);
    if (field) {
      throw new InvalidQueryError(`${model.meta.name}.${name} is a ${field.meta.type} field, not a relation: a dotted path needs a relation.`, { model: model.meta.name, field: name });
    }
    throw unknownName(model, name);
  }
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

function conditionsSql(model: CompiledModel, terms: Term[], start: number, ref: string | undefined): string {
  const p = (i: number) => model.dialect.placeholder(i);
  const col = (f: CompiledField) => (ref ? `${ref}.${f.quoted}` : f.quoted);
  let n = start;
  const parts = terms.map((t) => {
    switch (t.kind) {
      case 'null': return `${col(t.field)} IS NULL`;
      case 'none': return '1 = 0';
      case 'eq': return `${col(t.field)} = ${p(n++)}`;
      case 'in': {
        const list = Array.from({ length: t.count }, () => p(n++)).join(', ');
        return `${col(t.field)} IN (${list})`;
      }
      default: {
        const sql = existsSql(model, t, n, ref ?? model.table);
        n += t.inner.bindings.length;
        return sql;
      }
    }
  });
  return parts.join(' AND ');
}

function existsSql(model: CompiledModel, t: Extract<Term, { kind: 'exists' }>, start: number, outer: string): string {
  const q = (s: string) => model.dialect.quote(s);
  const r = t.relation;
  const alias = q(t.alias);
  const outerColumn = `${outer}.${q(r.sourceField.column)}`;
  const inner = t.inner.conditions(start);
  const and = inner ? ` AND ${inner}` : '';
  if (r.kind === 'hasManyThrough' && t.through) {
    const join = q(`${t.alias}j`);
    return `EXISTS (SELECT 1 FROM ${t.through.table} AS ${join} JOIN ${t.target.table} AS ${alias} ON ${alias}.${q(r.targetField.column)} = ${join}.${q(r.throughTarget!.column)}` +
      ` WHERE ${join}.${q(r.throughSource!.column)} = ${outerColumn}${and})`;
  }
  return `EXISTS (SELECT 1 FROM ${t.target.table} AS ${alias} WHERE ${alias}.${q(r.targetField.column)} = ${outerColumn}${and})`;
}

/** Whether criteria select anything narrower than the whole table. */
export function hasConditions(criteria: CriteriaInput | undefined): boolean {
  if (!criteria) return false;
  for (const k in criteria) if (criteria[k] !== undefined) return true;
  return false;
}
