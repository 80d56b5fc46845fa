import { ConfigurationError, ModelRegistrationError } from '../errors';
import { FIELD_TYPES, type FieldDefault, type FieldMeta, type FieldType } from './field-meta';
import type { IndexMeta, ModelMeta } from './model-meta';
import { defaultColumnName, defaultTableName, indexName } from './naming';
import type { ModelOptions } from './options';
import { RESERVED_FIELD_NAMES } from './reserved-names';
import { inheritedFieldRecords, inheritedHooks, inheritedRelations, type FieldRecord } from './store';

const DESIGN_TYPES = new Map<unknown, FieldType>([
  [String, 'text'],
  [Number, 'integer'],
  [Boolean, 'boolean'],
  [Date, 'datetime'],
  [BigInt, 'bigint'],
  [Array, 'json'],
]);

const INTEGER_KEY_TYPES: ReadonlySet<FieldType> = new Set(['integer', 'bigint']);

/**
 * Resolves everything the decorators recorded on a class into a ModelMeta, validating it as a
 * whole: every problem is collected and reported in one ModelRegistrationError.
 */
export function discoverModel(cls: Function, options: ModelOptions): ModelMeta {
  const name = cls.name;
  const problems: string[] = [];
  const records = inheritedFieldRecords(cls);

  const relations = inheritedRelations(cls);
  const fields: FieldMeta[] = [];
  for (const record of records) {
    const field = resolveField(name, record, problems);
    if (field) fields.push(field);
  }

  const keys = fields.filter((f) => f.primaryKey);
  if (keys.length === 0) problems.push('it has no primary key: mark one field with @primaryKey()');
  if (keys.length > 1) problems.push(`it has ${keys.length} primary keys (${keys.map((k) => k.property).join(', ')}); composite keys are not supported`);

  for (const name of relations.keys()) {
    if (fields.some((f) => f.property === name)) problems.push(`"${name}" is both a field and a relation`);
    if (RESERVED_FIELD_NAMES.has(name)) problems.push(`relation "${name}" collides with a regista method of the same name`);
  }

  const seenColumns = new Map<string, string>();
  for (const f of fields) {
    const other = seenColumns.get(f.column);
    if (other) problems.push(`fields ${other} and ${f.property} both map to column "${f.column}"`);
    seenColumns.set(f.column, f.property);
  }

  const byProperty = new Map(fields.map((f) => [f.property, f] as const));
  const table = options.table ?? defaultTableName(name);
  const uniques = resolveIndexes(table, byProperty, uniqueGroups(options, fields), true, problems, 'unique');
  const indexes = resolveIndexes(table, byProperty, indexGroups(options, fields), false, problems, 'indexes');

  if (problems.length > 0) throw ModelRegistrationError.forProblems(name, problems, { table });

  const primaryKey = keys[0];
  const ordered = [primaryKey, ...fields.filter((f) => f !== primaryKey)];
  return {
    cls,
    name,
    table,
    database: options.database ?? 'default',
    autoCreate: options.autoCreate ?? true,
    comment: options.comment,
    fields: ordered,
    fieldsByProperty: new Map(ordered.map((f) => [f.property, f] as const)),
    primaryKey,
    uniques,
    indexes,
    hooks: inheritedHooks(cls),
    relations,
    resolved: new Map(),
    foreignKeys: [],
    dependsOn: [],
  };
}

