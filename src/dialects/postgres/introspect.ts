import type { Run } from '../dialect';
import type { Catalog, CatalogColumn, CatalogTable } from '../../schema/catalog';
import { emptyTable, isNumberLiteral, isRegistaInternalTable, sortedCatalog, stripOuterParens } from '../shared-introspect';

/**
 * PostgreSQL catalog introspection of the current schema (`current_schema()`), from pg_catalog:
 * one statement each for tables, columns, constraints, indexes and enum types. Lists and arrays
 * travel as JSON text, so the result does not depend on the connection's type parsers.
 */

/** Tables of the current schema: plain and partitioned tables, not partitions, not views. */
const TABLE_FILTER = `n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition`;

const TABLES_SQL = `SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${TABLE_FILTER} ORDER BY c.relname`;

const COLUMNS_SQL = `SELECT c.relname AS table_name, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
  a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default_expr, a.attidentity::text AS identity,
  a.attgenerated::text AS generated, col_description(c.oid, a.attnum) AS comment,
  CASE WHEN t.typtype = 'e' THEN CASE WHEN tn.nspname = current_schema() THEN t.typname::text ELSE tn.nspname || '.' || t.typname END END AS enum_type,
  CASE WHEN t.typtype = 'e' THEN (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)::text END AS enum_values
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE ${TABLE_FILTER} AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum`;

/** Key, unique, foreign key and check constraints, columns in key order. */
const CONSTRAINTS_SQL = `SELECT c.relname AS table_name, k.conname AS name, k.contype::text AS type,
  (SELECT json_agg(a.attname ORDER BY u.i) FROM unnest(k.conkey) WITH ORDINALITY u(attnum, i)
     JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum)::text AS columns,
  CASE WHEN fn.nspname = current_schema() THEN f.relname::text ELSE fn.nspname || '.' || f.relname END AS referenced_table,
  (SELECT json_agg(a.attname ORDER BY u.i) FROM unnest(k.confkey) WITH ORDINALITY u(attnum, i)
     JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum)::text AS referenced_columns,
  k.confdeltype::text AS on_delete,
  CASE WHEN k.contype = 'c' THEN pg_get_constraintdef(k.oid, true) END AS definition
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class f ON f.oid = k.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = f.relnamespace
WHERE ${TABLE_FILTER} AND k.contype IN ('p', 'u', 'f', 'c')
ORDER BY c.relname, k.conname`;

/** Indexes that do not back a primary key, unique or exclusion constraint; expression keys as text. */
const INDEXES_SQL = `SELECT c.relname AS table_name, i.relname AS name, x.indisunique AS is_unique,
  pg_get_expr(x.indpred, x.indrelid, true) AS predicate,
  (SELECT json_agg(CASE WHEN u.attnum <> 0 THEN a.attname::text ELSE pg_get_indexdef(x.indexrelid, u.i::int, true) END ORDER BY u.i)
     FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(attnum, i)
     LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.attnum
     WHERE u.i <= x.indnkeyatts)::text AS columns
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class c ON c.oid = x.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${TABLE_FILTER} AND NOT x.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x'))
ORDER BY c.relname, i.relname`;

const ENUMS_SQL = `SELECT t.typname AS name,
  coalesce((SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '[]'::json)::text AS labels
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = current_schema() AND t.typtype = 'e' ORDER BY t.typname`;

const ON_DELETE: Readonly<Record<string, string>> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

const NUMERIC_TYPES = /^(smallint|integer|bigint|real|double precision|numeric(\(\d+(,\d+)?\))?)$/;

/**
 * `format_type` output → regista's normalised type: `character varying(n)` → `varchar(n)`,
 * `character(n)` → `char(n)`, `timestamp[(p)] with[out] time zone` → `timestamptz[(p)]` /
 * `timestamp[(p)]`, `time ... with[out] time zone` → `timetz` / `time`, a quoted name unquoted,
 * arrays element-wise (`integer[]`); everything else as PostgreSQL writes it (`numeric(10,2)`).
 */
export function normalisePostgresType(formatted: string): string {
  const text = formatted.trim();
  if (text.endsWith('[]')) return `${normalisePostgresType(text.slice(0, -2))}[]`;
  const rules: Array<[RegExp, string]> = [
    [/^character varying(\(\d+\))?$/, 'varchar'],
    [/^character(\(\d+\))?$/, 'char'],
    [/^timestamp(\(\d+\))? with time zone$/, 'timestamptz'],
    [/^timestamp(\(\d+\))? without time zone$/, 'timestamp'],
    [/^time(\(\d+\))? with time zone$/, 'timetz'],
    [/^time(\(\d+\))? without time zone$/, 'time'],
  ];
  for (const [pattern, name] of rules) {
    const match = pattern.exec(text);
    if (match) return `${name}${match[1] ?? ''}`;
  }
  if (/^"(?:[^"]|"")*"$/.test(text)) return text.slice(1, -1).replace(/""/g, '"');
  return text.replace(/,\s+/g, ',');
}

