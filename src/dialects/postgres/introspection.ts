import type { Run } from '../dialect';

/** Whether a table (or view) of that name exists in the current schema (first of search_path). */
export async function postgresTableExists(run: Run, table: string): Promise<boolean> {
  const result = await run(
    'SELECT 1 AS found FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1',
    [table],
    true,
  );
  return result.rows.length > 0;
}

/** Column names of a table in the current schema, in declaration order (empty when it does not exist). */
export async function postgresColumnNames(run: Run, table: string): Promise<string[]> {
  const result = await run(
    'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position',
    [table],
    true,
  );
  return result.rows.map((row) => String(row.column_name));
}
