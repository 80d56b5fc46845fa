/**
 * The text filter language: parseFilter turns a filter string into the canonical criteria object
 * (every operator, precedence, literals, parameters, dotted names), refuses bad input with an
 * InvalidQueryError that gives the exact column, and never throws anything else, whatever the
 * input (seeded fuzzing, so a failure names the seed and case that reproduce it).
 *
 * Pure unit tests: no database. They import the parser from src/ (it is not exported from
 * 'regista' yet), so InvalidQueryError also comes from src/ here, not from dist/.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, InvalidQueryError } from '../src/errors';
import {
  MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseFilter,
  type CriteriaObject, type FilterParams, type FilterValue,
} from '../src/query/expression-parser';

// ------------------------------------------------------------------------------------------------
// Helpers

/** Calls parseFilter, which must throw exactly InvalidQueryError; returns the error. */
function parseError(text: string, params?: FilterParams): InvalidQueryError {
  let error: unknown;
  try {
    parseFilter(text, params);
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, `expected InvalidQueryError for ${JSON.stringify(text)}, but it parsed`);
  if (!(error instanceof InvalidQueryError)) {
    assert.fail(`expected InvalidQueryError for ${JSON.stringify(text)}, got ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}`);
  }
  assert.equal(error.constructor, InvalidQueryError);
  assert.equal(error.code, ErrorCodes.INVALID_QUERY);
  return error;
}

/**
 * Every string, number, bigint, boolean and Date value in a parsed criteria object, in order:
 * what a filter contributes as data. (For the "generated SQL contains no literal text from the
 * input" assertion once the compiler is wired: none of these may appear in the SQL text.)
 */
export function criteriaValues(criteria: CriteriaObject): FilterValue[] {
  const out: FilterValue[] = [];
  const visit = (node: CriteriaObject): void => {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'AND' || key === 'OR') (value as CriteriaObject[]).forEach(visit);
      else if (key === 'NOT') visit(value as CriteriaObject);
      else {
        for (const [op, operand] of Object.entries(value as Record<string, unknown>)) {
          if (op === 'isNull') continue;
          for (const v of Array.isArray(operand) ? operand : [operand]) out.push(v as FilterValue);
        }
      }
    }
  };
  visit(criteria);
  return out;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'LIKE', 'ILIKE', 'IN', 'BETWEEN', 'IS', 'NULL', 'TRUE', 'FALSE']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.([A-Za-z_][A-Za-z0-9_]*|[0-9]+))*$/;
const SCALAR_OPS = new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte']);

function isValue(v: unknown): boolean {
  return ['string', 'number', 'bigint', 'boolean'].includes(typeof v) || v instanceof Date;
}

/** Fails unless `c` has the canonical shape parseFilter promises. Returns its depth as the compiler counts it. */
function assertCanonical(c: unknown, where = 'criteria'): number {
  assert.ok(typeof c === 'object' && c !== null && !Array.isArray(c), `${where} is not an object`);
  const keys = Object.keys(c);
  assert.equal(keys.length, 1, `${where} has ${keys.length} keys: ${keys.join(', ')}`);
  const [key] = keys;
  const value = (c as Record<string, unknown>)[key];
  if (key === 'AND' || key === 'OR') {
    assert.ok(Array.isArray(value) && value.length >= 2, `${where}.${key} must hold two or more items`);
    let deepest = 0;
    value.forEach((item, i) => {
      assert.ok(!Object.hasOwn(item as object, key), `${where}.${key}[${i}] is a nested ${key}: not flattened`);
      deepest = Math.max(deepest, assertCanonical(item, `${where}.${key}[${i}]`));
    });
    return 1 + deepest;
  }
  if (key === 'NOT') return 1 + assertCanonical(value, `${where}.NOT`);
  assert.match(key, NAME, `${where}: bad field key ${JSON.stringify(key)}`);
  assert.ok(!KEYWORDS.has(key.toUpperCase()), `${where}: keyword ${key} used as a field`);
  assert.ok(typeof value === 'object' && value !== null, `${where}.${key} is not an operator object`);
  const ops = Object.keys(value);
  assert.equal(ops.length, 1, `${where}.${key} has operators ${ops.join(', ')}`);
  const [op] = ops;
  const operand = (value as Record<string, unknown>)[op];
  if (SCALAR_OPS.has(op)) assert.ok(isValue(operand), `${where}.${key}.${op} = ${String(operand)}`);
  else if (op === 'in' || op === 'notIn') assert.ok(Array.isArray(operand) && operand.every(isValue), `${where}.${key}.${op}`);
  else if (op === 'between') assert.ok(Array.isArray(operand) && operand.length === 2 && operand.every(isValue), `${where}.${key}.between`);
  else if (op === 'like' || op === 'ilike') assert.equal(typeof operand, 'string');
  else if (op === 'isNull') assert.equal(typeof operand, 'boolean');
  else assert.fail(`${where}.${key}: unknown operator ${op}`);
  return 1;
}

