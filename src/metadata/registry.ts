import { ModelRegistrationError } from '../errors';
import type { ModelMeta } from './model-meta';

/**
 * The global registry of models. `@model()` adds classes to it; schema code, the CLI and
 * relations read it.
 *
 * @example
 * registry.models();            // every registered model class
 * registry.get('User');         // by class name or table name
 */
export class ModelRegistry {
  private readonly byClass = new Map<Function, ModelMeta>();

  /** Adds a model. Two models on one table of one database are refused. */
  register(meta: ModelMeta): void {
    for (const other of this.byClass.values()) {
      if (other.cls !== meta.cls && other.table === meta.table && other.database === meta.database) {
        throw ModelRegistrationError.forProblems(meta.name, [
          `table "${meta.table}" of database "${meta.database}" already belongs to model ${other.name}`,
        ], { table: meta.table, database: meta.database, other: other.name });
      }
    }
    this.byClass.set(meta.cls, meta);
  }

  /** Removes a model (tests, hot reload). Returns whether it was registered. */
  unregister(cls: Function): boolean {
    return this.byClass.delete(cls);
  }

  /** Every registered model class, in registration order; optionally only those of one database. */
  models(database?: string): Function[] {
    return this.metas(database).map((m) => m.cls);
  }

  /** Metadata of every registered model, optionally only those of one database. */
  metas(database?: string): ModelMeta[] {
    const all = [...this.byClass.values()];
    return database === undefined ? all : all.filter((m) => m.database === database);
  }

  /** A model class by class name or table name (first match), or undefined. */
  get(nameOrTable: string, database?: string): Function | undefined {
    const metas = this.metas(database);
    return (metas.find((m) => m.name === nameOrTable) ?? metas.find((m) => m.table === nameOrTable))?.cls;
  }

  /** The metadata of a registered class, or undefined. */
  metaOf(cls: Function): ModelMeta | undefined {
    return this.byClass.get(cls);
  }

  /** The metadata of a class, or a ModelRegistrationError saying how to register it. */
  requireMeta(cls: Function): ModelMeta {
    const meta = this.byClass.get(cls);
    if (!meta) {
      throw ModelRegistrationError.forProblems(cls.name || 'anonymous class', [
        'it is not a registered model: decorate the class with @model()',
      ]);
    }
    return meta;
  }
}

/** The one global registry. */
export const registry = new ModelRegistry();
