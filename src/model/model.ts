import { Manager } from '../manager/manager';
import { isPersisted } from '../manager/instance-state';
import type { RelatedModel, RelationKeys } from '../manager/types';
import { registry } from '../metadata/registry';
import { RelatedManager } from '../relations/related-manager';
import { loadedRelations } from '../relations/relation-cache';
import { createSchema, dropSchema, schemaExists, truncate } from '../schema/model-schema';

/** Methods every model instance has. */
export interface ModelInstance {
  /** Inserts (new instance) or updates (stored instance) the row; fills generated values in. */
  save(): Promise<this>;
  /** Deletes the row; returns whether a row was deleted. */
  delete(): Promise<boolean>;
  /** Reloads every field from the database; RecordNotFoundError if the row is gone. */
  refresh(): Promise<this>;
  /** Whether the instance was read from or written to the database. */
  isPersisted(): boolean;
  /** The field values, and the relations that are loaded, as a plain object (bigint as string). */
  toJSON(): Record<string, unknown>;
  /** Reads and writes through a relation: `author.related('posts').create({ title })`. */
  related<K extends RelationKeys<this>>(name: K): RelatedManager<Extract<RelatedModel<this[K]>, object>, Awaited<this[K]>>;
}

/** Static members every model class has, typed for its instances `T`. */
export interface ModelStatics<T extends object> {
  /** The manager: `User.objects.filter(...)`. */
  readonly objects: Manager<T>;
  /** Creates the table (and adds missing columns) now, whatever `autoCreate` says. */
  createSchema(): Promise<void>;
  /** Whether the table exists. */
  schemaExists(): Promise<boolean>;
  /** Drops the table. */
  dropSchema(): Promise<void>;
  /** Deletes every row and resets generated keys. */
  truncate(): Promise<void>;
}

/** A model class whose instances are `T`. */
export type ModelClass<T extends object> = (new () => T) & ModelStatics<T>;

const managers = new WeakMap<Function, Manager<object>>();

function managerOf(cls: Function): Manager<object> {
  let manager = managers.get(cls);
  if (!manager) {
    manager = new Manager<object>(cls);
    managers.set(cls, manager);
  }
  return manager;
}

/** The shared base class behind `Model<T>()`. Holds no per-instance state of its own. */
abstract class ModelBase implements ModelInstance {
  static get objects(): Manager<object> {
    return managerOf(this);
  }

  static createSchema(): Promise<void> {
    return createSchema(registry.requireMeta(this));
  }

  static schemaExists(): Promise<boolean> {
    return schemaExists(registry.requireMeta(this));
  }

  static dropSchema(): Promise<void> {
    return dropSchema(registry.requireMeta(this));
  }

  static truncate(): Promise<void> {
    return truncate(registry.requireMeta(this));
  }

  save(): Promise<this> {
    return (managerOf(this.constructor) as unknown as Manager<this>).saveInstance(this);
  }

  delete(): Promise<boolean> {
    return managerOf(this.constructor).deleteInstance(this);
  }

  refresh(): Promise<this> {
    return (managerOf(this.constructor) as unknown as Manager<this>).refreshInstance(this);
  }

  isPersisted(): boolean {
    return isPersisted(this);
  }

  toJSON(): Record<string, unknown> {
    return plain(this, new Set());
  }

  related<K extends RelationKeys<this>>(name: K): RelatedManager<Extract<RelatedModel<this[K]>, object>, Awaited<this[K]>> {
    return new RelatedManager(this, registry.requireMeta(this.constructor), name);
  }
}

/**
 * Fields, then loaded relations, as plain data. An instance already being written further up
 * (a circular load: post.author.posts[0] is post) appears with its fields only.
 */
function plain(instance: object, ancestors: Set<object>): Record<string, unknown> {
  const meta = registry.requireMeta(instance.constructor);
  const out: Record<string, unknown> = {};
  const bag = instance as Record<string, unknown>;
  for (const f of meta.fields) {
    const value = bag[f.property];
    if (value !== undefined) out[f.property] = typeof value === 'bigint' ? value.toString() : value;
  }
  if (ancestors.has(instance)) return out;
  ancestors.add(instance);
  for (const [name, value] of loadedRelations(instance)) {
    out[name] = Array.isArray(value) ? value.map((v: object) => plain(v, ancestors)) : value === null ? null : plain(value as object, ancestors);
  }
  ancestors.delete(instance);
  return out;
}

/**
 * The base of every model. Call it with the model's own class as the type argument, so that
 * `User.objects` is typed `Manager<User>`:
 *
 * @example
 * @model({ table: 'users' })
 * export class User extends Model<User>() {
 *   @primaryKey() id!: number;
 *   @field() name!: string;
 * }
 * const u: User | null = await User.objects.get(1);
 */
export function Model<T extends object>(): (abstract new () => ModelInstance) & ModelStatics<T> {
  return ModelBase as unknown as (abstract new () => ModelInstance) & ModelStatics<T>;
}

/** The instance type shared by every model (`Model` in type positions). */
export type Model = ModelInstance;

/** Whether a value is an instance of some regista model. */
export function isModel(value: unknown): value is ModelInstance {
  return value instanceof ModelBase;
}