/** mulberry32: a small seeded PRNG, so every fuzz case can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ------------------------------------------------------------------------------------------------
// Canonical shapes

describe('parseFilter: operators and canonical shapes', () => {
  const cases: Array<[string, CriteriaObject]> = [
    ['age = 18', { age: { eq: 18 } }],
    ['age != 18', { age: { ne: 18 } }],
    ['age <> 18', { age: { ne: 18 } }],
    ['age < 18', { age: { lt: 18 } }],
    ['age <= 18', { age: { lte: 18 } }],
    ['age > 18', { age: { gt: 18 } }],
    ['age >= 18', { age: { gte: 18 } }],
    ["name LIKE 'A%'", { name: { like: 'A%' } }],
    ["name NOT LIKE 'A%'", { NOT: { name: { like: 'A%' } } }],
    ["name ILIKE 'a_c'", { name: { ilike: 'a_c' } }],
    ["name NOT ILIKE 'a_c'", { NOT: { name: { ilike: 'a_c' } } }],
    ['id IN (1, 2, 3)', { id: { in: [1, 2, 3] } }],
    ["role IN ('admin')", { role: { in: ['admin'] } }],
    ['id NOT IN (1, 2)', { id: { notIn: [1, 2] } }],
    ['age BETWEEN 18 AND 65', { age: { between: [18, 65] } }],
    ['age NOT BETWEEN 18 AND 65', { NOT: { age: { between: [18, 65] } } }],
    ['deletedAt IS NULL', { deletedAt: { isNull: true } }],
    ['deletedAt IS NOT NULL', { deletedAt: { isNull: false } }],
    ['deletedAt = null', { deletedAt: { isNull: true } }],
    ['deletedAt != NULL', { deletedAt: { isNull: false } }],
    ['deletedAt <> null', { deletedAt: { isNull: false } }],
    ['active = true', { active: { eq: true } }],
    ['active != false', { active: { ne: false } }],
    // A string is always under `eq`: it can never be read as an operator object or a path.
    ["status = 'in'", { status: { eq: 'in' } }],
    ["status = 'AND'", { status: { eq: 'AND' } }],
    ["a = 'b.c'", { a: { eq: 'b.c' } }],
    // No spaces needed between tokens; any whitespace between them.
    ["a=1", { a: { eq: 1 } }],
    ["a>=-1", { a: { gte: -1 } }],
    ["(a=1)AND(b='x')OR c<>2", { OR: [{ AND: [{ a: { eq: 1 } }, { b: { eq: 'x' } }] }, { c: { ne: 2 } }] }],
    ["x='a'AND y=1", { AND: [{ x: { eq: 'a' } }, { y: { eq: 1 } }] }],
    ['\t a \n=\r\n 1 \t', { a: { eq: 1 } }],
    ['id IN(1,2)', { id: { in: [1, 2] } }],
  ];
  for (const [text, expected] of cases) {
    it(text.replace(/\s+/g, ' '), () => {
      const result = parseFilter(text);
      assert.deepEqual(result, expected);
      assertCanonical(result);
    });
  }

  it('keywords in any case', () => {
    assert.deepEqual(parseFilter('x iS nOt NuLl and Y between 1 AnD 2 oR NoT z In (TRUE, fAlSe)'), {
      OR: [
        { AND: [{ x: { isNull: false } }, { Y: { between: [1, 2] } }] },
        { NOT: { z: { in: [true, false] } } },
      ],
    });
    assert.deepEqual(parseFilter("a not like 'x' AND b Not Ilike 'y' AND c not in (1) AND d nOT BETWEEN 1 and 2"), {
      AND: [
        { NOT: { a: { like: 'x' } } },
        { NOT: { b: { ilike: 'y' } } },
        { c: { notIn: [1] } },
        { NOT: { d: { between: [1, 2] } } },
      ],
    });
  });

  it('names that contain or start with a keyword are names; field names keep their case', () => {
    assert.deepEqual(parseFilter('notes = 1 AND android = 2 AND island = 3 AND nullable = true AND in_stock = false'), {
      AND: [{ notes: { eq: 1 } }, { android: { eq: 2 } }, { island: { eq: 3 } }, { nullable: { eq: true } }, { in_stock: { eq: false } }],
    });
    assert.deepEqual(parseFilter('isActive = TRUE OR likes > 3 OR between_x = 1 OR orders >= 2 OR Is_ = 0'), {
      OR: [{ isActive: { eq: true } }, { likes: { gt: 3 } }, { between_x: { eq: 1 } }, { orders: { gte: 2 } }, { Is_: { eq: 0 } }],
    });
  });

  it('dotted names stay one key: relations, JSON paths, array indexes', () => {
    assert.deepEqual(parseFilter("profile.vip = true AND author.name LIKE 'A%' AND cloudStatus.testing IS NOT NULL"), {
      AND: [{ 'profile.vip': { eq: true } }, { 'author.name': { like: 'A%' } }, { 'cloudStatus.testing': { isNull: false } }],
    });
    assert.deepEqual(parseFilter('items.0.sku = 7 AND a.b.c.d_e.F9 > 1 AND _x._ = 2'), {
      AND: [{ 'items.0.sku': { eq: 7 } }, { 'a.b.c.d_e.F9': { gt: 1 } }, { '_x._': { eq: 2 } }],
    });
    // After a dot, a keyword is just a path segment.
    assert.deepEqual(parseFilter('meta.and = 1 OR meta.null IS NULL OR x.NOT.in = 2'), {
      OR: [{ 'meta.and': { eq: 1 } }, { 'meta.null': { isNull: true } }, { 'x.NOT.in': { eq: 2 } }],
    });
  });

  it('__proto__ and constructor are ordinary own keys (the compiler rejects unknown fields)', () => {
    const result = parseFilter('__proto__ = 1 OR constructor.prototype = 2') as { OR: CriteriaObject[] };
    assert.ok(Object.hasOwn(result.OR[0], '__proto__'));
    assert.deepEqual(Object.getOwnPropertyDescriptor(result.OR[0], '__proto__')?.value, { eq: 1 });
    assert.equal(Object.getPrototypeOf(result.OR[0]), Object.prototype);
    assert.deepEqual(result.OR[1], { 'constructor.prototype': { eq: 2 } });
  });

  it('returns criteria assignable to the compiler input type', () => {
    const criteria: Readonly<Record<string, unknown>> = parseFilter('a = 1');
    assert.ok(criteria);
  });
});

describe('parseFilter: precedence, parentheses and flattening', () => {
  const a = { a: { eq: 1 } };
  const b = { b: { eq: 2 } };
  const c = { c: { eq: 3 } };
  const d = { d: { eq: 4 } };
  const cases: Array<[string, CriteriaObject]> = [
    ['a = 1 OR b = 2 AND c = 3', { OR: [a, { AND: [b, c] }] }],
    ['a = 1 AND b = 2 OR c = 3', { OR: [{ AND: [a, b] }, c] }],
    ['NOT a = 1 AND b = 2', { AND: [{ NOT: a }, b] }],
    ['NOT a = 1 OR b = 2', { OR: [{ NOT: a }, b] }],
    ['a = 1 OR NOT b = 2 AND c = 3', { OR: [a, { AND: [{ NOT: b }, c] }] }],
    ['(a = 1 OR b = 2) AND c = 3', { AND: [{ OR: [a, b] }, c] }],
    ['NOT (a = 1 AND b = 2)', { NOT: { AND: [a, b] } }],
    ['NOT NOT a = 1', { NOT: { NOT: a } }],
    ['NOT (NOT (a = 1))', { NOT: { NOT: a } }],
    // Flattening: one AND / OR per run, whatever the parentheses.
    ['a = 1 AND b = 2 AND c = 3', { AND: [a, b, c] }],
    ['a = 1 AND (b = 2 AND c = 3)', { AND: [a, b, c] }],
    ['(a = 1 AND b = 2) AND (c = 3 AND d = 4)', { AND: [a, b, c, d] }],
    ['(a = 1 OR b = 2) OR c = 3 OR (d = 4)', { OR: [a, b, c, d] }],
    ['a = 1 OR b = 2 AND c = 3 OR d = 4', { OR: [a, { AND: [b, c] }, d] }],
    ['(a = 1 OR b = 2) AND (c = 3 OR d = 4)', { AND: [{ OR: [a, b] }, { OR: [c, d] }] }],
    ['a = 1 AND (b = 2 OR (c = 3 AND d = 4))', { AND: [a, { OR: [b, { AND: [c, d] }] }] }],
    // No needless wrapping.
    ['((a = 1))', a],
    ['(((a = 1) AND ((b = 2))))', { AND: [a, b] }],
    // BETWEEN's AND belongs to BETWEEN.
    ['a = 1 AND x BETWEEN 1 AND 2 AND b = 2', { AND: [a, { x: { between: [1, 2] } }, b] }],
    ['x BETWEEN 1 AND 2 OR y NOT BETWEEN 3 AND 4', { OR: [{ x: { between: [1, 2] } }, { NOT: { y: { between: [3, 4] } } }] }],
  ];
  for (const [text, expected] of cases) {
    it(text, () => {
      const result = parseFilter(text);
      assert.deepEqual(result, expected);
      assertCanonical(result);
    });
  }
});

describe('parseFilter: literals', () => {
  const value = (text: string): unknown => (parseFilter(`v = ${text}`) as { v: { eq: unknown } }).v.eq;

  it('strings: single quotes, doubled quote, anything else literal', () => {
    assert.equal(value("'hello'"), 'hello');
    assert.equal(value("''"), '');
    assert.equal(value("''''"), "'");
    assert.equal(value("'it''s'"), "it's");
    assert.equal(value("'a''''b'"), "a''b");
    assert.equal(value(`'say "hi"'`), 'say "hi"');
    // No backslash escapes: a backslash is an ordinary character.
    assert.equal(value("'back\\slash \\n \\'''"), "back\\slash \\n \\'");
    assert.equal(value("'line1\nline2\ttab'"), 'line1\nline2\ttab');
    assert.equal(value("'  spaced  '"), '  spaced  ');
    assert.equal(value("'x = 1 OR (y) AND :p -- /* */ ;'"), 'x = 1 OR (y) AND :p -- /* */ ;');
  });

  it('strings: unicode is kept exactly', () => {
    for (const s of ['日本語', 'Ünïcödé', 'e\u0301', '😀👍🏽', '👨‍👩‍👧', 'עברית', 'zero\u200bwidth', '\u0000nul', '\u2028']) {
      assert.equal(value(`'${s}'`), s);
    }
  });

  it('numbers: integers, negatives, decimals, exponents', () => {
    const cases: Array<[string, number | bigint]> = [
      ['0', 0], ['42', 42], ['-7', -7], ['007', 7], ['3.14', 3.14], ['-0.5', -0.5], ['1e3', 1000], ['2.5E-3', 0.0025],
      ['-1e+2', -100], ['1E2', 100], ['9007199254740991', 9007199254740991], ['1e-400', 0],
      // Integers past 2^53 keep every digit as bigints; -0 is 0.
      ['9007199254740993', 9007199254740993n], ['-123456789012345678901234567890', -123456789012345678901234567890n],
    ];
    for (const [text, expected] of cases) assert.equal(value(text), expected, text);
    assert.ok(Object.is(value('-0'), 0));
    assert.ok(Object.is(value('-0.0'), 0));
  });

  it('booleans and null', () => {
    assert.equal(value('true'), true);
    assert.equal(value('FALSE'), false);
    assert.deepEqual(parseFilter('v = NULL'), { v: { isNull: true } });
  });

  it('IN lists mix literal types', () => {
    assert.deepEqual(parseFilter("v IN ('a', 1, -2.5, true, 'it''s')"), { v: { in: ['a', 1, -2.5, true, "it's"] } });
  });
});

