import type { Database } from '../connection/database';
import { schemaHooks } from '../connection/database';
import { SchemaError } from '../errors';
import { compiledModel } from '../manager/compiled-model';
import type { ModelMeta } from '../metadata/model-meta';
import { registry } from '../metadata/registry';
import { whenReady } from './ensure-table';

/**
 * Orders models so that every model comes after the models it depends on (foreign keys).
 * A dependency cycle is a SchemaError naming the cycle.
 */
export function dependencyOrder(metas: readonly ModelMeta[]): ModelMeta[] {
  registry.ensureResolved(metas.filter((m) => registry.metaOf(m.cls) === m));
  const byClass = new Map(metas.map((m) => [m.cls, m] as const));
  const done = new Set<ModelMeta>();
  const visiting: ModelMeta[] = [];
  const out: ModelMeta[] = [];
  const visit = (m: ModelMeta) => {
    if (done.has(m)) return;
    const at = visiting.indexOf(m);
    if (at >= 0) {
      const cycle = [...visiting.slice(at), m].map((x) => x.name);
      throw new SchemaError(`Models depend on each other in a cycle: ${cycle.join(' -> ')}.`, { cycle });
    }
    visiting.push(m);
    for (const dep of m.dependsOn) {
      const target = byClass.get(dep);
      if (target) visit(target);
    }
    visiting.pop();
    done.add(m);
    out.push(m);
  };
  for (const m of metas) visit(m);
  return out;
}

/** Creates (or evolves) every registered model's table of `db`, dependencies first. */
export async function createAll(db: Database): Promise<void> {
  const metas = registry.metas(db.name);
  registry.ensureResolved(metas);
  for (const meta of dependencyOrder(metas)) {
    await whenReady(compiledModel(meta, db));
  }
}

schemaHooks.createAll = createAll;