function resolveField(model: string, record: FieldRecord, problems: string[]): FieldMeta | undefined {
  const { property, options, primaryKey } = record;
  if (RESERVED_FIELD_NAMES.has(property)) {
    problems.push(`field "${property}" collides with a regista method of the same name; rename the property and keep the column with { column: '${defaultColumnName(property)}' }`);
    return undefined;
  }
  const explicit = primaryKey?.type ?? options.type;
  const type = explicit ?? DESIGN_TYPES.get(record.designType) ?? (primaryKey ? inferKeyType(record.designType) : undefined);
  if (!type) {
    if (record.designType === undefined) throw ConfigurationError.missingFieldType(model, property);
    if (record.designType === Object) throw ConfigurationError.ambiguousFieldType(model, property);
    problems.push(`field "${property}" has design type ${describeType(record.designType)}, which maps to no column type; give { type: ... } (e.g. 'json')`);
    return undefined;
  }
  if (!FIELD_TYPES.includes(type)) {
    problems.push(`field "${property}" has unknown type "${type}"; use one of ${FIELD_TYPES.join(', ')}`);
    return undefined;
  }

  let generated: FieldMeta['generated'] = null;
  if (primaryKey) {
    const wantsAuto = primaryKey.autoincrement ?? INTEGER_KEY_TYPES.has(type);
    if (wantsAuto && !INTEGER_KEY_TYPES.has(type)) {
      problems.push(`primary key "${property}" is ${type}, but autoincrement needs an integer or bigint key`);
    }
    generated = wantsAuto ? 'autoincrement' : type === 'uuid' ? 'uuid' : null;
  }

  if (options.auto && (type !== 'datetime' || (record.designType !== undefined && record.designType !== Date))) {
    problems.push(`@${options.auto} field "${property}" must be declared as a Date`);
  }
  const enumValues = type === 'enum' ? enumValuesOf(options.values) : undefined;
  if (type === 'enum' && (!enumValues || enumValues.length === 0)) {
    problems.push(`enum field "${property}" needs { values: [...] } (an array or a string enum)`);
  }
  if (options.scale !== undefined && options.precision === undefined) {
    problems.push(`field "${property}" sets scale without precision`);
  }

  return {
    property,
    column: primaryKey?.column ?? options.column ?? defaultColumnName(property),
    type,
    nullable: primaryKey ? false : options.nullable ?? false,
    length: primaryKey?.length ?? options.length,
    precision: options.precision,
    scale: options.scale,
    default: defaultOf(options.default, 'default' in options),
    unique: options.unique ?? false,
    index: options.index ?? false,
    enumValues,
    primaryKey: primaryKey !== undefined,
    generated,
    auto: options.auto,
    comment: options.comment,
    renamedFrom: options.renamedFrom === undefined ? undefined : typeof options.renamedFrom === 'string' ? [options.renamedFrom] : [...options.renamedFrom],
    jsonClass: type === 'json' && isDocumentClass(record.designType) ? (record.designType as Function) : undefined,
  };
}

const BUILT_INS: ReadonlySet<unknown> = new Set([Object, Array, String, Number, Boolean, Date, BigInt, Map, Set, Promise, Function]);

/** A user class used as the design type of a json field. */
function isDocumentClass(designType: unknown): boolean {
  return typeof designType === 'function' && !BUILT_INS.has(designType);
}

function inferKeyType(designType: unknown): FieldType | undefined {
  if (designType === undefined) return 'integer';
  return undefined;
}

function defaultOf(value: unknown, present: boolean): FieldDefault | undefined {
  if (!present || value === undefined) return undefined;
  return typeof value === 'function' ? { kind: 'function', fn: value as () => unknown } : { kind: 'value', value };
}

function enumValuesOf(values: readonly string[] | Record<string, string> | undefined): readonly string[] | undefined {
  if (!values) return undefined;
  return Array.isArray(values) ? [...values] : Object.values(values);
}

function describeType(t: unknown): string {
  return typeof t === 'function' ? t.name || 'anonymous class' : String(t);
}

type Group = { fields: readonly string[]; name?: string; unique: boolean };

function uniqueGroups(options: ModelOptions, fields: FieldMeta[]): Group[] {
  const groups: Group[] = (options.unique ?? []).map((u) => ({ fields: typeof u === 'string' ? [u] : u, unique: true }));
  for (const f of fields) if (f.unique && !f.primaryKey) groups.push({ fields: [f.property], unique: true });
  return groups;
}

function indexGroups(options: ModelOptions, fields: FieldMeta[]): Group[] {
  const groups: Group[] = (options.indexes ?? []).map((i) =>
    typeof i === 'string' ? { fields: [i], unique: false }
      : Array.isArray(i) ? { fields: i as readonly string[], unique: false }
        : { fields: (i as { fields: readonly string[] }).fields, name: (i as { name?: string }).name, unique: (i as { unique?: boolean }).unique ?? false },
  );
  for (const f of fields) if (f.index && !f.primaryKey) groups.push({ fields: [f.property], unique: false });
  return groups;
}

function resolveIndexes(
  table: string, byProperty: Map<string, FieldMeta>, groups: Group[], unique: boolean, problems: string[], option: string,
): IndexMeta[] {
  const out: IndexMeta[] = [];
  const seen = new Set<string>();
  for (const group of groups) {
    if (group.fields.length === 0) {
      problems.push(`${option} has an empty group of fields`);
      continue;
    }
    const unknown = group.fields.filter((f) => !byProperty.has(f));
    if (unknown.length > 0) {
      problems.push(`${option} names unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; fields are: ${[...byProperty.keys()].join(', ')}`);
      continue;
    }
    const columns = group.fields.map((f) => byProperty.get(f)!.column);
    const isUnique = unique || group.unique;
    const name = group.name ?? indexName(table, columns, isUnique);
    if (seen.has(name)) continue;
    seen.add(name);
    out.push({ name, fields: [...group.fields], columns, unique: isUnique });
  }
  return out;
}
