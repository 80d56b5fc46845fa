/**
 * Tokenizer of the text filter language (see expression-parser.ts), and the one factory that
 * builds its syntax errors: `Expected <what> [after <token>] at column <n>, found <what>`.
 *
 * Tokens are read lazily, one at a time, as the parser asks for them, so the error reported is
 * always the first problem in reading order, whether it is a bad character or a bad token order.
 */
import { InvalidQueryError } from '../errors';

/** Keywords, matched case-insensitively. A word that is a keyword is never a field name. */
export const KEYWORDS = ['AND', 'OR', 'NOT', 'LIKE', 'ILIKE', 'IN', 'BETWEEN', 'IS', 'NULL', 'TRUE', 'FALSE'] as const;
export type Keyword = (typeof KEYWORDS)[number];
const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);

/** The comparison operators written as symbols. */
export type ComparisonSymbol = '=' | '!=' | '<>' | '<' | '<=' | '>' | '>=';

interface TokenBase {
  /** The token as written in the filter. */
  text: string;
  /** Offset of its first character in the filter (UTF-16 index; columns are computed from it). */
  start: number;
}

/** One token of a filter. */
export type Token =
  | (TokenBase & { kind: 'name' })
  | (TokenBase & { kind: 'keyword'; keyword: Keyword })
  | (TokenBase & { kind: 'string'; value: string })
  | (TokenBase & { kind: 'number'; value: number | bigint })
  | (TokenBase & { kind: 'parameter'; name: string })
  | (TokenBase & { kind: 'operator'; op: ComparisonSymbol })
  | (TokenBase & { kind: '(' | ')' | ',' | 'end' });

const WHITESPACE = /\s+/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
/** A path segment after a dot: a name, or digits not followed by a name character. */
const SEGMENT = /(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+(?![A-Za-z_]))/y;
const NUMBER = /-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const NUMBER_RUN = /[-+.A-Za-z0-9_]*/y;
const WORD_RUN = /[.A-Za-z0-9_]*/y;
const OPERATOR = /<>|<=|>=|!=|[=<>]/y;
const NAME_START = /[A-Za-z_]/;
const DIGIT = /[0-9]/;
const NOT_PRINTABLE = /[\p{C}\p{Z}]/u;

const TOKEN_EXPECTED = 'a field name, value, operator, parenthesis or comma';
const MAX_FOUND_CHARS = 40;
const MAX_EXPRESSION_CHARS = 200;

/**
 * Reads the tokens of `text` one by one: `peek()` looks at the next token, `next()` takes it.
 * Throws InvalidQueryError (via {@link filterSyntaxError}) at the first character that cannot
 * start or continue a token.
 */
export class FilterLexer {
  private pos = 0;
  private lookahead: Token | undefined;

  constructor(readonly text: string) {}

  /** The next token, without taking it. */
  peek(): Token {
    this.lookahead ??= this.read();
    return this.lookahead;
  }

  /** Takes the next token. */
  next(): Token {
    const token = this.peek();
    this.lookahead = undefined;
    return token;
  }

  private read(): Token {
    const text = this.text;
    WHITESPACE.lastIndex = this.pos;
    if (WHITESPACE.test(text)) this.pos = WHITESPACE.lastIndex;
    const start = this.pos;
    if (start >= text.length) return { kind: 'end', text: '', start };
    const ch = text[start];
    if (ch === "'") return this.string(start);
    if (NAME_START.test(ch)) return this.word(start);
    if (DIGIT.test(ch) || (ch === '-' && DIGIT.test(text[start + 1] ?? ''))) return this.number(start);
    if (ch === ':') return this.parameter(start);
    if (ch === '(' || ch === ')' || ch === ',') return this.take(start, 1, { kind: ch, text: ch, start });
    OPERATOR.lastIndex = start;
    const op = OPERATOR.exec(text);
    if (op) return this.take(start, op[0].length, { kind: 'operator', op: op[0] as ComparisonSymbol, text: op[0], start });
    const hint = ch === '"' ? 'strings take single quotes' : ch === '-' ? 'a minus sign must be followed by digits' : undefined;
    throw filterSyntaxError(text, start, TOKEN_EXPECTED, describeCharacter(text, start), { hint });
  }

  private take(start: number, length: number, token: Token): Token {
    this.pos = start + length;
    return token;
  }

  /** A name (`age`, `author.name`, `items.0.sku`) or a keyword. */
  private word(start: number): Token {
    const text = this.text;
    NAME.lastIndex = start;
    NAME.test(text);
    let end = NAME.lastIndex;
    while (text[end] === '.') {
      SEGMENT.lastIndex = end + 1;
      if (!SEGMENT.test(text)) {
        WORD_RUN.lastIndex = end + 1;
        WORD_RUN.test(text);
        const run = text.slice(end + 1, WORD_RUN.lastIndex);
        const found = run ? quote(run) : end + 1 < text.length ? describeCharacter(text, end + 1) : 'end of input';
        throw filterSyntaxError(text, end + 1, 'a name or digits', found, { after: quote(text.slice(start, end + 1)) });
      }
      end = SEGMENT.lastIndex;
    }
    const word = text.slice(start, end);
    const upper = word.toUpperCase();
    if (KEYWORD_SET.has(upper)) return this.take(start, end - start, { kind: 'keyword', keyword: upper as Keyword, text: word, start });
    return this.take(start, end - start, { kind: 'name', text: word, start });
  }

