import { types } from 'pg';

/**
 * Result parsers for the pg driver, given per connection (`connection.types`) so the process-wide
 * pg defaults stay untouched for other code.
 *
 * - int8 (20), numeric (1700): the raw text; the codecs make a BigInt or keep the exact decimal string.
 * - date (1082): the raw `YYYY-MM-DD` text (pg's default makes a local-midnight Date).
 * - timestamptz (1184): pg's parser (honours the zone offset in the text).
 * - timestamp without time zone (1114): read as UTC, not in the process's local zone.
 * - everything else (json/jsonb parsed, int4 and float8 as numbers, booleans): pg's defaults.
 */

type TextParser = (value: string) => unknown;

const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114, timestamptz: 1184 } as const;

const raw: TextParser = (value) => value;
const parseTimestamptz = types.getTypeParser(OID.timestamptz, 'text') as TextParser;
const INFINITY = /^-?infinity$/;

/** A zone-less timestamp gets `+00` (before a trailing ` BC`) and goes through the timestamptz parser. */
const parseTimestampAsUtc: TextParser = (value) => {
  if (INFINITY.test(value)) return parseTimestamptz(value);
  return parseTimestamptz(value.endsWith(' BC') ? `${value.slice(0, -3)}+00 BC` : `${value}+00`);
};

const TEXT_PARSERS = new Map<number, TextParser>([
  [OID.int8, raw],
  [OID.numeric, raw],
  [OID.date, raw],
  [OID.timestamp, parseTimestampAsUtc],
  [OID.timestamptz, parseTimestamptz],
]);

/** The `types.getTypeParser` regista gives every pg connection. */
export function getTypeParser(oid: number, format?: string): unknown {
  if (format === undefined || format === 'text') {
    const parser = TEXT_PARSERS.get(oid);
    if (parser !== undefined) return parser;
  }
  return (types.getTypeParser as (oid: number, format?: string) => unknown)(oid, format);
}
