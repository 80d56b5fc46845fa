// One child process per measurement: set up (untimed), run one scenario with one contender,
// check the result, report through IPC. A fresh process per run keeps JIT state, statement
// caches and heap growth of one contender from leaking into the next.
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { CONTENDERS } from './contenders.mjs';
import { items, pageQueries, PAGE, randomIds } from './data.mjs';
import { admin, analyze, createTables, dropTables, seed } from './db.mjs';

const MB = 1024 * 1024;

process.once('message', async (task) => {
  let result;
  try {
    result = await run(task);
  } catch (error) {
    // Driver errors can quote a whole multi-row statement: keep the first lines, each cut short.
    const lines = String(error?.stack ?? error).split('\n').slice(0, 6);
    result = { status: 'error', error: lines.map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l)).join('\n') };
  }
  process.send(result, () => process.exit(0));
});

async function run(task) {
  if (task.mode === 'prepare') return prepare(task);
  if (task.mode === 'cleanup') return cleanup(task);
  return measure(task);
}

/** Creates and seeds the tables a read scenario shares between all contenders. */
async function prepare({ target, scenario, sizes }) {
  const a = await admin(target);
  try {
    const start = performance.now();
    await createTables(a, target.db, scenario);
    await seed(a, target.db, scenario, sizes);
    await analyze(a);
    return { status: 'ok', ms: performance.now() - start };
  } finally {
    await a.close();
  }
}

async function cleanup({ target }) {
  const a = await admin(target);
  try {
    await dropTables(a);
    return { status: 'ok' };
  } finally {
    await a.close();
  }
}

/** Runs `scenario` with `contender`; only the marked section is timed. */
async function measure({ target, scenario, contender, sizes }) {
  const def = CONTENDERS[contender];
  const mod = await import(new URL(`../contenders/${def.module}`, import.meta.url));
  const api = mod.describe(target.db, def.options ?? {})[scenario];
  if (!api || api.na) return { status: 'na', reason: api?.na ?? 'not supported' };

  // Per-run tables for the write scenarios: a fresh empty table (a), half of the keys present (b).
  if (scenario === 'a' || scenario === 'b') {
    const a = await admin(target);
    try {
      await createTables(a, target.db, scenario);
      if (scenario === 'b') await seed(a, target.db, 'b', sizes);
    } finally {
      await a.close();
    }
  }

  const handle = await mod.open(target, def.options ?? {});
  try {
    const method = { a: 'insert', b: 'upsert', c: 'get', d: 'page', e: 'loadParents', f: 'stream' }[scenario];
    if (typeof handle[method] !== 'function') return { status: 'pending', reason: handle.pending?.[scenario] ?? `${method} is not available yet` };
    return await SCENARIOS[scenario](handle, sizes, target);
  } finally {
    await handle.close();
  }
}

function collect() {
  globalThis.gc?.();
}

/** Times fn; returns milliseconds. */
async function timed(fn) {
  collect();
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function count(target, sql) {
  const a = await admin(target);
  try {
    return Number(await a.scalar(sql));
  } finally {
    await a.close();
  }
}

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

const SCENARIOS = {
  async a(h, sizes, target) {
    const rows = items(sizes.a);
    const ms = await timed(() => h.insert(rows));
    const stored = await count(target, 'SELECT COUNT(*) FROM bench_items');
    check(stored === sizes.a, `expected ${sizes.a} rows, found ${stored}`);
    return ok(ms, sizes.a);
  },

  async b(h, sizes, target) {
    const rows = items(sizes.b, 1);
    const ms = await timed(() => h.upsert(rows));
    const stored = await count(target, 'SELECT COUNT(*) FROM bench_items');
    const fresh = await count(target, `SELECT COUNT(*) FROM bench_items WHERE name LIKE '%-v1'`);
    check(stored === sizes.b && fresh === sizes.b, `expected ${sizes.b} rows all updated, found ${stored} rows, ${fresh} updated`);
    return ok(ms, sizes.b);
  },

  async c(h, sizes) {
    const ids = randomIds(sizes.c.ops, sizes.c.table);
    let found = 0;
    const ms = await timed(async () => {
      for (let i = 0; i < ids.length; i++) if (await h.get(ids[i])) found++;
    });
    check(found === ids.length, `expected ${ids.length} rows found, got ${found}`);
    return ok(ms, ids.length);
  },

  async d(h, sizes) {
    const queries = pageQueries(sizes.d.ops, sizes.d.table);
    let rows = 0;
    const ms = await timed(async () => {
      for (let i = 0; i < queries.length; i++) {
        const q = queries[i];
        rows += (await h.page(q.lo, q.hi, PAGE.limit, q.offset)).length;
      }
    });
    check(rows === queries.length * PAGE.limit, `expected ${queries.length * PAGE.limit} rows, got ${rows}`);
    return ok(ms, queries.length);
  },

  async e(h, sizes) {
    const { parents, children, loads } = sizes.e;
    let last;
    const ms = await timed(async () => {
      for (let i = 0; i < loads; i++) last = await h.loadParents();
    });
    check(last.length === parents, `expected ${parents} parents, got ${last.length}`);
    const kids = await h.countChildren(last);
    check(kids === parents * children, `expected ${parents * children} children, got ${kids}`);
    const extra = { msPerLoad: ms / loads };
    if (h.queriesPerLoad) extra.queries = await h.queriesPerLoad();
    return ok(ms, parents * loads, extra);
  },

  async f(h, sizes) {
    collect();
    const baseline = process.memoryUsage().rss;
    const hwm = resetPeak();
    let peak = baseline;
    let rows = 0;
    let sum = 0;
    const start = performance.now();
    await h.stream((row) => {
      rows++;
      sum += row.n;
      if ((rows & 8191) === 0) {
        const rss = process.memoryUsage().rss;
        if (rss > peak) peak = rss;
      }
    });
    const ms = performance.now() - start;
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
    if (hwm) peak = Math.max(peak, readPeak());
    const expectedSum = (sizes.f * (sizes.f + 1)) / 2;
    check(rows === sizes.f, `expected ${sizes.f} rows, got ${rows}`);
    check(sum === expectedSum, `sum of n: expected ${expectedSum}, got ${sum}`);
    return ok(ms, rows, { rssMB: (peak - baseline) / MB });
  },
};

function ok(ms, units, extra = {}) {
  return { status: 'ok', ms, units, rate: (units * 1000) / ms, ...extra };
}

/** Resets the kernel's peak-RSS mark (VmHWM) for this process; false where that is not possible. */
function resetPeak() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function readPeak() {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

