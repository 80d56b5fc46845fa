#!/usr/bin/env node
// Benchmark harness of issue 5: regista against the raw drivers and other ORMs on SQLite and
// PostgreSQL. Every measurement runs in a fresh child process (lib/worker.mjs); this process only
// prepares the databases, schedules the runs, and writes docs/performance.md.
//
//   node bench/run.mjs                 full run (about 15-20 minutes on 2 cores), writes docs/performance.md
//   node bench/run.mjs --quick         small sizes, 1 run: a smoke test, writes bench/results/performance-quick.md
//   node bench/run.mjs --only a,c      some scenarios (a-f)
//   node bench/run.mjs --db sqlite     one database (sqlite | postgres)
//   node bench/run.mjs --contenders regista,raw-pg   some contenders (ids in lib/contenders.mjs)
//   node bench/run.mjs --runs 5        runs per cell (default 3; 1 with --quick)
//   node bench/run.mjs --render        measure nothing: rewrite the page from bench/results/results.json
//
// PostgreSQL comes from BENCH_PG_URL, else PG_URL, else postgres://postgres@127.0.0.1:5432/test.
// A partial full-size run (--only, --db, --contenders) merges its cells into bench/results/results.json
// and regenerates the whole document from it, so a "pending" cell can be measured again on its own.
import { fork } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CONTENDERS } from './lib/contenders.mjs';
import { machine, versions } from './lib/machine.mjs';
import { render } from './lib/report.mjs';

const require = createRequire(import.meta.url);
const HERE = new URL('./', import.meta.url).pathname;
const ROOT = new URL('../', import.meta.url).pathname;
const DOC = `${ROOT}docs/performance.md`;

/** Sizes of the full run (issue 5) and of the smoke test. */
const SIZES = {
  full: {
    a: 100_000,
    b: 100_000,
    c: { table: 100_000, ops: 10_000 },
    d: { table: 100_000, ops: 2_000 },
    e: { parents: 1_000, children: 10, loads: 5 },
    f: 1_000_000,
  },
  quick: {
    a: 5_000,
    b: 5_000,
    c: { table: 10_000, ops: 500 },
    d: { table: 10_000, ops: 100 },
    e: { parents: 100, children: 10, loads: 2 },
    f: 50_000,
  },
};

const SCENARIOS = ['a', 'b', 'c', 'd', 'e', 'f'];
const DBS = ['sqlite', 'postgres'];
/** Scenarios whose tables are seeded once and only read by every contender. */
const SHARED = new Set(['c', 'd', 'e', 'f']);

