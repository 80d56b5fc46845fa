import type { CatalogColumn } from '../schema/catalog';
import type { Conversion } from '../schema/operations';
import { quoteString } from './shared-ddl';

/**
 * Pieces of schema-change SQL shared by the dialects: what kind of values a column type holds, and
 * which values a change of type would lose. Each dialect's alter-sql.ts reads its own type names
 * into a {@link TypeFamily} and writes the SQL of each {@link LossCheck}.
 */

/** What a column type holds, as far as converting values between types is concerned. */
export type TypeFamily =
  | { family: 'integer'; bits: number }
  | { family: 'float' }
  | { family: 'decimal'; precision?: number; scale: number }
  | { family: 'text'; length?: number }
  | { family: 'boolean' }
  | { family: 'date' }
  | { family: 'datetime' }
  | { family: 'json' }
  | { family: 'uuid' }
  | { family: 'enum'; values: readonly string[] }
  | { family: 'other'; type: string };

/** One way a non-null value can fail to survive a change of type. */
export type LossCheck =
  /** Text longer than `max` characters (cut to fit). */
  | { check: 'length'; max: number }
  /** Text that does not read as an integer. */
  | { check: 'integerText' }
  /** Text that does not read as a number. */
  | { check: 'numericText' }
  /** A number with a fractional part. */
  | { check: 'integral' }
  /** A number outside [min, max]. */
  | { check: 'range'; min: string; max: string }
  /** A number with more than `scale` decimals. */
  | { check: 'scale'; scale: number }
  /** A value that is not one of `allowed`. */
  | { check: 'values'; allowed: readonly string[] }
  /** Any value: the conversion is not known to keep values. */
  | { check: 'any' };

/** Characters an integer of that many bits may need in text (sign included). */
function integerDigits(bits: number): number {
  return bits <= 16 ? 6 : bits <= 32 ? 11 : 20;
}

function integerRange(bits: number): LossCheck {
  const max = (2n ** BigInt(bits - 1)) - 1n;
  return { check: 'range', min: (-max - 1n).toString(), max: max.toString() };
}

/** |value| < 10^(precision - scale): the range of numeric(precision, scale). */
function decimalRange(precision: number, scale: number): LossCheck {
  const max = `${'9'.repeat(Math.max(precision - scale, 0)) || '0'}${scale > 0 ? `.${'9'.repeat(scale)}` : ''}`;
  return { check: 'range', min: `-${max}`, max };
}

function sameFamily(a: TypeFamily, b: TypeFamily): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function toDecimalChecks(from: TypeFamily, to: Extract<TypeFamily, { family: 'decimal' }>): LossCheck[] {
  const p = to.precision;
  switch (from.family) {
    case 'integer':
      return p === undefined || integerDigits(from.bits) - 1 <= p - to.scale ? [] : [decimalRange(p, to.scale)];
    case 'boolean':
      return [];
    case 'decimal':
      if (p === undefined) return [];
      if (from.precision !== undefined && from.scale <= to.scale && from.precision - from.scale <= p - to.scale) return [];
      return [...(from.scale > to.scale || from.precision === undefined ? [{ check: 'scale', scale: to.scale } as const] : []), decimalRange(p, to.scale)];
    case 'float':
      return p === undefined ? [] : [{ check: 'scale', scale: to.scale }, decimalRange(p, to.scale)];
    case 'text':
    case 'enum':
      return [{ check: 'numericText' }, ...(p === undefined ? [] : [{ check: 'scale', scale: to.scale } as const, decimalRange(p, to.scale)])];
    default:
      return [{ check: 'any' }];
  }
}

/**
 * Checks that find the values a change from `from` to `to` would lose; empty when every value
 * survives. Conservative: a conversion not known to keep values gets `any`.
 */
