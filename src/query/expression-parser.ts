/**
 * The text filter language: `age >= 18 AND (role = 'admin' OR name LIKE 'A%')` parsed into
 * regista's criteria object form (expression-ast.ts), which the one criteria compiler turns into
 * SQL. Values only ever land in the object, never in SQL text; names are kept as keys, which the
 * compiler checks against the model. So no filter text reaches SQL except a field name the model
 * declares.
 *
 * Grammar (keywords are case-insensitive):
 *
 *     expr       := or
 *     or         := and (OR and)*
 *     and        := not (AND not)*
 *     not        := NOT not | primary
 *     primary    := '(' expr ')' | comparison
 *     comparison := name ( ('=' | '!=' | '<>' | '<' | '<=' | '>' | '>=') value
 *                        | [NOT] LIKE value | [NOT] ILIKE value
 *                        | [NOT] IN ( '(' value (',' value)* ')' | parameter )
 *                        | [NOT] BETWEEN value AND value
 *                        | IS [NOT] NULL )
 *     value      := 'text' ('' is a quote) | number (-7, 3.14, 1e-3) | TRUE | FALSE | NULL | :param
 *     name       := [A-Za-z_][A-Za-z0-9_]* ('.' ([A-Za-z_][A-Za-z0-9_]* | [0-9]+))*
 *
 * A parameter holds a string, number, bigint, boolean, Date or null; an array only after IN
 * (`IN :ids`, or spliced into a list: `IN (:ids, 0)`).
 */
import { InvalidQueryError } from '../errors';
import type { CriteriaObject, FilterOperator, FilterValue } from './expression-ast';
import { FilterLexer, columnAt, describeToken, excerpt, filterSyntaxError, quote, type Keyword, type Token } from './expression-lexer';

export type { CriteriaObject, FieldComparison, FilterOperator, FilterOperators, FilterValue } from './expression-ast';

/** Values for the `:name` parameters of a filter. */
export type FilterParams = Readonly<Record<string, unknown>>;

/** The longest filter accepted, in characters. */
export const MAX_FILTER_LENGTH = 10_000;

/**
 * How deep parentheses and NOTs may nest. Each level can add two objects to the criteria (an OR
 * holding an AND: `a OR b AND (...)`), and the two ends four more (the outermost OR and AND, and
 * `{ NOT: { x: { like } } }` inside), so the criteria are at most 2 × 30 + 4 = 64 objects deep:
 * within the criteria compiler's own limit (64), so the error comes from here, with a column.
 */
export const MAX_FILTER_DEPTH = 30;

const SYMBOL_OPERATORS = { '=': 'eq', '!=': 'ne', '<>': 'ne', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' } as const;
const PARAMETER_TYPES = 'a string, number, bigint, boolean, Date or null';
const OPERATOR_EXPECTED = 'an operator (=, !=, <>, <, <=, >, >=, LIKE, ILIKE, IN, BETWEEN or IS)';

/**
 * Parses a text filter into a criteria object. Throws InvalidQueryError, and nothing else, for
 * any text it cannot parse: the message gives the column, what was expected and what was found;
 * `details` holds `{ position, expected, found, expression }`.
 *
 * @example
 * parseFilter("age >= :min AND NOT (role = 'guest' OR name LIKE 'test%')", { min: 18 });
 * // { AND: [{ age: { gte: 18 } }, { NOT: { OR: [{ role: { eq: 'guest' } }, { name: { like: 'test%' } }] } }] }
 */
export function parseFilter(text: string, params?: FilterParams): CriteriaObject {
  try {
    if (typeof text !== 'string') {
      throw new InvalidQueryError(`A filter must be a string, got ${text === null ? 'null' : typeof text}`, { expected: 'a string', found: text === null ? 'null' : typeof text });
    }
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      throw new InvalidQueryError(`Filter parameters must be an object of name: value pairs, got ${Array.isArray(params) ? 'an array' : params === null ? 'null' : typeof params}`, { expression: excerpt(text) });
    }
    if (text.length > MAX_FILTER_LENGTH) {
      throw filterSyntaxError(text, MAX_FILTER_LENGTH, `at most ${MAX_FILTER_LENGTH} characters`, `${text.length} characters`, {
        message: `Filter is too long: ${text.length} characters, at most ${MAX_FILTER_LENGTH} are allowed`,
        details: { maxLength: MAX_FILTER_LENGTH },
      });
    }
    return new FilterParser(text, params).parse();
  } catch (error) {
    if (error instanceof InvalidQueryError) throw error;
    // Nothing else may escape: a parameter getter that throws, or a bug, still ends up here.
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidQueryError(`The filter could not be parsed: ${reason}`, { expression: typeof text === 'string' ? excerpt(text) : undefined }, { cause: error });
  }
}

