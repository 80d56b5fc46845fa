import type { FieldMeta, FieldType } from '../metadata/field-meta';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DECIMAL = /^[-+]?\d+(\.\d+)?$/;
const INTEGER_TEXT = /^[-+]?\d+$/;

type Check = (value: unknown, field: FieldMeta) => boolean;

const isString: Check = (v) => typeof v === 'string';
const isValidDate = (v: unknown): boolean => v instanceof Date && !Number.isNaN(v.getTime());

const CHECKS: Record<FieldType, { expected: string; check: Check }> = {
  integer: { expected: 'an integer', check: (v) => Number.isSafeInteger(v) },
  bigint: {
    expected: 'a bigint (or a safe integer, or an integer string)',
    check: (v) => typeof v === 'bigint' || Number.isSafeInteger(v) || (typeof v === 'string' && INTEGER_TEXT.test(v)),
  },
  float: { expected: 'a finite number', check: (v) => typeof v === 'number' && Number.isFinite(v) },
  decimal: {
    expected: 'a decimal string or a finite number',
    check: (v) => (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && DECIMAL.test(v)),
  },
  text: { expected: 'a string', check: isString },
  varchar: { expected: 'a string', check: isString },
  uuid: { expected: 'a UUID string', check: (v) => typeof v === 'string' && UUID.test(v) },
  enum: { expected: 'one of the enum values', check: (v, f) => typeof v === 'string' && (f.enumValues ?? []).includes(v) },
  boolean: { expected: 'a boolean', check: (v) => typeof v === 'boolean' },
  date: {
    expected: "a date ('YYYY-MM-DD' or a Date)",
    check: (v) => (typeof v === 'string' && DATE_ONLY.test(v) && !Number.isNaN(Date.parse(v))) || isValidDate(v),
  },
  datetime: {
    expected: 'a Date (or an ISO-8601 string)',
    check: (v) => isValidDate(v) || (typeof v === 'string' && !Number.isNaN(Date.parse(v))),
  },
  json: { expected: 'a JSON value', check: isJsonValue },
};

/** What a field expects, in words, for messages: `an integer`, `one of the enum values (a, b)`. */
export function expectedOf(field: FieldMeta): string {
  const base = CHECKS[field.type].expected;
  return field.type === 'enum' ? `${base} (${(field.enumValues ?? []).join(', ')})` : base;
}

/** Whether a non-null value fits the field's type (and length, for varchar). */
export function fitsField(field: FieldMeta, value: unknown): boolean {
  if (!CHECKS[field.type].check(value, field)) return false;
  if (field.type === 'varchar' && (value as string).length > (field.length ?? 255)) return false;
  return true;
}

function isJsonValue(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  if (value instanceof Date) return true;
  if (typeof value === 'object') return Object.values(value as object).every((v) => v === undefined || isJsonValue(v));
  return false;
}
