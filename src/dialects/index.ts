import type { Dialect } from './dialect';
import { SqliteDialect, SQLITE_DRIVERS } from './sqlite';
import { PostgresDialect, POSTGRES_DRIVERS } from './postgres';
import { ConfigurationError } from '../errors';

/**
 * The dialect registry: every question of the form "which database is this?" is a look-up in
 * one of the tables below, never an if-chain on database names elsewhere.
 */

export type {
  Dialect, DialectCapabilities, Driver, FieldCodec, ErrorClassification, QueryResult, Run, ConnectionTarget,
} from './dialect';
export { SqliteDialect, SQLITE_DRIVERS, type SqliteDriverName } from './sqlite';
export { PostgresDialect, POSTGRES_DRIVERS, type PostgresDriverName } from './postgres';

/** The databases regista supports. */
export type DialectKind = 'sqlite' | 'postgres';

/** Options of {@link createDialect}. */
export interface DialectOptions {
  /** Driver package where a database has several; the first of {@link DIALECT_DRIVERS} by default. */
  driver?: string;
}

const FACTORIES: Record<DialectKind, (driver: string | undefined) => Dialect> = {
  sqlite: (driver) => new SqliteDialect(driver),
  postgres: (driver) => new PostgresDialect(driver),
};

/** Driver packages accepted per database, default first (validate options against it). */
export const DIALECT_DRIVERS: Readonly<Record<DialectKind, readonly string[]>> = {
  sqlite: SQLITE_DRIVERS,
  postgres: POSTGRES_DRIVERS,
};

/** URL schemes (without the colon, lower case) and the database they name. */
const KIND_BY_SCHEME: ReadonlyMap<string, DialectKind> = new Map([
  ['sqlite', 'sqlite'],
  ['sqlite3', 'sqlite'],
  ['postgres', 'postgres'],
  ['postgresql', 'postgres'],
]);

/** knex client names and the database and driver they stand for. */
const DIALECT_BY_KNEX_CLIENT: ReadonlyMap<string, { kind: DialectKind; driver: string }> = new Map([
  ['better-sqlite3', { kind: 'sqlite', driver: 'better-sqlite3' }],
  ['sqlite3', { kind: 'sqlite', driver: 'sqlite3' }],
  ['sqlite', { kind: 'sqlite', driver: 'sqlite3' }],
  ['pg', { kind: 'postgres', driver: 'pg' }],
  ['postgres', { kind: 'postgres', driver: 'pg' }],
  ['postgresql', { kind: 'postgres', driver: 'pg' }],
]);

/** A dialect for a database; throws (plain Error) for an unknown kind or driver. */
export function createDialect(kind: DialectKind, options?: DialectOptions): Dialect {
  const factory = Object.hasOwn(FACTORIES, kind) ? FACTORIES[kind] : undefined;
  if (factory === undefined) {
    throw new ConfigurationError(`Unknown database "${String(kind)}"; use one of: ${Object.keys(FACTORIES).join(', ')}`, {});
  }
  return factory(options?.driver);
}

/** The database a URL scheme names (`postgres:`, `postgresql`, `sqlite`...), or undefined. */
export function dialectKindForScheme(scheme: string): DialectKind | undefined {
  return KIND_BY_SCHEME.get(scheme.toLowerCase().replace(/:$/, ''));
}

/** A dialect matching a knex client name (`pg`, `better-sqlite3`, `sqlite3`...), or undefined. */
export function dialectForKnexClient(client: string): Dialect | undefined {
  const entry = DIALECT_BY_KNEX_CLIENT.get(client.toLowerCase());
  return entry === undefined ? undefined : createDialect(entry.kind, { driver: entry.driver });
}
