import type { Run } from '../dialect';

/** Whether a table of that name exists in the main database. */
export async function sqliteTableExists(run: Run, table: string): Promise<boolean> {
  const result = await run("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?", [table], true);
  return result.rows.length > 0;
}

/** Column names of a table, in declaration order (empty when the table does not exist). */
export async function sqliteColumnNames(run: Run, table: string): Promise<string[]> {
  const result = await run('SELECT name FROM pragma_table_info(?) ORDER BY cid', [table], true);
  return result.rows.map((row) => String(row.name));
}
