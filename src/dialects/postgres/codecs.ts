import type { FieldCodec } from '../dialect';
import type { FieldMeta, FieldType } from '../../metadata/field-meta';
import {
  bigintCodec, dateOnlyCodec, dateTimeCodec, numberCodec, passThrough, toBoolean, toJsonText, toText,
} from '../shared-codecs';

/**
 * PostgreSQL value conversions. Most types are native; the type parsers (type-parsers.ts) hand
 * int8, numeric and date over as text, timestamps as Dates and json/jsonb already parsed.
 */

const booleanCodec: FieldCodec = {
  toDb: toBoolean,
  fromDb: (value) => (typeof value === 'boolean' ? value : toBoolean(value)),
};

/** Always bound as JSON text: pg would turn a JS array into a PostgreSQL array literal. */
const jsonCodec: FieldCodec = {
  toDb: toJsonText,
  fromDb: (value) => value,
};

/** numeric arrives as exact text and is bound as text. */
const decimalCodec: FieldCodec = { toDb: toText, fromDb: toText };

const CODECS: Record<FieldType, FieldCodec> = {
  integer: numberCodec,
  bigint: bigintCodec,
  float: numberCodec,
  decimal: decimalCodec,
  text: passThrough,
  varchar: passThrough,
  uuid: passThrough,
  enum: passThrough,
  boolean: booleanCodec,
  date: dateOnlyCodec,
  datetime: dateTimeCodec,
  json: jsonCodec,
};

/** The PostgreSQL codec of one field. */
export function postgresCodec(field: FieldMeta): FieldCodec {
  return CODECS[field.type];
}
