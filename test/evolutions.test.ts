/**
 * Versioned evolutions (src/evolutions, docs/evolutions.md): declaring packages, the dependency
 * graph (order, cycles, unknown packages), running `create` and steps, the two bookkeeping tables,
 * safety (a failing step rolls back and stops the run; evolve calls and processes racing apply
 * every step once), status, dry run, progress events and loading definitions from files.
 *
 * Definitions are global to the process: every test starts with forgetEvolutions() and without
 * the bookkeeping tables (resetEvolutions), and records what its steps did in a log table of its own.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import {
  CircularDependencyError, ConfigurationError, MigrationError, Model, RegistaError, SchemaError, SchemaNewerThanCodeError, defineEvolution,
  evolutionDefinitions, evolutionOrder, field, forgetEvolutions, loadModules, model, primaryKey,
  type Database, type ErrorCode, type EvolutionProgress, type EvolutionStep, type EvolutionStepPlan,
} from 'regista';
import { dialectName, isPostgres, pgUrl, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

const VERSIONS_TABLE = 'regista_evolutions';
const HISTORY_TABLE = 'regista_evolution_history';

// ------------------------------------------------------------------------------------------------
// Helpers

/** `?` placeholders → the dialect's (`?` on SQLite, `$1` on PostgreSQL). */
function bind(database: Database, sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => database.dialect.placeholder(++n));
}

/** Rows of a query, run through regista (so inside a step it joins the step's transaction). */
async function query(sql: string, bindings: readonly unknown[] = [], database: Database = db()): Promise<Record<string, unknown>[]> {
  return (await database.run(bind(database, sql), bindings)).rows;
}

async function exec(database: Database, sql: string, bindings: readonly unknown[] = []): Promise<void> {
  await database.run(bind(database, sql), bindings, false);
}

async function tableExists(table: string): Promise<boolean> {
  const rows = isPostgres()
    ? await query('SELECT 1 AS x FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?', [table])
    : await query("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?", [table]);
  return rows.length > 0;
}

async function columnsOf(table: string): Promise<string[]> {
  const rows = isPostgres()
    ? await query('SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position', [table])
    : await query('SELECT name FROM pragma_table_info(?) ORDER BY cid', [table]);
  return rows.map((r) => String(r.name));
}

/** regista_evolutions as { package: version } (empty when the table does not exist). */
async function recordedVersions(): Promise<Record<string, number>> {
  if (!(await tableExists(VERSIONS_TABLE))) return {};
  const rows = await query(`SELECT "package", "version" FROM "${VERSIONS_TABLE}" ORDER BY "package"`);
  return Object.fromEntries(rows.map((r) => [String(r.package), Number(r.version)]));
}

interface HistoryRow {
  package: string;
  version: number;
  kind: string;
  checksum: string;
}

/** regista_evolution_history, by package and version (the table has no sequence column). */
async function historyRows(pkg?: string): Promise<HistoryRow[]> {
  if (!(await tableExists(HISTORY_TABLE))) return [];
  const rows = await query(
    `SELECT "package", "version", "kind", "checksum" FROM "${HISTORY_TABLE}"${pkg ? ' WHERE "package" = ?' : ''} ORDER BY "package", "version", "kind"`,
    pkg ? [pkg] : [],
  );
  return rows.map((r) => ({ package: String(r.package), version: Number(r.version), kind: String(r.kind), checksum: String(r.checksum) }));
}

/** What regista records as a step's checksum: SHA-256 of its source text, first 16 hex digits. */
function checksum(step: EvolutionStep): string {
  return createHash('sha256').update(step.toString()).digest('hex').slice(0, 16);
}

const plan = (pkg: string, version: number, kind: 'create' | 'step'): EvolutionStepPlan => ({ package: pkg, version, kind });

/**
 * A log table of the test's own. `step(label)` makes a step that appends `label` to it (in the
 * step's transaction, so it is rolled back with the step) and to `calls` (in memory, never rolled
 * back: what was invoked at all).
 */
interface StepLog {
  table: string;
  calls: string[];
  step(label: string, work?: EvolutionStep): EvolutionStep;
  /** Labels committed to the table, in the order they were written. */
  entries(): Promise<string[]>;
}

async function stepLog(): Promise<StepLog> {
  const table = uniqueTable('evo_log');
  await exec(db(), `CREATE TABLE "${table}" ("seq" INTEGER NOT NULL, "label" VARCHAR(200) NOT NULL)`);
  let seq = 0;
  const calls: string[] = [];
  return {
    table,
    calls,
    step: (label, work) => async (database) => {
      calls.push(label);
      await exec(database, `INSERT INTO "${table}" ("seq", "label") VALUES (?, ?)`, [++seq, label]);
      await work?.(database);
    },
    entries: async () => (await query(`SELECT "label" FROM "${table}" ORDER BY "seq"`)).map((r) => String(r.label)),
  };
}

/**
 * Defines `name` at `version`, logging `<name> create <version>` and `<name> step <n>` for each
 * of `steps` (default: every step from 2 to version). Returns the definition's functions.
 */
function defineLogged(
  log: StepLog, name: string, version: number, options: { depends?: string[]; steps?: number[] } = {},
): { create: EvolutionStep; steps: Record<number, EvolutionStep> } {
  const stepVersions = options.steps ?? Array.from({ length: version - 1 }, (_, i) => i + 2);
  const create = log.step(`${name} create ${version}`);
  const steps = Object.fromEntries(stepVersions.map((v) => [v, log.step(`${name} step ${v}`)]));
  defineEvolution({ package: name, version, depends: options.depends, create, steps });
  return { create, steps };
}

