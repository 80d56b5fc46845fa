import { installRelationAccessors } from '../relations/accessors';
import { toDocumentInstance } from '../validation/class-transformer-adapter';
import type { CompiledModel } from './compiled-model';

/** The row an instance was last read from or written to (database form, keyed by column). */
const snapshots = new WeakMap<object, Record<string, unknown>>();

/** Whether the instance has been stored (read from, or written to, the database). */
export function isPersisted(instance: object): boolean {
  return snapshots.has(instance);
}

/** The stored row behind an instance, or undefined for a new one. */
export function snapshotOf(instance: object): Record<string, unknown> | undefined {
  return snapshots.get(instance);
}

/** Forgets that the instance is stored (after delete). */
export function markDeleted(instance: object): void {
  snapshots.delete(instance);
}

/** Copies a database row into an instance, field by field, and remembers the row. */
export function hydrateInto<T extends object>(model: CompiledModel, instance: T, row: Record<string, unknown>): T {
  const target = instance as Record<string, unknown>;
  for (const f of model.fields) {
    const raw = row[f.column];
    if (raw === null || raw === undefined) {
      target[f.property] = null;
      continue;
    }
    const decoded = f.codec.fromDb(raw);
    const value = f.meta.jsonClass ? toDocumentInstance(f.meta.jsonClass, decoded) : decoded;
    // A driver that parses values itself (pg: jsonb, timestamptz) hands over objects that also sit
    // in the snapshot row: give the instance its own copy, so in-place edits are seen by save().
    target[f.property] = value === raw && typeof value === 'object' && value !== null ? copyOf(value) : value;
  }
  snapshots.set(instance, row);
  if (model.meta.relations.size > 0) installRelationAccessors(instance, model.meta);
  return instance;
}

/** A new instance of the model built from a database row. */
export function hydrate<T extends object>(model: CompiledModel, row: Record<string, unknown>): T {
  const Cls = model.meta.cls as new () => T;
  return hydrateInto(model, new Cls(), row);
}

function copyOf(value: object): unknown {
  return value instanceof Date ? new Date(value.getTime()) : structuredClone(value);
}