function parseArgs(argv) {
  const args = { quick: false, render: false, only: SCENARIOS, dbs: DBS, contenders: Object.keys(CONTENDERS), runs: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const list = (allowed) => {
      const items = value().split(',').map((s) => s.trim()).filter(Boolean);
      for (const item of items) if (!allowed.includes(item)) throw new Error(`unknown value "${item}" for ${a}; use ${allowed.join(', ')}`);
      return items;
    };
    if (a === '--quick') args.quick = true;
    else if (a === '--render') args.render = true;
    else if (a.startsWith('--only')) args.only = list(SCENARIOS);
    else if (a.startsWith('--db')) args.dbs = list(DBS);
    else if (a.startsWith('--contenders')) args.contenders = list(Object.keys(CONTENDERS));
    else if (a.startsWith('--runs')) args.runs = Number(value());
    else if (a === '--help' || a === '-h') {
      console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown option ${a} (see --help)`);
  }
  args.runs ??= args.quick ? 1 : 3;
  if (!Number.isInteger(args.runs) || args.runs < 1) throw new Error('--runs must be a positive integer');
  return args;
}

const args = parseArgs(process.argv.slice(2));
const sizes = args.quick ? SIZES.quick : SIZES.full;
const pgUrl = process.env.BENCH_PG_URL ?? process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
const tmp = `${HERE}.tmp/run-${stamp}-${process.pid}`;
const pgSchema = `regista_bench_${stamp}_${process.pid}`;
/** A worker that takes longer than this is stopped and its cell marked "timeout". */
const TASK_TIMEOUT_MS = (args.quick ? 120 : 300) * 1000;
/** Once a cell's runs have taken this long in all, its remaining runs are skipped (noted in the table). */
const CELL_BUDGET_MS = (args.quick ? 60 : 120) * 1000;
/** "Quiet" means under a quarter of the CPU time busy (half a core on 2 cores), waited for up to 60 s a run and 5 min a run in all. */
const QUIET_BUSY = 0.25;
const QUIET_WAIT_MS = (args.quick ? 5 : 60) * 1000;
/** Waiting for quiet is capped for the whole run (a machine that never calms down must not stall it). */
let waitBudgetMs = (args.quick ? 20 : 300) * 1000;

const log = (...parts) => process.stderr.write(`${parts.join(' ')}\n`);
const fmt = (n) => Math.round(n).toLocaleString('en-US');

let currentChild;

/** Share of all CPU time spent busy over `ms` milliseconds, from /proc/stat (undefined off Linux). */
async function busyShare(ms) {
  const read = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    return { idle, total: f.reduce((a, b) => a + b, 0) };
  };
  try {
    const a = read();
    await new Promise((r) => setTimeout(r, ms));
    const b = read();
    return b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : 0;
  } catch {
    return undefined;
  }
}

/**
 * Other work on the machine (a build, a test suite) skews every number on 2 cores: before each
 * measurement wait, up to QUIET_WAIT_MS, until the CPUs are mostly idle. Returns the busy share seen last.
 */
async function waitQuiet() {
  const start = Date.now();
  const deadline = start + Math.min(QUIET_WAIT_MS, waitBudgetMs);
  let busy = await busyShare(200);
  while (busy !== undefined && busy > QUIET_BUSY && Date.now() < deadline) busy = await busyShare(1000);
  waitBudgetMs -= Date.now() - start;
  return busy;
}

/** Runs one task in a fresh child process; resolves with its report. */
function runTask(task) {
  return new Promise((resolve) => {
    const child = currentChild = fork(`${HERE}lib/worker.mjs`, [], {
      execArgv: ['--expose-gc', '--max-old-space-size=8192'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, DEBUG: '', REGISTA_BENCH_DIST: registaDist },
    });
    let output = '';
    const keep = (chunk) => { output = (output + chunk).slice(-4000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let result;
    const timer = setTimeout(() => {
      result = { status: 'timeout', reason: `no result after ${TASK_TIMEOUT_MS / 1000} s` };
      child.kill('SIGKILL');
    }, TASK_TIMEOUT_MS);
    child.on('message', (message) => { result ??= message; });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(result ?? { status: 'error', error: `worker exited (${signal ?? code}) without a result\n${output.trim().split('\n').slice(-8).join('\n')}` });
    });
    child.send(task);
  });
}

async function pgAdmin(sql) {
  const pg = require('pg');
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function removeSqlite(file) {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
}

/** Contenders measured for one database and scenario, in a rotated order per round. */
function lineup(db, scenario) {
  return args.contenders.filter((id) => {
    const def = CONTENDERS[id];
    return def.dbs.includes(db) && (!def.scenarios || def.scenarios.includes(scenario));
  });
}

async function describeCell(id, db, scenario) {
  const def = CONTENDERS[id];
  const mod = await import(`${HERE}contenders/${def.module}`);
  return mod.describe(db, def.options ?? {})[scenario] ?? { na: 'not supported' };
}

async function runDatabase(db, cells) {
  let target;
  if (db === 'sqlite') {
    mkdirSync(tmp, { recursive: true });
    target = { db };
  } else {
    try {
      await pgAdmin(`CREATE SCHEMA ${pgSchema}`);
    } catch (error) {
      log(`PostgreSQL at ${pgUrl.replace(/:[^:@/]*@/, ':***@')} is unreachable (${error.message}): skipped.`);
      for (const scenario of args.only) for (const id of lineup(db, scenario)) {
        cells[`${db}|${scenario}|${id}`] = { status: 'skipped', reason: `PostgreSQL unreachable: ${error.message}`, runs: [] };
      }
      return;
    }
    target = { db, url: pgUrl, schema: pgSchema };
  }
  try {
    for (const scenario of args.only) {
      const ids = lineup(db, scenario);
      if (ids.length === 0) continue;
      const shared = SHARED.has(scenario);
      const scenarioTarget = db === 'sqlite' && shared ? { ...target, file: `${tmp}/${scenario}.sqlite` } : target;
      if (shared) {
        log(`[${db} ${scenario}] seeding...`);
        const prep = await runTask({ mode: 'prepare', target: scenarioTarget, scenario, sizes });
        if (prep.status !== 'ok') throw new Error(`seeding ${db} ${scenario} failed: ${prep.error ?? prep.reason}`);
        log(`[${db} ${scenario}] seeded in ${(prep.ms / 1000).toFixed(1)} s`);
      }
      const state = {};
      for (const id of ids) {
        const api = await describeCell(id, db, scenario);
        state[id] = { api: api.api, status: api.na ? 'na' : 'ok', reason: api.na, runs: [], spentMs: 0, skippedRuns: 0 };
      }
      for (let round = 0; round < args.runs; round++) {
        // Rotate the order every round so slow drift (caches, autovacuum, thermal) is shared out.
        const order = ids.map((_, i) => ids[(i + round) % ids.length]);
        for (const id of order) {
          const cell = state[id];
          if (cell.status !== 'ok') continue;
          if (cell.spentMs > CELL_BUDGET_MS) {
            cell.skippedRuns++;
            continue;
          }
          const runTarget = db === 'sqlite' && !shared ? { ...target, file: `${tmp}/${scenario}-${id}-${round}.sqlite` } : scenarioTarget;
          const busy = await waitQuiet();
          const started = Date.now();
          const result = await runTask({ mode: 'measure', target: runTarget, scenario, contender: id, sizes });
          result.busyBefore = busy;
          cell.spentMs += Date.now() - started;
          if (db === 'sqlite' && !shared) removeSqlite(runTarget.file);
          if (result.status === 'ok') {
            cell.runs.push(result);
            const extra = result.rssMB !== undefined ? `, RSS +${result.rssMB.toFixed(1)} MB` : result.queries ? `, ${result.queries.full} queries` : '';
            const noisy = busy > QUIET_BUSY ? `, machine ${Math.round(busy * 100)}% busy before` : '';
            log(`[${db} ${scenario}] ${id} run ${round + 1}/${args.runs}: ${fmt(result.rate)}/s (${(result.ms / 1000).toFixed(2)} s${extra}${noisy})`);
          } else {
            Object.assign(cell, { status: result.status, reason: result.reason ?? result.error });
            log(`[${db} ${scenario}] ${id}: ${result.status}${result.reason || result.error ? `: ${result.reason ?? result.error}` : ''}`);
          }
        }
      }
      for (const id of ids) {
        const { spentMs, ...cell } = state[id];
        cells[`${db}|${scenario}|${id}`] = { ...cell, date: new Date().toISOString() };
      }
      if (shared) {
        await runTask({ mode: 'cleanup', target: scenarioTarget });
        if (db === 'sqlite') removeSqlite(scenarioTarget.file);
      } else if (db === 'postgres') {
        await runTask({ mode: 'cleanup', target });
      }
    }
  } finally {
    if (db === 'postgres') await pgAdmin(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`).catch((e) => log(`could not drop schema ${pgSchema}: ${e.message}`));
  }
}