async function expectError<E extends RegistaError>(
  promise: Promise<unknown> | (() => unknown), cls: abstract new (...args: never[]) => E, code: ErrorCode,
): Promise<E> {
  let error: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    error = e;
  }
  if (!(error instanceof cls)) {
    assert.fail(`expected ${cls.name}, got ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}`);
  }
  assert.equal(error.constructor, cls);
  assert.equal(error.code, code);
  return error;
}

/** Forgets every definition and drops the bookkeeping tables: each test starts from nothing. */
async function resetEvolutions(): Promise<void> {
  forgetEvolutions();
  await exec(db(), `DROP TABLE IF EXISTS "${HISTORY_TABLE}"`);
  await exec(db(), `DROP TABLE IF EXISTS "${VERSIONS_TABLE}"`);
}

// ------------------------------------------------------------------------------------------------
// Declaring

describe('defineEvolution', () => {
  beforeEach(resetEvolutions);
  afterEach(() => forgetEvolutions());

  it('rejects a bad definition with one ConfigurationError listing every problem, and registers nothing', async () => {
    const error = await expectError(
      () => defineEvolution({ package: 'bad name!', version: 0, create: 'not a function' as unknown as EvolutionStep, steps: { 1: async () => {} } }),
      ConfigurationError, 1001,
    );
    const problems = error.details.problems as string[];
    assert.equal(problems.length, 4, problems.join('\n'));
    assert.match(problems[0], /package must be/);
    assert.match(problems[1], /version must be a positive integer/);
    assert.match(problems[2], /create must be a function/);
    assert.match(problems[3], /step 1 must be an integer from 2 to 0/);
    assert.equal(error.details.package, 'bad name!');

    const beyond = await expectError(
      () => defineEvolution({ package: 'notes', version: 2, create: async () => {}, steps: { 3: async () => {} } }),
      ConfigurationError, 1001,
    );
    assert.deepEqual(beyond.details.problems, ['step 3 must be an integer from 2 to 2']);
    await expectError(() => defineEvolution({ package: 'notes', version: 1.5, create: async () => {} }), ConfigurationError, 1001);
    await expectError(() => defineEvolution({ package: 'notes', version: 1, create: async () => {}, depends: [''] }), ConfigurationError, 1001);
    assert.equal(evolutionDefinitions().size, 0);
  });

  it('defining a package again replaces its earlier definition', async () => {
    const log = await stepLog();
    defineLogged(log, 'notes', 1);
    defineLogged(log, 'notes', 2);
    assert.equal(evolutionDefinitions().size, 1);
    assert.equal(evolutionDefinitions().get('notes')?.version, 2);
    assert.deepEqual(await db().evolve(), [plan('notes', 2, 'create')]);
    assert.deepEqual(await log.entries(), ['notes create 2']);
    assert.deepEqual(await recordedVersions(), { notes: 2 });
  });

  it('forgetEvolutions(name) forgets one package; forgetEvolutions() forgets all', async () => {
    const log = await stepLog();
    defineLogged(log, 'auth', 1);
    defineLogged(log, 'notes', 1);
    forgetEvolutions('auth');
    assert.deepEqual([...evolutionDefinitions().keys()], ['notes']);
    forgetEvolutions();
    assert.equal(evolutionDefinitions().size, 0);
    assert.deepEqual(await db().evolve(), []);
  });
});

// ------------------------------------------------------------------------------------------------
// The graph

