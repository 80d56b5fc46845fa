import { getDatabase } from '../connection/connect';
import type { ModelMeta } from '../metadata/model-meta';
import { ready } from '../schema/ensure-table';
import { compiledModel, type CompiledModel } from './compiled-model';

/** The model compiled for its database, with its relations resolved and its table ready. */
export async function readyModel(meta: ModelMeta): Promise<CompiledModel> {
  const m = compiledModel(meta, getDatabase(meta.database));
  if (!m.ready) await ready(m);
  return m;
}
