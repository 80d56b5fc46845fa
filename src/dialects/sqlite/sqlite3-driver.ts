import type { Driver, QueryResult } from '../dialect';
import { STATEMENT_CACHE_LIMIT, StatementCache } from '../statement-cache';
import type { SqliteDriverKit } from './driver-kit';

/**
 * sqlite3 (node-sqlite3, an optional peer dependency): callback API, work done on libuv threads.
 * Only the shapes used here are declared, so regista's types never depend on the package.
 *
 * Cached statements roughly halve the time of a small query on this driver (measured: 55 µs -> 24 µs
 * for a get by key), but node-sqlite3 refuses to close a database with unfinalized statements
 * (SQLITE_BUSY). So the first time a connection is used, its `close` is wrapped to finalize the
 * cached statements before closing; knex's pool closes connections through that method.
 */

type Callback = (error: Error | null) => void;

interface Sqlite3Statement {
  all(params: readonly unknown[], callback: (error: Error | null, rows: Record<string, unknown>[]) => void): unknown;
  run(params: readonly unknown[], callback: (this: { changes: number }, error: Error | null) => void): unknown;
  reset(callback?: Callback): unknown;
  finalize(callback?: Callback): unknown;
}

interface Sqlite3Database {
  prepare(sql: string, callback: Callback): Sqlite3Statement;
  exec(sql: string, callback: Callback): unknown;
  close(callback?: Callback): void;
}

function finalize(statement: Sqlite3Statement): Promise<void> {
  return new Promise((resolve) => statement.finalize(() => resolve()));
}

/** Finalizes every cached statement of a connection before the real close runs. */
function hookClose(connection: object, entries: Map<string, Promise<Sqlite3Statement>>): void {
  const db = connection as Sqlite3Database;
  const close = db.close.bind(db);
  db.close = (callback?: Callback) => {
    const pending = [...entries.values()];
    entries.clear();
    void Promise.allSettled(pending.map((p) => p.then(finalize))).then(() => close(callback));
  };
}

const statements = new StatementCache<Promise<Sqlite3Statement>>(
  STATEMENT_CACHE_LIMIT,
  (_connection, _sql, entry) => void entry.then(finalize, () => undefined),
  hookClose,
);

function prepare(db: Sqlite3Database, sql: string): Promise<Sqlite3Statement> {
  let prepared = statements.get(db, sql);
  if (prepared === undefined) {
    prepared = new Promise<Sqlite3Statement>((resolve, reject) => {
      const statement = db.prepare(sql, (error) => (error ? reject(error) : resolve(statement)));
    });
    statements.set(db, sql, prepared);
    prepared.catch(() => statements.delete(db, sql));
  }
  return prepared;
}

/** Runs one statement: `all` when rows are expected, else `run` then `reset` (rowCount = `this.changes`). */
export const sqlite3Driver: Driver = {
  async execute(connection: unknown, sql: string, bindings: readonly unknown[], expectRows: boolean): Promise<QueryResult> {
    const statement = await prepare(connection as Sqlite3Database, sql);
    return new Promise((resolve, reject) => {
      if (expectRows) {
        statement.all(bindings, (error, rows) => (error ? reject(error) : resolve({ rows, rowCount: rows.length })));
      } else {
        // `run` steps once and leaves a row-returning statement open (it would hold its read lock
        // and block DROP TABLE); the reset queued behind it closes it before we resolve.
        let rowCount = 0;
        statement.run(bindings, function (error) {
          if (error) reject(error);
          else rowCount = this.changes;
        });
        statement.reset(() => resolve({ rows: [], rowCount }));
      }
    });
  },
};

/** Applies the connection pragmas in one `exec` call. */
function setUp(connection: unknown, pragmas: readonly string[], done: (error: Error | null) => void): void {
  const sql = pragmas.map((p) => `PRAGMA ${p}`).join('; ');
  (connection as Sqlite3Database).exec(sql, (error) => done(error ?? null));
}

/** The sqlite3 knex client, driver and connection set-up. */
export const sqlite3Kit: SqliteDriverKit = { client: 'sqlite3', driver: sqlite3Driver, setUp };
