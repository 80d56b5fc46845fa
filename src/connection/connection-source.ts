import type { Knex } from 'knex';

/** Where a Database gets raw driver connections from. */
export interface ConnectionSource {
  /** A connection without waiting, when one is free at once (the fast path); else undefined. */
  tryAcquire(): unknown;
  acquire(): Promise<unknown>;
  release(connection: unknown): void;
  /** Gives everything back before the knex pool is destroyed. */
  close(): Promise<void>;
}

interface KnexClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void>;
}

/** knex's pool (tarn), as is: for server databases with many connections. */
export function poolSource(knex: Knex): ConnectionSource {
  const client = knex.client as KnexClient;
  return {
    tryAcquire: () => undefined,
    acquire: () => client.acquireConnection(),
    release: (connection) => void client.releaseConnection(connection),
    close: async () => undefined,
  };
}

/**
 * One connection held for the life of the database and lent out through a FIFO mutex. knex's own
 * acquire/release are routed through the same mutex, so `db.knex` queries and transactions
 * interleave correctly with regista's. Taking a free connection costs no promise at all.
 */
export function singleConnectionSource(knex: Knex, transactionConnection: () => unknown): ConnectionSource {
  const client = knex.client as KnexClient;
  const openFromPool = client.acquireConnection.bind(client);
  const releaseToPool = client.releaseConnection.bind(client);
  let connection: unknown;
  let opening: Promise<unknown> | undefined;
  let held = false;
  let borrowedByTransaction = 0;
  const waiters: Array<(c: unknown) => void> = [];

  const source: ConnectionSource = {
    tryAcquire() {
      if (held || connection === undefined) return undefined;
      held = true;
      return connection;
    },
    async acquire() {
      if (connection === undefined) {
        opening ??= openFromPool().then((c) => (connection = c), (error) => { opening = undefined; throw error; });
        await opening;
      }
      const free = source.tryAcquire();
      if (free !== undefined) return free;
      return new Promise<unknown>((resolve) => waiters.push(resolve));
    },
    release() {
      const next = waiters.shift();
      if (next) next(connection);
      else held = false;
    },
    async close() {
      if (connection !== undefined) await releaseToPool(connection);
      connection = undefined;
    },
  };
  // knex queries made inside a regista transaction use its connection (waiting for the mutex the
  // transaction holds would never end); their release must not free the transaction's hold.
  client.acquireConnection = () => {
    const inTransaction = transactionConnection();
    if (inTransaction === undefined) return source.acquire();
    borrowedByTransaction++;
    return Promise.resolve(inTransaction);
  };
  client.releaseConnection = async (c) => {
    if (borrowedByTransaction > 0 && c === transactionConnection()) borrowedByTransaction--;
    else source.release(c);
  };
  return source;
}
