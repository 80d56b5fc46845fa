import type { Knex } from 'knex';
import type { FieldMeta } from '../metadata/field-meta';
import type { ModelMeta } from '../metadata/model-meta';
import type { Catalog, CatalogColumn, CatalogTable } from '../schema/catalog';
import type { Conversion, SchemaChange } from '../schema/operations';

/**
 * What a database can do. Shared code asks these flags; it never asks which database it is.
 */
export interface DialectCapabilities {
  /** `INSERT/UPDATE/DELETE ... RETURNING` is available. */
  readonly returning: boolean;
  /** DDL statements take part in transactions (rolled back with them). */
  readonly transactionalDdl: boolean;
  /** Most bound parameters one statement may carry. Batch sizes derive from it. */
  readonly maxBindParams: number;
  /** `ALTER TABLE ADD COLUMN ... NOT NULL` without a default works on an empty table. */
  readonly addNotNullColumnWithoutDefault: boolean;
  /**
   * One connection serves the whole database (SQLite: a second connection to `:memory:` would be
   * another database, and writers serialise anyway). regista then holds that connection and
   * hands it out through a light mutex instead of the pool, which keeps hot paths fast.
   */
  readonly singleConnection: boolean;
  /** Tables and columns keep comments (`COMMENT ON`); elsewhere comments exist only in generated scripts. */
  readonly comments: boolean;
  /** Enums are named database types (`CREATE TYPE ... AS ENUM`); elsewhere a CHECK on a text column. */
  readonly nativeEnums: boolean;
}

/** The result of one statement on a raw driver connection. */
export interface QueryResult {
  rows: Record<string, unknown>[];
  /** Rows changed by a write, or rows returned by a read. */
  rowCount: number;
}

/** Runs statements on raw driver connections (the fast path that bypasses knex's builder). */
export interface Driver {
  /**
   * Runs one statement. `expectRows` says whether it returns rows (SELECT, or a write with
   * RETURNING). Implementations cache prepared statements per connection, keyed by the SQL text.
   */
  execute(connection: unknown, sql: string, bindings: readonly unknown[], expectRows: boolean): Promise<QueryResult>;
  /** The same as `execute`, for drivers that run statements synchronously (better-sqlite3): no promise. */
  executeSync?(connection: unknown, sql: string, bindings: readonly unknown[], expectRows: boolean): QueryResult;
  /**
   * Streams rows (values already in database form) through the database's bulk-load protocol
   * (PostgreSQL `COPY ... FROM STDIN`). Absent where the database has none. Returns rows loaded.
   */
  copyIn?(connection: unknown, copySql: string, rows: Iterable<readonly unknown[]>): Promise<number>;
  /**
   * Drops the prepared statements of every connection before its next statement, after a schema
   * change that may alter what they return (a column's type). Absent where the database
   * re-prepares by itself (SQLite).
   */
  forgetPreparedStatements?(): void;
}

/** Converts one field's values between JavaScript and the database. `null` never reaches these. */
export interface FieldCodec {
  toDb(value: unknown): unknown;
  fromDb(value: unknown): unknown;
}

/** What a driver error means, in database-neutral terms. Shared code turns this into a typed error. */
export interface ErrorClassification {
  kind: 'unique' | 'primaryKey' | 'notNull' | 'foreignKey' | 'check' | 'connection' | 'undefinedTable' | 'other';
  /** Constraint name, when the database reports it. */
  constraint?: string;
  /** Columns involved, when the database reports them. */
  columns?: string[];
  /** Table involved, when the database reports it. */
  table?: string;
}

/** A function that runs one statement in the caller's current connection or transaction. */
export type Run = (sql: string, bindings?: readonly unknown[], expectRows?: boolean) => Promise<QueryResult>;

/** A parsed connection target, the input of {@link Dialect.knexConfig}. */
export interface ConnectionTarget {
  /** e.g. `./app.sqlite`, `:memory:` or a postgres URL. */
  readonly location: string;
  /** Driver choice where a database has several (SQLite: better-sqlite3 or sqlite3). */
  readonly driver?: string;
  /** PostgreSQL schema to work in (search_path); tests use one schema per process. */
  readonly schema?: string;
}

/**
 * Everything that differs between databases. One implementation per folder in src/dialects/.
 */
export interface Dialect {
  /** `sqlite` or `postgres` (later `mysql`). For display and reports only: never branch on it. */
  readonly name: string;
  readonly capabilities: DialectCapabilities;
  readonly driver: Driver;

  /** knex configuration (client, connection, pool, per-connection setup such as pragmas and type parsers). */
  knexConfig(target: ConnectionTarget): Knex.Config;

  /** Quotes an identifier (table or column name). */
  quote(identifier: string): string;
  /** Appended to a SELECT to lock the rows it reads until the transaction ends (` FOR UPDATE`, or '' where writers are serialised anyway). */
  readonly rowLockClause: string;
  /** Placeholder of the n-th (1-based) bound parameter: `?` or `$n`. */
  placeholder(index: number): string;
  /** What follows `LIMIT` when a query has an OFFSET but no limit: `-1` (SQLite) or `ALL` (PostgreSQL). */
  readonly unboundedLimit: string;
  /** SQL that reads a column in select lists; usually the quoted column, e.g. a CAST for bigint on SQLite. */
  selectExpression(field: FieldMeta, quotedColumn: string): string;
  /**
   * A condition "`expression` is one of a list", the list bound as ONE parameter, so the SQL does
   * not depend on the list's length (eager loading, batched look-ups).
   */
  anyOfSql(expression: string, placeholder: string): string;
  /** The bound value for {@link anyOfSql}, from values already in database form. */
  anyOfValue(values: readonly unknown[]): unknown;
  /**
   * `expression LIKE pattern` (case-sensitive on every database) or, with `insensitive`, the
   * case-insensitive form; the pattern is bound and uses `\` as its escape character.
   */
  likeSql(expression: string, placeholder: string, insensitive: boolean): string;

