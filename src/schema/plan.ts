import type { Database } from '../connection/database';
import { schemaHooks } from '../connection/database';
import type { Dialect } from '../dialects/dialect';
import { ConfigurationError } from '../errors';
import type { ModelMeta } from '../metadata/model-meta';
import { registry } from '../metadata/registry';
import { applyOperations, type SchemaApplyResult } from './apply-plan';
import { assessChange, type Assessment } from './assess-change';
import type { Catalog, CatalogTable } from './catalog';
import { dependencyOrder } from './create-all';
import { diffCatalogs, PHASE, withRenames } from './diff';
import { expectedCatalog } from './expected-catalog';
import type { SchemaChange, SchemaOperation } from './operations';
import { rebuildTarget } from './rebuild-target';

/** Options of `db.plan()`. */
export interface PlanOptions {
  /** Include the operations that drop data (tables, columns, values). Default false: they are listed as skipped. */
  allowDestructive?: boolean;
  /**
   * Plan for these models only (default: every registered model of the database). Only their
   * tables (and `tables`) are compared; other tables of the database are left alone.
   */
  models?: readonly Function[];
  /** Plan for these tables only (with `models`: as well): a table no model describes is dropped. */
  tables?: readonly string[];
}

/** Tables regista keeps for itself (evolution versions...): never part of a plan. */
const OWN_TABLE = /^regista_/;

/**
 * The difference between a database's models and its schema, as typed operations in the order
 * they run, each with its SQL, whether it drops data and why it is there. Print it (`toString`),
 * save it as a script (`toSql`) or JSON (`toJSON`), or `apply()` it in one transaction.
 *
 * @example
 * const plan = await db.plan();
 * console.log(plan.toString());
 * await plan.apply();
 */
export class SchemaPlan {
  /** @internal */
  constructor(
    private readonly db: Database,
    /** Every operation, skipped ones included, in the order they run. */
    readonly operations: readonly SchemaOperation[],
    /** Whether destructive operations are included. */
    readonly allowDestructive: boolean,
    private readonly reinspect: () => Promise<Catalog>,
    private readonly planned: string,
    private readonly models: readonly ModelMeta[],
  ) {}

  /** Whether the models and the database agree (no operation at all, not even a skipped one). */
  get isEmpty(): boolean {
    return this.operations.length === 0;
  }

  /** The operations `apply()` carries out. */
  get pending(): SchemaOperation[] {
    return this.operations.filter((o) => !o.skipped);
  }

  /** The operations left out: destructive ones (without `allowDestructive`) and those blocked by the data. */
  get skipped(): SchemaOperation[] {
    return this.operations.filter((o) => o.skipped);
  }

  /**
   * The plan as an SQL script: the statements of every pending operation, each after a comment
   * saying why, wrapped in a transaction; skipped operations appear as comments.
   */
  toSql(): string {
    const dialect = this.db.dialect;
    const pending = this.pending.filter((o) => o.sql.length > 0);
    const rebuilds = pending.filter((o) => o.kind === 'RebuildTable');
    const lines = [`-- regista schema plan for ${dialect.name}: ${this.summary()}`];
    if (this.operations.length === 0) return `${lines[0]}\n`;
    const offOn = rebuilds.length > 0 ? dialect.foreignKeysSql(false) : [];
    const transactional = dialect.capabilities.transactionalDdl && pending.length > 0;
    lines.push(...offOn.map((s) => `${s};`));
    if (transactional) lines.push(`${dialect.beginSql};`);
    for (const op of this.operations) {
      lines.push('');
      if (op.skipped) {
        lines.push(`-- SKIPPED ${describe(op)}: ${op.reason}`, `--   ${whySkipped(op)}`);
        for (const sql of op.sql) lines.push(...sql.split('\n').map((l) => `-- ${l}`));
        if (op.viaRebuild) lines.push(`-- (would rebuild ${op.table})`);
        continue;
      }
      lines.push(`-- ${describe(op)}: ${op.reason}${op.loss ? ` (loses ${op.loss})` : ''}`);
      if (op.viaRebuild) lines.push(`--   carried out by the rebuild of ${op.table}`);
      for (const sql of op.sql) lines.push(`${sql};`);
    }
    if (rebuilds.length > 0) {
      lines.push('');
      for (const op of rebuilds) {
        const check = dialect.foreignKeyCheckSql(op.table!);
        if (check !== null) lines.push(`${check}; -- must return no rows`);
      }
    }
    lines.push('');
    if (transactional) lines.push('COMMIT;');
    lines.push(...(rebuilds.length > 0 ? dialect.foreignKeysSql(true) : []).map((s) => `${s};`));
    return `${lines.join('\n')}\n`;
  }

