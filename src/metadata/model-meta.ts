import type { FieldMeta } from './field-meta';
import type { HookMap } from './hook-meta';
import type { ForeignKeyMeta, Relation, ResolvedRelation } from './relation-meta';

/** A unique constraint or index over one or more fields. */
export interface IndexMeta {
  readonly name: string;
  readonly fields: readonly string[];
  readonly columns: readonly string[];
  readonly unique: boolean;
}

/** The resolved description of one model class. Built once; read by manager, schema and dialects. */
export interface ModelMeta {
  /** The model class itself. */
  readonly cls: Function;
  /** Class name, used in messages and registry look-ups. */
  readonly name: string;
  readonly table: string;
  /** Connection name (`default` unless the model says otherwise). */
  readonly database: string;
  readonly autoCreate: boolean;
  /** Description of the table (`comment` option). */
  readonly comment?: string;
  /** Persisted fields in declaration order; the primary key first. */
  readonly fields: readonly FieldMeta[];
  readonly fieldsByProperty: ReadonlyMap<string, FieldMeta>;
  readonly primaryKey: FieldMeta;
  /** Unique constraints (from `unique` on the model and on fields). */
  readonly uniques: readonly IndexMeta[];
  /** Plain indexes (from `indexes` on the model and `index` on fields). */
  readonly indexes: readonly IndexMeta[];
  /** Lifecycle hook methods per event. */
  readonly hooks: HookMap;
  /** Relation descriptors by property name (decorators and defineRelation add to it). */
  readonly relations: Map<string, Relation>;
  /**
   * Filled when the registry resolves relations (at first use): relations with their models and
   * fields, the foreign keys of BelongsTo relations, and the models this one depends on for table
   * creation order.
   */
  readonly resolved: Map<string, ResolvedRelation>;
  readonly foreignKeys: ForeignKeyMeta[];
  readonly dependsOn: Function[];
}
