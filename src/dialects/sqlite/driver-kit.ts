import type { Driver } from '../dialect';

/** What SqliteDialect needs from one SQLite driver: the knex client name, the fast path and the set-up. */
export interface SqliteDriverKit {
  /** knex `client` name, also the npm package knex loads. */
  readonly client: string;
  readonly driver: Driver;
  /** Runs `PRAGMA <p>` for each entry on a fresh raw connection, then calls `done` (knex's afterCreate). */
  setUp(connection: unknown, pragmas: readonly string[], done: (error: Error | null) => void): void;
}