describe('parseFilter: parameters', () => {
  it('take their values from params: strings, numbers, bigints, booleans, Dates', () => {
    const when = new Date('2024-01-02T03:04:05Z');
    const params = { min: 18, name: "O'Brien'; DROP TABLE users; --", when, big: 2n ** 70n, ok: false, Min: 99 };
    const result = parseFilter('age >= :min AND name = :name AND at < :when AND big = :big AND ok != :ok AND age < :Min', params);
    assert.deepEqual(result, {
      AND: [
        { age: { gte: 18 } }, { name: { eq: "O'Brien'; DROP TABLE users; --" } }, { at: { lt: when } },
        { big: { eq: 2n ** 70n } }, { ok: { ne: false } }, { age: { lt: 99 } },
      ],
    });
    assert.equal(((result as { AND: Array<{ at: { lt: Date } }> }).AND[2]).at.lt, when, 'the Date itself, not a copy');
  });

  it('a null parameter after = / != is IS NULL / IS NOT NULL, like the literal', () => {
    assert.deepEqual(parseFilter('x = :n', { n: null }), { x: { isNull: true } });
    assert.deepEqual(parseFilter('x <> :n', { n: null }), { x: { isNull: false } });
  });

  it('arrays after IN: `IN :list`, or spliced into a list', () => {
    const ids = [1, 2, 3];
    assert.deepEqual(parseFilter('id IN :ids', { ids }), { id: { in: [1, 2, 3] } });
    assert.deepEqual(parseFilter('id NOT IN :ids', { ids }), { id: { notIn: [1, 2, 3] } });
    assert.deepEqual(parseFilter('id IN (:ids, 9, :one, :none)', { ids, one: 5, none: [] }), { id: { in: [1, 2, 3, 9, 5] } });
    assert.deepEqual(parseFilter('id IN :empty', { empty: [] }), { id: { in: [] } });
    const result = parseFilter('id IN :ids', { ids }) as { id: { in: number[] } };
    assert.notEqual(result.id.in, ids, 'the criteria own a copy of the array');
  });

  it('BETWEEN and LIKE take parameters', () => {
    assert.deepEqual(parseFilter('x BETWEEN :lo AND :hi OR n ILIKE :p', { lo: 1, hi: 2, p: '%a%' }), {
      OR: [{ x: { between: [1, 2] } }, { n: { ilike: '%a%' } }],
    });
  });

  it('params with a null prototype work; unused params are ignored', () => {
    const params = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    assert.deepEqual(parseFilter('x = :a', params), { x: { eq: 1 } });
    assert.deepEqual(parseFilter('x = 1', { unused: {} }), { x: { eq: 1 } });
  });

  it('a missing parameter is an error naming it, inherited names included', () => {
    const cases: Array<[string, FilterParams | undefined]> = [
      ['missing', undefined], ['missing', {}], ['missing', { other: 1 }], ['missing', { missing: undefined }],
      ['constructor', {}], ['toString', {}], ['__proto__', {}], ['hasOwnProperty', { x: 1 }],
    ];
    for (const [name, params] of cases) {
      const error = parseError(`x = 1 OR y = :${name}`, params);
      assert.equal(error.message, `Missing parameter :${name} at column 14: params has no "${name}"`);
      assert.equal(error.details.parameter, name);
      assert.equal(error.details.position, 14);
    }
  });

  it('a parameter of the wrong kind is refused where it stands', () => {
    const cases: Array<[string, FilterParams, number, string]> = [
      ['x = :o', { o: {} }, 5, 'Expected a string, number, bigint, boolean, Date or null for parameter :o at column 5, found an object'],
      ['x = :f', { f: () => 1 }, 5, 'Expected a string, number, bigint, boolean, Date or null for parameter :f at column 5, found a function'],
      ['x = :s', { s: Symbol('s') }, 5, 'Expected a string, number, bigint, boolean, Date or null for parameter :s at column 5, found a symbol'],
      ['x = :ids', { ids: [1] }, 5, "Expected a single value after '=' at column 5, found ':ids' (an array); an array parameter is allowed only after IN"],
      ['x BETWEEN :ids AND 2', { ids: [1] }, 11, "Expected a single value after 'BETWEEN' at column 11, found ':ids' (an array); an array parameter is allowed only after IN"],
      ['x IN :s', { s: 'a' }, 6, "Expected an array for parameter :s at column 6, found ':s' (a string); IN :name takes an array"],
      ['x IN (:ids)', { ids: [1, null] }, 7, 'Expected an array of strings, numbers, bigints, booleans or Dates for parameter :ids at column 7, found null at index 1'],
      ['x IN :ids', { ids: [[1]] }, 6, 'Expected an array of strings, numbers, bigints, booleans or Dates for parameter :ids at column 6, found an array at index 0'],
      ['x LIKE :n', { n: null }, 8, "Expected a string pattern after 'LIKE' at column 8, found ':n' (null); compare with NULL using IS NULL or IS NOT NULL"],
      ['x LIKE :n', { n: 5 }, 8, "Expected a string pattern after 'LIKE' at column 8, found ':n' (a number)"],
      ['x > :n', { n: null }, 5, "Expected a non-null value after '>' at column 5, found ':n' (null); compare with NULL using IS NULL or IS NOT NULL"],
    ];
    for (const [text, params, position, message] of cases) {
      const error = parseError(text, params);
      assert.equal(error.message, message, text);
      assert.equal(error.details.position, position, text);
    }
  });
});

