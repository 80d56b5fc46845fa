import { isNumberLiteral, stripOuterParens } from '../dialects/shared-introspect';
import type { CatalogColumn } from './catalog';

/**
 * Equality of catalog entries that may be written in more than one way. Both sides come normalised
 * from the same dialect (introspection and the model-derived catalog); these rules only absorb the
 * remaining harmless differences (spacing, casts, `1.50` against `1.5`), so that a database regista
 * just created never shows a difference.
 */

const TYPE_SYNONYMS: ReadonlyArray<[RegExp, string]> = [
  [/^character varying\b/, 'varchar'],
  [/^timestamp with time zone$/, 'timestamptz'],
  [/^int4$/, 'integer'],
  [/^int8$/, 'bigint'],
  [/^float8$/, 'double precision'],
  [/^bool$/, 'boolean'],
];

/** A type in one spelling: lower case, single spaces, no blanks around `(`, `,` and `)`. */
export function normaliseType(type: string): string {
  let text = type.trim().toLowerCase().replace(/\s+/g, ' ').replace(/\s*([(),])\s*/g, '$1');
  for (const [pattern, name] of TYPE_SYNONYMS) text = text.replace(pattern, name);
  return text;
}

/** Whether two columns have the same type: same normalised type and both enums or neither. */
export function sameType(a: CatalogColumn, b: CatalogColumn): boolean {
  return normaliseType(a.type) === normaliseType(b.type) && (a.enumValues === undefined) === (b.enumValues === undefined);
}

const NUMERIC = /^(smallint|integer|int|bigint|real|double precision|double|float|numeric|decimal)\b/;
const TIMESTAMP = /^(timestamptz|timestamp|datetime)\b/;

/** `+001.500` → `1.5`, `-0` → `0`; non-numbers unchanged. */
function canonicalNumber(text: string): string {
  const match = /^([+-]?)0*(\d*)(?:\.(\d*?)0*)?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match || match[4] !== undefined) return String(Number(text));
  const [, sign, whole, fraction] = match;
  const digits = `${whole || '0'}${fraction ? `.${fraction}` : ''}`;
  return digits === '0' ? '0' : `${sign === '-' ? '-' : ''}${digits}`;
}

function canonicalTimestamp(text: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text);
  if (!match) return undefined;
  let zone = match[3] ?? 'Z';
  if (zone !== 'Z') zone = zone.length === 3 ? `${zone}:00` : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const date = new Date(`${match[1]}T${match[2]}${zone}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * One spelling of a default for a column of `type`: casts and outer parentheses removed, NULL as
 * null, numbers canonical (quoted or not), booleans `true`/`false`, timestamps ISO-8601 UTC, JSON
 * re-serialised; other literals quoted, expressions as written.
 */
export function canonicalDefault(expression: string | null, type: string): string | null {
  if (expression === null) return null;
  let text = stripOuterParens(expression);
  const cast = /^('(?:[^']|'')*'|[^']*?)::[\w\s".,()[\]]+$/.exec(text);
  if (cast) text = stripOuterParens(cast[1]);
  if (/^null$/i.test(text)) return null;
  const literal = /^'((?:[^']|'')*)'$/.exec(text);
  const value = literal ? literal[1].replace(/''/g, "'") : text;
  const t = normaliseType(type);
  if (NUMERIC.test(t) && isNumberLiteral(value.trim())) return canonicalNumber(value.trim());
  if (t === 'boolean' && /^(t|true|1|y|yes|on|f|false|0|n|no|off)$/i.test(value)) return /^(t|true|1|y|yes|on)$/i.test(value) ? 'true' : 'false';
  if (!literal) return /^(true|false)$/i.test(text) ? text.toLowerCase() : text;
  if (TIMESTAMP.test(t)) {
    const iso = canonicalTimestamp(value);
    if (iso !== undefined) return `'${iso}'`;
  }
  if (t === 'json' || t === 'jsonb') {
    try {
      return `'${JSON.stringify(JSON.parse(value))}'`;
    } catch {
      // not JSON: compare as text
    }
  }
  return `'${value}'`;
}

/** Whether two defaults of a column of `type` are the same value. */
export function sameDefault(a: string | null, b: string | null, type: string): boolean {
  return canonicalDefault(a, type) === canonicalDefault(b, type);
}

/** Whether two lists hold the same names in the same order. */
export function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
