import type { FieldCodec } from './dialect';

/**
 * Value conversions shared by several dialects. Each dialect's codecs.ts picks from these;
 * only what really differs (booleans, JSON reading, decimals on SQLite) is written there.
 */

const identity = (value: unknown): unknown => value;

/** A codec that changes nothing (strings, uuids, enums, numbers the driver returns as numbers). */
export const passThrough: FieldCodec = { toDb: identity, fromDb: identity };

/** A datetime without a zone designator (`2026-01-02 03:04:05`, SQLite's CURRENT_TIMESTAMP): read as UTC. */
const ZONELESS_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A Date from a Date, an ISO-8601 string (zone-less means UTC) or epoch milliseconds. */
export function toDate(value: unknown): Date {
  let date: Date;
  if (value instanceof Date) date = value;
  else if (typeof value === 'string') {
    date = new Date(ZONELESS_DATETIME.test(value) ? `${value.replace(' ', 'T')}Z` : value);
  } else if (typeof value === 'number' || typeof value === 'bigint') date = new Date(Number(value));
  else throw new TypeError(`Cannot convert ${typeof value} to a date`);
  if (Number.isNaN(date.getTime())) throw new TypeError(`Invalid date: ${String(value)}`);
  return date;
}

/** ISO-8601 UTC text with milliseconds, e.g. `2026-01-02T03:04:05.678Z`. */
export function toIsoDateTime(value: unknown): string {
  return toDate(value).toISOString();
}

/** A date-only string `YYYY-MM-DD`; a Date (or datetime) gives its UTC date. */
export function toDateOnly(value: unknown): string {
  if (typeof value === 'string' && DATE_ONLY.test(value)) return value;
  return toDate(value).toISOString().slice(0, 10);
}

/** Reads a datetime column: Dates pass through, strings and numbers are parsed. */
export function dateTimeFromDb(value: unknown): Date {
  return value instanceof Date ? value : toDate(value);
}

/** Reads a date-only column: `YYYY-MM-DD` strings pass through, anything else is formatted. */
export function dateOnlyFromDb(value: unknown): string {
  return typeof value === 'string' && value.length === 10 ? value : toDateOnly(value);
}

/** Booleans as JS sees them: true/false, non-zero numbers, and `'1'`, `'t'`, `'true'` strings. */
export function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return value != 0;
  if (typeof value === 'string') {
    const text = value.toLowerCase();
    return text === '1' || text === 't' || text === 'true';
  }
  return Boolean(value);
}

/** A number from whatever the driver returned (numbers pass through untouched). */
export function toNumber(value: unknown): unknown {
  return typeof value === 'number' ? value : Number(value);
}

/** Text form of a value, used to bind bigints and decimals exactly on every driver. */
export function toText(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

/** A JS bigint from the driver's string (or number) form. */
export function toBigInt(value: unknown): bigint {
  return typeof value === 'bigint' ? value : BigInt(value as string | number);
}

/** JSON text of any JSON value; never lets a driver turn arrays or objects into something else. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value);
}

/** Codec for bigint fields: bound as text, read back from text. */
export const bigintCodec: FieldCodec = { toDb: toText, fromDb: toBigInt };
/** Codec for integer and float fields. */
export const numberCodec: FieldCodec = { toDb: identity, fromDb: toNumber };
/** Codec for datetime fields stored as ISO-8601 text (SQLite) or timestamptz (PostgreSQL). */
export const dateTimeCodec: FieldCodec = { toDb: toIsoDateTime, fromDb: dateTimeFromDb };
/** Codec for date-only fields: `YYYY-MM-DD` both ways. */
export const dateOnlyCodec: FieldCodec = { toDb: toDateOnly, fromDb: dateOnlyFromDb };

/**
 * JSON text of a value compared with or written into a JSON document: like {@link toJsonText},
 * but `undefined` (and anything JSON.stringify drops) is JSON null and a top-level bigint is
 * written as an exact JSON number.
 */
export function toJsonValueText(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value) ?? 'null';
}
