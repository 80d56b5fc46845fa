import { InvalidQueryError } from '../errors';
import type { CompiledField, CompiledModel } from '../manager/compiled-model';
import { hydrate } from '../manager/instance-state';
import { readyModel } from '../manager/ready-model';
import type { ModelMeta } from '../metadata/model-meta';
import { registry } from '../metadata/registry';
import type { ResolvedRelation } from '../metadata/relation-meta';
import { setLoaded } from './relation-cache';

/** Relation paths to load eagerly, as a tree: `['posts', 'posts.tags']` → posts → tags. */
export type IncludeTree = Map<string, IncludeTree>;

const SOURCE = '__regista_source';

/**
 * Parses `include` paths against the model's relations (any depth). An unknown name is an
 * InvalidQueryError that lists the relations available at that level.
 */
export function parseInclude(meta: ModelMeta, include: readonly string[]): IncludeTree {
  const tree: IncludeTree = new Map();
  for (const path of include) {
    if (typeof path !== 'string' || path === '') throw new InvalidQueryError(`include takes relation paths such as 'posts' or 'posts.tags', got ${JSON.stringify(path)}.`, { model: meta.name });
    let node = tree;
    let at = meta;
    for (const name of path.split('.')) {
      registry.ensureResolved([at]);
      const relation = at.resolved.get(name);
      if (!relation) {
        throw new InvalidQueryError(
          `Cannot include "${path}": ${at.name} has no relation "${name}". Relations of ${at.name}: ${[...at.relations.keys()].join(', ') || 'none'}.`,
          { model: at.name, relation: name, path, available: [...at.relations.keys()] },
        );
      }
      let child = node.get(name);
      if (!child) {
        child = new Map();
        node.set(name, child);
      }
      node = child;
      at = relation.target;
    }
  }
  return tree;
}

/** Loads every relation of the tree for all `instances`: one query per relation and level. */
export async function loadIncludes(meta: ModelMeta, instances: readonly object[], tree: IncludeTree): Promise<void> {
  if (instances.length === 0) return;
  for (const [name, children] of tree) {
    const relation = meta.resolved.get(name)!;
    const related = await loadRelation(relation, instances);
    if (children.size > 0) await loadIncludes(relation.target, related, children);
  }
}

/**
 * Loads one relation for many instances with one query (keys bound as one list parameter), stores
 * the value on each instance and returns the distinct related instances.
 */
export async function loadRelation(relation: ResolvedRelation, instances: readonly object[]): Promise<object[]> {
  const target = await readyModel(relation.target);
  const keyProperty = relation.sourceField.property;
  const keys = new Map<unknown, unknown>();
  for (const instance of instances) {
    const value = (instance as Record<string, unknown>)[keyProperty];
    if (value !== null && value !== undefined) keys.set(keyOf(value), value);
  }
  const empty = relation.many ? () => [] : () => null;
  if (keys.size === 0) {
    for (const instance of instances) setLoaded(instance, relation.name, empty());
    return [];
  }
  const groups = relation.kind === 'hasManyThrough'
    ? await throughRows(relation, target, [...keys.values()])
    : await directRows(relation, target, [...keys.values()]);
  const seen = new Set<object>();
  for (const instance of instances) {
    const key = (instance as Record<string, unknown>)[keyProperty];
    const found = key === null || key === undefined ? undefined : groups.get(keyOf(key));
    const value = relation.many ? [...(found ?? [])] : found?.[0] ?? null;
    setLoaded(instance, relation.name, value);
    for (const item of found ?? []) seen.add(item);
  }
  return [...seen];
}

async function directRows(relation: ResolvedRelation, target: CompiledModel, keys: unknown[]): Promise<Map<unknown, object[]>> {
  const field = target.byProperty.get(relation.targetField.property)!;
  const d = target.dialect;
  const sql = target.sql(`rel|${field.property}`, () =>
    `SELECT ${target.selectList} FROM ${target.table} WHERE ${d.anyOfSql(field.quoted, d.placeholder(1))} ORDER BY ${target.pk.quoted}`);
  const result = await target.db.run(sql, [d.anyOfValue(keys.map((k) => encode(field, k)))], true, target.meta);
  const groups = new Map<unknown, object[]>();
  for (const row of result.rows) {
    const instance = hydrate<Record<string, unknown>>(target, row);
    push(groups, keyOf(instance[field.property]), instance);
  }
  return groups;
}

async function throughRows(relation: ResolvedRelation, target: CompiledModel, keys: unknown[]): Promise<Map<unknown, object[]>> {
  const through = await readyModel(relation.through!);
  const d = target.dialect;
  const q = (s: string) => d.quote(s);
  const sourceField = through.byProperty.get(relation.throughSource!.property)!;
  const targetRef = through.byProperty.get(relation.throughTarget!.property)!;
  const sql = target.sql(`relthrough|${relation.source.name}.${relation.name}`, () =>
    `SELECT ${target.selectListFor('t')}, ${d.selectExpression(sourceField.meta, `${q('j')}.${sourceField.quoted}`)} AS ${q(SOURCE)}` +
    ` FROM ${through.table} AS ${q('j')} JOIN ${target.table} AS ${q('t')} ON ${q('t')}.${target.pk.quoted} = ${q('j')}.${targetRef.quoted}` +
    ` WHERE ${d.anyOfSql(`${q('j')}.${sourceField.quoted}`, d.placeholder(1))} ORDER BY ${q('t')}.${target.pk.quoted}`);
  const result = await target.db.run(sql, [d.anyOfValue(keys.map((k) => encode(sourceField, k)))], true, target.meta);
  const groups = new Map<unknown, object[]>();
  const instances = new Map<unknown, object>();
  const pairs = new Set<string>();
  for (const row of result.rows) {
    const source = keyOf(sourceField.codec.fromDb(row[SOURCE]));
    const pk = keyOf(target.pk.codec.fromDb(row[target.pk.column]));
    const pair = `${String(source)}|${String(pk)}`;
    if (pairs.has(pair)) continue; // the same link twice in the join table
    pairs.add(pair);
    let instance = instances.get(pk);
    if (!instance) {
      instance = hydrate(target, row);
      instances.set(pk, instance);
    }
    push(groups, source, instance);
  }
  return groups;
}

function encode(field: CompiledField, value: unknown): unknown {
  return field.codec.toDb(value);
}

function push(groups: Map<unknown, object[]>, key: unknown, instance: object): void {
  const list = groups.get(key);
  if (list) list.push(instance);
  else groups.set(key, [instance]);
}

/** A Map key for a key value: Dates by time, everything else as is (bigint compares by value). */
function keyOf(value: unknown): unknown {
  return value instanceof Date ? value.getTime() : value;
}
