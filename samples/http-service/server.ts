// Start-up: connect the database, create the tables, then listen.
//
//   node build/samples/http-service/server.js          (DATABASE_URL, else ./regista.sqlite; PORT, else 3000)
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_DATABASE_URL, connect, getDatabase, type Database } from 'regista';
import { createApp } from './app';

/** Options of {@link start}. */
export interface StartOptions {
  /** Port to listen on; 0 picks a free one. Default 3000. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /**
   * Database URL to connect as `default`. Omit it to use the `default` database as it is
   * (connected by a test, or else connected by regista from DATABASE_URL or ./regista.sqlite).
   */
  url?: string;
}

/** A running service. */
export interface ServiceHandle {
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly port: number;
  readonly db: Database;
  /** Stops listening, ends open connections, and closes the database if start() connected it. */
  close(): Promise<void>;
}

/** Connects (when given a URL), creates every model's table, and starts listening. */
export async function start({ port = 3000, host = '127.0.0.1', url }: StartOptions = {}): Promise<ServiceHandle> {
  const db = url === undefined ? getDatabase() : connect(url);
  const ownsDb = url !== undefined;
  const server = http.createServer(createApp());
  try {
    await db.createAll();
    server.listen(port, host);
    await once(server, 'listening');
  } catch (error) {
    server.close();
    if (ownsDb) await db.close();
    throw error;
  }
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actualPort}`,
    port: actualPort,
    db,
    async close() {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
      if (ownsDb) await db.close();
    },
  };
}

if (require.main === module) {
  start({ port: Number(process.env.PORT ?? 3000), url: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL }).then(
    (service) => {
      console.log(`users service on ${service.url} (database: ${service.db.dialect.name})`);
      const stop = () => void service.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