/** `2020-01-01 00:00:00+00` (PostgreSQL's output) or any ISO-8601 text → `2020-01-01T00:00:00.000Z`; undefined when not a timestamp. */
function isoTimestamp(text: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2}){0,2})?$/.exec(text);
  if (!match) return undefined;
  let zone = match[3] ?? 'Z';
  if (zone !== 'Z') {
    const [, sign, h, m = '00'] = /^([+-])(\d{2}):?(\d{2})?/.exec(zone) ?? [];
    zone = `${sign}${h}:${m}`;
  }
  const date = new Date(`${match[1]}T${match[2]}${zone}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * A column default (`pg_get_expr` text, or a DEFAULT clause as regista writes it) normalised for a
 * column of the (normalised) `type`. A single literal loses its cast (`'x'::text` → `'x'`); numbers
 * are bare (`'-1'::integer` → `-1`, `'12.50'` on a numeric column → `12.50`); booleans `true`/`false`;
 * timestamptz literals become ISO-8601 UTC with milliseconds (`'2020-01-01T00:00:00.000Z'`, as
 * regista's codec writes them); json/jsonb literals are re-serialised compactly (`'{"a":1}'`);
 * `NULL` → null. Expressions (`now()`, `CURRENT_TIMESTAMP`, `gen_random_uuid()`) stay as written.
 */
export function normalisePostgresDefault(expression: string | null, type: string): string | null {
  if (expression === null) return null;
  const text = expression.trim();
  if (/^NULL(::[\w\s".,()[\]]+)?$/i.test(text)) return null;
  if (/^(true|false)$/i.test(text)) return text.toLowerCase();
  const literal = /^'((?:[^']|'')*)'(?:::[\w\s".,()[\]]+)?$/.exec(text);
  if (!literal) return isNumberLiteral(text) ? text.replace(/^\+/, '') : text;
  const escaped = literal[1];
  const value = escaped.replace(/''/g, "'");
  if (NUMERIC_TYPES.test(type) && isNumberLiteral(value)) return value.replace(/^\+/, '');
  if (type === 'boolean' && /^(t|true|f|false|1|0|y|yes|n|no|on|off)$/i.test(value)) return /^(t|true|1|y|yes|on)$/i.test(value) ? 'true' : 'false';
  if (/^timestamptz(\(\d+\))?$/.test(type)) {
    const iso = isoTimestamp(value);
    if (iso !== undefined) return `'${iso}'`;
  }
  if (type === 'json' || type === 'jsonb') {
    try {
      return `'${JSON.stringify(JSON.parse(value)).replace(/'/g, "''")}'`;
    } catch {
      // Not JSON after all: keep the text.
    }
  }
  return `'${escaped}'`;
}

/** `CHECK ((price > 0)) NOT VALID` → `price > 0`. */
function checkExpression(definition: string): string {
  const body = definition.replace(/^CHECK\s*/i, '').replace(/(\s+(NOT VALID|NO INHERIT))+$/i, '');
  return stripOuterParens(body);
}

function jsonList(text: unknown): string[] {
  if (text === null || text === undefined) return [];
  const value: unknown = typeof text === 'string' ? JSON.parse(text) : text;
  return Array.isArray(value) ? value.map(String) : [];
}

type Row = Record<string, unknown>;

function column(row: Row): CatalogColumn {
  const expression = row.default_expr === null ? null : String(row.default_expr);
  const generated = row.generated === 's';
  const serial = expression !== null && /^nextval\(/i.test(expression);
  const autoincrement = (row.identity !== '' && row.identity !== null) || serial;
  const type = row.enum_type !== null ? String(row.enum_type) : normalisePostgresType(String(row.type));
  const result: CatalogColumn = {
    name: String(row.name),
    type,
    nullable: row.not_null !== true,
    default: autoincrement || generated ? null : normalisePostgresDefault(expression, type),
    autoincrement,
  };
  if (row.enum_type !== null) result.enumValues = jsonList(row.enum_values);
  if (generated && expression !== null) result.generated = stripOuterParens(expression);
  if (row.comment !== null) result.comment = String(row.comment);
  return result;
}

function addConstraint(table: CatalogTable, row: Row): void {
  const name = String(row.name);
  const columns = jsonList(row.columns);
  switch (row.type) {
    case 'p':
      table.primaryKey = { name, columns };
      break;
    case 'u':
      table.uniques.push({ name, columns });
      break;
    case 'f':
      table.foreignKeys.push({
        name,
        columns,
        referencedTable: String(row.referenced_table),
        referencedColumns: jsonList(row.referenced_columns),
        onDelete: ON_DELETE[String(row.on_delete)] ?? 'no action',
      });
      break;
    case 'c':
      table.checks.push({ name, expression: checkExpression(String(row.definition)) });
      break;
  }
}

/** Reads the current schema's tables and enum types into a {@link Catalog}. */
export async function postgresIntrospect(run: Run): Promise<Catalog> {
  const query = async (sql: string): Promise<Row[]> => (await run(sql, [], true)).rows;
  const [{ schema }] = await query('SELECT current_schema() AS schema');
  const tables = new Map<string, CatalogTable>();
  for (const row of await query(TABLES_SQL)) {
    const name = String(row.name);
    if (isRegistaInternalTable(name)) continue;
    const table = emptyTable(name);
    if (row.comment !== null) table.comment = String(row.comment);
    tables.set(name, table);
  }
  for (const row of await query(COLUMNS_SQL)) tables.get(String(row.table_name))?.columns.push(column(row));
  for (const row of await query(CONSTRAINTS_SQL)) {
    const table = tables.get(String(row.table_name));
    if (table) addConstraint(table, row);
  }
  for (const row of await query(INDEXES_SQL)) {
    tables.get(String(row.table_name))?.indexes.push({
      name: String(row.name),
      columns: jsonList(row.columns),
      unique: row.is_unique === true,
      ...(row.predicate !== null ? { where: String(row.predicate) } : {}),
    });
  }
  const enums = (await query(ENUMS_SQL)).map((row) => ({ name: String(row.name), values: jsonList(row.labels) }));
  return sortedCatalog({ dialect: 'postgres', schema: schema === null ? '' : String(schema), tables: [...tables.values()], enums });
}
