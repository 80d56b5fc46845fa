import type { Run } from '../dialect';
import type { Catalog, CatalogColumn, CatalogTable } from '../../schema/catalog';
import { emptyTable, isNumberLiteral, isRegistaInternalTable, sortedCatalog, stripOuterParens } from '../shared-introspect';
import { parseCreateIndex, parseCreateTable, parseEnumCheck, type ParsedTable } from './schema-sql-parser';

/**
 * SQLite catalog introspection: sqlite_master and the table_xinfo, index_list, index_xinfo and
 * foreign_key_list pragmas (each joined over all tables: five statements in all), plus the
 * CREATE TABLE text for what the pragmas do not say (constraint names, CHECKs, WITHOUT ROWID).
 */

/** `NUMERIC(10, 2)` → `numeric(10,2)`: the declared type, lower case, without blanks around `(`, `)` and `,`. */
export function normaliseSqliteType(declared: string): string {
  return declared.trim().toLowerCase().replace(/\s+/g, ' ').replace(/\s*([(),])\s*/g, '$1');
}

/**
 * A column default as SQLite keeps it (`dflt_value`, outer parentheses already removed), normalised:
 * `NULL` → null; `TRUE`/`FALSE` → `1`/`0` (what SQLite stores); `+1.5` → `1.5`; a double-quoted
 * default (SQLite reads it as a string) → the single-quoted string; `current_timestamp` and its
 * siblings upper-cased; anything else (`'x'`, `-1`, `datetime('now')`) as written.
 */
export function normaliseSqliteDefault(value: string | null): string | null {
  if (value === null) return null;
  const text = stripOuterParens(value);
  const upper = text.toUpperCase();
  if (upper === 'NULL') return null;
  if (upper === 'TRUE') return '1';
  if (upper === 'FALSE') return '0';
  if (upper === 'CURRENT_TIMESTAMP' || upper === 'CURRENT_DATE' || upper === 'CURRENT_TIME') return upper;
  if (isNumberLiteral(text)) return text.replace(/^\+/, '');
  if (/^"(?:[^"]|"")*"$/.test(text)) return `'${text.slice(1, -1).replace(/""/g, '"').replace(/'/g, "''")}'`;
  return text;
}

interface ColumnRow { tbl: string; cid: number; name: string; type: string | null; notnull: number; dflt_value: string | null; pk: number; hidden: number }
interface IndexRow { tbl: string; name: string; is_unique: number; origin: string; partial: number }
interface IndexColumnRow { idx: string; seqno: number; cid: number; name: string | null }
interface ForeignKeyRow { tbl: string; id: number; seq: number; ref: string; col: string; ref_col: string | null; on_delete: string }

/** Tables regista reports: user tables of `main`, not SQLite's own, not virtual, not regista's staging tables. */
const USER_TABLES = `(SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
  AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%')`;

/** SQLite's rule: a declared type containing CHAR, CLOB or TEXT stores text. */
const hasTextAffinity = (type: string): boolean => /char|clob|text/.test(type);
const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const sameNames = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => sameName(x, b[i]));

/** Takes (removes and returns) the first entry of `candidates` that `matches`. */
function takeFirst<T>(candidates: T[], matches: (candidate: T) => boolean): T | undefined {
  const index = candidates.findIndex(matches);
  return index < 0 ? undefined : candidates.splice(index, 1)[0];
}

