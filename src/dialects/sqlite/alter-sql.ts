import type { FieldMeta } from '../../metadata/field-meta';
import type { CatalogColumn, CatalogIndex, CatalogTable } from '../../schema/catalog';
import type { Conversion, SchemaChange } from '../../schema/operations';
import { ConfigurationError } from '../../errors';
import { columnList, defaultClause, quoteIdentifier, quoteString } from '../shared-ddl';
import { baseType, conversion, enumFamily, lossChecks, stringList, typeParameters, type LossCheck, type TypeFamily } from '../shared-alter';
import { isNumberLiteral } from '../shared-introspect';
import { sqliteCodec } from './codecs';
import { normaliseSqliteDefault } from './introspect';
import { parseEnumCheck } from './schema-sql-parser';

/**
 * SQLite schema changes. SQLite alters little in place (ADD/RENAME/DROP COLUMN, indexes); a change
 * of type, nullability, default, enum values (a CHECK), foreign keys or a constrained column is
 * made by the documented 12-step rebuild: new table, copy, drop, rename, indexes, with foreign
 * keys off around the transaction and `PRAGMA foreign_key_check` before commit.
 */

/** A field's constant default as introspection reports it (what regista's DDL writes). */
export function sqliteDefaultSql(field: FieldMeta): string | null {
  const clause = defaultClause(field, sqliteCodec(field));
  return clause === '' ? null : normaliseSqliteDefault(clause.replace(/^ DEFAULT /, ''));
}

/** What a declared type holds (SQLite stores every integer in 64 bits and enforces no length). */
export function sqliteFamily(column: CatalogColumn): TypeFamily {
  const enumType = enumFamily(column);
  if (enumType) return enumType;
  const base = baseType(column.type);
  const [p, s] = typeParameters(column.type);
  if (/^(integer|int|bigint|smallint|tinyint|mediumint|int2|int8|unsigned big int)$/.test(base)) return { family: 'integer', bits: 64 };
  if (/^(real|double|double precision|float)$/.test(base)) return { family: 'float' };
  if (base === 'numeric' || base === 'decimal') return { family: 'decimal', precision: p, scale: s ?? 0 };
  if (/^(varchar|character varying|char|character|nvarchar|nchar|varying character|native character)$/.test(base)) return { family: 'text', length: p };
  if (base === 'text' || base === 'clob' || base === '') return { family: 'text' };
  if (base === 'boolean') return { family: 'boolean' };
  if (base === 'date') return { family: 'date' };
  if (base === 'datetime' || base === 'timestamp') return { family: 'datetime' };
  return { family: 'other', type: column.type };
}

function predicate(check: LossCheck, c: string): string {
  switch (check.check) {
    case 'length': return `length(${c}) > ${check.max}`;
    case 'integerText':
      return `NOT (typeof(${c}) = 'integer' OR (typeof(${c}) = 'real' AND ${c} = CAST(${c} AS INTEGER)) OR (typeof(${c}) = 'text' AND ltrim(trim(${c}), '+-') <> '' AND ltrim(trim(${c}), '+-') NOT GLOB '*[^0-9]*'))`;
    case 'numericText':
      return `NOT (typeof(${c}) IN ('integer', 'real') OR (typeof(${c}) = 'text' AND trim(${c}) GLOB '*[0-9]*' AND trim(${c}) NOT GLOB '*[^0-9.eE+-]*'))`;
    case 'integral': return `CAST(${c} AS REAL) <> CAST(CAST(${c} AS REAL) AS INTEGER)`;
    case 'range': return `CAST(${c} AS NUMERIC) NOT BETWEEN ${check.min} AND ${check.max}`;
    case 'scale': return `round(CAST(${c} AS REAL), ${check.scale}) <> CAST(${c} AS REAL)`;
    case 'values': return `CAST(${c} AS TEXT) NOT IN (${stringList(check.allowed)})`;
    case 'any': return 'TRUE';
  }
}

