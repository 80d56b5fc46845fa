import knexFactory, { type Knex } from 'knex';
import { createDialect, dialectForKnexClient } from '../dialects';
import type { Dialect } from '../dialects/dialect';
import { ConfigurationError, ConnectionError } from '../errors';
import { Database } from './database';
import { parseUrl } from '../dialects/parse-url';

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** Connection name models refer to with `@model({ database })`. Default `default`. */
  name?: string;
  /** SQLite driver: `better-sqlite3` (default) or `sqlite3`. */
  driver?: 'better-sqlite3' | 'sqlite3';
  /** PostgreSQL schema to work in (sets search_path). */
  schema?: string;
}

/** The embedded SQLite file used when neither `connect` nor `DATABASE_URL` says otherwise. */
export const DEFAULT_DATABASE_URL = 'sqlite://./regista.sqlite';

const databases = new Map<string, Database>();

/**
 * Connects a database under a name (default `default`). Takes a URL (`sqlite::memory:`,
 * `sqlite://./app.sqlite`, `postgres://user@host/db`) or a knex configuration object.
 *
 * @example
 * const db = connect(process.env.DATABASE_URL ?? 'sqlite://./app.sqlite');
 * connect('postgres://localhost/reports', { name: 'reports' });
 */
export function connect(urlOrConfig: string | Knex.Config, options: ConnectOptions = {}): Database {
  const name = options.name ?? 'default';
  const existing = databases.get(name);
  if (existing && !existing.isClosed) {
    throw new ConfigurationError(`A database named "${name}" is already connected; close it (or disconnectAll()) before connecting another.`, { database: name });
  }
  const { dialect, config } = typeof urlOrConfig === 'string'
    ? fromUrl(urlOrConfig, options)
    : fromKnexConfig(urlOrConfig, options);
  // regista reports connection failures as typed errors itself; knex's console logging of them is noise.
  const quiet: Knex.Config = { ...config, log: { error: () => undefined, ...config.log } };
  const db = new Database(name, dialect, knexFactory(quiet));
  databases.set(name, db);
  return db;
}

/**
 * The database connected under `name`. The `default` database connects itself on first use
 * from `DATABASE_URL`, else the embedded SQLite file `./regista.sqlite`.
 */
export function getDatabase(name = 'default'): Database {
  const db = databases.get(name);
  if (db && !db.isClosed) return db;
  if (name === 'default') return connect(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  throw ConnectionError.unknownDatabase(name);
}

/** Closes every connected database. */
export async function disconnectAll(): Promise<void> {
  const all = [...databases.values()];
  databases.clear();
  await Promise.all(all.map((db) => db.close()));
}

/**
 * Runs `fn` in a transaction of the default database; every regista call inside joins it.
 *
 * @example
 * await transaction(async () => {
 *   const a = await Account.objects.require(1);
 *   a.balance -= 10; await a.save();
 * });
 */
export function transaction<R>(fn: (db: Database) => Promise<R>): Promise<R> {
  return getDatabase('default').transaction(fn);
}

function fromUrl(url: string, options: ConnectOptions): { dialect: Dialect; config: Knex.Config } {
  const parsed = parseUrl(url);
  const dialect = createDialect(parsed.kind, { driver: options.driver });
  return { dialect, config: dialect.knexConfig({ location: parsed.location, driver: options.driver, schema: options.schema }) };
}

function fromKnexConfig(user: Knex.Config, options: ConnectOptions): { dialect: Dialect; config: Knex.Config } {
  const client = typeof user.client === 'string' ? user.client : undefined;
  const dialect = client ? dialectForKnexClient(client) : undefined;
  if (!client || !dialect) {
    throw new ConfigurationError(`Unsupported knex client ${JSON.stringify(user.client)}: use pg, better-sqlite3 or sqlite3.`, { client: String(user.client) });
  }
  const driver = options.driver ?? client;
  const connection = user.connection;
  const location = typeof connection === 'string' ? connection
    : (connection as { filename?: string; connectionString?: string } | undefined)?.filename
      ?? (connection as { connectionString?: string } | undefined)?.connectionString ?? '';
  const base = dialect.knexConfig({ location, driver, schema: options.schema });
  const merged: Knex.Config = { ...base, ...user, pool: { ...base.pool, ...user.pool } };
  if (connection && typeof connection === 'object' && base.connection && typeof base.connection === 'object') {
    merged.connection = { ...(base.connection as object), ...(connection as object) } as Knex.Config['connection'];
  }
  return { dialect, config: merged };
}