export function lossChecks(from: TypeFamily, to: TypeFamily): LossCheck[] {
  if (sameFamily(from, to)) return [];
  switch (to.family) {
    case 'text': {
      if (to.length === undefined) return [];
      const fits = from.family === 'text' ? from.length !== undefined && from.length <= to.length
        : from.family === 'enum' ? from.values.every((v) => v.length <= to.length!)
          : from.family === 'uuid' ? to.length >= 36
            : from.family === 'integer' ? to.length >= integerDigits(from.bits)
              : from.family === 'boolean' ? to.length >= 5
                : false;
      return fits ? [] : [{ check: 'length', max: to.length }];
    }
    case 'integer':
      switch (from.family) {
        case 'integer': return from.bits <= to.bits ? [] : [integerRange(to.bits)];
        case 'boolean': return [];
        case 'float': case 'decimal': return [{ check: 'integral' }, integerRange(to.bits)];
        case 'text': case 'enum': return [{ check: 'integerText' }, integerRange(to.bits)];
        default: return [{ check: 'any' }];
      }
    case 'float':
      switch (from.family) {
        case 'integer': case 'float': case 'decimal': case 'boolean': return [];
        case 'text': case 'enum': return [{ check: 'numericText' }];
        default: return [{ check: 'any' }];
      }
    case 'decimal':
      return toDecimalChecks(from, to);
    case 'boolean':
      if (from.family === 'integer') return [{ check: 'values', allowed: ['0', '1'] }];
      return [{ check: 'any' }];
    case 'datetime':
      return from.family === 'date' ? [] : [{ check: 'any' }];
    case 'enum':
      if (from.family === 'enum' && from.values.every((v) => to.values.includes(v))) return [];
      return from.family === 'enum' || from.family === 'text' ? [{ check: 'values', allowed: to.values }] : [{ check: 'any' }];
    default:
      return [{ check: 'any' }];
  }
}

/** `CASE WHEN a THEN TRUE WHEN b THEN TRUE ELSE FALSE END`: the checks in order, each evaluated only when the ones before pass (a guard such as integerText keeps a later cast from failing). */
export function anyOf(predicates: readonly string[]): string | null {
  if (predicates.length === 0) return null;
  if (predicates.length === 1) return predicates[0];
  return `CASE ${predicates.map((p) => `WHEN ${p} THEN TRUE`).join(' ')} ELSE FALSE END`;
}

/** `'a', 'b'`: a list of string literals. */
export function stringList(values: readonly string[]): string {
  return values.map(quoteString).join(', ');
}

/**
 * A {@link Conversion} from the loss checks of a type change, given how the dialect writes a
 * check and converts a value. Losses that are all length checks cut the value (`substr`).
 */
export function conversion(
  quotedColumn: string, checks: readonly LossCheck[], predicate: (check: LossCheck) => string, convert: string,
): Conversion {
  const lossy = anyOf(checks.map(predicate));
  const cuts = checks.length > 0 && checks.every((c) => c.check === 'length');
  const max = cuts ? Math.min(...checks.map((c) => (c.check === 'length' ? c.max : Infinity))) : 0;
  return { lossy, loses: cuts ? 'truncated' : 'lost', convert, salvage: cuts ? `substr(${quotedColumn}, 1, ${max})` : null };
}

/** Reads `name(a,b)` → [a, b] (numbers), or [] when the type has no parameters. */
export function typeParameters(type: string): number[] {
  const match = /\(([^)]*)\)\s*$/.exec(type);
  return match ? match[1].split(',').map((x) => Number(x.trim())).filter((n) => Number.isFinite(n)) : [];
}

/** The type name without its parameters, lower case: `varchar(10)` → `varchar`. */
export function baseType(type: string): string {
  return type.replace(/\(.*$/, '').trim().toLowerCase();
}

/** Family of a column whose type is an enum (any dialect), or undefined. */
export function enumFamily(column: CatalogColumn): TypeFamily | undefined {
  return column.enumValues !== undefined ? { family: 'enum', values: column.enumValues } : undefined;
}