/**
 * Every worker loads the same regista: dist/ is copied once per run, so a rebuild during the run
 * cannot mix two versions. The copy sits under bench/.tmp with a node_modules link to the root's,
 * so regista still uses its own (single) copy of its dependencies.
 */
let registaDist;
function snapshotDist() {
  const dir = `${tmp}/regista`;
  mkdirSync(dir, { recursive: true });
  cpSync(`${ROOT}dist`, `${dir}/dist`, { recursive: true });
  cpSync(`${ROOT}package.json`, `${dir}/package.json`);
  symlinkSync(`${ROOT}node_modules`, `${dir}/node_modules`, 'dir');
  registaDist = `${dir}/dist/cjs/index.js`;
}

/** --render: the stored results again, with the "API used" texts as the contender modules say today. */
async function renderOnly() {
  const storeFile = `${HERE}results/${args.quick ? 'quick' : 'results'}.json`;
  const store = JSON.parse(readFileSync(storeFile, 'utf8'));
  for (const [key, cell] of Object.entries(store.cells)) {
    const [db, scenario, id] = key.split('|');
    if (CONTENDERS[id]) cell.api = (await describeCell(id, db, scenario)).api ?? cell.api;
  }
  writeFileSync(storeFile, `${JSON.stringify(store, null, 2)}\n`);
  const out = args.quick ? `${HERE}results/performance-quick.md` : DOC;
  writeFileSync(out, render(store, existsSync(DOC) ? readFileSync(DOC, 'utf8') : ''));
  log(`wrote ${out.replace(ROOT, '')} from ${storeFile.replace(ROOT, '')}`);
}