/** Values keep their bytes through a rebuild (column affinity converts what it can), so the conversion reads the column as is. */
export function sqliteConversionSql(quotedColumn: string, from: CatalogColumn, to: CatalogColumn): Conversion {
  const checks = lossChecks(sqliteFamily(from), sqliteFamily(to));
  return conversion(quotedColumn, checks, (check) => predicate(check, quotedColumn), quotedColumn);
}

/** A default as a column constraint: literals bare, expressions in parentheses (SQLite's rule). */
function defaultSqlOf(expression: string): string {
  const literal = isNumberLiteral(expression) || /^'(?:[^']|'')*'$/.test(expression) || /^(NULL|TRUE|FALSE|CURRENT_TIMESTAMP|CURRENT_DATE|CURRENT_TIME)$/i.test(expression);
  return literal ? expression : `(${expression})`;
}

/** The name regista gives the CHECK of an enum column. */
function enumCheckName(table: string, column: string): string {
  return `${table}_${column}_check`;
}

/** One column of CREATE TABLE or ADD COLUMN, from the catalog. */
function columnSql(table: string, column: CatalogColumn): string {
  const parts = [quoteIdentifier(column.name)];
  if (column.type !== '') parts.push(column.type.toUpperCase());
  if (column.autoincrement) parts.push('PRIMARY KEY AUTOINCREMENT');
  if (!column.nullable) parts.push('NOT NULL');
  if (column.generated !== undefined) parts.push(`GENERATED ALWAYS AS (${column.generated})`);
  else if (column.default !== null) parts.push(`DEFAULT ${defaultSqlOf(column.default)}`);
  if (column.enumValues !== undefined) {
    parts.push(`CONSTRAINT ${quoteIdentifier(enumCheckName(table, column.name))} CHECK (${quoteIdentifier(column.name)} IN (${stringList(column.enumValues)}))`);
  }
  return parts.join(' ');
}

/** Whether a CHECK of the catalog is the enum CHECK of one of the table's enum columns (written with the column). */
function isEnumCheck(table: CatalogTable, check: { name?: string; expression: string }): boolean {
  const parsed = parseEnumCheck(check.expression);
  return table.columns.some((c) => c.enumValues !== undefined
    && (check.name === enumCheckName(table.name, c.name) || (parsed !== undefined && parsed.column.toLowerCase() === c.name.toLowerCase())));
}

function constraintName(name: string | undefined): string {
  return name === undefined ? '' : `CONSTRAINT ${quoteIdentifier(name)} `;
}

/** CREATE TABLE `name` with the columns and constraints of a catalog table (its indexes apart). */
export function createTableFromCatalog(name: string, table: CatalogTable): string {
  const parts = table.columns.map((c) => columnSql(table.name, c));
  const key = table.primaryKey;
  if (key !== null && !table.columns.some((c) => c.autoincrement && key.columns.includes(c.name))) {
    parts.push(`${constraintName(key.name)}PRIMARY KEY (${columnList(key.columns)})`);
  }
  for (const unique of table.uniques) parts.push(`${constraintName(unique.name)}UNIQUE (${columnList(unique.columns)})`);
  for (const fk of table.foreignKeys) {
    parts.push(`${constraintName(fk.name)}FOREIGN KEY (${columnList(fk.columns)}) REFERENCES ${quoteIdentifier(fk.referencedTable)} (${columnList(fk.referencedColumns)}) ON DELETE ${fk.onDelete.toUpperCase()}`);
  }
  for (const check of table.checks) {
    if (!isEnumCheck(table, check)) parts.push(`${constraintName(check.name)}CHECK (${check.expression})`);
  }
  return `CREATE TABLE ${quoteIdentifier(name)} (${parts.join(', ')})`;
}

