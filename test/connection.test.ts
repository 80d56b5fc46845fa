/**
 * Connections: URLs, drivers, names, lazily bound models, the default database, query events,
 * DEBUG logging, SQLite pragmas, shared in-memory databases, unreachable servers, disconnectAll.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import {
  ConfigurationError, ConnectionError, Model, RegistaError, SchemaError, connect, disconnectAll, field, getDatabase,
  model, primaryKey,
  type ConnectOptions, type Database, type ErrorCode, type QueryEvent,
} from 'regista';
import { dialectName, isPostgres, isSqlite, pgUrl, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

// ------------------------------------------------------------------------------------------------
// Helpers

async function rawRows(database: Database, sql: string, bindings: readonly Knex.RawBinding[] = []): Promise<Record<string, unknown>[]> {
  const result: unknown = await database.knex.raw(sql, bindings);
  return Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows;
}

async function tableExists(database: Database, table: string): Promise<boolean> {
  const rows = database.dialect.name === 'postgres'
    ? await rawRows(database, 'SELECT 1 AS x FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?', [table])
    : await rawRows(database, "SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?", [table]);
  return rows.length > 0;
}

async function expectError<E extends RegistaError>(promise: Promise<unknown>, cls: abstract new (...args: never[]) => E, code: ErrorCode): Promise<E> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  return checkError(error, cls, code);
}

function expectThrow<E extends RegistaError>(fn: () => unknown, cls: abstract new (...args: never[]) => E, code: ErrorCode): E {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  return checkError(error, cls, code);
}

function checkError<E extends RegistaError>(error: unknown, cls: abstract new (...args: never[]) => E, code: ErrorCode): E {
  if (!(error instanceof cls)) {
    assert.fail(`expected ${cls.name}, got ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}`);
  }
  assert.equal(error.constructor, cls);
  assert.equal(error.code, code);
  return error;
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regista-conn-'));
  tempDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The SQLite driver of the dialect under test (better-sqlite3 when testing PostgreSQL). */
function sqliteDriver(): NonNullable<ConnectOptions['driver']> {
  return dialectName() === 'sqlite3-file' ? 'sqlite3' : 'better-sqlite3';
}

async function currentSchema(): Promise<string> {
  const [{ schema }] = await rawRows(db(), 'SELECT current_schema() AS schema');
  return String(schema);
}