async function rows<T>(run: Run, sql: string): Promise<T[]> {
  return (await run(sql, [], true)).rows as unknown as T[];
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function buildColumns(table: CatalogTable, columnRows: ColumnRow[], parsed: ParsedTable): void {
  const keyRows = columnRows.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  // `INTEGER PRIMARY KEY` (exactly that type, one key column, a rowid table, not DESC) is the rowid: generated.
  const rowidAlias = !parsed.withoutRowid && !parsed.inlineKeyDesc && keyRows.length === 1 && (keyRows[0].type ?? '').toUpperCase() === 'INTEGER';
  for (const row of columnRows) {
    if (row.hidden === 1) continue;
    const isKey = row.pk > 0;
    const generated = row.hidden === 2 || row.hidden === 3 ? parsed.generated.get(row.name.toLowerCase()) ?? '' : undefined;
    const column: CatalogColumn = {
      name: row.name,
      type: normaliseSqliteType(row.type ?? ''),
      nullable: Number(row.notnull) === 0 && !(isKey && (rowidAlias || parsed.withoutRowid)),
      default: generated === undefined ? normaliseSqliteDefault(row.dflt_value) : null,
      autoincrement: isKey && rowidAlias,
    };
    if (generated !== undefined) column.generated = stripOuterParens(generated);
    table.columns.push(column);
  }
  if (keyRows.length > 0) {
    table.primaryKey = { ...(parsed.primaryKeyName !== undefined ? { name: parsed.primaryKeyName } : {}), columns: keyRows.map((r) => r.name) };
  }
  // CHECK (col IN ('a', 'b')) on a text column is an enum: its values go to the column, not to `checks`.
  for (const check of parsed.checks) {
    const enumCheck = parseEnumCheck(check.expression);
    const column = enumCheck && table.columns.find((c) => sameName(c.name, enumCheck.column) && c.enumValues === undefined && hasTextAffinity(c.type));
    if (enumCheck && column) column.enumValues = enumCheck.values;
    else table.checks.push({ ...(check.name !== undefined ? { name: check.name } : {}), expression: check.expression });
  }
}

function buildIndexes(table: CatalogTable, indexRows: IndexRow[], keysOf: Map<string, IndexColumnRow[]>, sqlOf: Map<string, string | null>, parsed: ParsedTable): void {
  const declaredUniques = [...parsed.uniques];
  // index_list lists the newest index first; declaration order matters for matching names.
  for (const index of [...indexRows].reverse()) {
    if (index.origin === 'pk') continue;
    const keys = keysOf.get(index.name) ?? [];
    const sql = sqlOf.get(index.name) ?? null;
    const parsedIndex = sql ? parseCreateIndex(sql) : { keys: [] as string[] };
    const columns = keys.map((k) => (k.cid >= 0 && k.name !== null ? k.name : k.cid === -1 ? 'rowid' : parsedIndex.keys[k.seqno] ?? '?'));
    if (index.origin === 'u') {
      const declared = takeFirst(declaredUniques, (u) => sameNames(u.columns, columns));
      table.uniques.push({ name: declared?.name ?? index.name, columns });
    } else {
      table.indexes.push({
        name: index.name,
        columns,
        unique: Number(index.is_unique) === 1,
        ...(Number(index.partial) === 1 && parsedIndex.where !== undefined ? { where: parsedIndex.where } : {}),
      });
    }
  }
}

/** A referenced table's columns as the database knows them (empty when the table does not exist). */
type ColumnsOf = (table: string) => ColumnRow[];

function buildForeignKeys(table: CatalogTable, fkRows: ForeignKeyRow[], parsed: ParsedTable, columnsOf: ColumnsOf): void {
  const declared = [...parsed.foreignKeys];
  for (const group of groupBy(fkRows, (r) => String(r.id)).values()) {
    group.sort((a, b) => a.seq - b.seq);
    const columns = group.map((r) => r.col);
    const referencedTable = group[0].ref;
    const parent = columnsOf(referencedTable);
    // `REFERENCES parent` without columns means the parent's primary key.
    const referencedColumns = group.every((r) => r.ref_col !== null)
      ? group.map((r) => parent.find((c) => sameName(c.name, String(r.ref_col)))?.name ?? String(r.ref_col))
      : parent.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    const clause = takeFirst(declared, (fk) => sameNames(fk.columns, columns) && sameName(fk.table, referencedTable));
    table.foreignKeys.push({
      ...(clause?.name !== undefined ? { name: clause.name } : {}),
      columns,
      referencedTable,
      referencedColumns,
      onDelete: group[0].on_delete.toLowerCase(),
    });
  }
}

/** Reads the `main` database's tables into a {@link Catalog}. */
export async function sqliteIntrospect(run: Run): Promise<Catalog> {
  const master = await rows<{ type: string; name: string; tbl_name: string; sql: string | null }>(
    run, `SELECT type, name, tbl_name, sql FROM main.sqlite_master WHERE (type = 'table' AND name IN ${USER_TABLES}) OR type = 'index' ORDER BY name`,
  );
  const columnRows = await rows<ColumnRow>(run,
    `SELECT m.name AS tbl, p.cid, p.name, p.type, p."notnull" AS "notnull", p.dflt_value, p.pk, p.hidden FROM ${USER_TABLES} m, pragma_table_xinfo(m.name, 'main') p ORDER BY m.name, p.cid`);
  const indexRows = await rows<IndexRow>(run,
    `SELECT m.name AS tbl, i.seq, i.name, i."unique" AS is_unique, i.origin, i.partial FROM ${USER_TABLES} m, pragma_index_list(m.name, 'main') i ORDER BY m.name, i.seq`);
  const indexColumnRows = await rows<IndexColumnRow>(run,
    `SELECT i.name AS idx, x.seqno, x.cid, x.name FROM ${USER_TABLES} m, pragma_index_list(m.name, 'main') i, pragma_index_xinfo(i.name, 'main') x WHERE x.key = 1 ORDER BY i.name, x.seqno`);
  const fkRows = await rows<ForeignKeyRow>(run,
    `SELECT m.name AS tbl, f.id, f.seq, f."table" AS ref, f."from" AS col, f."to" AS ref_col, f.on_delete FROM ${USER_TABLES} m, pragma_foreign_key_list(m.name, 'main') f ORDER BY m.name, f.id, f.seq`);

  const sqlOf = new Map(master.filter((m) => m.type === 'index').map((m) => [m.name, m.sql]));
  const columnsByTable = groupBy(columnRows, (r) => r.tbl);
  const indexesByTable = groupBy(indexRows, (r) => r.tbl);
  const keysOf = groupBy(indexColumnRows, (r) => r.idx);
  const fksByTable = groupBy(fkRows, (r) => r.tbl);
  const tableNames = master.filter((m) => m.type === 'table' && !isRegistaInternalTable(m.name)).map((m) => m.name);
  const actualName = (name: string): string => tableNames.find((t) => sameName(t, name)) ?? name;
  const columnsOf: ColumnsOf = (name) => columnsByTable.get(actualName(name)) ?? [];

  const tables = master.filter((m) => m.type === 'table' && tableNames.includes(m.name)).map((m) => {
    const table = emptyTable(m.name);
    const parsed = parseCreateTable(m.sql ?? '');
    buildColumns(table, columnsByTable.get(m.name) ?? [], parsed);
    buildIndexes(table, indexesByTable.get(m.name) ?? [], keysOf, sqlOf, parsed);
    buildForeignKeys(table, fksByTable.get(m.name) ?? [], parsed, columnsOf);
    for (const fk of table.foreignKeys) fk.referencedTable = actualName(fk.referencedTable);
    return table;
  });
  return sortedCatalog({ dialect: 'sqlite', schema: 'main', tables, enums: [] });
}