/** CREATE [UNIQUE] INDEX for a catalog index; keys that are not columns of the table are expressions. */
function createIndexFromCatalog(table: CatalogTable, index: CatalogIndex): string {
  const columns = new Set(table.columns.map((c) => c.name));
  const keys = index.columns.map((k) => (columns.has(k) ? quoteIdentifier(k) : k)).join(', ');
  const where = index.where !== undefined ? ` WHERE ${index.where}` : '';
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdentifier(index.name)} ON ${quoteIdentifier(table.name)} (${keys})${where}`;
}

/** In-place SQL of a change, or `rebuild`. */
export function sqliteAlterSql(change: SchemaChange): string[] | 'rebuild' {
  switch (change.kind) {
    case 'RenameColumn':
      return [`ALTER TABLE ${quoteIdentifier(change.table)} RENAME COLUMN ${quoteIdentifier(change.from)} TO ${quoteIdentifier(change.column)}`];
    case 'AddColumn': {
      const c = change.definition;
      // ADD COLUMN cannot add a key, nor NOT NULL without a default (even to an empty table).
      if (c.autoincrement || (!c.nullable && c.default === null) || c.generated !== undefined) return 'rebuild';
      return [`ALTER TABLE ${quoteIdentifier(change.table)} ADD COLUMN ${columnSql(change.table, c)}`];
    }
    case 'AddUnique':
      return [`CREATE UNIQUE INDEX ${quoteIdentifier(change.unique.name)} ON ${quoteIdentifier(change.table)} (${columnList(change.unique.columns)})`];
    case 'DropUnique':
      return change.index ? [`DROP INDEX ${quoteIdentifier(change.unique.name)}`] : 'rebuild';
    case 'AddIndex':
      return [`CREATE ${change.index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdentifier(change.index.name)} ON ${quoteIdentifier(change.table)} (${columnList(change.index.columns)})`];
    case 'DropIndex':
      return [`DROP INDEX ${quoteIdentifier(change.index.name)}`];
    case 'DropColumn':
      return change.constrained ? 'rebuild' : [`ALTER TABLE ${quoteIdentifier(change.table)} DROP COLUMN ${quoteIdentifier(change.column)}`];
    case 'DropTable':
      return [`DROP TABLE ${quoteIdentifier(change.table)}`];
    case 'SetComment':
    case 'CreateEnum':
    case 'DropEnum':
      return [];
    case 'CreateTable':
    case 'RebuildTable':
      throw new ConfigurationError(`${change.kind} has no in-place SQL; the planner writes it`, { table: change.table });
    default:
      return 'rebuild';
  }
}

/** Name of the table a rebuild fills before it takes the original's name. */
function rebuildName(table: string): string {
  return `${table}__regista_rebuild`;
}

/**
 * The 12-step rebuild (https://www.sqlite.org/lang_altertable.html#otheralter), steps 4-8: create
 * the new table, copy the rows, carry the AUTOINCREMENT counter over, drop the old table, rename
 * the new one, recreate the indexes. Steps 1-2 and 10-12 (foreign keys off, transaction,
 * foreign_key_check) are the planner's.
 */
export function sqliteRebuildTableSql(from: CatalogTable, to: CatalogTable, copy: ReadonlyMap<string, string>): string[] {
  const table = quoteIdentifier(to.name);
  const temp = rebuildName(to.name);
  const targets = [...copy.keys()];
  const statements = [createTableFromCatalog(temp, to)];
  if (targets.length > 0) {
    statements.push(`INSERT INTO ${quoteIdentifier(temp)} (${columnList(targets)}) SELECT ${targets.map((t) => copy.get(t)!).join(', ')} FROM ${quoteIdentifier(from.name)}`);
  }
  if (from.columns.some((c) => c.autoincrement) && to.columns.some((c) => c.autoincrement)) {
    statements.push(
      `DELETE FROM sqlite_sequence WHERE name = ${quoteString(temp)}`,
      `INSERT INTO sqlite_sequence (name, seq) SELECT ${quoteString(temp)}, seq FROM sqlite_sequence WHERE name = ${quoteString(from.name)}`,
    );
  }
  statements.push(`DROP TABLE ${quoteIdentifier(from.name)}`, `ALTER TABLE ${quoteIdentifier(temp)} RENAME TO ${table}`);
  for (const index of to.indexes) statements.push(createIndexFromCatalog(to, index));
  return statements;
}