  /**
   * Reads a path inside a JSON column. `segments` are validated names or array indexes
   * (/^[A-Za-z_][A-Za-z0-9_]*$/ or /^\d+$/), so they may be written into the SQL. `as: 'value'`
   * gives something {@link jsonValueSql} compares with (numbers and booleans as such, not as
   * text); `as: 'text'` gives the text of a string value, for LIKE and friends.
   */
  jsonPathSql(quotedColumn: string, segments: readonly string[], as: 'value' | 'text'): string;
  /** The SQL around a bound JSON value compared with jsonPathSql(..., 'value'), e.g. `$2::jsonb`. */
  jsonValueSql(placeholder: string, value: unknown): string;
  /** The bound form of such a value. */
  jsonValueParam(value: unknown): unknown;
  /** True when the path is missing or holds JSON null. */
  jsonIsNullSql(quotedColumn: string, segments: readonly string[]): string;
  /**
   * An expression giving the column with each path set to its bound JSON value, creating missing
   * intermediate objects (the caller checks beforehand that no intermediate is a non-object).
   * `valueSql` of each entry comes from {@link jsonValueSql}.
   */
  jsonSetSql(quotedColumn: string, sets: ReadonlyArray<{ segments: readonly string[]; valueSql: string }>): string;

  /** The value conversion of one field, built once per field and dialect. */
  codec(field: FieldMeta): FieldCodec;

  /** The conflict clause of an upsert, written after `INSERT ... VALUES (...)`. Columns are unquoted names. */
  upsertClause(conflictColumns: readonly string[], updateColumns: readonly string[]): string;

  /** Statements creating (afresh) an empty temporary table with `columns` of `quotedTable` and no constraints, for bulk staging. */
  stagingTableSql(quotedTable: string, quotedStage: string, columns: string): string[];

  /** Statement that starts a transaction (`BEGIN`, `BEGIN IMMEDIATE`). */
  readonly beginSql: string;
  /**
   * Starts a transaction that takes the schema lock and then re-reads state (schema creation,
   * evolutions): it must see rows committed while it waited for the lock, so PostgreSQL uses READ
   * COMMITTED whatever the session's default isolation.
   */
  readonly lockingBeginSql: string;
  /** Statements run in a transaction before schema creation, to serialise it across processes. */
  schemaLockSql(key: string): string[];

  /** CREATE TABLE (and its unique constraints, indexes, enum types) for a model. */
  createTableSql(model: ModelMeta): string[];
  /** ALTER TABLE ... ADD COLUMN for one field of an existing table. */
  addColumnSql(model: ModelMeta, field: FieldMeta): string[];
  /** DROP TABLE (and anything created with it, such as enum types). */
  dropTableSql(model: ModelMeta): string[];
  /** Removes every row and resets generated keys. */
  truncateSql(model: ModelMeta): string[];
  /** CREATE INDEX IF NOT EXISTS for one index of the model (used for additive evolution). */
  createIndexSql(model: ModelMeta, index: { name: string; columns: readonly string[]; unique: boolean }): string[];
  /** Whether the table exists (in the current schema). */
  tableExists(run: Run, table: string): Promise<boolean>;
  /** Column names of a table as they are in the database. */
  columnNames(run: Run, table: string): Promise<string[]>;
  /**
   * Reads the live schema (PostgreSQL: the current schema; SQLite: `main`) into a {@link Catalog}
   * with normalised types and defaults, comparable with one derived from models.
   */
  introspect(run: Run): Promise<Catalog>;

  /** Reads a driver error. Returns `other` for anything it does not recognise. */
  classifyError(error: unknown): ErrorClassification;

  // Schema plans (db.plan, generateSchemaSql): see src/schema/plan.ts.
  /** A field's column type as introspection reports it: the normalised storage type (see schema/catalog.ts). */
  columnType(field: FieldMeta, table: string): string;
  /** A field's constant default as introspection reports it (a normalised SQL expression), or null. */
  defaultSql(field: FieldMeta, table: string): string | null;
  /** Statements setting (or with null removing) a table's or column's comment; [] where comments are not kept. */
  commentSql(table: string, column: string | null, comment: string | null): string[];
  /** Statements making one schema change in place, or `rebuild` when only a rebuild of the table can make it. */
  alterSql(change: SchemaChange): string[] | 'rebuild';
  /**
   * Statements rebuilding `from` into `to` (new table, copy, drop, rename, indexes), run with foreign
   * keys off ({@link foreignKeysSql}); `copy` gives, per column of `to` that is filled from `from`,
   * the SQL expression reading its value. Throws where the database alters every change in place.
   */
  rebuildTableSql(from: CatalogTable, to: CatalogTable, copy: ReadonlyMap<string, string>): string[];
  /** Statements switching foreign key enforcement on or off outside a transaction, around rebuilds; [] where not needed. */
  foreignKeysSql(enabled: boolean): string[];
  /** A query returning one row per foreign key violation of `table` (checked after a rebuild), or null. */
  foreignKeyCheckSql(table: string): string | null;
  /**
   * How a column's values convert from one type to another: which values would be lost or cut
   * (`lossy`, a predicate on non-null values, or null when none can be), the expression converting a
   * value that survives, and what a lost value can still be turned into (`salvage`, e.g. truncation).
   */
  conversionSql(quotedColumn: string, from: CatalogColumn, to: CatalogColumn): Conversion;
}
