import type { FieldOptions, ModelOptions, PrimaryKeyOptions } from './options';
import type { HookEvent } from './hook-meta';
import type { Relation } from './relation-meta';

/** What a field decorator recorded: raw facts, resolved later by discovery. */
export interface FieldRecord {
  readonly property: string;
  readonly options: FieldOptions;
  readonly primaryKey?: PrimaryKeyOptions;
  readonly designType: unknown;
}

/** What the decorators recorded on one class. */
export interface ClassRecord {
  readonly fields: Map<string, FieldRecord>;
  readonly relations: Map<string, Relation>;
  readonly hooks: Map<HookEvent, string[]>;
  modelOptions?: ModelOptions;
}

const records = new WeakMap<Function, ClassRecord>();

/** The record of a class, created on first use. Keyed by the class itself, never its name. */
export function recordOf(cls: Function): ClassRecord {
  let record = records.get(cls);
  if (!record) {
    record = { fields: new Map(), relations: new Map(), hooks: new Map() };
    records.set(cls, record);
  }
  return record;
}

/** A class and its ancestors, the most distant ancestor first. */
function classChain(cls: Function): Function[] {
  const chain: Function[] = [];
  for (let c: unknown = cls; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    chain.unshift(c as Function);
  }
  return chain;
}

/** Field records of a class and its ancestors, ancestors first (so abstract bases can share fields). */
export function inheritedFieldRecords(cls: Function): FieldRecord[] {
  const chain = classChain(cls);
  const merged = new Map<string, FieldRecord>();
  for (const c of chain) {
    const record = records.get(c);
    if (record) for (const [k, v] of record.fields) merged.set(k, v);
  }
  return [...merged.values()];
}

/** Relation descriptors of a class and its ancestors. */
export function inheritedRelations(cls: Function): Map<string, Relation> {
  const chain = classChain(cls);
  const merged = new Map<string, Relation>();
  for (const c of chain) {
    const record = records.get(c);
    if (record) for (const [k, v] of record.relations) merged.set(k, v);
  }
  return merged;
}

/** Hook method names of a class and its ancestors, ancestors first. */
export function inheritedHooks(cls: Function): Map<HookEvent, string[]> {
  const chain = classChain(cls);
  const merged = new Map<HookEvent, string[]>();
  for (const c of chain) {
    const record = records.get(c);
    if (!record) continue;
    for (const [event, names] of record.hooks) merged.set(event, [...(merged.get(event) ?? []), ...names.filter((n) => !(merged.get(event) ?? []).includes(n))]);
  }
  return merged;
}