/** Runs a script in a child node process in `cwd`; DATABASE_URL and DEBUG come only from `env`. */
function runChild(script: string, cwd: string, env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.DATABASE_URL;
  delete childEnv.DEBUG;
  const result = spawnSync(process.execPath, ['-e', script], { cwd, env: { ...childEnv, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A plain-JS program using regista's built CommonJS entry, with a model declared without decorators syntax. */
const CHILD_PROGRAM = `
const { Model, model, field, primaryKey, getDatabase, disconnectAll } = require(${JSON.stringify(require.resolve('regista'))});
class Note extends Model() {}
primaryKey()(Note.prototype, 'id');
field({ type: 'text' })(Note.prototype, 'body');
model({ table: 'notes' })(Note);
(async () => {
  const made = await Note.objects.create({ body: 'hi' });
  const back = await Note.objects.get(made.id);
  const db = getDatabase();
  console.log(JSON.stringify({ body: back.body, dialect: db.dialect.name, database: db.name }));
  await disconnectAll();
})().catch((error) => { console.error(error); process.exit(1); });
`;

// ------------------------------------------------------------------------------------------------
// URLs and drivers

@model({ table: uniqueTable('conn_rel'), database: 'conn_relative' })
class ConnRelative extends Model<ConnRelative>() {
  @primaryKey() id!: number;
  @field() name!: string;
}

@model({ table: uniqueTable('conn_abs'), database: 'conn_absolute' })
class ConnAbsolute extends Model<ConnAbsolute>() {
  @primaryKey() id!: number;
  @field() name!: string;
}

@model({ table: uniqueTable('conn_pg'), database: 'conn_pg' })
class ConnPg extends Model<ConnPg>() {
  @primaryKey() id!: number;
  @field() name!: string;
}

describe('connect() URLs', () => {
  it("'sqlite::memory:' opens an in-memory database", async () => {
    const mem = connect('sqlite::memory:', { name: 'conn_memory', driver: sqliteDriver() });
    try {
      assert.equal(mem.name, 'conn_memory');
      assert.equal(mem.dialect.name, 'sqlite');
      assert.equal(getDatabase('conn_memory'), mem);
      const [row] = await rawRows(mem, "SELECT file FROM pragma_database_list WHERE name = 'main'");
      assert.equal(row.file, '');
      assert.deepEqual((await mem.run('SELECT 1 AS one')).rows, [{ one: 1 }]);
    } finally {
      await mem.close();
    }
  });

  it("'sqlite://relative/path' is relative to the working directory", async () => {
    const dir = tempDir();
    const expected = path.join(dir, 'relative.sqlite');
    const relative = path.relative(process.cwd(), expected);
    assert.ok(!path.isAbsolute(relative));
    const rel = connect(`sqlite://${relative}`, { name: 'conn_relative', driver: sqliteDriver() });
    try {
      await ConnRelative.objects.create({ name: 'here' });
      assert.ok(fs.existsSync(expected), `${expected} exists`);
      const [row] = await rawRows(rel, "SELECT file FROM pragma_database_list WHERE name = 'main'");
      assert.equal(fs.realpathSync(String(row.file)), fs.realpathSync(expected));
    } finally {
      await rel.close();
    }
  });

  it("'sqlite:///absolute/path' (percent-encoded) is that absolute path", async () => {
    const dir = path.join(tempDir(), 'with space');
    fs.mkdirSync(dir);
    const expected = path.join(dir, 'absolute.sqlite');
    const url = `sqlite://${expected.split(path.sep).map(encodeURIComponent).join('/')}`;
    assert.match(url, /^sqlite:\/\/\/.*with%20space\/absolute\.sqlite$/);
    const abs = connect(url, { name: 'conn_absolute', driver: sqliteDriver() });
    try {
      await ConnAbsolute.objects.create({ name: 'there' });
      assert.ok(fs.existsSync(expected), `${expected} exists`);
      assert.deepEqual((await ConnAbsolute.objects.all()).map((r) => r.name), ['there']);
    } finally {
      await abs.close();
    }
  });

  it("'postgres://' and 'postgresql://' URLs connect to PostgreSQL", { skip: !isPostgres() }, async () => {
    const schema = await currentSchema();
    const url = pgUrl();
    assert.match(url, /^postgres(ql)?:\/\//);
    for (const scheme of ['postgres', 'postgresql']) {
      const pg = connect(url.replace(/^postgres(ql)?:/, `${scheme}:`), { name: 'conn_pg', schema });
      try {
        assert.equal(pg.dialect.name, 'postgres');
        await ConnPg.objects.create({ name: scheme });
        assert.equal(await tableExists(db(), ConnPg.objects.meta.table), true, 'same server, same schema');
      } finally {
        await pg.close();
      }
    }
    const rows = await rawRows(db(), `SELECT name FROM "${ConnPg.objects.meta.table}" ORDER BY id`);
    assert.deepEqual(rows.map((r) => r.name), ['postgres', 'postgresql']);
  });

  it('a URL regista cannot read: ConfigurationError naming it (password hidden), nothing registered', () => {
    for (const url of ['mysql://root@localhost/app', 'nonsense', '', 'sqlite://', 'http://example.com/db']) {
      const error = expectThrow(() => connect(url, { name: 'conn_bad_url' }), ConfigurationError, 1001);
      assert.equal(error.details.url, url, url);
    }
    const secret = expectThrow(() => connect('mongodb://admin:s3cret@db.example.com/app', { name: 'conn_bad_url' }), ConfigurationError, 1001);
    assert.ok(!secret.message.includes('s3cret'), secret.message);
    assert.equal(secret.details.url, 'mongodb://admin:***@db.example.com/app');
    expectThrow(() => getDatabase('conn_bad_url'), ConnectionError, 1003);
  });

  it('an unknown driver: ConfigurationError, nothing registered', () => {
    expectThrow(() => connect('sqlite::memory:', { name: 'conn_bad_driver', driver: 'nosuchdriver' as 'sqlite3' }), ConfigurationError, 1001);
    expectThrow(() => connect('postgres://postgres@127.0.0.1:1/x', { name: 'conn_bad_driver', driver: 'sqlite3' }), ConfigurationError, 1001);
    expectThrow(() => getDatabase('conn_bad_driver'), ConnectionError, 1003);
  });

  it("{ driver: 'sqlite3' } selects the sqlite3 driver; better-sqlite3 is the default", async () => {
    const viaSqlite3 = connect('sqlite::memory:', { name: 'conn_sqlite3', driver: 'sqlite3' });
    const viaDefault = connect('sqlite::memory:', { name: 'conn_better' });
    try {
      assert.equal(viaSqlite3.knex.client.config.client, 'sqlite3');
      assert.equal(viaDefault.knex.client.config.client, 'better-sqlite3');
      for (const d of [viaSqlite3, viaDefault]) {
        assert.deepEqual((await d.run('SELECT 40 + 2 AS answer')).rows, [{ answer: 42 }]);
        assert.deepEqual(await rawRows(d, 'SELECT 7 AS seven'), [{ seven: 7 }]);
      }
    } finally {
      await viaSqlite3.close();
      await viaDefault.close();
    }
  });

  it('a knex configuration object works too; an unsupported client is a ConfigurationError', async () => {
    const viaConfig = connect({ client: 'sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true }, { name: 'conn_config' });
    try {
      assert.equal(viaConfig.dialect.name, 'sqlite');
      assert.equal(viaConfig.knex.client.config.client, 'sqlite3');
      assert.deepEqual((await viaConfig.run('SELECT 1 AS one')).rows, [{ one: 1 }]);
    } finally {
      await viaConfig.close();
    }
    const error = expectThrow(() => connect({ client: 'mysql2', connection: {} }, { name: 'conn_config' }), ConfigurationError, 1001);
    assert.equal(error.details.client, 'mysql2');
  });
});

// ------------------------------------------------------------------------------------------------
// Names

@model({ table: uniqueTable('conn_reports'), database: 'conn_reports' })
class ConnReport extends Model<ConnReport>() {
  @primaryKey() id!: number;
  @field() title!: string;
}

describe('database names', () => {
  it('connecting a name that is connected: ConfigurationError; after close() the name is free again', async () => {
    const first = connect('sqlite::memory:', { name: 'conn_twice', driver: sqliteDriver() });
    const error = expectThrow(() => connect('sqlite::memory:', { name: 'conn_twice' }), ConfigurationError, 1001);
    assert.deepEqual(error.details, { database: 'conn_twice' });
    assert.equal(getDatabase('conn_twice'), first);
    expectThrow(() => connect('sqlite::memory:'), ConfigurationError, 1001);
    assert.equal(getDatabase(), db());

    await first.close();
    const second = connect('sqlite::memory:', { name: 'conn_twice', driver: sqliteDriver() });
    try {
      assert.notEqual(second, first);
      assert.equal(getDatabase('conn_twice'), second);
      await expectError(first.run('SELECT 1'), ConnectionError, 1003);
    } finally {
      await second.close();
    }
  });

  it('getDatabase() of an unknown name: ConnectionError naming it', () => {
    const error = expectThrow(() => getDatabase('nope'), ConnectionError, 1003);
    assert.deepEqual(error.details, { database: 'nope' });
    assert.match(error.message, /nope/);
    assert.equal(getDatabase('default'), db());
  });

  it('a model bound to another database name uses that connection, found lazily at first use', async () => {
    // ConnReport was declared (at import) before its database was connected.
    const early = await expectError(ConnReport.objects.count(), ConnectionError, 1003);
    assert.deepEqual(early.details, { database: 'conn_reports' });

    let reports: Database;
    let ownSchema: string | undefined;
    if (isPostgres()) {
      ownSchema = `${await currentSchema()}_reports`;
      await db().knex.raw(`CREATE SCHEMA "${ownSchema}"`);
      reports = connect(pgUrl(), { name: 'conn_reports', schema: ownSchema });
    } else {
      reports = connect(`sqlite://${path.join(tempDir(), 'reports.sqlite')}`, { name: 'conn_reports', driver: sqliteDriver() });
    }
    try {
      const seen: QueryEvent[] = [];
      reports.on('query', (e) => seen.push(e));
      const made = await ConnReport.objects.create({ title: 'Q1' });
      assert.deepEqual((await ConnReport.objects.require(made.id)).title, 'Q1');
      assert.ok(seen.length > 0 && seen.every((e) => e.database === 'conn_reports'));
      const table = ConnReport.objects.meta.table;
      assert.equal(await tableExists(reports, table), true);
      assert.equal(await tableExists(db(), table), false, 'not created in the default database');
    } finally {
      await reports.close();
      if (ownSchema) await db().knex.raw(`DROP SCHEMA "${ownSchema}" CASCADE`);
    }
  });

  it("without connect(), the default database is DATABASE_URL, else ./regista.sqlite", () => {
    const plain = tempDir();
    const run1 = runChild(CHILD_PROGRAM, plain, {});
    assert.equal(run1.status, 0, run1.stderr);
    assert.deepEqual(JSON.parse(run1.stdout), { body: 'hi', dialect: 'sqlite', database: 'default' });
    assert.ok(fs.existsSync(path.join(plain, 'regista.sqlite')), 'regista.sqlite in the working directory');

    const fromEnv = tempDir();
    const run2 = runChild(CHILD_PROGRAM, fromEnv, { DATABASE_URL: 'sqlite://./from-env.sqlite' });
    assert.equal(run2.status, 0, run2.stderr);
    assert.deepEqual(JSON.parse(run2.stdout), { body: 'hi', dialect: 'sqlite', database: 'default' });
    assert.ok(fs.existsSync(path.join(fromEnv, 'from-env.sqlite')));
    assert.ok(!fs.existsSync(path.join(fromEnv, 'regista.sqlite')));
  });

  it('the file the default database made holds the row', async () => {
    const dir = tempDir();
    const run = runChild(CHILD_PROGRAM, dir, {});
    assert.equal(run.status, 0, run.stderr);
    const check = connect(`sqlite://${path.join(dir, 'regista.sqlite')}`, { name: 'conn_check_default' });
    try {
      assert.deepEqual(await rawRows(check, 'SELECT id, body FROM notes'), [{ id: 1, body: 'hi' }]);
    } finally {
      await check.close();
    }
  });
});

// ------------------------------------------------------------------------------------------------
// Query events and logging

@model({ table: uniqueTable('conn_events') })
class ConnEvent extends Model<ConnEvent>() {
  @primaryKey() id!: number;
  @field() name!: string;
}

@model({ table: uniqueTable('conn_events_fresh') })
class ConnEventFresh extends Model<ConnEventFresh>() {
  @primaryKey() id!: number;
  @field() name!: string;
}

describe('query events and DEBUG logging', () => {
  it("db.on('query') reports sql, bindings, durationMs and database for fast paths; db.off stops it", async () => {
    await ConnEvent.createSchema();
    const events: QueryEvent[] = [];
    const listener = (event: QueryEvent): void => {
      events.push(event);
    };
    assert.equal(db().on('query', listener), db());
    const made = await ConnEvent.objects.create({ name: 'ev' });
    const got = await ConnEvent.objects.get(made.id);
    assert.equal(got?.name, 'ev');
    await expectError(db().run('SELECT * FROM "conn_no_such_table"'), SchemaError, 1500);
    assert.equal(db().off('query', listener), db());
    await ConnEvent.objects.get(made.id);
    await ConnEvent.objects.create({ name: 'unseen' });

    assert.equal(events.length, 3, events.map((e) => e.sql).join('\n'));
    const [insert, select, failed] = events;
    assert.match(insert.sql, /^INSERT INTO /);
    assert.deepEqual(insert.bindings, ['ev']);
    assert.match(select.sql, /^SELECT .* WHERE ["`]id["`] = (\?|\$1)$/);
    assert.deepEqual(select.bindings, [made.id]);
    for (const e of events) {
      assert.equal(e.database, 'default');
      assert.ok(Number.isFinite(e.durationMs) && e.durationMs >= 0, String(e.durationMs));
    }
    assert.equal(insert.error, undefined);
    assert.equal(select.error, undefined);
    assert.ok(failed.error instanceof SchemaError);
  });

  it('every statement is reported: auto-create, transactions, savepoints; each listener on its own', async () => {
    const all: string[] = [];
    const firstOnly: string[] = [];
    const a = (e: QueryEvent): void => void all.push(e.sql);
    const b = (e: QueryEvent): void => void firstOnly.push(e.sql);
    db().on('query', a).on('query', b);
    await ConnEventFresh.objects.create({ name: 'first' });
    db().off('query', b);
    await db().transaction(async () => {
      await db().transaction(async () => {
        await ConnEventFresh.objects.count();
      });
    });
    db().off('query', a);
    assert.ok(firstOnly.some((s) => /^CREATE TABLE/.test(s)), firstOnly.join('\n'));
    assert.ok(firstOnly.some((s) => /^INSERT INTO/.test(s)));
    assert.ok(firstOnly.includes(db().dialect.lockingBeginSql) && firstOnly.includes('COMMIT'), 'auto-create runs in a locking transaction');
    assert.deepEqual(all.slice(0, firstOnly.length), firstOnly);
    const tail = all.slice(firstOnly.length);
    assert.equal(tail.length, 5, tail.join('\n'));
    assert.equal(tail[0], db().dialect.beginSql);
    assert.match(tail[1], /^SAVEPOINT /);
    assert.match(tail[2], /^SELECT COUNT/);
    assert.match(tail[3], /^RELEASE SAVEPOINT /);
    assert.equal(tail[4], 'COMMIT');
  });

  it('DEBUG=regista:sql logs every statement with its bindings to stderr', () => {
    const logged = runChild(CHILD_PROGRAM, tempDir(), { DATABASE_URL: 'sqlite::memory:', DEBUG: 'regista:sql' });
    assert.equal(logged.status, 0, logged.stderr);
    assert.match(logged.stderr, /^regista:sql \d+\.\d+ms CREATE TABLE IF NOT EXISTS ["`]notes["`]/m);
    assert.match(logged.stderr, /^regista:sql \d+\.\d+ms INSERT INTO ["`]notes["`] .* \["hi"\]$/m);
    assert.match(logged.stderr, /^regista:sql \d+\.\d+ms SELECT .* FROM ["`]notes["`] WHERE ["`]id["`] = \? \[1\]$/m);
    assert.deepEqual(JSON.parse(logged.stdout), { body: 'hi', dialect: 'sqlite', database: 'default' });

    const quiet = runChild(CHILD_PROGRAM, tempDir(), { DATABASE_URL: 'sqlite::memory:' });
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.ok(!quiet.stderr.includes('regista:'), quiet.stderr);

    const schema = runChild(CHILD_PROGRAM, tempDir(), { DATABASE_URL: 'sqlite::memory:', DEBUG: 'regista:schema' });
    assert.equal(schema.status, 0, schema.stderr);
    assert.match(schema.stderr, /^regista:schema createTable notes$/m);
    assert.ok(!schema.stderr.includes('regista:sql'));
  });
});

// ------------------------------------------------------------------------------------------------
// SQLite specifics

@model({ table: 'conn_mem_a', database: 'conn_mem' })
class ConnMemA extends Model<ConnMemA>() {
  @primaryKey() id!: number;
  @field() name!: string;
}

@model({ table: 'conn_mem_b', database: 'conn_mem' })
class ConnMemB extends Model<ConnMemB>() {
  @primaryKey() id!: number;
  @field() name!: string;
}

async function pragma(database: Database, name: string): Promise<unknown> {
  const [row] = await rawRows(database, `PRAGMA ${name}`);
  return Object.values(row)[0];
}

describe('SQLite connections', () => {
  it('file connections run with journal_mode=wal, foreign_keys=1 and a busy timeout', { skip: !isSqlite() }, async () => {
    const memory = dialectName() === 'sqlite-memory';
    assert.equal(String(await pragma(db(), 'journal_mode')).toLowerCase(), memory ? 'memory' : 'wal');
    assert.equal(Number(await pragma(db(), 'foreign_keys')), 1);
    assert.ok(Number(await pragma(db(), 'busy_timeout')) >= 1000);
  });

  it("':memory:' is one database shared by every model (and raw query) of that connection", async () => {
    const mem = connect('sqlite::memory:', { name: 'conn_mem', driver: sqliteDriver() });
    const other = connect('sqlite::memory:', { name: 'conn_mem_other', driver: sqliteDriver() });
    try {
      await Promise.all(Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0 ? ConnMemA.objects.create({ name: `a${i}` }) : ConnMemB.objects.create({ name: `b${i}` })));
      assert.equal(await ConnMemA.objects.count(), 5);
      assert.equal(await ConnMemB.objects.count(), 5);
      const [counts] = await rawRows(mem, 'SELECT (SELECT COUNT(*) FROM conn_mem_a) AS a, (SELECT COUNT(*) FROM conn_mem_b) AS b');
      assert.deepEqual({ a: Number(counts.a), b: Number(counts.b) }, { a: 5, b: 5 });
      assert.equal(await tableExists(other, 'conn_mem_a'), false, 'another :memory: connection is another database');
    } finally {
      await mem.close();
      await other.close();
    }
  });

  it('a SQLite file that cannot be opened: ConnectionError on first use', async () => {
    const missing = path.join(tempDir(), 'no', 'such', 'dir', 'x.sqlite');
    const broken = connect(`sqlite://${missing}`, { name: 'conn_broken_sqlite', driver: sqliteDriver() });
    try {
      const started = performance.now();
      const error = await expectError(broken.run('SELECT 1'), ConnectionError, 1003);
      assert.ok(performance.now() - started < 5000);
      assert.ok(error.cause instanceof Error);
    } finally {
      await broken.close();
    }
  });
});

// ------------------------------------------------------------------------------------------------
// Unreachable servers and disconnectAll

@model({ table: 'conn_unreachable', database: 'conn_unreachable' })
class ConnUnreachable extends Model<ConnUnreachable>() {
  @primaryKey() id!: number;
}

describe('unreachable PostgreSQL', () => {
  it('ConnectionError 1003 on first use, within a few seconds', async () => {
    const unreachable = connect('postgres://postgres@127.0.0.1:1/x', { name: 'conn_unreachable' });
    try {
      const started = performance.now();
      const error = await expectError(ConnUnreachable.objects.count(), ConnectionError, 1003);
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 5000, `took ${elapsed.toFixed(0)} ms`);
      assert.equal(error.details.dialect, 'postgres');
      assert.ok(error.cause instanceof Error);
      assert.ok(!(error.cause instanceof RegistaError));
      // Again: still a ConnectionError, not a hang.
      await expectError(unreachable.run('SELECT 1'), ConnectionError, 1003);
    } finally {
      await unreachable.close();
    }
  });
});

// Last: closes every database of this process, the test's default one included.
describe('disconnectAll', () => {
  it('closes every connected database; their names are free and their use is a ConnectionError', async () => {
    const a = connect('sqlite::memory:', { name: 'conn_all_a', driver: sqliteDriver() });
    const b = connect('sqlite::memory:', { name: 'conn_all_b', driver: sqliteDriver() });
    await a.run('SELECT 1');
    const main = db();
    await disconnectAll();
    for (const d of [a, b, main]) assert.equal(d.isClosed, true, d.name);
    expectThrow(() => getDatabase('conn_all_a'), ConnectionError, 1003);
    const closed = await expectError(a.run('SELECT 1'), ConnectionError, 1003);
    assert.deepEqual(closed.details, { database: 'conn_all_a' });
    await expectError(main.run('SELECT 1'), ConnectionError, 1003);
    await disconnectAll();
  });
});
