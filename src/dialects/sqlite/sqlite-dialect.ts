import type { Knex } from 'knex';
import type {
  ConnectionTarget, Dialect, DialectCapabilities, Driver, FieldCodec,
} from '../dialect';
import type { FieldMeta } from '../../metadata/field-meta';
import { quoteString, upsertClause } from '../shared-ddl';
import { betterSqlite3Kit } from './better-sqlite3-driver';
import { sqlite3Kit } from './sqlite3-driver';
import type { SqliteDriverKit } from './driver-kit';
import { sqliteCodec, sqliteSelectExpression } from './codecs';
import * as ddl from './ddl';
import { sqliteAlterSql, sqliteConversionSql, sqliteDefaultSql, sqliteRebuildTableSql } from './alter-sql';
import type { CatalogTable } from '../../schema/catalog';
import { sqliteColumnNames, sqliteTableExists } from './introspection';
import { sqliteIntrospect } from './introspect';
import { classifySqliteError } from './classify-error';
import {
  sqliteJsonIsNullSql, sqliteJsonPathSql, sqliteJsonSetSql, sqliteJsonValueParam, sqliteJsonValueSql,
} from './json-sql';
import { ConfigurationError } from '../../errors';

/** SQLite driver packages regista can run on. */
export type SqliteDriverName = 'better-sqlite3' | 'sqlite3';

const KITS: Record<SqliteDriverName, SqliteDriverKit> = {
  'better-sqlite3': betterSqlite3Kit,
  sqlite3: sqlite3Kit,
};

/** Other names of the drivers (knex accepts `sqlite` for sqlite3). */
const ALIASES: Readonly<Record<string, SqliteDriverName>> = { sqlite: 'sqlite3' };

function resolveDriver(name: string): SqliteDriverName | undefined {
  if (Object.hasOwn(KITS, name)) return name as SqliteDriverName;
  return Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined;
}

/** Names accepted by the SqliteDialect constructor; the first is the default. */
export const SQLITE_DRIVERS = Object.keys(KITS) as readonly SqliteDriverName[];

/** Databases that live in memory (or a temporary file): no WAL for them. */
function isMemory(location: string): boolean {
  return location === '' || location === ':memory:' || /^file::memory:|[?&]mode=memory(&|$)/.test(location);
}

const CAPABILITIES: DialectCapabilities = Object.freeze({
  returning: true,
  transactionalDdl: true,
  maxBindParams: 32766,
  addNotNullColumnWithoutDefault: false,
  singleConnection: true,
  comments: false,
  nativeEnums: false,
});

/** SQLite on better-sqlite3 (default) or sqlite3, through one knex connection. */
export class SqliteDialect implements Dialect {
  readonly name = 'sqlite';
  readonly capabilities = CAPABILITIES;
  readonly driver: Driver;
  readonly driverName: SqliteDriverName;
  readonly beginSql = 'BEGIN IMMEDIATE';
  readonly lockingBeginSql = 'BEGIN IMMEDIATE';
  /** Nothing to add: BEGIN IMMEDIATE already serialises writers. */
  readonly rowLockClause = '';
  /** SQLite has no LIMIT ALL; a negative limit means none. */
  readonly unboundedLimit = '-1';
  private readonly kit: SqliteDriverKit;
  private readonly codecs = new WeakMap<FieldMeta, FieldCodec>();

  /** @param driver `better-sqlite3` (default) or `sqlite3` (alias `sqlite`); throws on anything else. */
  constructor(driver: string = 'better-sqlite3') {
    const resolved = resolveDriver(driver);
    if (resolved === undefined) {
      throw new ConfigurationError(`Unknown SQLite driver "${driver}"; use one of: ${SQLITE_DRIVERS.join(', ')}`, {});
    }
    this.driverName = resolved;
    this.kit = KITS[resolved];
    this.driver = this.kit.driver;
  }

