import type { ErrorClassification } from '../dialect';

/**
 * Reads pg errors by SQLSTATE (`code`), with the constraint, table and column pg reports as
 * fields; the columns of a key violation come from `detail` ("Key (a, b)=(1, 2) already exists.").
 */

type Kind = ErrorClassification['kind'];

interface PgErrorFields {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  errors?: unknown;
  cause?: unknown;
}

const KIND_BY_SQLSTATE: Record<string, Kind> = {
  '23505': 'unique',
  '23502': 'notNull',
  '23503': 'foreignKey',
  '23514': 'check',
  '42P01': 'undefinedTable',
  '3D000': 'connection', // database does not exist
  '57P01': 'connection', // admin_shutdown
  '57P02': 'connection', // crash_shutdown
  '57P03': 'connection', // cannot_connect_now
};

/** SQLSTATE classes 08 (connection exception) and 28 (invalid authorization). */
const CONNECTION_CLASSES = new Set(['08', '28']);
/** Class-08 codes that are not about reaching the server: 08P01 is a protocol violation (a bad statement). */
const NOT_CONNECTION = new Set(['08P01']);

/** Node socket errors raised while connecting or talking to the server. */
const NODE_CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
]);

/** pg's own errors for a lost connection carry no code; the message is all there is. */
const PG_CONNECTION_MESSAGE = /^Connection terminated|^Client has encountered a connection error|connection timeout/i;

const UNDEFINED_TABLE = /relation "(.+?)" does not exist/;

/** `a, "B c"` from `Key (a, "B c")=(...)`, honouring quoted names. */
function keyColumns(detail: unknown): string[] | undefined {
  if (typeof detail !== 'string' || !detail.startsWith('Key (')) return undefined;
  const columns: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 5; i < detail.length; i++) {
    const ch = detail[i];
    if (quoted) {
      if (ch === '"' && detail[i + 1] === '"') { current += '"'; i++; }
      else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',' && detail[i + 1] === ' ') { columns.push(current); current = ''; i++; }
    else if (ch === ')' && detail[i + 1] === '=') { columns.push(current); return columns; }
    else current += ch;
  }
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Classifies an error thrown by pg (or by node's socket layer under it). */
export function classifyPostgresError(error: unknown): ErrorClassification {
  if (!error || typeof error !== 'object') return { kind: 'other' };
  const e = error as PgErrorFields;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  let kind: Kind | undefined = KIND_BY_SQLSTATE[code];
  if (kind === undefined && code.length === 5 && CONNECTION_CLASSES.has(code.slice(0, 2)) && !NOT_CONNECTION.has(code)) kind = 'connection';
  if (kind === undefined && NODE_CONNECTION_CODES.has(code)) kind = 'connection';
  // An enum column rejects an unknown label with 22P02, where SQLite's enum CHECK gives a check
  // violation: report both as `check` so shared code sees the same thing on both databases.
  if (kind === undefined && code === '22P02' && / enum /.test(message)) return { kind: 'check' };
  // TRUNCATE of a table another table references (without CASCADE): refuse like SQLite's DELETE does.
  if (kind === undefined && code === '0A000' && /referenced in a foreign key constraint/.test(message)) return { kind: 'foreignKey' };
  if (kind === undefined && code === '' && PG_CONNECTION_MESSAGE.test(message)) kind = 'connection';
  if (kind === undefined) {
    const nested = e.cause ?? (Array.isArray(e.errors) ? e.errors[0] : undefined);
    return nested !== undefined && nested !== error ? classifyPostgresError(nested) : { kind: 'other' };
  }
  if (kind === 'connection') return { kind };
  if (kind === 'undefinedTable') {
    const table = UNDEFINED_TABLE.exec(message)?.[1];
    return table === undefined ? { kind } : { kind, table };
  }
  const out: ErrorClassification = { kind };
  const constraint = text(e.constraint);
  const table = text(e.table);
  if (constraint !== undefined) out.constraint = constraint;
  if (table !== undefined) out.table = table;
  if (kind === 'unique' && constraint?.endsWith('_pkey')) out.kind = 'primaryKey';
  const columns = kind === 'notNull' ? (text(e.column) === undefined ? undefined : [e.column as string]) : keyColumns(e.detail);
  if (columns !== undefined) out.columns = columns;
  return out;
}