  /** The plan as plain data: one entry per operation with its kind, SQL, flags, reason and change. */
  toJSON(): { dialect: string; allowDestructive: boolean; operations: Array<Record<string, unknown>> } {
    return {
      dialect: this.db.dialect.name,
      allowDestructive: this.allowDestructive,
      operations: this.operations.map((op) => ({ ...op, sql: [...op.sql] })),
    };
  }

  /** A readable summary: one line per operation, skipped ones marked with what they would lose. */
  toString(): string {
    const lines = [`Schema plan (${this.db.dialect.name}): ${this.summary()}`];
    for (const op of this.operations) {
      const mark = op.skipped ? '!' : /^(Drop|Remove)/.test(op.kind) ? '-' : /^(Create|Add)/.test(op.kind) ? '+' : '~';
      lines.push(`  ${mark} ${describe(op)}: ${op.reason}${op.skipped ? ` [skipped: ${whySkipped(op)}]` : op.loss ? ` [loses ${op.loss}]` : ''}`);
    }
    return lines.join('\n');
  }

  /**
   * Carries out the pending operations in one transaction (where the database's DDL is
   * transactional), refusing with StalePlanError when the schema changed since planning. On SQLite,
   * changes that cannot be made in place rebuild their table, keeping every row.
   */
  apply(): Promise<SchemaApplyResult> {
    return applyOperations({ db: this.db, operations: this.operations, inspect: this.reinspect, planned: this.planned, models: this.models });
  }

  private summary(): string {
    if (this.operations.length === 0) return 'nothing to do';
    const skipped = this.skipped.length;
    return `${this.pending.length} operation${this.pending.length === 1 ? '' : 's'} to apply${skipped > 0 ? `, ${skipped} skipped` : ''}`;
  }
}

function describe(op: SchemaOperation): string {
  const where = op.table === undefined
    ? op.change.kind === 'CreateEnum' || op.change.kind === 'DropEnum' ? ` ${op.change.enum.name}` : ''
    : ` ${op.table}${op.column !== undefined ? `.${op.column}` : ''}`;
  return `${op.kind}${where}`;
}

function whySkipped(op: SchemaOperation): string {
  if (op.blocked !== undefined) return `blocked: ${op.blocked}`;
  return `destructive, would lose ${op.loss ?? 'data'}; plan with { allowDestructive: true } to include it`;
}

/** The models of the plan: the database's registered models, or the ones asked for. */
function selectModels(db: Database, options: PlanOptions): ModelMeta[] {
  if (options.models === undefined && options.tables === undefined) return registry.metas(db.name);
  const chosen = (options.models ?? []).map((cls) => {
    const meta = registry.requireMeta(cls);
    if (meta.database !== db.name) {
      throw new ConfigurationError(`Model ${meta.name} lives in database "${meta.database}", not "${db.name}"`, { model: meta.name, database: meta.database });
    }
    return meta;
  });
  // A table named in `tables` that a model of the database describes is that model's.
  const byTable = registry.metas(db.name).filter((m) => options.tables?.includes(m.table) && !chosen.includes(m));
  return [...chosen, ...byTable];
}

/** The catalog restricted to the plan's tables (and the enum types they use), regista's own tables left out. */
function restrict(catalog: Catalog, scope: ReadonlySet<string> | undefined, expectedEnums: ReadonlySet<string>): Catalog {
  const tables = catalog.tables.filter((t) => !OWN_TABLE.test(t.name) && (scope === undefined || scope.has(t.name)));
  const used = new Set(tables.flatMap((t) => t.columns.filter((c) => c.enumValues !== undefined).map((c) => c.type)));
  const enums = scope === undefined ? catalog.enums : catalog.enums.filter((e) => used.has(e.name) || expectedEnums.has(e.name));
  return { ...catalog, tables, enums };
}

