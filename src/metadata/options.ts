import type { FieldType } from './field-meta';

/** Options of `@model()`. */
export interface ModelOptions {
  /** Table name. Default: snake_case plural of the class name (`BlogPost` → `blog_posts`). */
  table?: string;
  /** Name of the connection the model lives in. Default `default`. */
  database?: string;
  /** Unique fields or groups of fields: `['email', ['tenantId', 'slug']]`. */
  unique?: ReadonlyArray<string | readonly string[]>;
  /** Plain indexes: a field name, a group, or `{ fields, name?, unique? }`. */
  indexes?: ReadonlyArray<string | readonly string[] | { fields: readonly string[]; name?: string; unique?: boolean }>;
  /** Create the table (and add missing columns) on first use. Default true. */
  autoCreate?: boolean;
  /** Description of the table: PostgreSQL `COMMENT ON TABLE`; a `--` line in SQLite scripts. */
  comment?: string;
}

/** Options of `@field()`. Every option is optional; the type is inferred from the property's design type when absent. */
export interface FieldOptions {
  type?: FieldType;
  /** varchar length (default 255). */
  length?: number;
  /** decimal precision and scale. */
  precision?: number;
  scale?: number;
  /** Allows null. Default false. */
  nullable?: boolean;
  /** A constant, or a function called for each new row (`() => new Date()`). */
  default?: unknown;
  unique?: boolean;
  index?: boolean;
  /** Column name in the database. Default: snake_case of the property. */
  column?: string;
  /** Allowed values of an `enum` field: an array, or a TypeScript string enum object. */
  values?: readonly string[] | Record<string, string>;
  /** Description of the column: PostgreSQL `COMMENT ON COLUMN`; a `--` line in SQLite scripts. */
  comment?: string;
  /**
   * Former column name(s): `db.plan()` renames such a column (keeping its data) instead of
   * dropping it and adding an empty one.
   */
  renamedFrom?: string | readonly string[];
  /** @internal Set by @createdAt / @updatedAt. */
  auto?: 'createdAt' | 'updatedAt';
}

/** Options of `@primaryKey()`. */
export interface PrimaryKeyOptions {
  /** `integer` (default), `bigint`, `uuid`, `text` or `varchar`. */
  type?: 'integer' | 'bigint' | 'uuid' | 'text' | 'varchar';
  /** Database-generated integer key. Default true for integer keys; false means the caller supplies it. */
  autoincrement?: boolean;
  column?: string;
  length?: number;
}
