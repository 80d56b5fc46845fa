/**
 * The `regista` command, run as a real child process against the database under test, for every
 * command: sql, status, evolve, plan, apply, inspect, and the error output.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { dialectName, isPostgres, pgUrl } from './support/database';

const REPO = resolve(__dirname, '..', '..');
const BIN = join(REPO, 'dist', 'cjs', 'cli', 'bin.js');
const FIXTURES = join(REPO, 'test', 'fixtures', 'cli');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

describe(`regista CLI (${dialectName()})`, () => {
  let dir = '';
  let schema = '';
  let url = '';

  function cli(...args: string[]): Run {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    delete env.DEBUG;
    const out = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    return { status: out.status, stdout: out.stdout, stderr: out.stderr };
  }

  function ok(...args: string[]): string {
    const out = cli(...args);
    assert.equal(out.status, 0, `regista ${args.join(' ')} failed:\n${out.stderr}\n${out.stdout}`);
    return out.stdout;
  }

  function json<T>(...args: string[]): T {
    return JSON.parse(ok(...args)) as T;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'regista-cli-'));
    const config: Record<string, unknown> = {
      models: [join(FIXTURES, 'models.js')],
      evolutions: [join(FIXTURES, 'evolutions.js')],
    };
    if (isPostgres()) {
      schema = `cli_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      const client = new Client({ connectionString: pgUrl() });
      await client.connect();
      await client.query(`CREATE SCHEMA "${schema}"`);
      await client.end();
      url = pgUrl();
      config.schema = schema;
    } else {
      url = `sqlite://${join(dir, 'cli.sqlite')}`;
      if (dialectName() === 'sqlite3-file') config.driver = 'sqlite3';
    }
    config.url = url;
    writeFileSync(join(dir, 'regista.config.json'), JSON.stringify(config, null, 2));
  });

  after(async () => {
    if (schema) {
      const client = new Client({ connectionString: pgUrl() });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('sql prints the CREATE script for either database without connecting', () => {
    const sqlite = ok('sql', '--dialect', 'sqlite');
    assert.match(sqlite, /CREATE TABLE IF NOT EXISTS "cli_authors"/);
    assert.match(sqlite, /CREATE TABLE IF NOT EXISTS "cli_books"/);
    assert.ok(sqlite.indexOf('"cli_authors"') < sqlite.indexOf('"cli_books"'), 'referenced table first');
    const pg = ok('sql', '--dialect', 'postgres');
    assert.match(pg, /FOREIGN KEY \("author_id"\) REFERENCES "cli_authors" \("id"\) ON DELETE CASCADE/);
    const bad = cli('sql', '--dialect', 'oracle');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /oracle/);
  });

  it('status, evolve --dry-run, evolve and status again', () => {
    const before = json<Array<{ package: string; state: string; recorded: number | null; current: number }>>('status', '--json');
    assert.deepEqual(before.map((s) => [s.package, s.state, s.recorded, s.current]), [['library', 'new', null, 2], ['app', 'new', null, 1]]);
    assert.match(ok('status'), /library\s+-\s+2/);

    const dry = ok('evolve', '--dry-run');
    assert.match(dry, /would run library create \(v2\)/);
    assert.match(dry, /would run app create \(v1\)/);
    assert.deepEqual(json<{ dryRun: boolean; steps: unknown[] }>('evolve', '--dry-run', '--json'), {
      dryRun: true,
      steps: [{ package: 'library', version: 2, kind: 'create' }, { package: 'app', version: 1, kind: 'create' }],
    });

    const run = ok('evolve');
    assert.match(run, /library create \(v2\) \.\.\. done/);
    assert.match(run, /Applied 2 steps\./);
    assert.match(ok('evolve'), /Everything is up to date\./);

    const after = json<Array<{ package: string; state: string; recorded: number }>>('status', '--json');
    assert.deepEqual(after.map((s) => [s.package, s.state, s.recorded]), [['library', 'current', 2], ['app', 'current', 1]]);
  });

  it('plan shows the missing tables, apply creates them, a second plan is empty', () => {
    const plan = json<{ operations: Array<{ kind: string; table?: string; destructive: boolean }> }>('plan', '--json');
    const creates = plan.operations.filter((o) => o.kind === 'CreateTable').map((o) => o.table);
    assert.deepEqual(creates.sort(), ['cli_authors', 'cli_books']);
    assert.match(ok('plan'), /cli_books/);
    ok('apply');
    const again = json<{ operations: Array<{ skipped?: boolean }> }>('plan', '--json');
    assert.deepEqual(again.operations.filter((o) => !o.skipped), []);
  });

  it('inspect reads the catalog, as text and as JSON', () => {
    const catalog = json<{ tables: Array<{ name: string; columns: Array<{ name: string }> }> }>('inspect', '--json');
    const names = catalog.tables.map((t) => t.name);
    for (const t of ['cli_authors', 'cli_books', 'cli_log', 'regista_evolutions']) assert.ok(names.includes(t), `${t} in ${names.join(', ')}`);
    assert.deepEqual(catalog.tables.find((t) => t.name === 'cli_books')!.columns.map((c) => c.name), ['id', 'title', 'author_id']);
    assert.match(ok('inspect'), /cli_books\n\s+id integer/);
  });

  it('errors print "code: message" and exit non-zero; --verbose adds the stack', () => {
    const bad = cli('status', '--url', 'nosuchdb://x');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^1001: Cannot read database URL/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
    const verbose = cli('status', '--url', 'nosuchdb://x', '--verbose');
    assert.equal(verbose.status, 1);
    assert.match(verbose.stderr, /\n\s+at /);
    const unknown = cli('frobnicate');
    assert.notEqual(unknown.status, 0);
    assert.match(unknown.stderr, /unknown command/);
  });
});
