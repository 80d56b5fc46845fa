/**
 * Reads what SQLite's pragmas do not report from the CREATE TABLE / CREATE INDEX text kept in
 * sqlite_master: constraint names, CHECK expressions, generated-column expressions, WITHOUT ROWID,
 * and the expressions and predicate of an index. A tokenizer (quotes, comments, nesting) rather
 * than regular expressions, so `DEFAULT 'CHECK (x)'` or a `"col, with comma"` cannot mislead it.
 */

interface Token {
  kind: 'word' | 'ident' | 'string' | 'number' | 'punct';
  /** Unquoted value (identifiers, strings) or the text itself. */
  value: string;
  start: number;
  end: number;
}

/** What the CREATE TABLE text says beyond the pragmas. Column names as written. */
export interface ParsedTable {
  withoutRowid: boolean;
  /** A column declares `PRIMARY KEY DESC` inline (then `INTEGER PRIMARY KEY` is not the rowid: SQLite's quirk). */
  inlineKeyDesc: boolean;
  primaryKeyName?: string;
  /** UNIQUE constraints (table-level and inline), in declaration order. */
  uniques: Array<{ name?: string; columns: string[] }>;
  /** FOREIGN KEY / REFERENCES clauses, in declaration order. */
  foreignKeys: Array<{ name?: string; columns: string[]; table: string }>;
  /** CHECK constraints in declaration order; `expression` is the text inside the parentheses. */
  checks: Array<{ name?: string; expression: string }>;
  /** Generation expression per column (lower-cased column name). */
  generated: Map<string, string>;
}

/** A CREATE INDEX text: its key expressions (text per key, in order) and its WHERE predicate. */
export interface ParsedIndex {
  keys: string[];
  where?: string;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const quoted = (close: string, kind: Token['kind']): void => {
    const start = i;
    let value = '';
    i++;
    for (;;) {
      if (i >= sql.length) break;
      if (sql[i] === close) {
        // A doubled closing quote stands for one (not for `[...]`, which has no escape).
        if (close !== ']' && sql[i + 1] === close) {
          value += close;
          i += 2;
          continue;
        }
        i++;
        break;
      }
      value += sql[i++];
    }
    tokens.push({ kind, value, start, end: i });
  };
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) i++;
    else if (c === '-' && sql[i + 1] === '-') i = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i);
    else if (c === '/' && sql[i + 1] === '*') i = sql.indexOf('*/', i + 2) < 0 ? sql.length : sql.indexOf('*/', i + 2) + 2;
    else if (c === "'") quoted("'", 'string');
    else if (c === '"') quoted('"', 'ident');
    else if (c === '`') quoted('`', 'ident');
    else if (c === '[') quoted(']', 'ident');
    else if (WORD_START.test(c)) {
      const start = i;
      while (i < sql.length && WORD_PART.test(sql[i])) i++;
      tokens.push({ kind: 'word', value: sql.slice(start, i), start, end: i });
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const start = i;
      while (i < sql.length && /[0-9A-Za-z.]/.test(sql[i])) i++;
      tokens.push({ kind: 'number', value: sql.slice(start, i), start, end: i });
    } else {
      tokens.push({ kind: 'punct', value: c, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token !== undefined && token.kind === 'word' && words.includes(token.value.toUpperCase());
}

function isPunct(token: Token | undefined, value: string): boolean {
  return token !== undefined && token.kind === 'punct' && token.value === value;
}

/** Index of the token closing the parenthesis opened at `open` (or the last token when unbalanced). */
function closing(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isPunct(tokens[i], '(')) depth++;
    else if (isPunct(tokens[i], ')') && --depth === 0) return i;
  }
  return tokens.length - 1;
}

