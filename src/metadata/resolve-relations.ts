import { RelationshipError } from '../errors';
import type { FieldMeta } from './field-meta';
import type { ModelMeta } from './model-meta';
import type { ForeignKeyMeta, Relation, ResolvedRelation } from './relation-meta';

/**
 * Resolves every relation of the given models: target classes from their thunks, key fields by
 * name, foreign keys and creation-order dependencies. Every problem is collected and reported in
 * one RelationshipError that names the relation and lists the fields that were available.
 */
export function resolveRelations(metas: readonly ModelMeta[], metaOf: (cls: Function) => ModelMeta | undefined): void {
  const problems: string[] = [];
  const results = new Map<ModelMeta, { resolved: Map<string, ResolvedRelation>; foreignKeys: ForeignKeyMeta[]; dependsOn: Function[] }>();
  for (const meta of metas) {
    const out = { resolved: new Map<string, ResolvedRelation>(), foreignKeys: [] as ForeignKeyMeta[], dependsOn: [] as Function[] };
    for (const [name, relation] of meta.relations) {
      const resolved = resolveOne(meta, name, relation, metaOf, problems);
      if (!resolved) continue;
      out.resolved.set(name, resolved);
      if (resolved.kind === 'belongsTo') {
        out.foreignKeys.push(foreignKeyOf(resolved, relation as Extract<Relation, { kind: 'belongsTo' }>));
        if (resolved.target !== meta) out.dependsOn.push(resolved.target.cls);
      }
    }
    results.set(meta, out);
  }
  if (problems.length > 0) {
    throw new RelationshipError(`Relations cannot be resolved:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { problems });
  }
  for (const [meta, out] of results) {
    meta.resolved.clear();
    for (const [k, v] of out.resolved) meta.resolved.set(k, v);
    meta.foreignKeys.splice(0, meta.foreignKeys.length, ...out.foreignKeys);
    meta.dependsOn.splice(0, meta.dependsOn.length, ...out.dependsOn);
  }
}

function resolveOne(
  source: ModelMeta, name: string, relation: Relation, metaOf: (cls: Function) => ModelMeta | undefined, problems: string[],
): ResolvedRelation | undefined {
  const label = `${source.name}.${name}`;
  const target = modelFrom(relation.target, `${label}: target`, metaOf, problems);
  if (!target) return undefined;
  switch (relation.kind) {
    case 'hasMany': {
      const sourceField = fieldOf(source, relation.options.localKey ?? source.primaryKey.property, `${label}: localKey`, problems);
      const targetField = fieldOf(target, relation.options.foreignKey, `${label}: foreignKey`, problems);
      if (!sourceField || !targetField) return undefined;
      return { name, kind: 'hasMany', source, target, sourceField, targetField, many: true };
    }
    case 'belongsTo': {
      const sourceField = fieldOf(source, relation.options.foreignKey, `${label}: foreignKey`, problems);
      const targetField = fieldOf(target, relation.options.targetKey ?? target.primaryKey.property, `${label}: targetKey`, problems);
      if (!sourceField || !targetField) return undefined;
      if (relation.options.onDelete === 'set null' && !sourceField.nullable) {
        problems.push(`${label}: onDelete 'set null' needs ${source.name}.${sourceField.property} to be nullable`);
      }
      return { name, kind: 'belongsTo', source, target, sourceField, targetField, many: false };
    }
    case 'hasManyThrough': {
      const through = modelFrom(relation.options.through, `${label}: through`, metaOf, problems);
      if (!through) return undefined;
      const throughSource = fieldOf(through, relation.options.sourceKey, `${label}: sourceKey`, problems);
      const throughTarget = fieldOf(through, relation.options.targetKey, `${label}: targetKey`, problems);
      if (!throughSource || !throughTarget) return undefined;
      return {
        name, kind: 'hasManyThrough', source, target, sourceField: source.primaryKey, targetField: target.primaryKey,
        through, throughSource, throughTarget, many: true,
      };
    }
  }
}

function modelFrom(thunk: () => Function, label: string, metaOf: (cls: Function) => ModelMeta | undefined, problems: string[]): ModelMeta | undefined {
  let cls: unknown;
  try {
    cls = thunk();
  } catch (error) {
    problems.push(`${label} thunk threw: ${(error as Error).message}`);
    return undefined;
  }
  const meta = typeof cls === 'function' ? metaOf(cls) : undefined;
  if (!meta) {
    const named = typeof cls === 'function' ? cls.name || 'an anonymous class' : String(cls);
    problems.push(`${label} is ${named}, which is not a registered model (decorate it with @model(); is the import circular? use () => Model)`);
  }
  return meta;
}

function fieldOf(meta: ModelMeta, property: string, label: string, problems: string[]): FieldMeta | undefined {
  const field = meta.fieldsByProperty.get(property);
  if (!field) problems.push(`${label} "${property}" is not a field of ${meta.name}; its fields are: ${[...meta.fieldsByProperty.keys()].join(', ')}`);
  return field;
}

function foreignKeyOf(r: ResolvedRelation, relation: Extract<Relation, { kind: 'belongsTo' }>): ForeignKeyMeta {
  const column = r.sourceField.column;
  return {
    name: `${r.source.table}_${column}_foreign`,
    column,
    referencedTable: r.target.table,
    referencedColumn: r.targetField.column,
    onDelete: relation.options.onDelete ?? 'no action',
    indexName: `${r.source.table}_${column}_index`,
  };
}