  /** One connection (SQLite serialises writers anyway), kept for the life of the pool, with pragmas set. */
  knexConfig(target: ConnectionTarget): Knex.Config {
    if (target.driver !== undefined && resolveDriver(target.driver) !== this.driverName) {
      throw new ConfigurationError(`This SQLite dialect runs on ${this.driverName}, not ${target.driver}`, {});
    }
    // case_sensitive_like: LIKE is case-sensitive as on PostgreSQL (see likeSql).
    const pragmas = ['busy_timeout = 5000', 'foreign_keys = ON', 'case_sensitive_like = ON'];
    if (!isMemory(target.location)) pragmas.push('journal_mode = WAL');
    const kit = this.kit;
    return {
      client: kit.client,
      connection: { filename: target.location },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        idleTimeoutMillis: Number.MAX_SAFE_INTEGER,
        afterCreate: (connection: unknown, done: (error: Error | null) => void) => kit.setUp(connection, pragmas, done),
      },
    };
  }

  quote(identifier: string): string {
    return `\`${identifier.replace(/`/g, '``')}\``;
  }

  placeholder(): string {
    return '?';
  }

  /** A temporary, empty copy of the table's columns. */
  stagingTableSql(quotedTable: string, quotedStage: string, columns: string): string[] {
    return [`DROP TABLE IF EXISTS temp.${quotedStage}`, `CREATE TEMP TABLE ${quotedStage} AS SELECT ${columns} FROM ${quotedTable} WHERE 0`];
  }

  /** The list travels as one JSON array: `IN (SELECT value FROM json_each(?))`. */
  anyOfSql(expression: string, placeholder: string): string {
    return `${expression} IN (SELECT value FROM json_each(${placeholder}))`;
  }

  readonly anyOfValue = JSON.stringify;

  /**
   * LIKE is case-sensitive through the connection's `case_sensitive_like` pragma (knexConfig).
   * The insensitive form compares lower() of both sides: SQLite's built-in lower() folds ASCII
   * letters only, so `É` and `é` stay different.
   */
  likeSql(expression: string, placeholder: string, insensitive: boolean): string {
    return insensitive
      ? `lower(${expression}) LIKE lower(${placeholder}) ESCAPE '\\'`
      : `${expression} LIKE ${placeholder} ESCAPE '\\'`;
  }

  /** json_extract for both forms: strings come out as text, numbers as numbers, booleans as 1/0. */
  readonly jsonPathSql = sqliteJsonPathSql;
  readonly jsonValueSql = sqliteJsonValueSql;
  readonly jsonValueParam = sqliteJsonValueParam;
  readonly jsonIsNullSql = sqliteJsonIsNullSql;
  readonly jsonSetSql = sqliteJsonSetSql;
  readonly selectExpression = sqliteSelectExpression;

  codec(field: FieldMeta): FieldCodec {
    let codec = this.codecs.get(field);
    if (codec === undefined) {
      codec = sqliteCodec(field);
      this.codecs.set(field, codec);
    }
    return codec;
  }

  readonly upsertClause = upsertClause;

  /** Nothing to add: BEGIN IMMEDIATE already takes the write lock. */
  schemaLockSql(): string[] {
    return [];
  }

  readonly createTableSql = ddl.createTableSql;
  readonly addColumnSql = ddl.addColumnSql;
  readonly dropTableSql = ddl.dropTableSql;
  readonly truncateSql = ddl.truncateSql;
  readonly createIndexSql = ddl.createIndexSql;
  readonly tableExists = sqliteTableExists;
  readonly columnNames = sqliteColumnNames;
  readonly introspect = sqliteIntrospect;
  readonly classifyError = classifySqliteError;

  columnType(field: FieldMeta): string {
    return field.primaryKey && field.generated === 'autoincrement' ? 'integer' : ddl.sqliteStorageType(field);
  }

  readonly defaultSql = sqliteDefaultSql;

  /** SQLite keeps no comments (generated scripts carry them as `--` lines). */
  commentSql(): string[] {
    return [];
  }

  readonly alterSql = sqliteAlterSql;

  rebuildTableSql(from: CatalogTable, to: CatalogTable, copy: ReadonlyMap<string, string>): string[] {
    return sqliteRebuildTableSql(from, to, copy);
  }

  /** PRAGMA foreign_keys: a no-op inside a transaction, so the planner runs it around one. */
  foreignKeysSql(enabled: boolean): string[] {
    return [`PRAGMA foreign_keys = ${enabled ? 'ON' : 'OFF'}`];
  }

  foreignKeyCheckSql(table: string): string {
    return `PRAGMA foreign_key_check(${quoteString(table)})`;
  }

  readonly conversionSql = sqliteConversionSql;
}
