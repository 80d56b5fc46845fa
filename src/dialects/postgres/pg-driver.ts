import type { Client, QueryConfig, QueryResult as PgResult } from 'pg';
import type { Driver, QueryResult } from '../dialect';
import { STATEMENT_CACHE_LIMIT, StatementCache } from '../statement-cache';
import { copyIn } from './copy-in';

/**
 * pg: `client.query({ text, values })` on the raw `pg.Client` knex's pool hands out.
 *
 * A statement seen a second time on a connection becomes a named (server-side prepared)
 * statement: later runs skip parsing and planning. One-off statements (DDL, ad-hoc queries)
 * stay unnamed so they leave nothing behind on the server. Names are never reused for other
 * text (a process-wide counter), and an evicted name is DEALLOCATEd.
 */

/** `null`: seen once, not yet prepared; a string: the prepared statement's name. */
type Entry = string | null;

let counter = 0;

/** SQLSTATEs after which a prepared statement must be prepared again under a new name. */
const STALE_STATEMENT = new Set([
  '0A000', // cached plan must not change result type (a column type changed under it)
  '26000', // prepared statement does not exist (DISCARD ALL / DEALLOCATE ran on the connection)
]);

/** Frees a prepared statement on the server; queued behind the connection's pending queries, errors ignored. */
function deallocate(client: Client, name: string): void {
  client.query(`DEALLOCATE "${name}"`).catch(() => undefined);
}

const names = new StatementCache<Entry>(STATEMENT_CACHE_LIMIT, (connection, _sql, name) => {
  if (name !== null) deallocate(connection as Client, name);
});

/**
 * Bumped when a schema change may have changed what prepared statements return (a column's type):
 * each connection then drops its prepared statements before its next query.
 */
let generation = 0;
const generationOf = new WeakMap<object, number>();

function queryConfig(client: Client, sql: string, values: unknown[]): QueryConfig {
  if ((generationOf.get(client) ?? 0) !== generation) {
    generationOf.set(client, generation);
    names.clear(client);
    client.query('DEALLOCATE ALL').catch(() => undefined);
  }
  const name = names.get(client, sql);
  if (name === undefined) {
    names.set(client, sql, null);
    return { text: sql, values };
  }
  if (name === null) {
    const fresh = `regista_${++counter}`;
    names.set(client, sql, fresh);
    return { name: fresh, text: sql, values };
  }
  return { name, text: sql, values };
}

/** Runs one statement; rowCount is pg's (rows affected or returned; 0 for DDL, where pg says null). */
export const pgDriver: Driver = {
  async execute(connection: unknown, sql: string, bindings: readonly unknown[]): Promise<QueryResult> {
    const client = connection as Client;
    const config = queryConfig(client, sql, bindings as unknown[]);
    let result: PgResult;
    try {
      result = await client.query(config);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (config.name !== undefined && typeof code === 'string' && STALE_STATEMENT.has(code)) {
        names.delete(client, sql);
        if (code === '0A000') deallocate(client, config.name);
      }
      throw error;
    }
    return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
  },
  copyIn,
  forgetPreparedStatements() {
    generation++;
  },
};