/** Where a value stands, which decides what it may be. */
type ValueRule = 'nullable' | 'not-null' | 'string' | 'list';

class FilterParser {
  private readonly lexer: FilterLexer;
  /** The token taken last and the one before it, for `after '...'` in messages. */
  private previous: Token | undefined;
  private prior: Token | undefined;
  private depth = 0;

  constructor(private readonly text: string, private readonly params: FilterParams | undefined) {
    this.lexer = new FilterLexer(text);
  }

  parse(): CriteriaObject {
    const result = this.or();
    const rest = this.lexer.peek();
    if (rest.kind !== 'end') throw this.error(rest, 'AND, OR or end of input', { after: false, hint: this.quoteHint(rest) });
    return result;
  }

  private or(): CriteriaObject {
    const items = [this.and()];
    while (this.atKeyword('OR')) {
      this.take();
      items.push(this.and());
    }
    return combine('OR', items);
  }

  private and(): CriteriaObject {
    const items = [this.not()];
    while (this.atKeyword('AND')) {
      this.take();
      items.push(this.not());
    }
    return combine('AND', items);
  }

  private not(): CriteriaObject {
    if (!this.atKeyword('NOT')) return this.primary();
    this.enter(this.take());
    const inner = this.not();
    this.depth--;
    return { NOT: inner };
  }

  private primary(): CriteriaObject {
    const token = this.lexer.peek();
    if (token.kind === '(') {
      this.enter(this.take());
      const inner = this.or();
      const close = this.lexer.peek();
      if (close.kind !== ')') {
        throw this.error(close, "AND, OR or ')'", { after: false, hint: `to close the '(' at column ${columnAt(this.text, token.start)}` });
      }
      this.take();
      this.depth--;
      return inner;
    }
    if (token.kind === 'name') return this.comparison(this.take());
    throw this.error(token, "a condition (a field name, NOT or '(')", {
      hint: token.kind === 'keyword' && !['TRUE', 'FALSE', 'NULL'].includes(token.keyword) ? `${token.keyword} is a keyword, not a field name` : undefined,
    });
  }

  private comparison(name: Token): CriteriaObject {
    const field = name.text;
    const token = this.take();
    if (token.kind === 'operator') {
      const op = SYMBOL_OPERATORS[token.op];
      const value = this.value(op === 'eq' || op === 'ne' ? 'nullable' : 'not-null');
      if (value === null) return compare(field, 'isNull', op === 'eq');
      return compare(field, op, value);
    }
    if (token.kind !== 'keyword') throw this.error(token, OPERATOR_EXPECTED, { after: quote(field) });
    if (token.keyword === 'IS') {
      const negated = this.atKeyword('NOT');
      if (negated) this.take();
      this.expectKeyword('NULL');
      return compare(field, 'isNull', !negated);
    }
    const negated = token.keyword === 'NOT';
    const keyword = negated ? this.take() : token;
    const word = keyword.kind === 'keyword' ? keyword.keyword : undefined;
    switch (word) {
      case 'LIKE':
      case 'ILIKE':
        return negate(negated, compare(field, word === 'LIKE' ? 'like' : 'ilike', this.value('string') as string));
      case 'IN':
        return compare(field, negated ? 'notIn' : 'in', this.list());
      case 'BETWEEN': {
        const low = this.value('not-null') as FilterValue;
        this.expectKeyword('AND');
        const high = this.value('not-null') as FilterValue;
        return negate(negated, compare(field, 'between', [low, high]));
      }
      default:
        throw negated
          ? this.error(keyword, 'LIKE, ILIKE, IN or BETWEEN')
          : this.error(keyword, OPERATOR_EXPECTED, { after: quote(field) });
    }
  }