describe('dependency graph', () => {
  beforeEach(resetEvolutions);
  afterEach(() => forgetEvolutions());

  it('diamond (app → billing, auth; billing → auth): auth once and first, whatever the definition order', async () => {
    const log = await stepLog();
    const defineAll = (order: string[]) => {
      forgetEvolutions();
      const specs: Record<string, string[]> = { app: ['billing', 'auth'], billing: ['auth'], auth: [], zeta: [], analytics: ['zeta'] };
      for (const name of order) defineLogged(log, name, 1, { depends: specs[name] });
    };
    const names = (defs: readonly { package: string }[]) => defs.map((d) => d.package);

    defineAll(['app', 'billing', 'auth', 'zeta', 'analytics']);
    const forApp = names(evolutionOrder(evolutionDefinitions(), ['app']));
    const forAll = names(evolutionOrder(evolutionDefinitions()));
    assert.deepEqual(forApp, ['auth', 'billing', 'app']);
    // Depth first from the roots in alphabetical order, each after its dependencies (also alphabetical).
    assert.deepEqual(forAll, ['zeta', 'analytics', 'auth', 'billing', 'app']);
    for (const order of [['analytics', 'zeta', 'auth', 'billing', 'app'], ['zeta', 'auth', 'app', 'analytics', 'billing']]) {
      defineAll(order);
      assert.deepEqual(names(evolutionOrder(evolutionDefinitions(), ['app'])), forApp, order.join(','));
      assert.deepEqual(names(evolutionOrder(evolutionDefinitions())), forAll, order.join(','));
      assert.deepEqual(names(evolutionOrder(evolutionDefinitions(), ['billing', 'app', 'auth', 'app'])), forApp, 'roots in any order, repeated');
    }

    assert.deepEqual(await db().evolve(['app']), [plan('auth', 1, 'create'), plan('billing', 1, 'create'), plan('app', 1, 'create')]);
    assert.deepEqual(await log.entries(), ['auth create 1', 'billing create 1', 'app create 1']);
    assert.deepEqual(await recordedVersions(), { app: 1, auth: 1, billing: 1 });

    // No packages named: every defined package; those already current are left alone.
    assert.deepEqual(await db().evolve(), [plan('zeta', 1, 'create'), plan('analytics', 1, 'create')]);
    assert.deepEqual(await log.entries(), ['auth create 1', 'billing create 1', 'app create 1', 'zeta create 1', 'analytics create 1']);
  });

  it('a cycle is a CircularDependencyError whose details give the path, raised before anything runs', async () => {
    const log = await stepLog();
    defineLogged(log, 'a_first', 1);
    defineLogged(log, 'x', 1, { depends: ['y'] });
    defineLogged(log, 'y', 1, { depends: ['x'] });
    const error = await expectError(db().evolve(), CircularDependencyError, 1502);
    assert.ok(error instanceof MigrationError, 'a CircularDependencyError is a MigrationError');
    assert.deepEqual(error.details.cycle, ['x', 'y', 'x']);
    assert.match(error.message, /x -> y -> x/);
    assert.deepEqual(log.calls, []);
    assert.deepEqual(await recordedVersions(), {});
    await expectError(db().evolve({ dryRun: true }), CircularDependencyError, 1502);
    await expectError(db().evolutionStatus(), CircularDependencyError, 1502);
    // a_first alone is fine: the cycle is not reachable from it.
    assert.deepEqual(await db().evolve(['a_first']), [plan('a_first', 1, 'create')]);

    forgetEvolutions();
    defineLogged(log, 'app', 1, { depends: ['x'] });
    defineLogged(log, 'x', 1, { depends: ['y'] });
    defineLogged(log, 'y', 1, { depends: ['z'] });
    defineLogged(log, 'z', 1, { depends: ['x'] });
    assert.deepEqual((await expectError(db().evolve(['app']), CircularDependencyError, 1502)).details.cycle, ['x', 'y', 'z', 'x']);

    forgetEvolutions();
    defineLogged(log, 'selfish', 1, { depends: ['selfish'] });
    assert.deepEqual((await expectError(db().evolve(), CircularDependencyError, 1502)).details.cycle, ['selfish', 'selfish']);
    assert.deepEqual(log.calls, ['a_first create 1']);
  });

  it('an unknown dependency is a MigrationError naming it, raised before anything runs', async () => {
    const log = await stepLog();
    defineLogged(log, 'a_first', 1);
    defineLogged(log, 'billing', 1, { depends: ['auth'] });
    const error = await expectError(db().evolve(), MigrationError, 1501);
    assert.match(error.message, /"billing" depends on "auth"/);
    assert.deepEqual(error.details, { package: 'billing', dependency: 'auth' });
    assert.deepEqual(log.calls, []);
    assert.deepEqual(await recordedVersions(), {});
  });

  it('an unknown package asked for is a MigrationError naming it', async () => {
    const log = await stepLog();
    defineLogged(log, 'billing', 1);
    const error = await expectError(db().evolve(['billing', 'nope']), MigrationError, 1501);
    assert.match(error.message, /"nope"/);
    assert.match(error.message, /Defined: billing/);
    assert.deepEqual(error.details, { package: 'nope' });
    await expectError(db().evolutionStatus(['nope']), MigrationError, 1501);
    assert.deepEqual(log.calls, []);
  });
});

// ------------------------------------------------------------------------------------------------
// Running

const invoiceTable = uniqueTable('evo_invoices');

/** A model whose table only evolutions create (autoCreate off). */
@model({ table: invoiceTable, autoCreate: false })
class EvoInvoice extends Model<EvoInvoice>() {
  @primaryKey() id!: number;
  @field() amount!: number;
}

const plannedTable = uniqueTable('evo_planned');

/** At version 2 of its package: older databases (version 1) lack the note column. */
@model({ table: plannedTable, autoCreate: false })
class EvoPlanned extends Model<EvoPlanned>() {
  @primaryKey() id!: number;
  @field() title!: string;
  @field({ type: 'text', nullable: true }) note!: string | null;
}

