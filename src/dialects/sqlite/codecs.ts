import type { FieldCodec } from '../dialect';
import type { FieldMeta, FieldType } from '../../metadata/field-meta';
import {
  bigintCodec, dateOnlyCodec, dateTimeCodec, numberCodec, passThrough, toBoolean, toJsonText, toText,
} from '../shared-codecs';

/**
 * SQLite value conversions. SQLite has no boolean, date or JSON storage class: booleans are
 * stored as 1/0, datetimes as ISO-8601 UTC text, JSON as text, bigints as exact 64-bit integers
 * (bound as text, read through `CAST(col AS TEXT)`), decimals with NUMERIC affinity.
 */

const booleanCodec: FieldCodec = {
  toDb: (value) => (toBoolean(value) ? 1 : 0),
  fromDb: toBoolean,
};

const jsonCodec: FieldCodec = {
  toDb: toJsonText,
  fromDb: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
};

/** NUMERIC affinity turns '12345.67' into a REAL (or INTEGER): give back the decimal text at the field's scale. */
function decimalCodec(field: FieldMeta): FieldCodec {
  const scale = field.scale;
  return {
    toDb: toText,
    fromDb: (value) => (typeof value === 'number' && scale !== undefined ? value.toFixed(scale) : toText(value)),
  };
}

const CODECS: Record<FieldType, (field: FieldMeta) => FieldCodec> = {
  integer: () => numberCodec,
  bigint: () => bigintCodec,
  float: () => numberCodec,
  decimal: decimalCodec,
  text: () => passThrough,
  varchar: () => passThrough,
  uuid: () => passThrough,
  enum: () => passThrough,
  boolean: () => booleanCodec,
  date: () => dateOnlyCodec,
  datetime: () => dateTimeCodec,
  json: () => jsonCodec,
};

/** The SQLite codec of one field. */
export function sqliteCodec(field: FieldMeta): FieldCodec {
  return CODECS[field.type](field);
}

/** Reads bigints as text so values beyond 2^53 survive drivers that return JS numbers. */
export function sqliteSelectExpression(field: FieldMeta, quotedColumn: string): string {
  return field.type === 'bigint' ? `CAST(${quotedColumn} AS TEXT)` : quotedColumn;
}
