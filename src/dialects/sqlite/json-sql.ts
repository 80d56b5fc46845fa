import { quoteString } from '../shared-ddl';
import { toJsonValueText } from '../shared-codecs';

/**
 * JSON paths on SQLite, where JSON columns are TEXT. json_extract gives SQL values: numbers as
 * numbers, strings as text, true/false as 1/0, objects and arrays as minified JSON text, JSON
 * null (or a missing path) as NULL. Values compared with it are bound as JSON text and read
 * through the same json_extract, so both sides always have the same SQL type for the same JSON.
 */

const INDEX = /^\d+$/;

/** `'$."a"."b"[0]'`: names are double-quoted labels, digit segments array indexes. */
export function sqlitePathLiteral(segments: readonly string[]): string {
  let path = '$';
  for (const segment of segments) {
    if (INDEX.test(segment)) path += `[${segment}]`;
    else if (segment.includes('"')) throw new TypeError(`A JSON path name cannot contain '"': ${segment}`);
    else path += `."${segment}"`;
  }
  return quoteString(path);
}

/** `json_extract(col, path)`, for comparisons ('value') and for LIKE ('text') alike. */
export function sqliteJsonPathSql(column: string, segments: readonly string[]): string {
  return `json_extract(${column}, ${sqlitePathLiteral(segments)})`;
}

const VALUE_PREFIX = 'json_extract(';
const VALUE_SUFFIX = ", '$')";

/** `json_extract(?, '$')` over the value's JSON text: the SQL value json_extract gives for that JSON. */
export function sqliteJsonValueSql(placeholder: string): string {
  return `${VALUE_PREFIX}${placeholder}${VALUE_SUFFIX}`;
}

/** JSON text of the value (`null`/`undefined` give `null`). */
export function sqliteJsonValueParam(value: unknown): string {
  return toJsonValueText(value);
}

/** json_extract is NULL for a missing path, a JSON null and a NULL column alike. */
export function sqliteJsonIsNullSql(column: string, segments: readonly string[]): string {
  return `${sqliteJsonPathSql(column, segments)} IS NULL`;
}

/**
 * What json_set inserts for a value from {@link sqliteJsonValueSql}: `json(?)`, so true stays
 * true (json_extract would give 1) and 3 stays 3 (better-sqlite3 binds numbers as REAL: 3.0).
 * Other SQL is inserted as is (text as a JSON string, numbers as numbers).
 */
function insertedValue(valueSql: string): string {
  if (valueSql.startsWith(VALUE_PREFIX) && valueSql.endsWith(VALUE_SUFFIX)) {
    return `json(${valueSql.slice(VALUE_PREFIX.length, -VALUE_SUFFIX.length)})`;
  }
  return valueSql;
}

/**
 * `'{"a":{"b":{}}}'`: the merge patch (json_patch) that turns each intermediate object of the
 * path into an object when it is JSON null, and leaves existing objects as they are. Covers
 * the leading names followed by a name; '' when there is nothing to ensure.
 */
function intermediatesPatch(segments: readonly string[]): string {
  let names = 0;
  while (names < segments.length && !INDEX.test(segments[names])) names++;
  if (names < 2) return '';
  let patch: Record<string, unknown> = {};
  for (let i = names - 2; i >= 0; i--) patch = { [segments[i]]: patch };
  return quoteString(JSON.stringify(patch));
}

/**
 * The column with every path set, in order: `json_set(doc, path, json(?), ...)`. json_set creates
 * missing intermediates itself (objects for names, arrays for `[n]`) but does nothing under a
 * JSON null, so a path with intermediates first goes through a json_patch that replaces JSON-null
 * intermediates with `{}`. Placeholders keep the order of `sets`; each appears once.
 */
export function sqliteJsonSetSql(column: string, sets: ReadonlyArray<{ segments: readonly string[]; valueSql: string }>): string {
  let document = `COALESCE(NULLIF(json(${column}), 'null'), '{}')`;
  let pairs: string[] = [];
  const flush = (): void => {
    if (pairs.length > 0) document = `json_set(${document}, ${pairs.join(', ')})`;
    pairs = [];
  };
  for (const { segments, valueSql } of sets) {
    const patch = intermediatesPatch(segments);
    if (patch !== '') {
      flush();
      document = `json_patch(${document}, ${patch})`;
    }
    pairs.push(`${sqlitePathLiteral(segments)}, ${insertedValue(valueSql)}`);
  }
  flush();
  return document;
}
