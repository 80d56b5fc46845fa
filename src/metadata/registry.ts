import { ModelRegistrationError } from '../errors';
import type { ModelMeta } from './model-meta';
import type { Relation } from './relation-meta';
import { RESERVED_FIELD_NAMES } from './reserved-names';
import { resolveRelations } from './resolve-relations';

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
  private resolved = new WeakSet<ModelMeta>();

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

  /** Adds a relation to a registered model (for modules that import each other). */
  defineRelation(cls: Function, name: string, relation: Relation): void {
    const meta = this.requireMeta(cls);
    if (meta.fieldsByProperty.has(name)) {
      throw ModelRegistrationError.forProblems(meta.name, [`"${name}" is a field; a relation needs a name of its own`]);
    }
    if (RESERVED_FIELD_NAMES.has(name)) {
      throw ModelRegistrationError.forProblems(meta.name, [`relation "${name}" collides with a regista method of the same name`]);
    }
    meta.relations.set(name, relation);
    this.resolved.delete(meta);
  }

  /**
   * Resolves the relations of the given models (default: all) unless already done: called at a
   * model's first use, so models may be declared in any order. Throws RelationshipError naming
   * every problem; a model whose relations fail stays unresolved.
   */
  ensureResolved(metas: readonly ModelMeta[] = [...this.byClass.values()]): void {
    const pending = metas.filter((m) => !this.resolved.has(m));
    if (pending.length === 0) return;
    resolveRelations(pending, (cls) => this.byClass.get(cls));
    for (const m of pending) this.resolved.add(m);
  }

  /** Removes a model (tests, hot reload). Returns whether it was registered. */
  unregister(cls: Function): boolean {
    this.resolved = new WeakSet();
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
