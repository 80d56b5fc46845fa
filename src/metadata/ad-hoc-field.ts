import { ConfigurationError } from '../errors';
import { FIELD_TYPES, type FieldMeta } from './field-meta';
import type { FieldOptions } from './options';

/** A FieldMeta for a column that is not a model field (`objects.addColumn(name, spec)`). */
export function adHocField(model: string, column: string, spec: FieldOptions & { type: FieldOptions['type'] }): FieldMeta {
  if (!spec || !spec.type || !FIELD_TYPES.includes(spec.type)) {
    throw new ConfigurationError(`${model}: addColumn("${column}") needs { type } (one of ${FIELD_TYPES.join(', ')}).`, { model, column });
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(column)) {
    throw new ConfigurationError(`${model}: column name ${JSON.stringify(column)} must be letters, digits and underscores.`, { model, column });
  }
  const values = spec.values;
  return {
    property: column,
    column: spec.column ?? column,
    type: spec.type,
    nullable: spec.nullable ?? false,
    length: spec.length,
    precision: spec.precision,
    scale: spec.scale,
    default: spec.default === undefined ? undefined
      : typeof spec.default === 'function' ? { kind: 'function', fn: spec.default as () => unknown } : { kind: 'value', value: spec.default },
    unique: spec.unique ?? false,
    index: spec.index ?? false,
    enumValues: values ? (Array.isArray(values) ? [...values] : Object.values(values)) : undefined,
    primaryKey: false,
    generated: null,
  };
}