/** Splits tokens[from, to) at commas outside parentheses. */
function splitTopLevel(tokens: Token[], from: number, to: number): Token[][] {
  const parts: Token[][] = [];
  let current: Token[] = [];
  for (let i = from; i < to; i++) {
    if (isPunct(tokens[i], '(')) {
      const end = Math.min(closing(tokens, i), to - 1);
      current.push(...tokens.slice(i, end + 1));
      i = end;
    } else if (isPunct(tokens[i], ',')) {
      parts.push(current);
      current = [];
    } else current.push(tokens[i]);
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/** The SQL text between the parenthesis at tokens[open] and its match, trimmed. */
function innerText(sql: string, tokens: Token[], open: number): string {
  const close = closing(tokens, open);
  return sql.slice(tokens[open].end, tokens[close].start).trim();
}

/** Names in a parenthesised column list starting at tokens[open] (first token of each element). */
function nameList(tokens: Token[], open: number): string[] {
  return splitTopLevel(tokens, open + 1, closing(tokens, open))
    .filter((part) => part.length > 0)
    .map((part) => part[0].value);
}

const CONSTRAINT_WORDS = ['CONSTRAINT', 'PRIMARY', 'NOT', 'NULL', 'UNIQUE', 'CHECK', 'DEFAULT', 'COLLATE', 'REFERENCES', 'GENERATED', 'AS', 'FOREIGN'];

/** Reads the constraints of one column definition or table constraint (`columns` set for table-level ones). */
function readConstraints(sql: string, part: Token[], allTokens: Token[], column: string | undefined, into: ParsedTable): void {
  let pendingName: string | undefined;
  const take = (): string | undefined => {
    const name = pendingName;
    pendingName = undefined;
    return name;
  };
  const at = (t: Token): number => allTokens.indexOf(t);
  for (let i = column === undefined ? 0 : 1; i < part.length; i++) {
    const token = part[i];
    if (isPunct(token, '(')) {
      // Skip a parenthesised group that belongs to something already handled (a type's arguments, a DEFAULT).
      const end = closing(part, i);
      i = end;
      continue;
    }
    if (token.kind !== 'word') continue;
    const word = token.value.toUpperCase();
    if (word === 'CONSTRAINT' && part[i + 1] !== undefined) {
      pendingName = part[i + 1].value;
      i++;
    } else if (word === 'PRIMARY') {
      const name = take();
      if (name !== undefined) into.primaryKeyName = name;
      if (column !== undefined && isWord(part[i + 1], 'KEY') && isWord(part[i + 2], 'DESC')) into.inlineKeyDesc = true;
    } else if (word === 'UNIQUE') {
      const name = take();
      const open = isPunct(part[i + 1], '(') ? i + 1 : -1;
      if (column !== undefined) into.uniques.push({ name, columns: [column] });
      else if (open >= 0) {
        into.uniques.push({ name, columns: nameList(allTokens, at(part[open])) });
        i = closing(part, open);
      }
    } else if (word === 'CHECK' && isPunct(part[i + 1], '(')) {
      into.checks.push({ name: take(), expression: innerText(sql, allTokens, at(part[i + 1])) });
      i = closing(part, i + 1);
    } else if ((word === 'AS' || word === 'GENERATED') && column !== undefined) {
      take();
      let j = i;
      while (j < part.length && !isPunct(part[j], '(')) j++;
      if (j < part.length) {
        into.generated.set(column.toLowerCase(), innerText(sql, allTokens, at(part[j])));
        i = closing(part, j);
      }
    } else if (word === 'FOREIGN' && isWord(part[i + 1], 'KEY') && isPunct(part[i + 2], '(')) {
      const name = take();
      const columns = nameList(allTokens, at(part[i + 2]));
      i = closing(part, i + 2);
      if (isWord(part[i + 1], 'REFERENCES') && part[i + 2] !== undefined) {
        into.foreignKeys.push({ name, columns, table: part[i + 2].value });
        i += 2;
      }
    } else if (word === 'REFERENCES' && column !== undefined && part[i + 1] !== undefined) {
      into.foreignKeys.push({ name: take(), columns: [column], table: part[i + 1].value });
      i++;
    } else if (CONSTRAINT_WORDS.includes(word)) {
      take();
    }
  }
}

/** Reads a CREATE TABLE statement as stored in sqlite_master. Unknown shapes give empty results, never errors. */
export function parseCreateTable(sql: string): ParsedTable {
  const result: ParsedTable = { withoutRowid: false, inlineKeyDesc: false, uniques: [], foreignKeys: [], checks: [], generated: new Map() };
  const tokens = tokenize(sql);
  const open = tokens.findIndex((t) => isPunct(t, '('));
  if (open < 0) return result;
  const close = closing(tokens, open);
  for (const part of splitTopLevel(tokens, open + 1, close)) {
    if (part.length === 0) continue;
    const tableLevel = isWord(part[0], 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN');
    readConstraints(sql, part, tokens, tableLevel ? undefined : part[0].value, result);
  }
  for (let i = close + 1; i < tokens.length; i++) {
    if (isWord(tokens[i], 'WITHOUT') && isWord(tokens[i + 1], 'ROWID')) result.withoutRowid = true;
  }
  return result;
}

/** Reads a CREATE INDEX statement: the text of each key (without ASC/DESC) and the WHERE predicate. */
export function parseCreateIndex(sql: string): ParsedIndex {
  const tokens = tokenize(sql);
  const on = tokens.findIndex((t) => isWord(t, 'ON'));
  const open = tokens.findIndex((t, i) => i > on && isPunct(t, '('));
  if (on < 0 || open < 0) return { keys: [] };
  const close = closing(tokens, open);
  const keys = splitTopLevel(tokens, open + 1, close).map((part) => {
    const last = part.length > 1 && isWord(part[part.length - 1], 'ASC', 'DESC') ? part.length - 2 : part.length - 1;
    return last < 0 ? '' : sql.slice(part[0].start, part[last].end).trim();
  });
  const where = tokens.findIndex((t, i) => i > close && isWord(t, 'WHERE'));
  if (where < 0 || where + 1 >= tokens.length) return { keys };
  return { keys, where: sql.slice(tokens[where].end).trim().replace(/;$/, '').trim() };
}

/**
 * `"status" IN ('a', 'b')` → `{ column: 'status', values: ['a', 'b'] }`: the CHECK regista writes
 * for an enum column. Anything else (other operators, non-string values, NOT IN) → undefined.
 */
export function parseEnumCheck(expression: string): { column: string; values: string[] } | undefined {
  const tokens = tokenize(expression);
  const [name, keyword, open] = tokens;
  if (!name || (name.kind !== 'ident' && name.kind !== 'word') || !isWord(keyword, 'IN') || !isPunct(open, '(')) return undefined;
  if (closing(tokens, 2) !== tokens.length - 1) return undefined;
  const values: string[] = [];
  for (let i = 3; i < tokens.length - 1; i += 2) {
    if (tokens[i].kind !== 'string') return undefined;
    values.push(tokens[i].value);
    if (!isPunct(tokens[i + 1], i + 1 === tokens.length - 1 ? ')' : ',')) return undefined;
  }
  return values.length > 0 ? { column: name.value, values } : undefined;
}