  /** `'it''s'`: single quotes, a doubled quote stands for one. Any other character is literal. */
  private string(start: number): Token {
    const text = this.text;
    let value = '';
    let from = start + 1;
    for (;;) {
      const close = text.indexOf("'", from);
      if (close < 0) {
        throw filterSyntaxError(text, start, 'a closing quote for the string', 'end of input', {
          hint: "a quote inside a string is written twice: 'it''s'",
        });
      }
      value += text.slice(from, close);
      if (text[close + 1] === "'") {
        value += "'";
        from = close + 2;
        continue;
      }
      return this.take(start, close + 1 - start, { kind: 'string', value, text: text.slice(start, close + 1), start });
    }
  }

  /** `42`, `-7`, `3.14`, `1e-3`. Integers beyond 2^53 become bigints; -0 is 0. */
  private number(start: number): Token {
    const text = this.text;
    NUMBER.lastIndex = start;
    NUMBER.test(text);
    const end = NUMBER.lastIndex;
    const literal = text.slice(start, end);
    const bad = () => {
      NUMBER_RUN.lastIndex = start;
      NUMBER_RUN.test(text);
      return quote(text.slice(start, NUMBER_RUN.lastIndex));
    };
    if (/[.A-Za-z0-9_]/.test(text[end] ?? '')) {
      throw filterSyntaxError(text, start, 'a number', bad(), { hint: 'numbers are written like 42, -7, 3.14 or 1e-3' });
    }
    let value: number | bigint;
    if (/^-?[0-9]+$/.test(literal)) {
      value = Number(literal);
      if (!Number.isSafeInteger(value)) value = BigInt(literal);
    } else {
      value = Number(literal);
      if (!Number.isFinite(value)) throw filterSyntaxError(text, start, 'a number within the range of a double', bad());
    }
    if (value === 0) value = 0; // -0 and 0 are one value
    return this.take(start, end - start, { kind: 'number', value, text: literal, start });
  }

  /** `:name`: a value taken from the params object. */
  private parameter(start: number): Token {
    const text = this.text;
    NAME.lastIndex = start + 1;
    if (!NAME.test(text)) {
      throw filterSyntaxError(text, start + 1, 'a parameter name', start + 1 < text.length ? describeCharacter(text, start + 1) : 'end of input', { after: "':'" });
    }
    const end = NAME.lastIndex;
    return this.take(start, end - start, { kind: 'parameter', name: text.slice(start + 1, end), text: text.slice(start, end), start });
  }
}

/** Options of {@link filterSyntaxError}. */
export interface SyntaxErrorOptions {
  /** What came just before (`"'>='"`): the message reads `Expected a value after '>=' ...`. */
  after?: string;
  /** Another phrase in place of `after ...`, e.g. `for parameter :ids`. */
  where?: string;
  /** Appended after a semicolon: a hint on how to fix it. */
  hint?: string;
  /** A whole message to use instead of the `Expected ... found ...` one. */
  message?: string;
  /** More details, e.g. `{ parameter: 'ids' }`. */
  details?: Record<string, unknown>;
}

/**
 * The InvalidQueryError of a filter that cannot be parsed at `index` (an offset in `text`):
 * `Expected a value after '>=' at column 14, found end of input`, with details
 * `{ position, expected, found, expression }` (position is the 1-based column, expression the
 * filter shortened to 200 characters).
 */
export function filterSyntaxError(text: string, index: number, expected: string, found: string, options: SyntaxErrorOptions = {}): InvalidQueryError {
  const position = columnAt(text, index);
  const where = options.where ?? (options.after ? `after ${options.after}` : '');
  const message = options.message
    ?? `Expected ${expected}${where ? ` ${where}` : ''} at column ${position}, found ${found}${options.hint ? `; ${options.hint}` : ''}`;
  return new InvalidQueryError(message, { position, expected, found, expression: excerpt(text), ...options.details });
}

/** The 1-based column of offset `index` in `text`, counted in characters (code points). */
export function columnAt(text: string, index: number): number {
  let column = 1;
  for (let i = 0; i < index && i < text.length; i++) {
    const code = text.charCodeAt(i);
    // The low half of a surrogate pair belongs to the character its high half started.
    if (!(code >= 0xdc00 && code <= 0xdfff && i > 0 && isHighSurrogate(text.charCodeAt(i - 1)))) column++;
  }
  return column + Math.max(0, index - text.length);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** How a token is named in a message: `end of input`, `string 'abc'`, `'>='`, `'age'`. */
export function describeToken(token: Token): string {
  if (token.kind === 'end') return 'end of input';
  if (token.kind === 'string') return `string ${shorten(token.text)}`;
  return quote(token.text);
}

/** `'text'`, shortened to 40 characters, control characters escaped. */
export function quote(text: string): string {
  return `'${shorten(text)}'`;
}

/** The filter as it goes into `details.expression`: at most 200 characters. */
export function excerpt(text: string): string {
  return truncate(text, MAX_EXPRESSION_CHARS);
}

function shorten(text: string): string {
  return truncate(text, MAX_FOUND_CHARS).replace(/[\p{Cc}\u2028\u2029]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 3).join('')}...`;
}

/** The character at `index`: `'"'`, or `U+0007` when it is not printable. */
function describeCharacter(text: string, index: number): string {
  const code = text.codePointAt(index) ?? 0;
  const ch = String.fromCodePoint(code);
  if (ch === ' ') return "' '";
  if (NOT_PRINTABLE.test(ch) || (code >= 0xd800 && code <= 0xdfff)) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${ch}'`;
}
