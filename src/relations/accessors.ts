import { RelationshipError } from '../errors';
import { isPersisted } from '../manager/instance-state';
import type { ModelMeta } from '../metadata/model-meta';
import { registry } from '../metadata/registry';
import type { ResolvedRelation } from '../metadata/relation-meta';
import { loadRelation } from './loader';
import { forget, setLoaded, setPending, slotOf } from './relation-cache';

/** The resolved relation `name` of a model, or a RelationshipError listing the relations it has. */
export function relationNamed(meta: ModelMeta, name: string): ResolvedRelation {
  registry.ensureResolved([meta]);
  const relation = meta.resolved.get(name);
  if (!relation) {
    throw new RelationshipError(
      `${meta.name} has no relation "${name}". Relations: ${[...meta.relations.keys()].join(', ') || 'none'}.`,
      { model: meta.name, relation: name, available: [...meta.relations.keys()] },
    );
  }
  return relation;
}

/**
 * The value of a relation as a promise: the loaded value without a query, a load already in
 * flight, or a new load (one query) whose result is kept on the instance.
 */
export function relationValue(instance: object, meta: ModelMeta, name: string): Promise<unknown> {
  const slot = slotOf(instance, name);
  if (slot) return slot.loaded ? Promise.resolve(slot.value) : slot.pending;
  const relation = relationNamed(meta, name);
  const key = (instance as Record<string, unknown>)[relation.sourceField.property];
  if (key === null || key === undefined || (relation.many && !isPersisted(instance))) {
    const value = relation.many ? [] : null; // nothing can match: no query
    if (isPersisted(instance)) setLoaded(instance, name, value);
    return Promise.resolve(value);
  }
  const pending = loadRelation(relation, [instance]).then(
    () => (slotOf(instance, name) as { value: unknown }).value,
    (error) => { forget(instance, name); throw error; },
  );
  setPending(instance, name, pending);
  return pending;
}

const descriptors = new WeakMap<ModelMeta, Map<string, PropertyDescriptor>>();

function descriptorFor(meta: ModelMeta, name: string): PropertyDescriptor {
  let map = descriptors.get(meta);
  if (!map) {
    map = new Map();
    descriptors.set(meta, map);
  }
  let descriptor = map.get(name);
  if (!descriptor) {
    descriptor = {
      configurable: true,
      enumerable: false,
      get(this: object) {
        return relationValue(this, meta, name);
      },
      set() {
        throw new RelationshipError(
          `${meta.name}.${name} is a relation and cannot be assigned. Set its key field instead, or use related('${name}').`,
          { model: meta.name, relation: name },
        );
      },
    };
    map.set(name, descriptor);
  }
  return descriptor;
}

/**
 * Puts the relation accessors on an instance. They go on the instance itself because class field
 * declarations (`posts!: Promise<Post[]>` under useDefineForClassFields) create own properties
 * that would shadow accessors on the prototype.
 */
export function installRelationAccessors(instance: object, meta: ModelMeta): void {
  for (const name of meta.relations.keys()) {
    const own = Object.getOwnPropertyDescriptor(instance, name);
    if (own && own.get) continue;
    Object.defineProperty(instance, name, descriptorFor(meta, name));
  }
}

/** Refuses a relation property that was assigned before the instance was stored. */
export function checkRelationsUnassigned(instance: object, meta: ModelMeta): void {
  for (const name of meta.relations.keys()) {
    const own = Object.getOwnPropertyDescriptor(instance, name);
    if (own && !own.get && own.value !== undefined) {
      throw new RelationshipError(
        `${meta.name}.${name} is a relation and cannot be assigned. Set its key field instead, or use related('${name}').`,
        { model: meta.name, relation: name },
      );
    }
  }
}
