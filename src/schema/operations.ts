import type { CatalogColumn, CatalogConstraint, CatalogEnum, CatalogForeignKey, CatalogIndex, CatalogTable } from './catalog';

/**
 * One difference between what the models describe and what the database holds, as the diff finds
 * it (src/schema/diff.ts). The planner (src/schema/plan.ts) checks the data it touches and asks
 * the dialect for its SQL. Column names are the model's (after renames); `from` values are the
 * database's.
 */
export type SchemaChange =
  | { kind: 'CreateEnum'; enum: CatalogEnum }
  | { kind: 'CreateTable'; table: string; definition: CatalogTable }
  | { kind: 'RenameColumn'; table: string; column: string; from: string }
  | { kind: 'AddColumn'; table: string; column: string; definition: CatalogColumn }
  | {
    kind: 'AlterColumnType'; table: string; column: string; from: CatalogColumn; to: CatalogColumn;
    /** Set by the planner: SQL giving each row's new value from the quoted column. */
    convert?: string;
  }
  | {
    kind: 'SetNullable'; table: string; column: string; nullable: boolean; definition: CatalogColumn;
    /** Set by the planner: the default written into NULLs before NOT NULL is set. */
    fill?: string;
  }
  | { kind: 'SetDefault'; table: string; column: string; from: string | null; to: string | null; definition: CatalogColumn }
  | { kind: 'AddEnumValue'; table: string; column: string; type: string; values: string[]; from: string[]; to: string[]; definition: CatalogColumn }
  | {
    kind: 'RemoveEnumValue'; table: string; column: string; type: string; values: string[]; from: string[]; to: string[];
    /** The column as it is in the database (its default is kept when it stays valid). */
    current: CatalogColumn;
    definition: CatalogColumn;
    /** Set by the planner: SQL giving each row's new value from the quoted column. */
    convert?: string;
  }
  | { kind: 'SetComment'; table: string; column?: string; comment: string | null }
  | { kind: 'AddUnique'; table: string; unique: CatalogConstraint }
  | { kind: 'DropUnique'; table: string; unique: CatalogConstraint; /** A unique index rather than a constraint. */ index: boolean }
  | { kind: 'AddIndex'; table: string; index: CatalogIndex }
  | { kind: 'DropIndex'; table: string; index: CatalogIndex }
  | { kind: 'AddForeignKey'; table: string; foreignKey: CatalogForeignKey }
  | { kind: 'DropForeignKey'; table: string; foreignKey: CatalogForeignKey }
  | {
    kind: 'DropColumn'; table: string; column: string; definition: CatalogColumn;
    /** The column is part of a key, unique constraint, index, foreign key or CHECK of the table. */
    constrained: boolean;
  }
  | { kind: 'DropTable'; table: string; definition: CatalogTable }
  | { kind: 'DropEnum'; enum: CatalogEnum }
  | { kind: 'RebuildTable'; table: string; from: CatalogTable; to: CatalogTable; copy: Record<string, string> };

/** The kinds of operation a schema plan may hold. */
export type OperationKind = SchemaChange['kind'];

/** How a column's values convert between two types (see `Dialect.conversionSql`). */
export interface Conversion {
  /** Predicate on a non-null value that the change would lose or cut; null when every value survives. */
  lossy: string | null;
  /** What happens to such a value, for messages: `truncated` or `lost`. */
  loses: 'truncated' | 'lost';
  /** Expression converting a value that survives. */
  convert: string;
  /** Expression keeping what can be kept of a lossy value (truncation), or null: the default or NULL replaces it. */
  salvage: string | null;
}

/**
 * One step of a schema plan: a typed change, its SQL, whether it destroys data and why it is there.
 *
 * @example
 * for (const op of plan.operations) console.log(op.kind, op.table, op.destructive, op.reason);
 */
export interface SchemaOperation {
  readonly kind: OperationKind;
  readonly table?: string;
  readonly column?: string;
  /** The change with everything the diff knows about it. */
  readonly change: SchemaChange;
  /** Statements that carry it out (empty when a RebuildTable operation of its table does). */
  readonly sql: readonly string[];
  /** Drops data: a table, a column, values outside a narrowed type or a removed enum value. */
  readonly destructive: boolean;
  /** Not applied: destructive without `allowDestructive`, or blocked by the data. */
  readonly skipped: boolean;
  /** Why the plan holds this operation, in words. */
  readonly reason: string;
  /** What applying it loses, with the count of rows read when planning (destructive operations). */
  readonly loss?: string;
  /** Rows whose data the operation loses (destructive operations), counted when planning. */
  readonly affectedRows?: number;
  /** Why it cannot be applied as the data stands (duplicates for a unique, NULLs for NOT NULL...). */
  readonly blocked?: string;
  /** Carried out by the RebuildTable operation of its table (databases that cannot ALTER it in place). */
  readonly viaRebuild?: boolean;
  /** Needs foreign key enforcement off around the transaction (table rebuilds). */
  readonly foreignKeysOff?: boolean;
}
