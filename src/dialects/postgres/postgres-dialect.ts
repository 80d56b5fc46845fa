import type { Knex } from 'knex';
import type {
  ConnectionTarget, Dialect, DialectCapabilities, Driver,
} from '../dialect';
import type { FieldMeta } from '../../metadata/field-meta';
import { quoteIdentifier, quoteString, upsertClause } from '../shared-ddl';
import { pgDriver } from './pg-driver';
import { getTypeParser } from './type-parsers';
import { postgresCodec } from './codecs';
import * as ddl from './ddl';
import { postgresAlterSql, postgresConversionSql, postgresDefaultSql } from './alter-sql';
import { postgresColumnNames, postgresTableExists } from './introspection';
import { postgresIntrospect } from './introspect';
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

  readonly quote = quoteIdentifier;

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
  readonly jsonPathSql = pgJsonPathSql;
  readonly jsonValueSql = pgJsonValueSql;
  readonly jsonValueParam = pgJsonValueParam;
  readonly jsonIsNullSql = pgJsonIsNullSql;
  readonly jsonSetSql = pgJsonSetSql;

  selectExpression(_field: FieldMeta, quotedColumn: string): string {
    return quotedColumn;
  }

  readonly codec = postgresCodec;
  readonly upsertClause = upsertClause;

  /** A transaction-scoped advisory lock on the key's hash, released at COMMIT/ROLLBACK. */
  schemaLockSql(key: string): string[] {
    return [`SELECT pg_advisory_xact_lock(hashtext(${quoteString(key)}))`];
  }

  readonly createTableSql = ddl.createTableSql;
  readonly addColumnSql = ddl.addColumnSql;
  readonly dropTableSql = ddl.dropTableSql;
  readonly truncateSql = ddl.truncateSql;
  readonly createIndexSql = ddl.createIndexSql;
  readonly tableExists = postgresTableExists;
  readonly columnNames = postgresColumnNames;
  readonly introspect = postgresIntrospect;
  readonly classifyError = classifyPostgresError;
  readonly columnType = ddl.postgresStorageType;
  readonly defaultSql = postgresDefaultSql;
  readonly commentSql = ddl.commentSql;
  readonly alterSql = postgresAlterSql;

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

  readonly conversionSql = postgresConversionSql;
}
