import type { FieldMeta, FieldType } from '../../metadata/field-meta';
import type { ModelMeta } from '../../metadata/model-meta';
import {
  addColumnStatements, columnDefinition, createIndexStatement, createIndexStatements, createTableStatement,
  quoteIdentifier, quoteString, type IndexSpec,
} from '../shared-ddl';
import { sqliteCodec } from './codecs';

/**
 * SQLite DDL. Types are chosen for their affinity: JSON and uuid are TEXT (NUMERIC affinity
 * would turn `123` or `1e5` JSON documents into numbers), enums are TEXT with a CHECK.
 */

const TYPES: Record<FieldType, (field: FieldMeta) => string> = {
  integer: () => 'INTEGER',
  bigint: () => 'BIGINT',
  float: () => 'REAL',
  decimal: (f) => (f.precision !== undefined ? `NUMERIC(${f.precision},${f.scale ?? 0})` : 'NUMERIC'),
  text: () => 'TEXT',
  varchar: (f) => `VARCHAR(${f.length ?? 255})`,
  boolean: () => 'BOOLEAN',
  date: () => 'DATE',
  datetime: () => 'DATETIME',
  json: () => 'TEXT',
  uuid: () => 'TEXT',
  enum: () => 'TEXT',
};

/** The column's declared type, lower case, as introspection reports it (schema/catalog.ts). */
export function sqliteStorageType(field: FieldMeta): string {
  return TYPES[field.type](field).toLowerCase();
}

/** An autoincrement key must be exactly `INTEGER PRIMARY KEY` (the rowid alias), declared inline. */
function isInlineKey(field: FieldMeta): boolean {
  return field.primaryKey && field.generated === 'autoincrement';
}

/** ` CONSTRAINT "<table>_<col>_check" CHECK ("col" IN ('a', 'b'))` for enums (named so errors can report it). */
function enumCheck(table: string, field: FieldMeta): string {
  if (field.type !== 'enum') return '';
  const column = quoteIdentifier(field.column);
  const values = (field.enumValues ?? []).map(quoteString).join(', ');
  return ` CONSTRAINT ${quoteIdentifier(`${table}_${field.column}_check`)} CHECK (${column} IN (${values}))`;
}

function column(table: string, field: FieldMeta): string {
  const type = isInlineKey(field) ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : TYPES[field.type](field);
  return columnDefinition(field, type, sqliteCodec(field), enumCheck(table, field));
}

/** CREATE TABLE with inline unique constraints, then its indexes. */
export function createTableSql(model: ModelMeta): string[] {
  const columns = model.fields.map((f) => column(model.table, f));
  return [createTableStatement(model, columns, isInlineKey(model.primaryKey)), ...createIndexStatements(model)];
}

/** ADD COLUMN; a unique field gets a separate unique index (SQLite cannot add UNIQUE columns). */
export function addColumnSql(model: ModelMeta, field: FieldMeta): string[] {
  return addColumnStatements(model, field, column(model.table, field));
}

/** DROP TABLE IF EXISTS (its indexes go with it). */
export function dropTableSql(model: ModelMeta): string[] {
  return [`DROP TABLE IF EXISTS ${quoteIdentifier(model.table)}`];
}

/** Deletes every row; resets the AUTOINCREMENT counter when the key has one. */
export function truncateSql(model: ModelMeta): string[] {
  const statements = [`DELETE FROM ${quoteIdentifier(model.table)}`];
  if (isInlineKey(model.primaryKey)) {
    statements.push(`DELETE FROM sqlite_sequence WHERE name = ${quoteString(model.table)}`);
  }
  return statements;
}

/** CREATE [UNIQUE] INDEX IF NOT EXISTS for one index. */
export function createIndexSql(model: ModelMeta, index: IndexSpec): string[] {
  return [createIndexStatement(model.table, index)];
}
