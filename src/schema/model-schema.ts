import { getDatabase } from '../connection/connect';
import { compiledModel } from '../manager/compiled-model';
import type { ModelMeta } from '../metadata/model-meta';
import { forgetReady, whenReady } from './ensure-table';

/** Creates the model's table (or adds its missing columns) now. */
export async function createSchema(meta: ModelMeta): Promise<void> {
  await whenReady(compiledModel(meta, getDatabase(meta.database)));
}

/** Whether the model's table exists in its database. */
export async function schemaExists(meta: ModelMeta): Promise<boolean> {
  const m = compiledModel(meta, getDatabase(meta.database));
  return m.dialect.tableExists((sql, bindings, expectRows = true) => m.db.run(sql, bindings, expectRows, meta), meta.table);
}

/** Drops the model's table. */
export async function dropSchema(meta: ModelMeta): Promise<void> {
  const m = compiledModel(meta, getDatabase(meta.database));
  await m.db.runAll(m.dialect.dropTableSql(meta), meta);
  forgetReady(m);
  m.db.emitSchema({ action: 'dropTable', database: m.db.name, model: meta.name, table: meta.table, sql: m.dialect.dropTableSql(meta) });
}

/** Deletes every row of the model's table and resets its generated keys. */
export async function truncate(meta: ModelMeta): Promise<void> {
  const m = compiledModel(meta, getDatabase(meta.database));
  await whenReady(m);
  await m.db.runAll(m.dialect.truncateSql(meta), meta);
}
