import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

/**
 * COPY ... FROM STDIN in PostgreSQL's text format: one line per row, tab-separated, `\N` for null,
 * backslash escapes for backslash, tab, newline and carriage return. Rows are encoded lazily in
 * batches of lines, so memory stays bounded whatever the number of rows.
 */
export async function copyIn(connection: unknown, copySql: string, rows: Iterable<readonly unknown[]>): Promise<number> {
  const client = connection as Client;
  const stream = client.query(copyFrom(copySql));
  let count = 0;
  function* lines(): Generator<string> {
    let buffer = '';
    for (const row of rows) {
      buffer += encodeRow(row);
      count++;
      if (buffer.length > 1 << 16) {
        yield buffer;
        buffer = '';
      }
    }
    if (buffer) yield buffer;
  }
  await pipeline(Readable.from(lines()), stream);
  return count;
}

function encodeRow(row: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < row.length; i++) {
    if (i > 0) line += '\t';
    line += encodeValue(row[i]);
  }
  return `${line}\n`;
}

function encodeValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, escapeChar) : text;
}

function escapeChar(ch: string): string {
  return ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r';
}