/** Per table, the renamed columns' former names (`renamedFrom`). */
function renamesOf(metas: readonly ModelMeta[]): Map<string, Map<string, readonly string[]>> {
  const out = new Map<string, Map<string, readonly string[]>>();
  for (const meta of metas) {
    const columns = new Map<string, readonly string[]>();
    for (const f of meta.fields) if (f.renamedFrom && f.renamedFrom.length > 0) columns.set(f.column, f.renamedFrom);
    if (columns.size > 0) out.set(meta.table, columns);
  }
  return out;
}

/**
 * Compares the models of `db` with its schema and returns the plan that reconciles them. Reads
 * the schema and counts the rows that destructive or blocked changes would touch; changes nothing.
 */
export async function planSchema(db: Database, options: PlanOptions = {}): Promise<SchemaPlan> {
  const dialect = db.dialect;
  const metas = selectModels(db, options);
  registry.ensureResolved(metas);
  const ordered = dependencyOrder(metas);
  const scope = options.models === undefined && options.tables === undefined
    ? undefined
    : new Set([...metas.map((m) => m.table), ...(options.tables ?? [])]);
  const run = (sql: string, bindings?: readonly unknown[], expectRows = true) => db.run(sql, bindings, expectRows);

  const full = await dialect.introspect(run);
  const draft = expectedCatalog(ordered, dialect, full.schema);
  const expectedEnums = new Set(draft.enums.map((e) => e.name));
  const actual = restrict(full, scope, expectedEnums);
  const changes = diffCatalogs(draft, actual, {
    renames: renamesOf(metas),
    comments: dialect.capabilities.comments,
    tableOrder: ordered.map((m) => m.table),
  });

  const metaByTable = new Map(metas.map((m) => [m.table, m] as const));
  const renamed = new Map<string, Map<string, string>>();
  for (const c of changes) {
    if (c.kind === 'RenameColumn') {
      if (!renamed.has(c.table)) renamed.set(c.table, new Map());
      renamed.get(c.table)!.set(c.column, c.from);
    }
  }
  const assessments: Assessment[] = [];
  for (const change of changes) assessments.push(await assessChange({ db, dialect, actual: full, metaByTable, renamed }, change));

  const allowDestructive = options.allowDestructive === true;
  const operations = buildOperations(dialect, assessments, allowDestructive, { actual, metaByTable, renamed });
  const planned = JSON.stringify(actual);
  const reinspect = async () => restrict(await dialect.introspect(run), scope, expectedEnums);
  return new SchemaPlan(db, operations, allowDestructive, reinspect, planned, metas);
}

