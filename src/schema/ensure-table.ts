import { MigrationError, SchemaError } from '../errors';
import type { ModelMeta } from '../metadata/model-meta';
import { registry } from '../metadata/registry';
import type { FieldMeta } from '../metadata/field-meta';
import { compiledModel, type CompiledModel } from '../manager/compiled-model';

/**
 * Makes sure the model's table exists and has every field's column: creates it when missing,
 * adds missing columns (never drops or alters one), and creates missing indexes. Serialised
 * across processes by the dialect's schema lock, inside one transaction.
 */
export async function ensureTable(model: CompiledModel): Promise<void> {
  const { db, meta, dialect } = model;
  await db.transaction(async () => {
    const lock = dialect.schemaLockSql(`regista:schema:${meta.table}`);
    await db.runAll(lock, meta);
    const run = (sql: string, bindings?: readonly unknown[], expectRows = true) => db.run(sql, bindings, expectRows, meta);
    if (!(await dialect.tableExists(run, meta.table))) {
      const sql = dialect.createTableSql(meta);
      await db.runAll(sql, meta);
      db.afterCommit(() => db.emitSchema({ action: 'createTable', database: db.name, model: meta.name, table: meta.table, sql }));
      return;
    }
    const present = new Set(await dialect.columnNames(run, meta.table));
    const added = new Set<string>();
    for (const field of meta.fields) {
      if (!present.has(field.column)) {
        await addColumn(model, field);
        added.add(field.column);
      }
    }
    // Indexes are idempotent (IF NOT EXISTS). A unique group is added here only when one of its
    // columns is new: one declared later over existing columns is the schema planner's job
    // (existing rows may violate it), see docs/schema.md.
    const uniques = meta.uniques.filter((u) => u.columns.some((c) => added.has(c)));
    const fkIndexes = meta.foreignKeys.map((fk) => ({ name: fk.indexName, columns: [fk.column], unique: false }));
    for (const index of [...uniques, ...meta.indexes, ...fkIndexes]) {
      await db.runAll(dialect.createIndexSql(meta, index), meta);
    }
  }, { locking: true });
}

/**
 * Adds one column to an existing table. A NOT NULL column without a default is refused when the
 * table has rows (nothing is changed), and on databases that cannot add one even to an empty table.
 */
export async function addColumn(model: CompiledModel, field: FieldMeta): Promise<void> {
  const { db, meta, dialect } = model;
  if (!field.nullable && field.default?.kind !== 'value' && !field.primaryKey) {
    const rows = await db.run(`SELECT 1 AS x FROM ${model.table} LIMIT 1`, [], true, meta);
    if (rows.rows.length > 0 || !dialect.capabilities.addNotNullColumnWithoutDefault) {
      throw new MigrationError(
        `Cannot add NOT NULL column "${field.column}" without a default to ${meta.table}` +
          `${rows.rows.length > 0 ? ', which has rows' : ` on ${dialect.name}`}: make ${meta.name}.${field.property} nullable or give it a constant default.`,
        { model: meta.name, table: meta.table, column: field.column, field: field.property },
      );
    }
  }
  const sql = dialect.addColumnSql(meta, field);
  await db.runAll(sql, meta);
  db.afterCommit(() => db.emitSchema({ action: 'addColumn', database: db.name, model: meta.name, table: meta.table, column: field.column, sql }));
}

/** Resolves once the model's table is ready on its database; runs ensureTable at most once. */
export function ready(model: CompiledModel): Promise<void> | undefined {
  if (model.ready) return undefined;
  if (!model.meta.autoCreate) {
    registry.ensureResolved([model.meta]);
    return undefined;
  }
  return whenReady(model);
}

/**
 * Like `ready`, but also for models with autoCreate off (explicit createSchema). Tables this one
 * references come first (PostgreSQL checks REFERENCES at once; a cycle is a SchemaError); the
 * tables of its other relations follow, so filters and loads across relations find them.
 */
export async function whenReady(
  model: CompiledModel, fkPath: readonly ModelMeta[] = [], seen: Set<ModelMeta> = new Set(),
): Promise<void> {
  registry.ensureResolved([model.meta]);
  seen.add(model.meta);
  const path = [...fkPath, model.meta];
  for (const dep of model.meta.dependsOn) {
    const depMeta = registry.metaOf(dep);
    if (!depMeta) continue;
    if (path.includes(depMeta)) {
      const cycle = [...path.slice(path.indexOf(depMeta)), depMeta].map((m) => m.name);
      throw new SchemaError(`Models reference each other in a cycle: ${cycle.join(' -> ')}. Break it with a nullable key and no foreign key on one side.`, { cycle });
    }
    const depModel = compiledModel(depMeta, model.db);
    if (!depModel.ready && depMeta.autoCreate) await whenReady(depModel, path, seen);
  }
  await ensureOnce(model);
  for (const relation of model.meta.resolved.values()) {
    for (const related of [relation.target, relation.through]) {
      if (!related || seen.has(related)) continue;
      const relatedModel = compiledModel(related, model.db);
      if (!relatedModel.ready && related.autoCreate) await whenReady(relatedModel, [], seen);
    }
  }
}

function ensureOnce(model: CompiledModel): Promise<void> {
  const { db } = model;
  const txKey = db.transactionKey();
  if (txKey) {
    // Inside a transaction the DDL is only final at commit: memo per transaction, mark ready at commit.
    let pending = model.readyInTransaction.get(txKey);
    if (!pending) {
      pending = ensureTable(model);
      model.readyInTransaction.set(txKey, pending);
      db.onRollback(() => model.readyInTransaction.delete(txKey));
      pending.then(() => db.afterCommit(() => { model.ready = true; }), () => model.readyInTransaction.delete(txKey));
    }
    return pending;
  }
  if (!model.readyPromise) {
    model.readyPromise = ensureTable(model).then(
      () => { model.ready = true; },
      (error) => { model.readyPromise = undefined; throw error; },
    );
  }
  return model.readyPromise;
}

/** Forgets that the table is ready (after it was dropped). */
export function forgetReady(model: CompiledModel): void {
  model.ready = false;
  model.readyPromise = undefined;
}
