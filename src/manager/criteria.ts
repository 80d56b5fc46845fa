import { InvalidQueryError } from '../errors';
import type { CompiledModel, CompiledField } from './compiled-model';
import { expectedOf, fitsField } from './value-checks';

/** Equality criteria: `{ role: 'admin', id: [1, 2, 3], deletedAt: null }`. */
export type CriteriaInput = Readonly<Record<string, unknown>>;

/** A compiled WHERE clause: its shape key (for SQL caching), SQL builder and bound values. */
export interface CompiledWhere {
  key: string;
  bindings: unknown[];
  /** Builds the SQL text, numbering placeholders from `start` (1-based). */
  sql(start: number): string;
}

interface Term {
  field: CompiledField;
  kind: 'eq' | 'null' | 'in' | 'none';
  count: number;
}

/**
 * Validates criteria against the model and compiles them. Unknown fields and values of the wrong
 * type are refused with InvalidQueryError naming the field.
 */
export function compileCriteria(model: CompiledModel, criteria: CriteriaInput | undefined): CompiledWhere {
  if (criteria === undefined || criteria === null) return { key: '', bindings: [], sql: () => '' };
  if (typeof criteria !== 'object' || Array.isArray(criteria)) {
    throw new InvalidQueryError(`${model.meta.name} criteria must be an object of field: value pairs, got ${Array.isArray(criteria) ? 'an array' : typeof criteria}.`, { model: model.meta.name });
  }
  const terms: Term[] = [];
  const bindings: unknown[] = [];
  let key = '';
  for (const property in criteria) {
    const value = criteria[property];
    if (value === undefined) continue;
    const field = model.byProperty.get(property);
    if (!field) throw InvalidQueryError.unknownField(model.meta.name, property, [...model.byProperty.keys()]);
    if (value === null) {
      terms.push({ field, kind: 'null', count: 0 });
      key += `${property}:n|`;
    } else if (Array.isArray(value)) {
      for (const v of value) bindings.push(checked(model, field, v));
      terms.push({ field, kind: value.length === 0 ? 'none' : 'in', count: value.length });
      key += `${property}:i${value.length}|`;
    } else {
      bindings.push(checked(model, field, value));
      terms.push({ field, kind: 'eq', count: 1 });
      key += `${property}:e|`;
    }
  }
  if (bindings.length > model.dialect.capabilities.maxBindParams - 2) {
    throw new InvalidQueryError(`${model.meta.name} criteria carry ${bindings.length} values; the ${model.dialect.name} limit is ${model.dialect.capabilities.maxBindParams}.`, { model: model.meta.name, values: bindings.length });
  }
  return { key, bindings, sql: (start) => whereSql(model, terms, start) };
}

function checked(model: CompiledModel, field: CompiledField, value: unknown): unknown {
  if (value === null || !fitsField(field.meta, value)) {
    throw InvalidQueryError.badValue(model.meta.name, field.property, expectedOf(field.meta), value);
  }
  return field.codec.toDb(value);
}

function whereSql(model: CompiledModel, terms: Term[], start: number): string {
  if (terms.length === 0) return '';
  const p = (i: number) => model.dialect.placeholder(i);
  let n = start;
  const parts = terms.map((t) => {
    switch (t.kind) {
      case 'null': return `${t.field.quoted} IS NULL`;
      case 'none': return '1 = 0';
      case 'eq': return `${t.field.quoted} = ${p(n++)}`;
      default: {
        const list = Array.from({ length: t.count }, () => p(n++)).join(', ');
        return `${t.field.quoted} IN (${list})`;
      }
    }
  });
  return ` WHERE ${parts.join(' AND ')}`;
}

/** Whether criteria select anything narrower than the whole table. */
export function hasConditions(criteria: CriteriaInput | undefined): boolean {
  if (!criteria) return false;
  for (const k in criteria) if (criteria[k] !== undefined) return true;
  return false;
}
