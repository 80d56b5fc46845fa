import type { Knex } from 'knex';
import type {
  ConnectionTarget, Dialect, DialectCapabilities, Driver, ErrorClassification, FieldCodec, Run,
} from '../dialect';
import type { FieldMeta } from '../../metadata/field-meta';
import type { ModelMeta } from '../../metadata/model-meta';
import { quoteIdentifier, quoteString, upsertClause, type IndexSpec } from '../shared-ddl';
import { pgDriver } from './pg-driver';
import { getTypeParser } from './type-parsers';
import { postgresCodec } from './codecs';
import * as ddl from './ddl';
import { postgresAlterSql, postgresConversionSql, postgresDefaultSql } from './alter-sql';
import type { CatalogColumn } from '../../schema/catalog';
import type { Conversion, SchemaChange } from '../../schema/operations';
import { postgresColumnNames, postgresTableExists } from './introspection';
import { postgresIntrospect } from './introspect';
import type { Catalog } from '../../schema/catalog';
import { classifyPostgresError } from './classify-error';
import { pgJsonIsNullSql, pgJsonPathSql, pgJsonSetSql, pgJsonValueParam, pgJsonValueSql } from './json-sql';
import { ConfigurationError } from '../../errors';

/** PostgreSQL driver packages regista can run on. */
export type PostgresDriverName = 'pg';

/** Names accepted by the PostgresDialect constructor; the first is the default. */
export const POSTGRES_DRIVERS: readonly PostgresDriverName[] = ['pg'];

/** Driver names that all mean pg (knex's client aliases included). */
const PG_NAMES = new Set(['pg', 'postgres', 'postgresql']);

const CAPABILITIES: DialectCapabilities = Object.freeze({
  returning: true,
  transactionalDdl: true,
  maxBindParams: 65535,
  addNotNullColumnWithoutDefault: true,
  singleConnection: false,
  comments: true,
  nativeEnums: true,
});

/** PostgreSQL on pg, with regista's type parsers and an optional schema (search_path). */
export class PostgresDialect implements Dialect {
  readonly name = 'postgres';
  readonly capabilities = CAPABILITIES;
  readonly driver: Driver = pgDriver;
  readonly beginSql = 'BEGIN';
  readonly lockingBeginSql = 'BEGIN ISOLATION LEVEL READ COMMITTED';
  readonly rowLockClause = ' FOR UPDATE';
  readonly unboundedLimit = 'ALL';
  readonly driverName: PostgresDriverName = 'pg';

  /** @param driver `pg` (aliases `postgres`, `postgresql`); throws on anything else. */
  constructor(driver: string = 'pg') {
    if (!PG_NAMES.has(driver)) {
      throw new ConfigurationError(`Unknown PostgreSQL driver "${driver}"; use one of: ${POSTGRES_DRIVERS.join(', ')}`, {});
    }
  }

  /** Pool of up to 10 pg clients; `types` installs the parsers on each client only. */
  knexConfig(target: ConnectionTarget): Knex.Config {
    if (target.driver !== undefined && !PG_NAMES.has(target.driver)) {
      throw new ConfigurationError(`This PostgreSQL dialect runs on ${this.driverName}, not ${target.driver}`, {});
    }
    const config: Knex.Config = {
      client: 'pg',
      connection: { connectionString: target.location, types: { getTypeParser } },
      pool: { min: 0, max: 10 },
    };
    if (target.schema !== undefined) config.searchPath = [target.schema];
    return config;
  }

  quote(identifier: string): string {
    return quoteIdentifier(identifier);
  }

  placeholder(index: number): string {
    return `$${index}`;
  }

  /** A temporary copy of the table's shape, dropped at commit; recreated for every chunk. */
  stagingTableSql(quotedTable: string, quotedStage: string, columns: string): string[] {
    return [`DROP TABLE IF EXISTS ${quotedStage}`, `CREATE TEMP TABLE ${quotedStage} ON COMMIT DROP AS SELECT ${columns} FROM ${quotedTable} WITH NO DATA`];
  }

