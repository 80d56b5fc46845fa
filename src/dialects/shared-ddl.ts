import type { FieldCodec } from './dialect';
import type { FieldMeta } from '../metadata/field-meta';
import type { ModelMeta } from '../metadata/model-meta';
import type { ForeignKeyMeta } from '../metadata/relation-meta';
import { ConfigurationError } from '../errors';

/**
 * SQL pieces written the same way on SQLite and PostgreSQL: quoting, literals, column and
 * table skeletons, indexes and the upsert clause. Types and per-database extras come from
 * each dialect's ddl.ts.
 */

/** An index or unique constraint as the DDL writers need it. */
export interface IndexSpec {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
}

/** Double-quotes an identifier, doubling embedded quotes (standard SQL; SQLite accepts it too). */
export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** Single-quotes a string literal, doubling embedded quotes. */
export function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** `"a", "b"`: a quoted, comma-separated column list. */
export function columnList(columns: readonly string[]): string {
  return columns.map(quoteIdentifier).join(', ');
}

/** A database value (already through a codec's toDb) as an SQL literal. */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Cannot write ${value} as an SQL literal`);
    return String(value);
  }
  if (typeof value === 'string') return quoteString(value);
  throw new TypeError(`Cannot write a ${typeof value} as an SQL literal`);
}

/** ` DEFAULT <literal>` for a constant default, or '' (function defaults are applied by regista). */
export function defaultClause(field: FieldMeta, codec: FieldCodec): string {
  const fallback = field.default;
  if (fallback === undefined || fallback.kind !== 'value' || field.generated === 'autoincrement') return '';
  const value = fallback.value === null || fallback.value === undefined ? null : codec.toDb(fallback.value);
  return ` DEFAULT ${sqlLiteral(value)}`;
}

/** Whether the column gets NOT NULL (primary keys always do). */
export function isNotNull(field: FieldMeta): boolean {
  return field.primaryKey || !field.nullable;
}

/** `"col" <type> [NOT NULL] [DEFAULT x]<suffix>`: one column of CREATE TABLE or ADD COLUMN. */
export function columnDefinition(field: FieldMeta, type: string, codec: FieldCodec, suffix = ''): string {
  const notNull = isNotNull(field) ? ' NOT NULL' : '';
  return `${quoteIdentifier(field.column)} ${type}${notNull}${defaultClause(field, codec)}${suffix}`;
}

/** Name of a table's primary key constraint: `<table>_pkey` (PostgreSQL's own convention). */
export function primaryKeyName(table: string): string {
  return `${table}_pkey`;
}

/**
 * `CREATE TABLE IF NOT EXISTS` with the given column definitions, then the primary key
 * constraint (unless a column declares it inline) and the model's unique constraints.
 */
export function createTableStatement(model: ModelMeta, columns: readonly string[], inlinePrimaryKey: boolean): string {
  const parts = [...columns];
  if (!inlinePrimaryKey) {
    parts.push(`CONSTRAINT ${quoteIdentifier(primaryKeyName(model.table))} PRIMARY KEY (${quoteIdentifier(model.primaryKey.column)})`);
  }
  for (const unique of model.uniques) {
    parts.push(`CONSTRAINT ${quoteIdentifier(unique.name)} UNIQUE (${columnList(unique.columns)})`);
  }
  for (const fk of model.foreignKeys) {
    parts.push(`CONSTRAINT ${quoteIdentifier(fk.name)} FOREIGN KEY (${quoteIdentifier(fk.column)}) ${referencesClause(fk)}`);
  }
  return `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(model.table)} (${parts.join(', ')})`;
}

/** `CREATE [UNIQUE] INDEX IF NOT EXISTS "name" ON "table" ("a", "b")`. */
export function createIndexStatement(table: string, index: IndexSpec): string {
  const unique = index.unique ? 'UNIQUE ' : '';
  return `CREATE ${unique}INDEX IF NOT EXISTS ${quoteIdentifier(index.name)} ON ${quoteIdentifier(table)} (${columnList(index.columns)})`;
}

/** `REFERENCES "t" ("c") ON DELETE CASCADE` for a foreign key. */
export function referencesClause(fk: ForeignKeyMeta): string {
  return `REFERENCES ${quoteIdentifier(fk.referencedTable)} (${quoteIdentifier(fk.referencedColumn)}) ON DELETE ${fk.onDelete.toUpperCase()}`;
}

/** One CREATE INDEX statement per plain index of the model and per foreign key column. */
export function createIndexStatements(model: ModelMeta): string[] {
  return [
    ...model.indexes.map((index) => createIndexStatement(model.table, index)),
    ...model.foreignKeys.map((fk) => createIndexStatement(model.table, { name: fk.indexName, columns: [fk.column], unique: false })),
  ];
}

/**
 * The unique index that stands for a unique field added to an existing table: the model's own
 * unique constraint over that column when there is one (same name, so later runs are no-ops),
 * else `<table>_<column>_key`.
 */
export function uniqueIndexForField(model: ModelMeta, field: FieldMeta): IndexSpec {
  const declared = model.uniques.find((u) => u.columns.length === 1 && u.columns[0] === field.column);
  return { name: declared?.name ?? `${model.table}_${field.column}_key`, columns: [field.column], unique: true };
}

/** `ALTER TABLE "t" ADD COLUMN <definition>`, then a unique index when the field is unique. */
export function addColumnStatements(model: ModelMeta, field: FieldMeta, definition: string): string[] {
  if (field.primaryKey) throw new ConfigurationError(`Cannot add primary key column ${model.table}.${field.column} to an existing table`, {});
  const fk = model.foreignKeys.find((f) => f.column === field.column);
  const references = fk ? ` CONSTRAINT ${quoteIdentifier(fk.name)} ${referencesClause(fk)}` : '';
  const statements = [`ALTER TABLE ${quoteIdentifier(model.table)} ADD COLUMN ${definition}${references}`];
  if (field.unique) statements.push(createIndexStatement(model.table, uniqueIndexForField(model, field)));
  if (fk) statements.push(createIndexStatement(model.table, { name: fk.indexName, columns: [fk.column], unique: false }));
  return statements;
}

/**
 * `ON CONFLICT ("a") DO UPDATE SET "b" = excluded."b"`. With nothing to update, the first conflict
 * column is set to itself so that the statement still touches (and RETURNING yields) the row.
 */
export function upsertClause(conflictColumns: readonly string[], updateColumns: readonly string[]): string {
  if (conflictColumns.length === 0) throw new ConfigurationError('An upsert needs at least one conflict column', {});
  const targets = updateColumns.length > 0 ? updateColumns : conflictColumns.slice(0, 1);
  const sets = targets.map((c) => `${quoteIdentifier(c)} = excluded.${quoteIdentifier(c)}`).join(', ');
  return `ON CONFLICT (${columnList(conflictColumns)}) DO UPDATE SET ${sets}`;
}