// ------------------------------------------------------------------------------------------------
// Errors

describe('parseFilter: syntax errors give the exact column, what was expected and what was found', () => {
  const CONDITION = "Expected a condition (a field name, NOT or '(')";
  const TOKEN = 'Expected a field name, value, operator, parenthesis or comma';
  const cases: Array<[string, number, string]> = [
    ['', 1, `${CONDITION} at column 1, found end of input`],
    ['   ', 4, `${CONDITION} at column 4, found end of input`],
    ['created_at >=', 14, "Expected a value after '>=' at column 14, found end of input"],
    ['x = 1 y = 2', 7, "Expected AND, OR or end of input at column 7, found 'y'"],
    ['(x = 1', 7, "Expected AND, OR or ')' at column 7, found end of input; to close the '(' at column 1"],
    ['((x = 1) OR (y = 2)', 20, "Expected AND, OR or ')' at column 20, found end of input; to close the '(' at column 1"],
    ['x = 1)', 6, "Expected AND, OR or end of input at column 6, found ')'"],
    ['()', 2, `${CONDITION} after '(' at column 2, found ')'`],
    ["x = 'abc", 5, "Expected a closing quote for the string at column 5, found end of input; a quote inside a string is written twice: 'it''s'"],
    ["x = 'it's'", 9, "Expected AND, OR or end of input at column 9, found 's'; a quote inside a string is written twice: 'it''s'"],
    ["x IN ('it's')", 11, "Expected ',' or ')' at column 11, found 's'; a quote inside a string is written twice: 'it''s'"],
    ['x = "a"', 5, `${TOKEN} at column 5, found '"'; strings take single quotes`],
    ['x = `a`', 5, `${TOKEN} at column 5, found '\`'`],
    ['x NOT = 1', 7, "Expected LIKE, ILIKE, IN or BETWEEN after 'NOT' at column 7, found '='"],
    ['x', 2, "Expected an operator (=, !=, <>, <, <=, >, >=, LIKE, ILIKE, IN, BETWEEN or IS) after 'x' at column 2, found end of input"],
    ['x y', 3, "Expected an operator (=, !=, <>, <, <=, >, >=, LIKE, ILIKE, IN, BETWEEN or IS) after 'x' at column 3, found 'y'"],
    ['x AND y = 1', 3, "Expected an operator (=, !=, <>, <, <=, >, >=, LIKE, ILIKE, IN, BETWEEN or IS) after 'x' at column 3, found 'AND'"],
    ['and = 1', 1, `${CONDITION} at column 1, found 'and'; AND is a keyword, not a field name`],
    ['x = 1 AND AND y = 2', 11, `${CONDITION} after 'AND' at column 11, found 'AND'; AND is a keyword, not a field name`],
    ["'a' = x", 1, `${CONDITION} at column 1, found string 'a'`],
    ['1 = 1', 1, `${CONDITION} at column 1, found '1'`],
    ['TRUE', 1, `${CONDITION} at column 1, found 'TRUE'`],
    [':p = 1', 1, `${CONDITION} at column 1, found ':p'`],
    ['NOT', 4, `${CONDITION} after 'NOT' at column 4, found end of input`],
    ['x = 1 AND', 10, `${CONDITION} after 'AND' at column 10, found end of input`],
    ['x = 1 OR', 9, `${CONDITION} after 'OR' at column 9, found end of input`],
    ['x == 1', 4, "Expected a value after '=' at column 4, found '='"],
    ['x = y', 5, "Expected a value after '=' at column 5, found 'y'"],
    ['x = (1)', 5, "Expected a value after '=' at column 5, found '('"],
    ['x = 12abc', 5, "Expected a number at column 5, found '12abc'; numbers are written like 42, -7, 3.14 or 1e-3"],
    ['x = 1.', 5, "Expected a number at column 5, found '1.'; numbers are written like 42, -7, 3.14 or 1e-3"],
    ['x = 1e', 5, "Expected a number at column 5, found '1e'; numbers are written like 42, -7, 3.14 or 1e-3"],
    ['x = 1.2.3', 5, "Expected a number at column 5, found '1.2.3'; numbers are written like 42, -7, 3.14 or 1e-3"],
    ['x=1AND y=2', 3, "Expected a number at column 3, found '1AND'; numbers are written like 42, -7, 3.14 or 1e-3"],
    ['x = 1e999', 5, "Expected a number within the range of a double at column 5, found '1e999'"],
    ['x = - 1', 5, `${TOKEN} at column 5, found '-'; a minus sign must be followed by digits`],
    ['x = .5', 5, `${TOKEN} at column 5, found '.'`],
    ['a. = 1', 3, "Expected a name or digits after 'a.' at column 3, found ' '"],
    ['a.1b = 1', 3, "Expected a name or digits after 'a.' at column 3, found '1b'"],
    ['a..b = 1', 3, "Expected a name or digits after 'a.' at column 3, found '.b'"],
    ['x.', 3, "Expected a name or digits after 'x.' at column 3, found end of input"],
    ['x = :', 6, "Expected a parameter name after ':' at column 6, found end of input"],
    ['x = : y', 6, "Expected a parameter name after ':' at column 6, found ' '"],
    ['x = :1', 6, "Expected a parameter name after ':' at column 6, found '1'"],
    ['x IN ()', 7, "Expected a value after '(' at column 7, found ')'"],
    ['x IN (1,)', 9, "Expected a value after ',' at column 9, found ')'"],
    ['x IN (1 2)', 9, "Expected ',' or ')' at column 9, found '2'"],
    ['x IN (1, 2', 11, "Expected ',' or ')' at column 11, found end of input"],
    ['x IN 1', 6, "Expected '(' or a parameter after 'IN' at column 6, found '1'"],
    ['x NOT IN', 9, "Expected '(' or a parameter after 'IN' at column 9, found end of input"],
    ['x BETWEEN 1 OR 2', 13, "Expected AND after '1' at column 13, found 'OR'"],
    ['x BETWEEN 1', 12, "Expected AND after '1' at column 12, found end of input"],
    ['x BETWEEN 1 AND', 16, "Expected a value after 'AND' at column 16, found end of input"],
    ['x IS 1', 6, "Expected NULL after 'IS' at column 6, found '1'"],
    ['x IS NOT TRUE', 10, "Expected NULL after 'NOT' at column 10, found 'TRUE'"],
    ['x > null', 5, "Expected a non-null value after '>' at column 5, found 'null'; compare with NULL using IS NULL or IS NOT NULL"],
    ['x BETWEEN NULL AND 1', 11, "Expected a non-null value after 'BETWEEN' at column 11, found 'NULL'; compare with NULL using IS NULL or IS NOT NULL"],
    ['x IN (1, NULL)', 10, "Expected a non-null value after ',' at column 10, found 'NULL'; NULL never matches in IN; use IS NULL"],
    ['x LIKE 5', 8, "Expected a string pattern after 'LIKE' at column 8, found '5'"],
    ['x LIKE null', 8, "Expected a string pattern after 'LIKE' at column 8, found 'null'; compare with NULL using IS NULL or IS NOT NULL"],
    ['x = TRUE AND y IS NULL NOT', 24, "Expected AND, OR or end of input at column 24, found 'NOT'"],
    // Injection attempts are syntax errors at the first foreign character.
    ["x = '1'; DROP TABLE users; --'", 8, `${TOKEN} at column 8, found ';'`],
    ['x = 1 OR 1=1', 10, `${CONDITION} after 'OR' at column 10, found '1'`],
    ["x = '' OR '1'='1'", 11, `${CONDITION} after 'OR' at column 11, found string '1'`],
    ['x = 1 UNION SELECT * FROM users', 7, "Expected AND, OR or end of input at column 7, found 'UNION'"],
    ['x = 1 -- comment', 7, `${TOKEN} at column 7, found '-'; a minus sign must be followed by digits`],
    ['x = 1 /* c */', 7, `${TOKEN} at column 7, found '/'`],
    ['x = 1 || 2', 7, `${TOKEN} at column 7, found '|'`],
    ['x = 1\u0000', 6, `${TOKEN} at column 6, found U+0000`],
    ['x = 1\u001b[31m', 6, `${TOKEN} at column 6, found U+001B`],
    ['x = \ud800', 5, `${TOKEN} at column 5, found U+D800`],
    ['x = 1\u200b', 6, `${TOKEN} at column 6, found U+200B`],
    // Columns count characters: an emoji is one column.
    ['😀 = 1', 1, `${TOKEN} at column 1, found '😀'`],
    ["x = '😀😀' AND y >", 17, "Expected a value after '>' at column 17, found end of input"],
    ["x = '😀' AND é = 1", 13, `${TOKEN} at column 13, found 'é'`],
    // Columns run through the whole text: a newline is one character like any other.
    ['x\n  AND\n  y', 5, "Expected an operator (=, !=, <>, <, <=, >, >=, LIKE, ILIKE, IN, BETWEEN or IS) after 'x' at column 5, found 'AND'"],
  ];
  for (const [text, position, message] of cases) {
    it(JSON.stringify(text), () => {
      const error = parseError(text);
      assert.equal(error.message, message);
      assert.equal(error.details.position, position);
      assert.equal(error.details.expression, text);
      assert.equal(typeof error.details.expected, 'string');
      assert.equal(typeof error.details.found, 'string');
      assert.ok(error.message.includes(`column ${position}`));
    });
  }

  it('details and JSON form', () => {
    const error = parseError('created_at >=');
    assert.deepEqual(error.details, { position: 14, expected: 'a value', found: 'end of input', expression: 'created_at >=' });
    assert.deepEqual(error.toJSON(), {
      name: 'InvalidQueryError', code: ErrorCodes.INVALID_QUERY, message: "Expected a value after '>=' at column 14, found end of input",
      details: { position: 14, expected: 'a value', found: 'end of input', expression: 'created_at >=' },
    });
  });

  it('huge inputs are not echoed: found and expression are shortened', () => {
    const error = parseError(`${'a'.repeat(5000)}`);
    assert.equal(error.message, `Expected an operator (=, !=, <>, <, <=, >, >=, LIKE, ILIKE, IN, BETWEEN or IS) after '${'a'.repeat(37)}...' at column 5001, found end of input`);
    assert.equal(error.details.expression, `${'a'.repeat(197)}...`);
    const inString = parseError(`x = '${'b'.repeat(3000)}' y`);
    assert.equal(inString.message, 'Expected AND, OR or end of input at column 3008, found \'y\'');
    const found = parseError(`x = '${'b'.repeat(3000)}'`.slice(4) + ' = 1');
    assert.equal(found.message, `${"Expected a condition (a field name, NOT or '(')"} at column 1, found string '${'b'.repeat(36)}...`);
    assert.ok(JSON.stringify(found.details).length < 400);
  });

  it('only InvalidQueryError escapes: wrong argument types, throwing parameter getters', () => {
    for (const text of [undefined, null, 42, {}, ['x = 1']]) parseError(text as unknown as string);
    assert.equal(parseError(null as unknown as string).message, 'A filter must be a string, got null');
    for (const params of [[], 'x', null, 7]) parseError('x = 1', params as unknown as FilterParams);
    const boom = new TypeError('boom');
    const error = parseError('x = :p', { get p(): unknown { throw boom; } });
    assert.equal(error.message, 'The filter could not be parsed: boom');
    assert.equal(error.cause, boom);
    const proxy = new Proxy({}, { getOwnPropertyDescriptor() { throw new RangeError('trap'); } });
    assert.equal(parseError('x = :p', proxy).message, 'The filter could not be parsed: trap');
  });
});