async function main() {
  if (args.render) return renderOnly();
  const started = new Date();
  if (!existsSync(`${ROOT}dist/cjs/index.js`)) throw new Error('regista is not built: run `npm run build` at the repository root first (npm run bench does).');
  snapshotDist();
  // Recorded now, with the snapshot: HEAD and dist/ may move while the run goes on.
  const measuredVersions = await versions(DBS, pgUrl);
  log(`regista bench: ${args.quick ? 'quick' : 'full'} run, scenarios ${args.only.join(',')}, databases ${args.dbs.join(',')}, ${args.runs} run(s) per cell`);
  const cells = {};
  try {
    for (const db of args.dbs) await runDatabase(db, cells);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const finished = new Date();

  const partial = args.only.length < SCENARIOS.length || args.dbs.length < DBS.length || args.contenders.length < Object.keys(CONTENDERS).length;
  mkdirSync(`${HERE}results`, { recursive: true });
  const storeFile = `${HERE}results/${args.quick ? 'quick' : 'results'}.json`;
  const previous = partial && existsSync(storeFile) ? JSON.parse(readFileSync(storeFile, 'utf8')) : undefined;
  const store = {
    kind: args.quick ? 'quick' : 'full',
    sizes,
    runs: args.runs,
    machine: machine(),
    versions: measuredVersions,
    started: previous?.started && previous.started < started.toISOString() ? previous.started : started.toISOString(),
    finished: finished.toISOString(),
    lastRun: { started: started.toISOString(), finished: finished.toISOString(), args: process.argv.slice(2).join(' ') || '(full)' },
    durationSeconds: (previous?.durationSeconds ?? 0) + (finished - started) / 1000,
    quietBusy: QUIET_BUSY,
    cells: { ...(previous?.cells ?? {}), ...cells },
  };
  writeFileSync(storeFile, `${JSON.stringify(store, null, 2)}\n`);

  const out = args.quick ? `${HERE}results/performance-quick.md` : DOC;
  const intro = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '';
  writeFileSync(out, render(store, intro));
  log(`wrote ${out.replace(ROOT, '')} and ${storeFile.replace(ROOT, '')} in ${((finished - started) / 60000).toFixed(1)} min`);
}

// Ctrl-C: stop the running worker, drop this run's schema and files, then exit.
process.once('SIGINT', async () => {
  log('interrupted: cleaning up...');
  currentChild?.kill('SIGKILL');
  if (args.dbs.includes('postgres')) await pgAdmin(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`).catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
  process.exit(130);
});

main().catch((error) => {
  log(error.stack ?? String(error));
  process.exit(1);
});