interface BuildContext {
  actual: Catalog;
  metaByTable: ReadonlyMap<string, ModelMeta>;
  renamed: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

type Draft = { -readonly [K in keyof SchemaOperation]: SchemaOperation[K] };

function tableOf(change: SchemaChange): string | undefined {
  return 'table' in change ? change.table : undefined;
}

function columnOf(change: SchemaChange): string | undefined {
  return 'column' in change && typeof change.column === 'string' ? change.column : undefined;
}

/** Columns a change needs to exist (constraints and indexes over them). */
function columnsUsed(change: SchemaChange): readonly string[] {
  switch (change.kind) {
    case 'AddUnique': return change.unique.columns;
    case 'AddIndex': return change.index.columns;
    case 'AddForeignKey': return change.foreignKey.columns;
    case 'SetComment': return change.column !== undefined ? [change.column] : [];
    default: return [];
  }
}

/**
 * Decides what runs (skipping destructive changes unless allowed, blocked ones always, and what
 * depends on a skipped column or still uses an enum type), writes the SQL, and folds the changes
 * of a table that the dialect can only make by a rebuild into one RebuildTable operation.
 */
function buildOperations(dialect: Dialect, assessments: readonly Assessment[], allowDestructive: boolean, ctx: BuildContext): SchemaOperation[] {
  const drafts: Draft[] = assessments.map((a) => ({
    kind: a.change.kind,
    table: tableOf(a.change),
    column: columnOf(a.change),
    change: a.change,
    sql: [],
    destructive: a.destructive,
    skipped: a.blocked !== undefined || (a.destructive && !allowDestructive),
    reason: a.reason,
    ...(a.loss !== undefined ? { loss: a.loss } : {}),
    ...(a.affectedRows !== undefined ? { affectedRows: a.affectedRows } : {}),
    ...(a.blocked !== undefined ? { blocked: a.blocked } : {}),
  }));

  // Constraints and indexes over a column that is not added cannot be made.
  const missing = drafts.filter((d) => d.kind === 'AddColumn' && d.skipped);
  for (const d of drafts) {
    if (d.skipped) continue;
    const gone = missing.find((m) => m.table === d.table && columnsUsed(d.change).includes(m.column!));
    if (gone) Object.assign(d, { skipped: true, blocked: `needs column ${gone.table}.${gone.column}, which is not added` });
  }
  // An enum type can only be dropped once nothing uses it.
  for (const d of drafts) {
    if (d.change.kind !== 'DropEnum') continue;
    const name = d.change.enum.name;
    const users = ctx.actual.tables.flatMap((t) => t.columns.filter((c) => c.enumValues !== undefined && c.type === name).map((c) => ({ table: t.name, column: c.name })));
    const stays = users.filter((u) => !drafts.some((o) => !o.skipped && o.table === u.table
      && (o.kind === 'DropTable' || ((o.kind === 'DropColumn' || o.kind === 'AlterColumnType') && o.column === u.column))));
    if (stays.length > 0) {
      const where = stays.map((u) => `${u.table}.${u.column}`).join(', ');
      Object.assign(d, { destructive: true, skipped: true, loss: `the values of ${where}`, reason: `${d.reason}, but ${where} still use${stays.length === 1 ? 's' : ''} it` });
    }
  }

  // SQL, and the tables that must be rebuilt.
  const rebuild = new Set<string>();
  for (const d of drafts) {
    const change = d.change;
    if (change.kind === 'CreateTable') {
      const meta = ctx.metaByTable.get(change.table)!;
      d.sql = dialect.createTableSql(meta);
      continue;
    }
    const sql = dialect.alterSql(change);
    if (sql === 'rebuild') {
      d.viaRebuild = true;
      if (!d.skipped && d.table !== undefined) rebuild.add(d.table);
    } else {
      d.sql = sql;
    }
  }
  for (const table of rebuild) {
    const ours = drafts.filter((d) => d.table === table && d.kind !== 'RenameColumn' && d.kind !== 'DropTable');
    for (const d of ours) {
      if (d.skipped) continue;
      d.viaRebuild = true;
      d.sql = [];
    }
    const original = ctx.actual.tables.find((t) => t.name === table)!;
    const renames = new Map([...(ctx.renamed.get(table) ?? new Map<string, string>())].map(([to, from]) => [from, to] as const));
    const from: CatalogTable = withRenames(original, renames);
    const order = ctx.metaByTable.get(table)?.fields.map((f) => f.column) ?? [];
    const target = rebuildTarget(dialect, from, ours.filter((d) => !d.skipped).map((d) => d.change), order);
    const kinds = [...new Set(ours.filter((d) => !d.skipped).map((d) => d.kind))];
    drafts.push({
      kind: 'RebuildTable',
      table,
      change: { kind: 'RebuildTable', table, from, to: target.to, copy: Object.fromEntries(target.copy) },
      sql: dialect.rebuildTableSql(from, target.to, target.copy),
      destructive: false,
      skipped: false,
      reason: `${dialect.name} cannot make ${kinds.join(', ')} in place: ${table} is rebuilt (new table, every row copied, old table dropped, new one renamed, indexes recreated) with foreign keys off`,
      foreignKeysOff: true,
    });
  }
  return drafts.map((d, i) => ({ d, i })).sort((a, b) => PHASE[a.d.kind] - PHASE[b.d.kind] || a.i - b.i).map((x) => x.d);
}

schemaHooks.plan = planSchema;