  /** The list travels as one array parameter: `= ANY($1)`. */
  anyOfSql(expression: string, placeholder: string): string {
    return `${expression} = ANY(${placeholder})`;
  }

  anyOfValue(values: readonly unknown[]): unknown {
    return values;
  }

  /** LIKE / ILIKE with `\` as the escape character (standard_conforming_strings, the default). */
  likeSql(expression: string, placeholder: string, insensitive: boolean): string {
    // ::text so that uuid and enum columns match patterns too (a no-op on text).
    return `(${expression})::text ${insensitive ? 'ILIKE' : 'LIKE'} ${placeholder} ESCAPE '\\'`;
  }

  /** `(col #> '{"a","b"}')` (jsonb) or `(col #>> '{"a","b"}')` (text). */
  jsonPathSql(quotedColumn: string, segments: readonly string[], as: 'value' | 'text'): string {
    return pgJsonPathSql(quotedColumn, segments, as);
  }

  jsonValueSql(placeholder: string): string {
    return pgJsonValueSql(placeholder);
  }

  jsonValueParam(value: unknown): unknown {
    return pgJsonValueParam(value);
  }

  jsonIsNullSql(quotedColumn: string, segments: readonly string[]): string {
    return pgJsonIsNullSql(quotedColumn, segments);
  }

  jsonSetSql(quotedColumn: string, sets: ReadonlyArray<{ segments: readonly string[]; valueSql: string }>): string {
    return pgJsonSetSql(quotedColumn, sets);
  }

  selectExpression(_field: FieldMeta, quotedColumn: string): string {
    return quotedColumn;
  }

  codec(field: FieldMeta): FieldCodec {
    return postgresCodec(field);
  }

  upsertClause(conflictColumns: readonly string[], updateColumns: readonly string[]): string {
    return upsertClause(conflictColumns, updateColumns);
  }

  /** A transaction-scoped advisory lock on the key's hash, released at COMMIT/ROLLBACK. */
  schemaLockSql(key: string): string[] {
    return [`SELECT pg_advisory_xact_lock(hashtext(${quoteString(key)}))`];
  }

  createTableSql(model: ModelMeta): string[] {
    return ddl.createTableSql(model);
  }

  addColumnSql(model: ModelMeta, field: FieldMeta): string[] {
    return ddl.addColumnSql(model, field);
  }

  dropTableSql(model: ModelMeta): string[] {
    return ddl.dropTableSql(model);
  }

  truncateSql(model: ModelMeta): string[] {
    return ddl.truncateSql(model);
  }

  createIndexSql(model: ModelMeta, index: IndexSpec): string[] {
    return ddl.createIndexSql(model, index);
  }

  tableExists(run: Run, table: string): Promise<boolean> {
    return postgresTableExists(run, table);
  }

  columnNames(run: Run, table: string): Promise<string[]> {
    return postgresColumnNames(run, table);
  }

  introspect(run: Run): Promise<Catalog> {
    return postgresIntrospect(run);
  }

  classifyError(error: unknown): ErrorClassification {
    return classifyPostgresError(error);
  }

  columnType(field: FieldMeta, table: string): string {
    return ddl.postgresStorageType(field, table);
  }

  defaultSql(field: FieldMeta, table: string): string | null {
    return postgresDefaultSql(field, table);
  }

  commentSql(table: string, column: string | null, comment: string | null): string[] {
    return ddl.commentSql(table, column, comment);
  }

  alterSql(change: SchemaChange): string[] {
    return postgresAlterSql(change);
  }

  /** Never needed: PostgreSQL alters everything in place. */
  rebuildTableSql(): string[] {
    throw new ConfigurationError('PostgreSQL alters tables in place; it has no table rebuild', {});
  }

  /** Foreign keys stay on: nothing is rebuilt. */
  foreignKeysSql(): string[] {
    return [];
  }

  foreignKeyCheckSql(): null {
    return null;
  }

  conversionSql(quotedColumn: string, from: CatalogColumn, to: CatalogColumn): Conversion {
    return postgresConversionSql(quotedColumn, from, to);
  }
}