  /** After IN: `(v, ...)`, each value a literal or a parameter (arrays are spliced in), or `:list`. */
  private list(): FilterValue[] {
    const token = this.lexer.peek();
    if (token.kind === 'parameter') {
      this.take();
      const value = this.parameterValue(token, 'list');
      if (!Array.isArray(value)) throw this.error(token, 'an array', { found: parameterFound(token, value), where: `for parameter ${token.text}`, hint: 'IN :name takes an array' });
      return [...value];
    }
    if (token.kind !== '(') throw this.error(token, "'(' or a parameter");
    this.take();
    const values: FilterValue[] = [];
    for (;;) {
      const value = this.value('list');
      if (Array.isArray(value)) values.push(...value);
      else values.push(value as FilterValue);
      const next = this.take();
      if (next.kind === ')') return values;
      if (next.kind !== ',') throw this.error(next, "',' or ')'", { after: false, hint: this.quoteHint(next) });
    }
  }

  /** A literal or parameter value, checked against where it stands. */
  private value(rule: ValueRule): FilterValue | FilterValue[] | null {
    const after = this.previous;
    const token = this.take();
    let value: unknown;
    if (token.kind === 'string' || token.kind === 'number') value = token.value;
    else if (token.kind === 'keyword' && token.keyword === 'TRUE') value = true;
    else if (token.kind === 'keyword' && token.keyword === 'FALSE') value = false;
    else if (token.kind === 'keyword' && token.keyword === 'NULL') value = null;
    else if (token.kind === 'parameter') value = this.parameterValue(token, rule);
    else throw this.error(token, 'a value', { previous: after });

    const found = token.kind === 'parameter' ? parameterFound(token, value) : describeToken(token);
    if (value === null && rule !== 'nullable') {
      const hint = rule === 'list' ? 'NULL never matches in IN; use IS NULL' : 'compare with NULL using IS NULL or IS NOT NULL';
      throw this.error(token, rule === 'string' ? 'a string pattern' : 'a non-null value', { previous: after, found, hint });
    }
    if (rule === 'string' && typeof value !== 'string') throw this.error(token, 'a string pattern', { previous: after, found });
    if (Array.isArray(value) && rule !== 'list') {
      throw this.error(token, 'a single value', { previous: after, found, hint: 'an array parameter is allowed only after IN' });
    }
    return value as FilterValue | FilterValue[] | null;
  }

  /** The value of `:name`: a scalar, or (in a list) an array of non-null scalars. */
  private parameterValue(token: Token & { kind: 'parameter' }, rule: ValueRule): unknown {
    const params = this.params;
    if (params === undefined || !Object.hasOwn(params, token.name) || params[token.name] === undefined) {
      const position = columnAt(this.text, token.start);
      throw filterSyntaxError(this.text, token.start, `a value for parameter ${token.text}`, 'no such parameter', {
        message: `Missing parameter ${token.text} at column ${position}: params has no "${token.name}"`,
        details: { parameter: token.name },
      });
    }
    const value = params[token.name];
    if (Array.isArray(value) && rule === 'list') {
      value.forEach((item: unknown, index) => {
        if (!isScalar(item) || item === null) {
          throw this.error(token, 'an array of strings, numbers, bigints, booleans or Dates', {
            where: `for parameter ${token.text}`,
            found: `${describeKind(item)} at index ${index}`,
            details: { parameter: token.name },
          });
        }
      });
      return value;
    }
    if (!Array.isArray(value) && !isScalar(value)) {
      throw this.error(token, PARAMETER_TYPES, { where: `for parameter ${token.text}`, found: describeKind(value), details: { parameter: token.name } });
    }
    return value;
  }