// ------------------------------------------------------------------------------------------------
// Limits

/** How deep the criteria compiler counts a criteria object: one per object, AND/OR item and NOT. */
function compilerDepth(c: CriteriaObject): number {
  const [key] = Object.keys(c);
  const value = (c as Record<string, unknown>)[key];
  if (key === 'AND' || key === 'OR') return 1 + Math.max(...(value as CriteriaObject[]).map(compilerDepth));
  if (key === 'NOT') return 1 + compilerDepth(value as CriteriaObject);
  return 1;
}

describe('parseFilter: limits', () => {
  it(`accepts ${MAX_FILTER_LENGTH} characters, refuses more`, () => {
    const longest = `x = '${'a'.repeat(MAX_FILTER_LENGTH - 6)}'`;
    assert.equal(longest.length, MAX_FILTER_LENGTH);
    assert.deepEqual(parseFilter(longest), { x: { eq: 'a'.repeat(MAX_FILTER_LENGTH - 6) } });
    const error = parseError(`${longest} `);
    assert.equal(error.message, `Filter is too long: ${MAX_FILTER_LENGTH + 1} characters, at most ${MAX_FILTER_LENGTH} are allowed`);
    assert.equal(error.details.position, MAX_FILTER_LENGTH + 1);
    assert.equal(error.details.maxLength, MAX_FILTER_LENGTH);
    assert.equal((error.details.expression as string).length, 200);
    parseError('x'.repeat(1_000_000));
  });

  it(`accepts ${MAX_FILTER_DEPTH} levels of parentheses or NOT, refuses more at the exact column`, () => {
    const n = MAX_FILTER_DEPTH;
    assert.deepEqual(parseFilter(`${'('.repeat(n)}x = 1${')'.repeat(n)}`), { x: { eq: 1 } });
    const parens = parseError(`${'('.repeat(n + 1)}x = 1${')'.repeat(n + 1)}`);
    assert.equal(parens.message, `Filter nests too deeply at column ${n + 1}: at most ${n} levels of parentheses and NOT are allowed`);
    assert.equal(parens.details.position, n + 1);
    assert.equal(parens.details.maxDepth, n);
    let nots: CriteriaObject = parseFilter(`${'NOT '.repeat(n)}x = 1`);
    for (let i = 0; i < n; i++) nots = (nots as { NOT: CriteriaObject }).NOT;
    assert.deepEqual(nots, { x: { eq: 1 } });
    assert.equal(parseError(`${'NOT '.repeat(n + 1)}x = 1`).details.position, 4 * n + 1);
    assert.equal(parseError(`${'NOT ('.repeat(n)}x = 1`).details.position, 5 * Math.floor(n / 2) + (n % 2 ? 5 : 1));
    // Far past the limit: still an InvalidQueryError, never a stack overflow.
    assert.equal(parseError('('.repeat(9_000)).details.position, n + 1);
    assert.equal(parseError('NOT '.repeat(2_400)).details.position, 4 * n + 1);
  });

  it("the deepest criteria a filter can give stay within the criteria compiler's depth limit (64)", () => {
    // The worst case: every level holds an OR of an AND, `{ NOT: { x: { like } } }` at the bottom.
    const deepest = (levels: number) => {
      let text = "c = 0 OR d = 0 AND x NOT LIKE 'a'";
      for (let i = 1; i <= levels; i++) text = `c = ${i} OR d = ${i} AND (${text})`;
      return text;
    };
    const criteria = parseFilter(deepest(MAX_FILTER_DEPTH));
    assert.equal(assertCanonical(criteria), compilerDepth(criteria));
    assert.equal(compilerDepth(criteria), 2 * MAX_FILTER_DEPTH + 4);
    assert.ok(compilerDepth(criteria) <= 64, `depth ${compilerDepth(criteria)}`);
    const text = deepest(MAX_FILTER_DEPTH + 1);
    assert.equal(parseError(text).details.position, text.lastIndexOf('(') + 1);
  });

  it('long AND / OR chains are iterative: one flat list', () => {
    const text = `x = 0${' AND x = 1'.repeat(900)}`;
    assert.ok(text.length < MAX_FILTER_LENGTH);
    const result = parseFilter(text) as { AND: CriteriaObject[] };
    assert.equal(result.AND.length, 901);
    assert.equal((parseFilter(`x = 0${' OR x = 1'.repeat(1000)}`) as { OR: CriteriaObject[] }).OR.length, 1001);
  });
});

