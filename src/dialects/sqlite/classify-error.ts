import type { ErrorClassification } from '../dialect';

/**
 * Reads SQLite errors from both drivers.
 *
 * better-sqlite3 reports extended result codes (`SQLITE_CONSTRAINT_UNIQUE`...), so the kind
 * comes from `code`. The message tail ("UNIQUE constraint failed: t.a, t.b") is the only place
 * SQLite names the table and columns, on both drivers.
 */

type Kind = ErrorClassification['kind'];

const KIND_BY_CODE: Record<string, Kind> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'primaryKey',
  SQLITE_CONSTRAINT_NOTNULL: 'notNull',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreignKey',
  SQLITE_CONSTRAINT_CHECK: 'check',
  SQLITE_CANTOPEN: 'connection',
  SQLITE_NOTADB: 'connection',
};

/**
 * The sqlite3 driver only reports the primary code `SQLITE_CONSTRAINT` (errno 19): it never enables
 * extended result codes, so the message prefix is the only information it offers about the kind of
 * constraint. Used for that code only. (It cannot tell a primary key from another unique key either:
 * both read "UNIQUE constraint failed".)
 */
const KIND_BY_MESSAGE: Record<string, Kind> = {
  'UNIQUE': 'unique',
  'NOT NULL': 'notNull',
  'FOREIGN KEY': 'foreignKey',
  'CHECK': 'check',
};

const CONSTRAINT_MESSAGE = /(UNIQUE|NOT NULL|FOREIGN KEY|CHECK) constraint failed(?::\s*(.*))?$/s;
const NO_SUCH_TABLE = /no such table: (?:main\.)?(\S+)/;
/** better-sqlite3 throws a plain TypeError, without a code, when the file's directory is missing. */
const CANNOT_OPEN = /Cannot open database because the directory does not exist/;

/** Fills table/columns/constraint from the message tail. */
function details(kind: Kind, tail: string | undefined): ErrorClassification {
  const out: ErrorClassification = { kind };
  if (!tail) return out;
  const index = /^index '(.+)'$/.exec(tail);
  if (index) return { kind, constraint: index[1] };
  if (kind === 'check') return /^[\w$]+$/.test(tail) ? { kind, constraint: tail } : out;
  const columns: string[] = [];
  for (const item of tail.split(', ')) {
    const dot = item.lastIndexOf('.');
    if (dot < 0) return out;
    out.table ??= item.slice(0, dot);
    columns.push(item.slice(dot + 1));
  }
  out.columns = columns;
  return out;
}

/** Classifies an error thrown by better-sqlite3 or sqlite3. */
export function classifySqliteError(error: unknown): ErrorClassification {
  if (!error || typeof error !== 'object') return { kind: 'other' };
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  const byCode = typeof code === 'string' ? KIND_BY_CODE[code] : undefined;
  if (byCode === 'connection') return { kind: 'connection' };
  if (byCode !== undefined) return details(byCode, CONSTRAINT_MESSAGE.exec(text)?.[2]);
  // ON DELETE RESTRICT is enforced by SQLite's FK trigger machinery: better-sqlite3 reports it as
  // SQLITE_CONSTRAINT_TRIGGER, with the same message as any foreign key failure.
  if (code === 'SQLITE_CONSTRAINT' || code === 'SQLITE_CONSTRAINT_TRIGGER') {
    const match = CONSTRAINT_MESSAGE.exec(text);
    if (match) return details(KIND_BY_MESSAGE[match[1]] ?? 'other', match[2]);
  }
  const missing = NO_SUCH_TABLE.exec(text);
  if (missing) return { kind: 'undefinedTable', table: missing[1] };
  if (error instanceof TypeError && CANNOT_OPEN.test(text)) return { kind: 'connection' };
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error ? classifySqliteError(cause) : { kind: 'other' };
}
