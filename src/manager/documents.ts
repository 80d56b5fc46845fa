import { InvalidQueryError, RecordNotFoundError, ValidationError } from '../errors';
import type { CompiledField, CompiledModel } from './compiled-model';
import { compileCriteria, type CriteriaInput } from './criteria';
import { updatedAtField } from './hooks';
import { hydrate } from './instance-state';
import { prepareChanges } from './prepare-write';

type Bag = Record<string, unknown>;
const PATH_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A path assignment inside one JSON field. */
interface PathSet {
  field: CompiledField;
  segments: string[];
  value: unknown;
}

/**
 * Sets leaves inside JSON fields (`{ 'planning.wave': 2 }`) and plain fields, for every row the
 * criteria match, in one UPDATE: each path is written with the database's JSON set function,
 * creating missing intermediate objects, so concurrent updates of different paths both survive.
 * Intermediates that hold a non-object are refused with ValidationError before anything is written.
 */
export async function updatePaths(m: CompiledModel, criteria: CriteriaInput, paths: Bag): Promise<object[]> {
  const { sets, plain } = splitPaths(m, paths);
  if (sets.length === 0 && Object.keys(plain).length === 0) {
    throw new InvalidQueryError(`${m.meta.name}.objects.updatePaths() needs at least one path.`, { model: m.meta.name });
  }
  const both = sets.find((s) => plain[s.field.property] !== undefined);
  if (both) {
    throw new InvalidQueryError(`${m.meta.name}.${both.field.property} is set both whole and by a path in one updatePaths() call; use one or the other.`, { model: m.meta.name, field: both.field.property });
  }
  const stamp = updatedAtField(m.meta);
  if (stamp && plain[stamp] === undefined) plain[stamp] = new Date();
  const changes = await prepareChanges(m, plain);
  return m.db.transaction(async () => {
    const where = compileCriteria(m, criteria);
    const jsonFields = [...new Set(sets.map((s) => s.field))];
    if (jsonFields.length > 0) {
      const lockSql = `SELECT ${jsonFields.map((f) => f.quoted).join(', ')} FROM ${m.table}${where.sql(1)}${m.dialect.rowLockClause}`;
      const current = await m.db.run(lockSql, where.bindings, true, m.meta);
      for (const row of current.rows) {
        checkIntermediates(m, sets, row);
        await validateResult(m, sets, row);
      }
    }
    const d = m.dialect;
    let n = 0;
    const assignments: string[] = [];
    const bindings: unknown[] = [];
    for (const field of jsonFields) {
      const own = sets.filter((s) => s.field === field);
      const pieces = own.map((s) => {
        bindings.push(d.jsonValueParam(s.value));
        return { segments: s.segments, valueSql: d.jsonValueSql(d.placeholder(++n), s.value) };
      });
      assignments.push(`${field.quoted} = ${d.jsonSetSql(field.quoted, pieces)}`);
    }
    for (const [field, value] of changes) {
      bindings.push(value);
      assignments.push(`${field.quoted} = ${d.placeholder(++n)}`);
    }
    if (assignments.length === 0) throw new InvalidQueryError(`${m.meta.name}.objects.updatePaths() needs at least one path.`, { model: m.meta.name });
    const sql = `UPDATE ${m.table} SET ${assignments.join(', ')}${where.sql(n + 1)} RETURNING ${m.selectList}`;
    const result = await m.db.run(sql, [...bindings, ...where.bindings], true, m.meta);
    return result.rows.map((row) => hydrate(m, row));
  });
}

function splitPaths(m: CompiledModel, paths: Bag): { sets: PathSet[]; plain: Bag } {
  if (!paths || typeof paths !== 'object' || Array.isArray(paths)) {
    throw new InvalidQueryError(`updatePaths() takes an object of 'field.path': value pairs.`, { model: m.meta.name });
  }
  const sets: PathSet[] = [];
  const plain: Bag = {};
  for (const [name, value] of Object.entries(paths)) {
    if (value === undefined) continue;
    const [head, ...segments] = name.split('.');
    const field = m.byProperty.get(head);
    if (!field) throw InvalidQueryError.unknownField(m.meta.name, head, [...m.byProperty.keys()]);
    if (segments.length === 0) {
      plain[head] = value;
      continue;
    }
    if (field.meta.type !== 'json') {
      throw new InvalidQueryError(`${m.meta.name}.${head} is ${article(field.meta.type)} field: only json fields have paths.`, { model: m.meta.name, field: head });
    }
    const bad = segments.find((s) => !PATH_SEGMENT.test(s));
    if (bad !== undefined) {
      throw new InvalidQueryError(`Invalid JSON path ${JSON.stringify(name.slice(0, 80))}: segments are names (letters, digits, _); array elements cannot be set by path.`, { model: m.meta.name, path: name.slice(0, 80) });
    }
    if (typeof value === 'function' || typeof value === 'bigint' || typeof value === 'symbol') {
      throw ValidationError.forModel(m.meta.name, [{ field: name, constraints: { type: `${name} must be a JSON value` }, value }]);
    }
    sets.push({ field, segments, value });
  }
  return { sets, plain };
}