// ------------------------------------------------------------------------------------------------
// Properties

describe('parseFilter: properties', () => {
  it('criteriaValues collects every value, in order', () => {
    const when = new Date(0);
    const c = parseFilter("a = 'x' AND (b IN (1, 2) OR NOT c BETWEEN -1 AND 2.5) AND d IS NULL AND e LIKE 'p%' AND f = :w AND g = true", { w: when });
    assert.deepEqual(criteriaValues(c), ['x', 1, 2, -1, 2.5, 'p%', when, true]);
  });

  it('round trip: 400 random canonical criteria, printed as filters in random styles, parse back to themselves', () => {
    const SEED = 0x5eed_0001;
    const random = prng(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const int = (max: number) => Math.floor(random() * max);
    const kw = (word: string) => (random() < 0.5 ? word : [...word].map((ch) => (random() < 0.5 ? ch.toLowerCase() : ch)).join(''));
    const space = () => pick([' ', ' ', ' ', '  ', '\n', '\t', ' \r\n ']);
    const STRING_CHARS = [...'abcXYZ019 %_\'"`;-()=*/\\:.,', '日', 'é', '😀', '\n', '\u0000'];

    const names = ['a', 'age', 'name', 'profile.vip', 'author.name', 'items.0.sku', 'cloudStatus.testing', '_x', 'notes', 'android'];
    let params: Record<string, unknown> = {};
    let paramCount = 0;
    const genValue = (): FilterValue => {
      switch (int(6)) {
        case 0: return Array.from({ length: int(8) }, () => pick(STRING_CHARS)).join('');
        case 1: return int(2000) - 1000;
        case 2: return Number(((random() - 0.5) * 10 ** int(12)).toPrecision(1 + int(15)));
        case 3: return random() < 0.5;
        case 4: return BigInt(Number.MAX_SAFE_INTEGER) + BigInt(1 + int(1e6));
        default: return pick(['', "'", "''", 'AND', 'null', ':p', '1 OR 1=1', "'; DROP TABLE t; --"]);
      }
    };
    /** The value as filter text: a literal, or a fresh parameter. */
    const literal = (v: FilterValue): string => {
      if (random() < 0.25 || v instanceof Date) {
        const name = `p${paramCount++}`;
        params[name] = v;
        return `:${name}`;
      }
      if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
      if (typeof v === 'boolean') return kw(String(v).toUpperCase());
      return String(v);
    };
    const genComparison = (): [CriteriaObject, string] => {
      const f = pick(names);
      const v = genValue();
      switch (int(10)) {
        case 0: {
          const op = pick(['eq', 'ne', 'gt', 'gte', 'lt', 'lte'] as const);
          const symbol = { eq: '=', ne: pick(['!=', '<>']), gt: '>', gte: '>=', lt: '<', lte: '<=' }[op];
          return [{ [f]: { [op]: v } }, `${f}${space()}${symbol}${space()}${literal(v)}`];
        }
        case 1: {
          const list = Array.from({ length: 1 + int(4) }, genValue);
          const negated = random() < 0.5;
          if (random() < 0.3) {
            const name = `p${paramCount++}`;
            params[name] = list;
            return [{ [f]: { [negated ? 'notIn' : 'in']: list } }, `${f} ${negated ? `${kw('NOT')} ` : ''}${kw('IN')} :${name}`];
          }
          return [{ [f]: { [negated ? 'notIn' : 'in']: list } }, `${f} ${negated ? `${kw('NOT')} ` : ''}${kw('IN')}${space()}(${list.map(literal).join(`,${space()}`)})`];
        }
        case 2: {
          const pair: [FilterValue, FilterValue] = [v, genValue()];
          const c = { [f]: { between: pair } };
          return random() < 0.5
            ? [c, `${f} ${kw('BETWEEN')} ${literal(pair[0])} ${kw('AND')} ${literal(pair[1])}`]
            : [{ NOT: c }, `${f} ${kw('NOT')} ${kw('BETWEEN')} ${literal(pair[0])} ${kw('AND')} ${literal(pair[1])}`];
        }
        case 3: {
          const op = pick(['like', 'ilike'] as const);
          const pattern = String(v);
          const c = { [f]: { [op]: pattern } };
          return random() < 0.5
            ? [c, `${f} ${kw(op.toUpperCase())} ${literal(pattern)}`]
            : [{ NOT: c }, `${f} ${kw('NOT')} ${kw(op.toUpperCase())} ${literal(pattern)}`];
        }
        case 4: {
          const isNull = random() < 0.5;
          const text = random() < 0.5
            ? `${f} ${kw('IS')} ${isNull ? '' : `${kw('NOT')} `}${kw('NULL')}`
            : `${f} ${isNull ? '=' : pick(['!=', '<>'])} ${random() < 0.5 ? kw('NULL') : (() => { const n = `p${paramCount++}`; params[n] = null; return `:${n}`; })()}`;
          return [{ [f]: { isNull } }, text];
        }
        case 5: {
          const when = new Date(int(2e12));
          return [{ [f]: { eq: when } }, `${f} = ${literal(when)}`];
        }
        default:
          return [{ [f]: { eq: v } }, `${f}${space()}=${space()}${literal(v)}`];
      }
    };
    const paren = (text: string) => `(${space()}${text}${space()})`;
    /** A canonical criteria object and a filter for it, `depth` levels of combinators at most. */
    const gen = (depth: number, parent: 'AND' | 'OR' | 'NOT' | 'top'): [CriteriaObject, string] => {
      const roll = random();
      if (depth === 0 || roll < 0.4) {
        const [c, text] = genComparison();
        return [c, random() < 0.1 ? paren(text) : text];
      }
      if (roll < 0.55) {
        const [inner, text] = gen(depth - 1, 'NOT');
        const wrap = Object.hasOwn(inner, 'AND') || Object.hasOwn(inner, 'OR') || random() < 0.2;
        return [{ NOT: inner }, `${kw('NOT')}${wrap ? space() + paren(text) : ` ${text}`}`];
      }
      const kind = parent === 'AND' ? 'OR' : parent === 'OR' ? 'AND' : pick(['AND', 'OR'] as const);
      const items = Array.from({ length: 2 + int(3) }, () => gen(depth - 1, kind));
      const text = items
        .map(([c, t]) => (Object.hasOwn(c, 'OR') && kind === 'AND') || random() < 0.15 ? paren(t) : t)
        .join(`${space()}${kw(kind)}${space()}`);
      const c = kind === 'AND' ? { AND: items.map(([x]) => x) } : { OR: items.map(([x]) => x) };
      return [c, parent === 'NOT' || (parent === 'AND' && kind === 'OR') ? paren(text) : text];
    };

    for (let i = 0; i < 400; i++) {
      params = {};
      paramCount = 0;
      const [expected, text] = gen(1 + int(5), 'top');
      let actual: CriteriaObject;
      try {
        actual = parseFilter(text, params);
      } catch (error) {
        assert.fail(`seed ${SEED} case ${i}: ${JSON.stringify(text)} threw ${(error as Error).message}`);
      }
      assert.deepEqual(actual, expected, `seed ${SEED} case ${i}: ${JSON.stringify(text)}`);
      assertCanonical(actual, `seed ${SEED} case ${i}`);
    }
  });

  it('fuzz: 2,000 random and hostile strings give criteria or InvalidQueryError, nothing else', (t) => {
    const SEED = 0xf022_2024;
    const random = prng(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const int = (max: number) => Math.floor(random() * max);
    const VOCABULARY = [
      'age', 'name', 'profile.vip', 'author.name', 'items.0.sku', 'x', 'a_b', '__proto__', 'constructor',
      'AND', 'or', 'Not', 'LIKE', 'ilike', 'IN', 'between', 'IS', 'NULL', 'true', 'FALSE',
      '=', '!=', '<>', '<', '<=', '>', '>=', '==', '!', '(', ')', ',', '.', ':', '-',
      "'abc'", "'it''s'", "''", "'", "'unterminated", '"quoted"', "'😀'", "'%_'",
      '0', '-7', '3.14', '1e3', '-1e-3', '1.', '12abc', '1e999', '99999999999999999999999',
      ':min', ':ids', ':s', ':n', ':o', ':missing', ':constructor', ':__proto__', ':',
      ';', '--', '/*', '*/', '`', '\\', '@', '#', '$', '%', '^', '&', '|', '[', ']', '{', '}', '~', '?', '+', '*',
      '\u0000', '\u0001', '\u001b', '\u007f', '\u00a0', '\u2028', '\ud800', '\udc00', '\ufeff', '\u200b', '😀', 'é', '日本',
      'NaN', 'Infinity', 'undefined', 'SELECT', 'DROP TABLE users', 'UNION', 'OR 1=1', "' OR '1'='1",
    ];
    const INJECTIONS = [
      "x = '1'; DROP TABLE users; --'", 'x = 1 OR 1=1', "x = '' OR '1'='1'", "x = 1; DELETE FROM users",
      "name = 'a' UNION SELECT password FROM users --", 'x = 1) OR (1=1', "x = '\\'' OR 1=1 --'", 'x = 0x41',
      "x = 'a' || 'b'", 'x = 1 /* comment */', "x LIKE '%' ESCAPE '\\'", 'x = CHAR(65)', "x = $1", 'x = ?',
      "x IN (SELECT id FROM users)", 'x = (SELECT 1)', "x = 1 AND sleep(10)", "x = '1' -- '", "\"x\" = 1", '`x` = 1',
      "x = 'a\u0000'; DROP TABLE t", 'x = 1\n; DROP TABLE t', "x = :p; --", "x = N'abc'", "x = E'\\x41'",
      "x = 1 OR x IS NOT NULL --", "x = '''''", "x = ''''; --'", "x = 'a' 'b'", "pg_sleep(1) = 1",
    ];
    const PARAMS: FilterParams = { min: 18, ids: [1, 2, 3], s: "'; DROP TABLE x; --", n: null, o: { in: [1] } };
    const whitespace = () => pick(['', ' ', ' ', '  ', '\t', '\n', '\r\n']);
    const randomChars = (n: number) => Array.from({ length: n }, () => String.fromCharCode(int(0x10000))).join('');
    const valid = [
      "age >= 18 AND (name LIKE 'A%' OR profile.vip = true)", 'NOT x IN (1, 2) OR y BETWEEN -1 AND 1e3',
      "a IS NOT NULL AND b NOT ILIKE '%x%' AND c = :min", "x IN :ids AND s = :s AND n = :n",
    ];
    const mutate = (text: string): string => {
      let out = text;
      for (let k = 0, edits = 1 + int(4); k < edits; k++) {
        const at = int(out.length + 1);
        switch (int(4)) {
          case 0: out = out.slice(0, at) + pick(VOCABULARY) + out.slice(at); break;
          case 1: out = out.slice(0, at) + out.slice(at + 1 + int(5)); break;
          case 2: out = out.slice(0, at) + randomChars(1 + int(3)) + out.slice(at); break;
          default: out = out.slice(0, at) + out.slice(int(out.length), int(out.length)) + out.slice(at); break;
        }
      }
      return out;
    };
    const generate = (i: number): string => {
      if (i < INJECTIONS.length) return INJECTIONS[i];
      switch (i % 8) {
        case 0: return Array.from({ length: int(30) }, () => pick(VOCABULARY) + whitespace()).join('');
        case 1: return mutate(pick(valid));
        case 2: return mutate(pick(INJECTIONS));
        case 3: return randomChars(int(60));
        case 4: return `${'x'.repeat(1 + int(12_000))}${pick([' = 1', '.y = 2', '', ' >', `.${'9'.repeat(int(500))} = 1`])}`;
        case 5: return `${'('.repeat(int(150))}${pick(['x = 1', '', 'NOT x = 1'])}${')'.repeat(int(150))}`;
        case 6: return `${'NOT '.repeat(int(120))}${pick(['x = 1', '(x = 1)', ''])}`;
        default: return `${pick(valid)}${pick(VOCABULARY)}${whitespace()}${pick(INJECTIONS)}`;
      }
    };

    let parsed = 0;
    let refused = 0;
    const started = Date.now();
    for (let i = 0; i < 2_000; i++) {
      const text = generate(i);
      const context = `seed ${SEED} case ${i}: ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}...` : text)}`;
      let result: CriteriaObject | undefined;
      let error: unknown;
      try {
        result = parseFilter(text, PARAMS);
      } catch (e) {
        error = e;
      }
      if (error === undefined) {
        parsed++;
        assertCanonical(result, context);
        // Every string in the result came from a quoted literal in the input, or from a parameter.
        for (const value of criteriaValues(result as CriteriaObject)) {
          if (typeof value !== 'string' || value === PARAMS.s) continue;
          assert.ok(text.includes(`'${value.replace(/'/g, "''")}'`), `${context}: value ${JSON.stringify(value)} is not a literal of the input`);
        }
        continue;
      }
      refused++;
      if (!(error instanceof InvalidQueryError) || error.constructor !== InvalidQueryError) {
        assert.fail(`${context}: threw ${error instanceof Error ? `${error.constructor.name}: ${error.stack}` : String(error)}`);
      }
      assert.equal(error.code, ErrorCodes.INVALID_QUERY, context);
      const position = error.details.position;
      assert.ok(Number.isInteger(position) && (position as number) >= 1 && (position as number) <= Array.from(text).length + 1, `${context}: position ${String(position)}`);
      if (text.length <= MAX_FILTER_LENGTH) assert.ok(error.message.includes(`at column ${String(position)}`), `${context}: ${error.message}`);
      assert.ok(error.message.length < 300, `${context}: message of ${error.message.length} characters`);
      assert.ok(JSON.stringify(error.details).length < 800, `${context}: details too large`);
      assert.ok((error.details.expression as string).length <= 200, context);
    }
    t.diagnostic(`seed ${SEED}: ${parsed} parsed, ${refused} refused with InvalidQueryError`);
    assert.ok(parsed > 20 && refused > 1_000, `parsed ${parsed}, refused ${refused}: the generator should produce both`);
    assert.ok(Date.now() - started < 10_000, `fuzzing took ${Date.now() - started}ms`);
  });
});
