import { randomUUID } from 'node:crypto';
import {
  ImmutableFieldError, InvalidPrimaryKeyAssignmentError, ValidationError, type FieldViolation,
} from '../errors';
import { toDocumentInstance } from '../validation/class-transformer-adapter';
import { classValidatorViolations } from '../validation/class-validator-adapter';
import type { CompiledField, CompiledModel } from './compiled-model';
import { expectedOf, fitsField } from './value-checks';

type Bag = Record<string, unknown>;

/**
 * Fills an instance for insert: copies `data` onto it, applies defaults and generated keys, then
 * validates everything (unknown fields, required fields, types, class-validator rules) before the
 * database is touched. Returns the values of `model.insertFields` in database form.
 */
export async function prepareInsert(
  model: CompiledModel, instance: object, data: Bag | undefined, beforeValidate?: (instance: object) => Promise<void>,
): Promise<unknown[]> {
  const target = instance as Bag;
  const violations: FieldViolation[] = [];
  if (data) {
    for (const key of Object.keys(data)) {
      if (data[key] === undefined) continue;
      if (!model.byProperty.has(key)) violations.push(unknownField(model, key, data[key]));
      else target[key] = data[key];
    }
  }
  const pk = model.pk;
  if (pk.meta.generated === 'autoincrement' && target[pk.property] !== undefined && target[pk.property] !== null) {
    throw InvalidPrimaryKeyAssignmentError.for(model.meta.name, pk.property, target[pk.property]);
  }
  for (const f of model.fields) {
    if (target[f.property] === undefined) target[f.property] = initialValue(f);
  }
  if (beforeValidate) await beforeValidate(instance);
  await validateInstance(model, instance, violations, false);
  return model.insertFields.map((f) => model.toDb(f, target[f.property]));
}

/** Validates a whole instance (before insert or save); throws ValidationError listing every field. */
export async function validateInstance(model: CompiledModel, instance: object, violations: FieldViolation[] = [], partial = false): Promise<void> {
  const target = instance as Bag;
  asDocuments(model, target);
  for (const f of model.fields) {
    if (f.meta.generated === 'autoincrement' && (target[f.property] === undefined || target[f.property] === null)) continue;
    const problem = checkValue(f, target[f.property], partial);
    if (problem) violations.push(problem);
  }
  const fromValidator = await classValidatorViolations(instance, partial);
  throwIfAny(model, merge(violations, fromValidator));
}

/**
 * Checks and converts the changes of an update (`updateWhere`): known fields only, the primary key
 * never, values of the right type, class-validator rules of the changed fields.
 */
export async function prepareChanges(model: CompiledModel, changes: Bag): Promise<Array<[CompiledField, unknown]>> {
  const violations: FieldViolation[] = [];
  const out: Array<[CompiledField, unknown]> = [];
  const Cls = model.meta.cls as new () => Bag;
  const probe = new Cls();
  for (const key of Object.keys(changes)) {
    const value = changes[key];
    if (value === undefined) continue;
    const field = model.byProperty.get(key);
    if (!field) {
      violations.push(unknownField(model, key, value));
      continue;
    }
    if (field === model.pk) throw ImmutableFieldError.for(model.meta.name, key, undefined, value);
    const problem = checkValue(field, value, false);
    if (problem) violations.push(problem);
    probe[key] = field.meta.jsonClass ? toDocumentInstance(field.meta.jsonClass, value) : value;
    out.push([field, value]);
  }
  for (const f of model.fields) if (!(f.property in changes)) delete probe[f.property];
  const fromValidator = await classValidatorViolations(probe, true);
  throwIfAny(model, merge(violations, fromValidator));
  return out.map(([f, v]) => [f, model.toDb(f, v)]);
}

/** Plain objects in json fields typed with a class become instances of it (for nested validation). */
function asDocuments(model: CompiledModel, target: Bag): void {
  for (const f of model.fields) {
    if (f.meta.jsonClass && target[f.property] !== null && target[f.property] !== undefined) {
      target[f.property] = toDocumentInstance(f.meta.jsonClass, target[f.property]);
    }
  }
}

function initialValue(f: CompiledField): unknown {
  const d = f.meta.default;
  if (d) return d.kind === 'function' ? d.fn() : cloneDefault(d.value);
  if (f.meta.generated === 'uuid') return randomUUID();
  if (f.meta.generated === 'autoincrement') return undefined;
  return f.meta.nullable ? null : undefined;
}

function cloneDefault(value: unknown): unknown {
  if (value instanceof Date) return new Date(value.getTime());
  if (value && typeof value === 'object') return structuredClone(value);
  return value;
}

function checkValue(f: CompiledField, value: unknown, partial: boolean): FieldViolation | undefined {
  if (value === undefined || value === null) {
    if (f.meta.nullable || (partial && value === undefined)) return undefined;
    return { field: f.property, constraints: { required: `${f.property} is required and cannot be null` }, value };
  }
  if (!fitsField(f.meta, value)) {
    const expected = expectedOf(f.meta);
    const tooLong = f.meta.type === 'varchar' && typeof value === 'string';
    return {
      field: f.property,
      constraints: tooLong ? { maxLength: `${f.property} must be at most ${f.meta.length ?? 255} characters` } : { type: `${f.property} must be ${expected}` },
      value,
    };
  }
  return undefined;
}

function unknownField(model: CompiledModel, key: string, value: unknown): FieldViolation {
  return {
    field: key,
    constraints: { unknownField: `${model.meta.name} has no field "${key}" (fields: ${[...model.byProperty.keys()].join(', ')})` },
    value,
  };
}

function merge(a: FieldViolation[], b: FieldViolation[]): FieldViolation[] {
  const byField = new Map<string, FieldViolation>();
  for (const v of [...a, ...b]) {
    const seen = byField.get(v.field);
    if (seen) byField.set(v.field, { ...seen, constraints: { ...seen.constraints, ...v.constraints } });
    else byField.set(v.field, v);
  }
  return [...byField.values()];
}

function throwIfAny(model: CompiledModel, violations: FieldViolation[]): void {
  if (violations.length > 0) throw ValidationError.forModel(model.meta.name, violations);
}