  /** `'it's'` reads as the string 'it' then `s`: say how to write a quote when that is what happened. */
  private quoteHint(token: Token): string | undefined {
    const before = token === this.previous ? this.prior : this.previous;
    return before?.kind === 'string' && before.start + before.text.length === token.start && token.kind !== 'end'
      ? "a quote inside a string is written twice: 'it''s'"
      : undefined;
  }

  private expectKeyword(keyword: Keyword): void {
    const token = this.take();
    if (token.kind !== 'keyword' || token.keyword !== keyword) throw this.error(token, keyword);
  }

  private atKeyword(keyword: Keyword): boolean {
    const token = this.lexer.peek();
    return token.kind === 'keyword' && token.keyword === keyword;
  }

  private take(): Token {
    const token = this.lexer.next();
    this.prior = this.previous;
    this.previous = token;
    return token;
  }

  /** One more level of '(' or NOT; refused past MAX_FILTER_DEPTH. */
  private enter(token: Token): void {
    if (++this.depth <= MAX_FILTER_DEPTH) return;
    const position = columnAt(this.text, token.start);
    throw filterSyntaxError(this.text, token.start, `at most ${MAX_FILTER_DEPTH} levels of nesting`, describeToken(token), {
      message: `Filter nests too deeply at column ${position}: at most ${MAX_FILTER_DEPTH} levels of parentheses and NOT are allowed`,
      details: { maxDepth: MAX_FILTER_DEPTH },
    });
  }

  /**
   * A syntax error at `token`. By default the message says `after '<the token before>'`;
   * `after: false` leaves that out, `previous` names another token, `after` (a string) any text.
   */
  private error(token: Token, expected: string, options: {
    after?: string | false; previous?: Token; where?: string; found?: string; hint?: string; details?: Record<string, unknown>;
  } = {}): InvalidQueryError {
    const before = options.previous ?? (token === this.previous ? this.prior : this.previous);
    const after = options.after === false ? undefined : options.after ?? (before && before !== token ? describeToken(before) : undefined);
    return filterSyntaxError(this.text, token.start, expected, options.found ?? describeToken(token), {
      after, where: options.where, hint: options.hint, details: options.details,
    });
  }

}

function compare(field: string, op: FilterOperator, value: unknown): CriteriaObject {
  // A computed key is always an own property, even `__proto__`.
  return { [field]: { [op]: value } };
}

function negate(negated: boolean, criteria: CriteriaObject): CriteriaObject {
  return negated ? { NOT: criteria } : criteria;
}

/** One item stays itself; items of the same combinator are merged into this one. */
function combine(kind: 'AND' | 'OR', items: CriteriaObject[]): CriteriaObject {
  if (items.length === 1) return items[0];
  const flat: CriteriaObject[] = [];
  for (const item of items) {
    const inner = Object.hasOwn(item, kind) ? (item as Record<typeof kind, CriteriaObject[]>)[kind] : undefined;
    if (inner) flat.push(...inner);
    else flat.push(item);
  }
  return kind === 'AND' ? { AND: flat } : { OR: flat };
}

function isScalar(value: unknown): boolean {
  const type = typeof value;
  return value === null || type === 'string' || type === 'number' || type === 'bigint' || type === 'boolean' || value instanceof Date;
}

function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  const type = typeof value;
  return type === 'object' ? 'an object' : type === 'undefined' ? 'undefined' : `a ${type}`;
}

function parameterFound(token: Token, value: unknown): string {
  return `${quote(token.text)} (${describeKind(value)})`;
}
