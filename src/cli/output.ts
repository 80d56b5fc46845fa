import { RegistaError } from '../errors';

/** Writes a value as pretty JSON (bigint as string, Dates as ISO). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}

/** Writes lines to stdout. */
export function print(...lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Aligns rows of cells in columns (first row is the header). */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

/** An error as the CLI shows it: `code: message`, or with the stack when verbose. */
export function describeError(error: unknown, verbose: boolean): string {
  if (error instanceof RegistaError) {
    const head = `${error.code}: ${error.message}`;
    if (!verbose) return head;
    const cause = error.cause instanceof Error ? `\ncaused by: ${error.cause.stack ?? error.cause.message}` : '';
    return `${head}\n${error.stack ?? ''}${cause}`;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return verbose ? e.stack ?? e.message : `error: ${e.message}`;
}