/** Documents typed with a class are validated as they will be after the update (nested rules included). */
async function validateResult(m: CompiledModel, sets: readonly PathSet[], row: Bag): Promise<void> {
  const changes: Bag = {};
  for (const s of sets) {
    if (!s.field.meta.jsonClass) continue;
    const raw = row[s.field.column];
    const doc = changes[s.field.property] ?? (raw === null || raw === undefined ? {} : structuredClone(s.field.codec.fromDb(raw)));
    let node = doc as Bag;
    for (const segment of s.segments.slice(0, -1)) {
      if (!isPlainObject(node[segment])) node[segment] = {};
      node = node[segment] as Bag;
    }
    node[s.segments[s.segments.length - 1]] = s.value;
    changes[s.field.property] = doc;
  }
  if (Object.keys(changes).length > 0) await prepareChanges(m, changes);
}

function checkIntermediates(m: CompiledModel, sets: readonly PathSet[], row: Bag): void {
  const violations = [];
  for (const s of sets) {
    const raw = row[s.field.column];
    let node: unknown = raw === null || raw === undefined ? null : s.field.codec.fromDb(raw);
    for (let i = 0; i < s.segments.length - 1 && node !== null && node !== undefined; i++) {
      if (!isPlainObject(node)) {
        const at = [s.field.property, ...s.segments.slice(0, i)].join('.');
        violations.push({ field: `${s.field.property}.${s.segments.join('.')}`, constraints: { path: `${at} holds ${Array.isArray(node) ? 'an array' : typeof node}, not an object: cannot set ${s.segments.slice(i).join('.')} inside it` }, value: s.value });
        node = undefined;
        break;
      }
      node = (node as Bag)[s.segments[i]];
    }
    if (node !== null && node !== undefined && !isPlainObject(node)) {
      const at = [s.field.property, ...s.segments.slice(0, -1)].join('.');
      violations.push({ field: `${s.field.property}.${s.segments.join('.')}`, constraints: { path: `${at} holds ${Array.isArray(node) ? 'an array' : typeof node}, not an object` }, value: s.value });
    }
  }
  if (violations.length > 0) throw ValidationError.forModel(m.meta.name, violations);
}

/**
 * Deep merge of a patch into a stored row, under a row lock: objects merge recursively, scalars
 * and arrays are replaced, keys absent from the patch are kept, `undefined` never overwrites,
 * `null` does. Non-JSON fields in the patch are simply set.
 */
export async function mergeInto(m: CompiledModel, key: unknown, patch: Bag): Promise<object> {
  if (!isPlainObject(patch)) throw new InvalidQueryError('merge() takes an object patch.', { model: m.meta.name });
  return m.db.transaction(async () => {
    const lockSql = `${m.getByPkSql}${m.dialect.rowLockClause}`;
    const current = await m.db.run(lockSql, [m.pk.codec.toDb(key)], true, m.meta);
    if (current.rows.length === 0) throw RecordNotFoundError.for(m.meta.name, { [m.pk.property]: key });
    const stored = hydrate<Bag>(m, current.rows[0]);
    const changes: Bag = {};
    for (const [name, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      const field = m.byProperty.get(name);
      if (field && field.meta.type === 'json' && isPlainObject(value)) changes[name] = deepMerge(stored[name], value);
      else changes[name] = value;
    }
    if (Object.keys(changes).length === 0) return stored;
    const stamp = updatedAtField(m.meta);
    if (stamp && changes[stamp] === undefined) changes[stamp] = new Date();
    const sets = await prepareChanges(m, changes);
    const d = m.dialect;
    const sql = `UPDATE ${m.table} SET ${sets.map(([f], i) => `${f.quoted} = ${d.placeholder(i + 1)}`).join(', ')} WHERE ${m.pk.quoted} = ${d.placeholder(sets.length + 1)} RETURNING ${m.selectList}`;
    const result = await m.db.run(sql, [...sets.map(([, v]) => v), m.pk.codec.toDb(key)], true, m.meta);
    return hydrate(m, result.rows[0]);
  });
}

/** Objects merge recursively; scalars and arrays replace; undefined skips; null sets null. */
export function deepMerge(target: unknown, patch: Bag): Bag {
  const out: Bag = isPlainObject(target) ? { ...(target as Bag) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) ? deepMerge(out[k], v as Bag) : v;
  }
  return out;
}

/**
 * Criteria matching rows where every key set in `example` matches: plain fields by equality, JSON
 * objects recursively by dotted paths, scalars and arrays by equality.
 */
export function exampleCriteria(m: CompiledModel, example: Bag): CriteriaInput {
  if (!isPlainObject(example)) throw new InvalidQueryError('findByExample() takes an object.', { model: m.meta.name });
  const criteria: Bag = {};
  for (const [name, value] of Object.entries(example)) {
    if (value === undefined) continue;
    const field = m.byProperty.get(name);
    if (field && field.meta.type === 'json' && isPlainObject(value)) flatten(name, value as Bag, criteria);
    else criteria[name] = value === null ? null : Array.isArray(value) ? { eq: value } : value;
  }
  return criteria;
}

function flatten(prefix: string, value: Bag, out: Bag): void {
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const path = `${prefix}.${k}`;
    if (isPlainObject(v)) flatten(path, v as Bag, out);
    else out[path] = v === null ? null : { eq: v };
  }
}

function isPlainObject(value: unknown): value is Bag {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function article(word: string): string {
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}
