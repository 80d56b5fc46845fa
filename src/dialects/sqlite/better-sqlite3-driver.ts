import type { Database, Statement } from 'better-sqlite3';
import type { Driver, QueryResult } from '../dialect';
import { STATEMENT_CACHE_LIMIT, StatementCache } from '../statement-cache';
import type { SqliteDriverKit } from './driver-kit';

/**
 * better-sqlite3: synchronous, so a statement runs to completion inside `execute`. Prepared
 * statements are cached per connection; better-sqlite3 finalizes them itself on close.
 */

const statements = new StatementCache<Statement<unknown[]>>(STATEMENT_CACHE_LIMIT);

/** Runs one statement; `stmt.reader` (SELECT, or a write with RETURNING) decides all() versus run(). */
export const betterSqlite3Driver: Driver = {
  async execute(connection: unknown, sql: string, bindings: readonly unknown[]): Promise<QueryResult> {
    return executeSync(connection, sql, bindings);
  },
  executeSync,
};

/** better-sqlite3 is synchronous: the statement runs to completion here, with no promise at all. */
function executeSync(connection: unknown, sql: string, bindings: readonly unknown[]): QueryResult {
    const db = connection as Database;
    let statement = statements.get(db, sql);
    if (statement === undefined) {
      statement = db.prepare<unknown[]>(sql);
      statements.set(db, sql, statement);
    }
    if (statement.reader) {
      const rows = statement.all(bindings) as Record<string, unknown>[];
      return { rows, rowCount: rows.length };
    }
    return { rows: [], rowCount: statement.run(bindings).changes };
}

/** Applies the connection pragmas through better-sqlite3's own `pragma()` API. */
function setUp(connection: unknown, pragmas: readonly string[], done: (error: Error | null) => void): void {
  try {
    const db = connection as Database;
    for (const pragma of pragmas) db.pragma(pragma);
    done(null);
  } catch (error) {
    done(error as Error);
  }
}

/** The better-sqlite3 knex client, driver and connection set-up. */
export const betterSqlite3Kit: SqliteDriverKit = { client: 'better-sqlite3', driver: betterSqlite3Driver, setUp };
