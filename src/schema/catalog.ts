/**
 * A database schema as data: what introspection reads from a live database and what the models
 * describe, in one shape, so that the two can be compared. Serialises to JSON as is.
 *
 * Column types are NORMALISED STORAGE TYPES of the dialect, lower case, no spaces after commas:
 * PostgreSQL `integer`, `bigint`, `double precision`, `numeric(10,2)`, `numeric`, `text`,
 * `varchar(255)`, `boolean`, `date`, `timestamptz`, `jsonb`, `uuid`, or the enum type's name
 * (with `enumValues`); SQLite the declared type as written by regista's DDL, lower-cased
 * (`integer`, `bigint`, `real`, `numeric(10,2)`, `text`, `varchar(255)`, `boolean`, `date`,
 * `datetime`), and `text` with `enumValues` read from the CHECK constraint for enums.
 */
export interface Catalog {
  dialect: string;
  /** Schema name (PostgreSQL: the current schema; SQLite: `main`). */
  schema: string;
  tables: CatalogTable[];
  /** PostgreSQL enum types in the schema (SQLite: none). */
  enums: CatalogEnum[];
}

export interface CatalogTable {
  name: string;
  columns: CatalogColumn[];
  primaryKey: { name?: string; columns: string[] } | null;
  uniques: CatalogConstraint[];
  foreignKeys: CatalogForeignKey[];
  /** Non-unique and unique indexes that are not backing a primary key or unique constraint. */
  indexes: CatalogIndex[];
  checks: Array<{ name?: string; expression: string }>;
  comment?: string;
}

export interface CatalogColumn {
  name: string;
  /** Normalised storage type (see above). */
  type: string;
  nullable: boolean;
  /** Default as a normalised SQL expression (e.g. `0`, `'x'`, `true`), or null. */
  default: string | null;
  /** Database-generated (identity / serial / SQLite INTEGER PRIMARY KEY AUTOINCREMENT). */
  autoincrement: boolean;
  /** Allowed values when the column is an enum (PostgreSQL enum type or SQLite CHECK IN list). */
  enumValues?: string[];
  /** Generation expression of a generated (computed) column; such a column has no default. */
  generated?: string;
  comment?: string;
}

export interface CatalogConstraint {
  name: string;
  columns: string[];
}

export interface CatalogIndex {
  name: string;
  /** Key columns in order; an expression key appears as its SQL text (e.g. `lower(email)`). */
  columns: string[];
  unique: boolean;
  /** Predicate of a partial index (`WHERE ...` without the keyword). */
  where?: string;
}

export interface CatalogForeignKey {
  name?: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  /** `cascade`, `set null`, `restrict` or `no action` (lower case). */
  onDelete: string;
}

export interface CatalogEnum {
  name: string;
  values: string[];
}
