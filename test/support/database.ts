/**
 * Test helpers shared by every test file.
 *
 * The dialect under test comes from REGISTA_TEST_DIALECT (set by test/run.mjs for each run of the
 * matrix): `sqlite-memory` (default), `sqlite-file`, `sqlite3-file` or `postgres`. PostgreSQL needs
 * PG_URL (test/run.mjs sets it; `node --test build/test/x.test.js` by hand needs it exported).
 *
 * @example
 * import { useTestDatabase, uniqueTable } from './support/database';
 * const db = useTestDatabase();
 * test('...', async () => { db().knex.raw('select 1'); });
 */
import { after, before } from 'node:test';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { connect, disconnectAll, type Database, type QueryEvent } from 'regista';

/** The dialects of the test matrix. */
export const DIALECTS = ['sqlite-memory', 'sqlite-file', 'sqlite3-file', 'postgres'] as const;
export type DialectName = (typeof DIALECTS)[number];

/** The dialect this test process runs against (REGISTA_TEST_DIALECT, default `sqlite-memory`). */
export function dialectName(): DialectName {
  const name = process.env.REGISTA_TEST_DIALECT || 'sqlite-memory';
  if (!(DIALECTS as readonly string[]).includes(name)) {
    throw new Error(`REGISTA_TEST_DIALECT=${JSON.stringify(name)} is not one of ${DIALECTS.join(', ')}.`);
  }
  return name as DialectName;
}

/** True when the current dialect is PostgreSQL. */
export function isPostgres(): boolean {
  return dialectName() === 'postgres';
}

/** True when the current dialect is one of the SQLite ones. */
export function isSqlite(): boolean {
  return !isPostgres();
}

/** PG_URL, or a clear error when it is missing. */
export function pgUrl(): string {
  const url = process.env.PG_URL;
  if (!url) {
    throw new Error(
      'REGISTA_TEST_DIALECT=postgres needs PG_URL (e.g. postgres://postgres@127.0.0.1:5432/test). ' +
        'Run the suite through `npm test` (test/run.mjs starts a PostgreSQL itself), or export PG_URL.',
    );
  }
  return url;
}

function randomSuffix(bytes = 4): string {
  return crypto.randomBytes(bytes).toString('hex');
}

let tableCounter = 0;

/**
 * A table name no other test (in this process or a concurrent one) uses: lower case, safe
 * unquoted on both dialects, at most 63 characters (PostgreSQL's limit).
 */
export function uniqueTable(prefix = 't'): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 40) || 't';
  tableCounter += 1;
  return `${clean}_${process.pid.toString(36)}${tableCounter.toString(36)}_${randomSuffix(3)}`;
}

/** Runs `sql` on a short-lived connection of its own (outside regista), for set-up and clean-up. */
async function withPgClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Connects the `default` database for the current dialect before the file's tests run, and
 * closes everything after (disconnectAll). PostgreSQL gets a schema of its own for this test
 * process, dropped with CASCADE afterwards; SQLite files live in a temporary directory that is
 * removed afterwards. Returns a getter for the Database (valid inside tests and hooks).
 */
export function useTestDatabase(): () => Database {
  let db: Database | undefined;
  let tempDir: string | undefined;
  let schema: string | undefined;

  before(async () => {
    const dialect = dialectName();
    switch (dialect) {
      case 'sqlite-memory':
        db = connect('sqlite::memory:', { name: 'default', driver: 'better-sqlite3' });
        break;
      case 'sqlite-file':
      case 'sqlite3-file': {
        tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'regista-test-'));
        const file = path.join(tempDir, 'test.sqlite');
        db = connect(`sqlite://${file}`, {
          name: 'default',
          driver: dialect === 'sqlite3-file' ? 'sqlite3' : 'better-sqlite3',
        });
        break;
      }
      case 'postgres': {
        const url = pgUrl();
        schema = `t_${process.pid}_${randomSuffix(4)}`;
        // connect() opens nothing yet: naming the database first means a concurrent file-level
        // hook (node 20 starts them together) can never fall back to the default SQLite file.
        db = connect(url, { name: 'default', schema });
        await withPgClient(url, (client) => client.query(`CREATE SCHEMA "${schema}"`));
        break;
      }
    }
  });

  after(async () => {
    db = undefined;
    try {
      await disconnectAll();
    } finally {
      if (schema) {
        const dropped = schema;
        schema = undefined;
        await withPgClient(pgUrl(), (client) => client.query(`DROP SCHEMA IF EXISTS "${dropped}" CASCADE`));
      }
      if (tempDir) {
        fs.rmSync(tempDir, { recursive: true, force: true });
        tempDir = undefined;
      }
    }
  });

  return () => {
    if (!db) throw new Error('The test database is only available inside tests and hooks (after useTestDatabase\'s before hook).');
    return db;
  };
}

/** What {@link countQueries} saw. */
export interface QueryCount<T> {
  /** What `fn` returned. */
  result: T;
  /** How many statements `db` ran while `fn` ran. */
  count: number;
  /** Their SQL, in order. */
  statements: string[];
  /** The full query events, in order. */
  events: QueryEvent[];
}

/** Runs `fn` and counts the statements `db` sends meanwhile (through `db.on('query')`). */
export async function countQueries<T>(db: Database, fn: () => T | Promise<T>): Promise<QueryCount<T>> {
  const events: QueryEvent[] = [];
  const listener = (event: QueryEvent): void => {
    events.push(event);
  };
  db.on('query', listener);
  try {
    const result = await fn();
    return { result, count: events.length, statements: events.map((e) => e.sql), events };
  } finally {
    db.off('query', listener);
  }
}