describe('running', () => {
  beforeEach(resetEvolutions);
  afterEach(() => forgetEvolutions());

  it('a new package: create builds the current version and records it; no step runs', async () => {
    const log = await stepLog();
    const { create } = defineLogged(log, 'notes', 3);
    assert.deepEqual(await db().evolve(), [plan('notes', 3, 'create')]);
    assert.deepEqual(log.calls, ['notes create 3']);
    assert.deepEqual(await recordedVersions(), { notes: 3 });
    assert.deepEqual(await historyRows(), [{ package: 'notes', version: 3, kind: 'create', checksum: checksum(create) }]);

    // Up to date: nothing runs, nothing is recorded.
    assert.deepEqual(await db().evolve(['notes']), []);
    assert.deepEqual(log.calls, ['notes create 3']);
    assert.equal((await historyRows()).length, 1);

    // A new database needs no step: a package may drop the steps no database still needs.
    defineLogged(log, 'stepless', 5, { steps: [] });
    assert.deepEqual(await db().evolve(['stepless']), [plan('stepless', 5, 'create')]);
    assert.deepEqual(await recordedVersions(), { notes: 3, stepless: 5 });
  });

  it('a recorded package runs each missing step in order, recording each in both tables', async () => {
    const log = await stepLog();
    const v1 = defineLogged(log, 'notes', 1);
    await db().evolve();
    const before = new Date(Date.now() - 1000);
    const v4 = defineLogged(log, 'notes', 4);
    assert.deepEqual(await db().evolve(), [plan('notes', 2, 'step'), plan('notes', 3, 'step'), plan('notes', 4, 'step')]);
    assert.deepEqual(await log.entries(), ['notes create 1', 'notes step 2', 'notes step 3', 'notes step 4']);
    assert.deepEqual(await recordedVersions(), { notes: 4 });
    assert.deepEqual(await historyRows('notes'), [
      { package: 'notes', version: 1, kind: 'create', checksum: checksum(v1.create) },
      { package: 'notes', version: 2, kind: 'step', checksum: checksum(v4.steps[2]) },
      { package: 'notes', version: 3, kind: 'step', checksum: checksum(v4.steps[3]) },
      { package: 'notes', version: 4, kind: 'step', checksum: checksum(v4.steps[4]) },
    ]);
    for (const row of await query(`SELECT "applied_at", "duration_ms" FROM "${HISTORY_TABLE}"`)) {
      assert.ok(new Date(String(row.applied_at)) >= new Date(Date.now() - 60_000), String(row.applied_at));
      assert.ok(Number.isInteger(Number(row.duration_ms)) && Number(row.duration_ms) >= 0, String(row.duration_ms));
    }
    const [{ updated_at: updatedAt }] = await query(`SELECT "updated_at" FROM "${VERSIONS_TABLE}" WHERE "package" = ?`, ['notes']);
    assert.match(String(updatedAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(new Date(String(updatedAt)) >= before);

    // The checksum is recorded for the record: an edited step that already ran is not run again.
    defineEvolution({ package: 'notes', version: 4, create: v4.create, steps: { ...v4.steps, 3: log.step('notes step 3, edited') } });
    assert.deepEqual(await db().evolve(), []);
    assert.equal((await historyRows('notes')).length, 4);
  });

  it('each step runs in its own transaction', async () => {
    const seen: boolean[] = [];
    const note: EvolutionStep = (database) => void seen.push(database.inTransaction());
    defineEvolution({ package: 'notes', version: 1, create: note });
    await db().evolve();
    defineEvolution({ package: 'notes', version: 3, create: note, steps: { 2: note, 3: note } });
    await db().evolve();
    assert.deepEqual(seen, [true, true, true]);
    assert.equal(db().inTransaction(), false);
  });

  it('with models: create calls createSchema() (autoCreate off), a later step adds a column', async () => {
    defineEvolution({ package: 'invoices', version: 1, create: () => EvoInvoice.createSchema() });
    assert.equal(await tableExists(invoiceTable), false);
    await db().evolve(['invoices']);
    assert.deepEqual(await columnsOf(invoiceTable), ['id', 'amount']);
    await EvoInvoice.objects.create({ amount: 12 });

    defineEvolution({
      package: 'invoices', version: 2,
      create: () => EvoInvoice.createSchema(),
      steps: {
        2: async () => {
          await EvoInvoice.objects.ensureColumn('note', { type: 'text', nullable: true });
          await EvoInvoice.objects.create({ amount: 30 });
        },
      },
    });
    assert.deepEqual(await db().evolve(['invoices']), [plan('invoices', 2, 'step')]);
    assert.deepEqual(await columnsOf(invoiceTable), ['id', 'amount', 'note']);
    assert.deepEqual((await EvoInvoice.objects.all({ orderBy: 'id' })).map((i) => i.amount), [12, 30]);
  });

  it('a step can apply a schema plan of its models (db.plan({ models }).apply()); a failing step rolls the plan back', async () => {
    // Version 1, as older code made it: no note column.
    const idColumn = isPostgres() ? '"id" integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY' : '"id" INTEGER PRIMARY KEY AUTOINCREMENT';
    defineEvolution({ package: 'planned', version: 1, create: (d) => exec(d, `CREATE TABLE "${plannedTable}" (${idColumn}, "title" TEXT NOT NULL)`) });
    await db().evolve();

    const applyPlan = async (d: Database) => {
      const schemaPlan = await d.plan({ models: [EvoPlanned] });
      assert.deepEqual(schemaPlan.operations.map((o) => `${o.kind} ${o.table}`), [`AddColumn ${plannedTable}`]);
      await schemaPlan.apply();
    };
    const definePlanned = (step2: EvolutionStep) =>
      defineEvolution({ package: 'planned', version: 2, create: () => EvoPlanned.createSchema(), steps: { 2: step2 } });
    definePlanned(async (d) => {
      await applyPlan(d);
      throw new Error('failed after the plan');
    });
    await expectError(db().evolve(), MigrationError, 1501);
    assert.deepEqual(await columnsOf(plannedTable), ['id', 'title'], 'the plan was rolled back with the step');
    assert.deepEqual(await recordedVersions(), { planned: 1 });

    definePlanned(applyPlan);
    assert.deepEqual(await db().evolve(), [plan('planned', 2, 'step')]);
    assert.deepEqual(await columnsOf(plannedTable), ['id', 'title', 'note']);
    await EvoPlanned.objects.create({ title: 'planned', note: 'added by step 2' });
    assert.deepEqual((await EvoPlanned.objects.all()).map((r) => r.note), ['added by step 2']);
  });

  it('a database newer than the code is refused with SchemaNewerThanCodeError, before anything runs', async () => {
    const log = await stepLog();
    defineLogged(log, 'a_first', 1);
    defineLogged(log, 'notes', 3);
    await db().evolve();
    forgetEvolutions();
    defineLogged(log, 'a_first', 2);
    defineLogged(log, 'notes', 2);
    const error = await expectError(db().evolve(), SchemaNewerThanCodeError, 1503);
    assert.ok(error instanceof MigrationError);
    assert.deepEqual(error.details, { package: 'notes', recorded: 3, current: 2 });
    assert.match(error.message, /notes at version 3, newer than this code's version 2/);
    assert.deepEqual(log.calls, ['a_first create 1', 'notes create 3'], 'a_first step 2 (earlier in the run) did not run');
    assert.deepEqual(await recordedVersions(), { a_first: 1, notes: 3 });
    await expectError(db().evolve({ dryRun: true }), SchemaNewerThanCodeError, 1503);
    // Packages not asked for are not checked.
    assert.deepEqual(await db().evolve(['a_first']), [plan('a_first', 2, 'step')]);
  });

  it('a missing step is a MigrationError naming the gap, raised before anything runs', async () => {
    const log = await stepLog();
    defineLogged(log, 'a_first', 1);
    defineLogged(log, 'notes', 1);
    await db().evolve();
    forgetEvolutions();
    defineLogged(log, 'a_first', 2);
    defineLogged(log, 'notes', 5, { steps: [2, 5] });
    const error = await expectError(db().evolve(), MigrationError, 1501);
    assert.deepEqual(error.details, { package: 'notes', recorded: 1, current: 5, missing: [3, 4] });
    assert.match(error.message, /steps 3, 4 are not defined/);
    assert.deepEqual(log.calls, ['a_first create 1', 'notes create 1']);
    assert.deepEqual(await recordedVersions(), { a_first: 1, notes: 1 });

    defineLogged(log, 'notes', 3, { steps: [2] });
    assert.match((await expectError(db().evolve(), MigrationError, 1501)).message, /step 3 is not defined/);
    await expectError(db().evolve({ dryRun: true }), MigrationError, 1501);
    assert.deepEqual(log.calls, ['a_first create 1', 'notes create 1']);
  });
});

// ------------------------------------------------------------------------------------------------
// Bookkeeping tables

describe('bookkeeping tables', () => {
  beforeEach(resetEvolutions);
  afterEach(() => forgetEvolutions());

  it('regista_evolutions and regista_evolution_history are created on demand', async () => {
    assert.equal(await tableExists(VERSIONS_TABLE), false);
    assert.equal(await tableExists(HISTORY_TABLE), false);
    defineEvolution({ package: 'notes', version: 1, create: () => {} });
    await db().evolve();
    assert.deepEqual(await columnsOf(VERSIONS_TABLE), ['package', 'version', 'updated_at']);
    assert.deepEqual(await columnsOf(HISTORY_TABLE), ['package', 'version', 'kind', 'applied_at', 'duration_ms', 'checksum']);
    // Existing tables are kept as they are.
    await db().evolve();
    assert.deepEqual(await recordedVersions(), { notes: 1 });
  });
});

// ------------------------------------------------------------------------------------------------
// Status and dry run

/** auth (current at 1), billing (recorded 1, code 3), fresh (new, code 2), legacy (recorded 3, code 2 when `withNewer`). */
async function mixedStates(log: StepLog, withNewer: boolean): Promise<void> {
  defineLogged(log, 'auth', 1);
  defineLogged(log, 'billing', 1, { depends: ['auth'] });
  if (withNewer) defineLogged(log, 'legacy', 3);
  await db().evolve();
  forgetEvolutions();
  defineLogged(log, 'auth', 1);
  defineLogged(log, 'billing', 3, { depends: ['auth'] });
  defineLogged(log, 'fresh', 2, { depends: ['billing'] });
  if (withNewer) defineLogged(log, 'legacy', 2);
  log.calls.length = 0;
}

describe('status and dry run', () => {
  beforeEach(resetEvolutions);
  afterEach(() => forgetEvolutions());

  it('evolutionStatus() reports recorded version, code version, pending steps and state; it runs nothing', async () => {
    const log = await stepLog();
    await mixedStates(log, true);
    const history = await historyRows();
    assert.deepEqual(await db().evolutionStatus(), [
      { package: 'auth', recorded: 1, current: 1, pending: [], state: 'current' },
      { package: 'billing', recorded: 1, current: 3, pending: [2, 3], state: 'behind' },
      { package: 'fresh', recorded: null, current: 2, pending: [2], state: 'new' },
      { package: 'legacy', recorded: 3, current: 2, pending: [], state: 'newer' },
    ]);
    assert.deepEqual((await db().evolutionStatus(['billing'])).map((s) => s.package), ['auth', 'billing']);
    assert.deepEqual(log.calls, []);
    assert.deepEqual(await historyRows(), history);
  });

  it('evolutionStatus() on a database never evolved reports every package as new', async () => {
    defineEvolution({ package: 'notes', version: 2, create: () => {}, steps: { 2: () => {} } });
    assert.deepEqual(await db().evolutionStatus(), [{ package: 'notes', recorded: null, current: 2, pending: [2], state: 'new' }]);
  });

  it('evolve({ dryRun: true }) returns the steps evolve would run and runs nothing', async () => {
    const log = await stepLog();
    await mixedStates(log, false);
    const versions = await recordedVersions();
    const history = await historyRows();
    const expected = [plan('billing', 2, 'step'), plan('billing', 3, 'step'), plan('fresh', 2, 'create')];
    const events: EvolutionProgress[] = [];

    assert.deepEqual(await db().evolve({ dryRun: true, onProgress: (e) => events.push(e) }), expected);
    assert.deepEqual(await db().evolve({ dryRun: true, packages: ['billing'] }), expected.slice(0, 2));
    assert.deepEqual(log.calls, []);
    assert.deepEqual(events, []);
    assert.deepEqual(await recordedVersions(), versions);
    assert.deepEqual(await historyRows(), history);

    assert.deepEqual(await db().evolve(), expected);
    assert.deepEqual(log.calls, ['billing step 2', 'billing step 3', 'fresh create 2']);
    assert.deepEqual(await db().evolve({ dryRun: true }), []);
  });
});

// ------------------------------------------------------------------------------------------------
// Progress

describe('onProgress', () => {
  beforeEach(resetEvolutions);
  afterEach(() => forgetEvolutions());

  it('reports start and done (with the duration) around each step, in run order; nothing when up to date', async () => {
    const log = await stepLog();
    defineLogged(log, 'auth', 1);
    defineLogged(log, 'billing', 1, { depends: ['auth'] });
    await db().evolve();
    forgetEvolutions();
    defineLogged(log, 'auth', 2);
    defineLogged(log, 'billing', 3, { depends: ['auth'] });
    defineLogged(log, 'app', 1, { depends: ['billing'] });

    const events: EvolutionProgress[] = [];
    const ran = await db().evolve({ packages: ['app'], onProgress: (e) => events.push({ ...e }) });
    assert.deepEqual(ran, [plan('auth', 2, 'step'), plan('billing', 2, 'step'), plan('billing', 3, 'step'), plan('app', 1, 'create')]);
    assert.deepEqual(
      events.map((e) => `${e.phase} ${e.package} ${e.kind} ${e.version}`),
      ran.flatMap((s) => [`start ${s.package} ${s.kind} ${s.version}`, `done ${s.package} ${s.kind} ${s.version}`]),
    );
    for (const e of events) {
      if (e.phase === 'start') assert.equal(e.durationMs, undefined);
      else assert.ok(typeof e.durationMs === 'number' && e.durationMs >= 0, String(e.durationMs));
    }

    events.length = 0;
    assert.deepEqual(await db().evolve({ onProgress: (e) => events.push(e) }), []);
    assert.deepEqual(events, []);
  });
});

// ------------------------------------------------------------------------------------------------
// Safety

const failingTable = uniqueTable('evo_failing');

/** Its table is created by a `create` that then fails: the table must go with the rollback. */
@model({ table: failingTable, autoCreate: false })
class EvoFailing extends Model<EvoFailing>() {
  @primaryKey() id!: number;
  @field() label!: string;
}

/** Runs test/fixtures/evolutions/race-child.js with `args`; resolves with its exit code and output. */
function runRaceChild(args: object): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = path.join(__dirname, 'fixtures', 'evolutions', 'race-child.js');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Three processes (test/fixtures/evolutions/race-child.js) evolve the test's database at once:
 * PostgreSQL through the same schema, SQLite through the same file. Every step appends a row to a
 * log table and sleeps; afterwards each step must have run exactly once.
 */
async function raceThreeProcesses(options: { pgOptions?: string } = {}): Promise<void> {
  const logTable = uniqueTable('evo_race_log');
  const itemsTable = uniqueTable('evo_race_items');
  await exec(db(), `CREATE TABLE "${logTable}" ("package" VARCHAR(100) NOT NULL, "version" INTEGER NOT NULL, "kind" VARCHAR(10) NOT NULL, "pid" INTEGER NOT NULL)`);
  defineEvolution({ package: 'race_base', version: 1, create: (d) => exec(d, `CREATE TABLE "${itemsTable}" ("id" INTEGER PRIMARY KEY)`) });
  await db().evolve();

  let target: { url: string; schema?: string; driver?: string };
  if (isPostgres()) {
    const [{ schema }] = await query('SELECT current_schema() AS schema');
    const url = options.pgOptions ? `${pgUrl()}${pgUrl().includes('?') ? '&' : '?'}options=${encodeURIComponent(options.pgOptions)}` : pgUrl();
    target = { url, schema: String(schema) };
  } else {
    const [{ file }] = await query("SELECT file FROM pragma_database_list WHERE name = 'main'");
    assert.ok(typeof file === 'string' && file !== '', 'the test database is a file');
    target = { url: `sqlite://${file}`, driver: dialectName() === 'sqlite3-file' ? 'sqlite3' : 'better-sqlite3' };
  }
  const startAt = Date.now() + 1500;
  const runs = await Promise.all([1, 2, 3].map(() => runRaceChild({ ...target, logTable, itemsTable, startAt, sleepMs: 100, pauseMs: 150 })));
  for (const run of runs) assert.equal(run.code, 0, `a child failed:\n${run.stderr}`);
  const reports = runs.map((run) => JSON.parse(run.stdout) as { pid: number; ran: EvolutionStepPlan[] });

  const expected = ['race_base step 2', 'race_base step 3', 'race_new create 2', 'race_solo create 1'];
  const ran = reports.flatMap((r) => r.ran.map((s) => `${s.package} ${s.kind} ${s.version}`)).sort();
  assert.deepEqual(ran, expected, 'the steps the processes report, together');
  const logged = await query(`SELECT "package", "version", "kind", "pid" FROM "${logTable}" ORDER BY "package", "version"`);
  assert.deepEqual(logged.map((r) => `${r.package} ${r.kind} ${r.version}`), expected, 'every step ran exactly once');
  for (const row of logged) {
    const reporter = reports.find((r) => r.ran.some((s) => s.package === row.package && s.version === Number(row.version)));
    assert.equal(Number(row.pid), reporter?.pid, `${row.package} ${row.version} ran in the process that reported it`);
  }
  assert.deepEqual((await historyRows()).map((h) => `${h.package} ${h.kind} ${h.version}`), ['race_base create 1', ...expected]);
  assert.deepEqual(await recordedVersions(), { race_base: 3, race_new: 2, race_solo: 1 });
  assert.deepEqual(await columnsOf(itemsTable), ['id', 'note']);
  assert.deepEqual((await query(`SELECT "id" FROM "${itemsTable}"`)).map((r) => Number(r.id)), [3]);
}

describe('safety', () => {
  beforeEach(resetEvolutions);
  afterEach(() => forgetEvolutions());

  it('a failing step rolls back its DDL and data, leaves its package at the last good version, names the step and stops the run', async () => {
    const log = await stepLog();
    const itemsTable = uniqueTable('evo_items');
    const step2Table = uniqueTable('evo_step2');
    const step3Table = uniqueTable('evo_step3');
    defineEvolution({ package: 'p', version: 1, create: log.step('p create 1', (d) => exec(d, `CREATE TABLE "${itemsTable}" ("id" INTEGER PRIMARY KEY)`)) });
    await db().evolve();

    const boom = new Error('boom in step 3');
    const step3 = log.step('p step 3', async (d) => {
      await exec(d, `CREATE TABLE "${step3Table}" ("id" INTEGER PRIMARY KEY)`);
      await exec(d, `INSERT INTO "${itemsTable}" ("id") VALUES (?)`, [3]);
      throw boom;
    });
    const defineP = (third: EvolutionStep) => defineEvolution({
      package: 'p', version: 4,
      create: log.step('p create 4'),
      steps: {
        2: log.step('p step 2', (d) => exec(d, `CREATE TABLE "${step2Table}" ("id" INTEGER PRIMARY KEY)`)),
        3: third,
        4: log.step('p step 4'),
      },
    });
    defineP(step3);
    defineLogged(log, 'a_first', 1);
    defineLogged(log, 'z', 1, { depends: ['p'] });
    const events: string[] = [];

    const error = await expectError(db().evolve({ onProgress: (e) => events.push(`${e.phase} ${e.package} ${e.version}`) }), MigrationError, 1501);
    assert.match(error.message, /^Evolution of p failed at step 3; p stays at its last good version\. boom in step 3$/);
    assert.deepEqual(error.details, { package: 'p', version: 3, kind: 'step' });
    assert.equal(error.cause, boom);

    assert.deepEqual(await recordedVersions(), { a_first: 1, p: 2 });
    assert.deepEqual((await historyRows()).map((h) => `${h.package} ${h.kind} ${h.version}`), ['a_first create 1', 'p create 1', 'p step 2']);
    assert.equal(await tableExists(step2Table), true);
    assert.equal(await tableExists(step3Table), false, "step 3's CREATE TABLE was rolled back");
    assert.deepEqual(await query(`SELECT "id" FROM "${itemsTable}"`), [], "step 3's INSERT was rolled back");
    assert.deepEqual(await log.entries(), ['p create 1', 'a_first create 1', 'p step 2']);
    assert.deepEqual(log.calls, ['p create 1', 'a_first create 1', 'p step 2', 'p step 3'], 'step 4 and package z did not run');
    assert.deepEqual(events, ['start a_first 1', 'done a_first 1', 'start p 2', 'done p 2', 'start p 3']);
    assert.deepEqual((await db().evolutionStatus(['z'])).map((s) => [s.package, s.state, s.pending]), [['p', 'behind', [3, 4]], ['z', 'new', [1]]]);

    // Fixed code resumes where the run stopped.
    defineP(log.step('p step 3 (fixed)', (d) => exec(d, `CREATE TABLE "${step3Table}" ("id" INTEGER PRIMARY KEY)`)));
    assert.deepEqual(await db().evolve(), [plan('p', 3, 'step'), plan('p', 4, 'step'), plan('z', 1, 'create')]);
    assert.deepEqual(await recordedVersions(), { a_first: 1, p: 4, z: 1 });
    assert.equal(await tableExists(step3Table), true);
  });

  it('a failing create rolls back the tables it made (model readiness too) and records nothing', async () => {
    defineEvolution({
      package: 'failing', version: 2,
      create: async () => {
        await EvoFailing.createSchema();
        await EvoFailing.objects.create({ label: 'lost' });
        throw new Error('create went wrong');
      },
    });
    const error = await expectError(db().evolve(), MigrationError, 1501);
    assert.match(error.message, /^Evolution of failing failed at create \(version 2\); .*create went wrong$/);
    assert.deepEqual(error.details, { package: 'failing', version: 2, kind: 'create' });
    assert.equal(await tableExists(failingTable), false);
    assert.deepEqual(await recordedVersions(), {});
    assert.deepEqual(await historyRows(), []);

    defineEvolution({ package: 'failing', version: 2, create: () => EvoFailing.createSchema() });
    assert.deepEqual(await db().evolve(), [plan('failing', 2, 'create')]);
    assert.equal(await tableExists(failingTable), true);
    assert.equal(await EvoFailing.objects.count(), 0);
  });

  it('a failing statement in a step is reported with the typed error as cause', async () => {
    const log = await stepLog();
    defineLogged(log, 'notes', 1);
    await db().evolve();
    const missing = uniqueTable('evo_missing');
    defineEvolution({
      package: 'notes', version: 2, create: log.step('notes create 2'),
      steps: { 2: log.step('notes step 2', (d) => exec(d, `INSERT INTO "${missing}" ("id") VALUES (1)`)) },
    });
    const error = await expectError(db().evolve(), MigrationError, 1501);
    assert.ok(error.cause instanceof SchemaError, `${(error.cause as Error).constructor.name}: ${(error.cause as Error).message}`);
    assert.equal(error.cause.code, 1500);
    assert.match(error.message, new RegExp(`^Evolution of notes failed at step 2; notes stays at its last good version\\. SchemaError 1500: Table ${missing} does not exist`));
    assert.deepEqual(await recordedVersions(), { notes: 1 });
    assert.deepEqual(await log.entries(), ['notes create 1']);
  });

  it('two evolve() calls at once in one process apply every step once', async () => {
    const log = await stepLog();
    const slow = (label: string): EvolutionStep => log.step(label, () => new Promise((r) => setTimeout(r, 30)));
    defineEvolution({ package: 'notes', version: 1, create: slow('notes create 1') });
    await db().evolve();
    defineEvolution({ package: 'notes', version: 3, create: slow('notes create 3'), steps: { 2: slow('notes step 2'), 3: slow('notes step 3') } });
    defineEvolution({ package: 'tags', version: 1, depends: ['notes'], create: slow('tags create 1') });
    const runs = await Promise.all([db().evolve(), db().evolve(), db().evolve()]);
    const ran = runs.flat().map((s) => `${s.package} ${s.kind} ${s.version}`).sort();
    assert.deepEqual(ran, ['notes step 2', 'notes step 3', 'tags create 1']);
    assert.deepEqual(await log.entries(), ['notes create 1', 'notes step 2', 'notes step 3', 'tags create 1']);
    assert.deepEqual((await historyRows()).map((h) => `${h.package} ${h.kind} ${h.version}`), ['notes create 1', 'notes step 2', 'notes step 3', 'tags create 1']);
  });

  it('processes evolving one database at once apply every step exactly once',
    { skip: dialectName() === 'sqlite-memory' ? 'an in-memory SQLite database cannot be shared with another process' : false },
    () => raceThreeProcesses());

  it('regression: processes racing under default_transaction_isolation = repeatable read apply every step once, without errors',
    {
      skip: isPostgres() ? false : 'PostgreSQL only (a SQLite snapshot starts when BEGIN IMMEDIATE gets the lock)',
    },
    () => raceThreeProcesses({ pgOptions: '-c default_transaction_isolation=repeatable\\ read' }));
});

// ------------------------------------------------------------------------------------------------
// Loading definitions from files

describe('loadModules', () => {
  beforeEach(resetEvolutions);
  afterEach(() => forgetEvolutions());

  it('imports every file a glob matches, in sorted order, so their definitions register', async () => {
    // The fixtures are compiled next to this file: build/test/fixtures/evolutions/modules/.
    const base = path.join(__dirname, 'fixtures', 'evolutions');
    const modules = path.join(base, 'modules');
    assert.deepEqual(await loadModules(['modules/*.nothing.js'], base), []);
    const files = await loadModules(['modules/**/*.evolution.js'], base);
    assert.deepEqual(files, [path.join(modules, 'auth.evolution.js'), path.join(modules, 'billing.evolution.js'), path.join(modules, 'nested', 'ledger.evolution.js')]);
    assert.deepEqual([...evolutionDefinitions().keys()].sort(), ['fixture_auth', 'fixture_billing', 'fixture_ledger']);

    const ran = await db().evolve(['fixture_ledger']);
    assert.deepEqual(ran, [plan('fixture_auth', 1, 'create'), plan('fixture_billing', 1, 'create'), plan('fixture_ledger', 1, 'create')]);
    for (const table of ['fixture_auth_users', 'fixture_billing_invoices', 'fixture_ledger_entries']) assert.equal(await tableExists(table), true, table);

    // Braces, absolute patterns; a file is listed once however many patterns match it.
    assert.deepEqual(
      await loadModules([path.join(modules, '{auth,billing}.evolution.js'), 'modules/auth.evolution.js'], base),
      [path.join(modules, 'auth.evolution.js'), path.join(modules, 'billing.evolution.js')],
    );
  });
});
