import type { Database } from '../connection/database';
import type { Dialect } from '../dialects/dialect';
import type { ModelMeta } from '../metadata/model-meta';
import type { Catalog, CatalogColumn, CatalogTable } from './catalog';
import type { SchemaChange } from './operations';
import { stringList } from '../dialects/shared-alter';

/**
 * What the planner learns about one change before it is applied: why it is there, whether it
 * loses data (counting the rows it would lose), and whether the data stands in its way. The
 * counts are read from the database as it is when planning (before any rename).
 */

/** What {@link assessChange} needs to know. */
export interface AssessContext {
  readonly db: Database;
  readonly dialect: Dialect;
  /** The whole database as introspected (for referenced tables outside the plan's scope). */
  readonly actual: Catalog;
  readonly metaByTable: ReadonlyMap<string, ModelMeta>;
  /** Per table: a renamed column's new name → its name in the database now. */
  readonly renamed: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** The verdict on one change. `change` carries the conversions the planner chose (convert, fill). */
export interface Assessment {
  change: SchemaChange;
  reason: string;
  destructive: boolean;
  loss?: string;
  affectedRows?: number;
  blocked?: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `holds` for one, `hold` for more. */
function verb(n: number, one: string, more: string): string {
  return n === 1 ? one : more;
}

function quoteValues(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

/** Helpers bound to one context: quoting, counting and naming. */
class Checker {
  constructor(private readonly ctx: AssessContext) {}

  q(identifier: string): string {
    return this.ctx.dialect.quote(identifier);
  }

  /** The column's name in the database now (before the plan's renames). */
  current(table: string, column: string): string {
    return this.ctx.renamed.get(table)?.get(column) ?? column;
  }

  table(name: string): CatalogTable | undefined {
    return this.ctx.actual.tables.find((t) => t.name === name);
  }

  /** Whether the table and every column exist now (so that data can be read). */
  exists(table: string, columns: readonly string[] = []): boolean {
    const t = this.table(table);
    return t !== undefined && columns.every((c) => t.columns.some((col) => col.name === this.current(table, c)));
  }

  /** Rows of a table (matching `where`). */
  count(table: string, where?: string): Promise<number> {
    return this.countFrom(this.q(table), where);
  }

  /** Rows of a FROM clause (a table with an alias, a derived table) matching `where`. */
  async countFrom(from: string, where?: string): Promise<number> {
    const sql = `SELECT COUNT(*) AS n FROM ${from}${where ? ` WHERE ${where}` : ''}`;
    const result = await this.ctx.db.run(sql, [], true);
    return Number(result.rows[0]?.n ?? 0);
  }

  /** `User.email` for a column of a model's table, else `table.column`. */
  field(table: string, column: string): string {
    const meta = this.ctx.metaByTable.get(table);
    const field = meta?.fields.find((f) => f.column === column);
    return meta && field ? `${meta.name}.${field.property}` : `${table}.${column}`;
  }

  model(table: string): string {
    return this.ctx.metaByTable.get(table)?.name ?? `no model`;
  }
}

/** What replaces a value that cannot be kept: the column's default, else NULL. */
function fallbackOf(column: CatalogColumn): { sql: string; words: string } {
  return column.default !== null ? { sql: column.default, words: `the default ${column.default}` } : { sql: 'NULL', words: 'NULL' };
}

async function assessTypeChange(k: Checker, ctx: AssessContext, change: Extract<SchemaChange, { kind: 'AlterColumnType' }>): Promise<Assessment> {
  const { table, column, from, to } = change;
  const describe = (c: CatalogColumn) => (c.enumValues ? `enum (${quoteValues(c.enumValues)})` : c.type);
  const reason = `${k.field(table, column)} is ${describe(from)} in the database and ${describe(to)} in the model`;
  const now = ctx.dialect.conversionSql(k.q(k.current(table, column)), from, to);
  const later = ctx.dialect.conversionSql(k.q(column), from, to);
  if (now.lossy === null) return { change: { ...change, convert: later.convert }, reason, destructive: false };
  const rows = await k.count(table, `${k.q(k.current(table, column))} IS NOT NULL AND (${now.lossy})`);
  if (rows === 0) return { change: { ...change, convert: later.convert }, reason: `${reason} (every stored value converts)`, destructive: false };
  const fallback = fallbackOf(to);
  const c = k.q(column);
  const replacement = later.salvage ?? fallback.sql;
  const convert = `CASE WHEN ${c} IS NULL THEN NULL WHEN ${later.lossy} THEN ${replacement} ELSE ${later.convert} END`;
  const loss = later.salvage !== null
    ? `${plural(rows, 'row')} of ${table}.${column} ${verb(rows, 'holds a value', 'hold values')} that ${verb(rows, 'does', 'do')} not fit ${to.type}; ${verb(rows, 'it', 'they')} would be truncated`
    : `${plural(rows, 'row')} of ${table}.${column} ${verb(rows, 'holds a value', 'hold values')} that cannot be converted to ${describe(to)}; ${verb(rows, 'it', 'they')} would be lost (replaced by ${fallback.words})`;
  const blocked = later.salvage === null && !to.nullable && to.default === null
    ? `${loss}, but ${table}.${column} is NOT NULL without a default: fix those rows first`
    : undefined;
  return { change: { ...change, convert }, reason, destructive: true, loss, affectedRows: rows, blocked };
}

async function assessEnumRemoval(k: Checker, change: Extract<SchemaChange, { kind: 'RemoveEnumValue' }>): Promise<Assessment> {
  const { table, column, values, definition } = change;
  const reason = `${k.field(table, column)} no longer lists ${quoteValues(values)}`;
  const removedWhere = (c: string) => `CAST(${c} AS TEXT) IN (${stringList(values)})`;
  const rows = await k.count(table, removedWhere(k.q(k.current(table, column))));
  const fallback = fallbackOf(definition);
  const c = k.q(column);
  const convert = `CASE WHEN ${removedWhere(c)} THEN ${fallback.sql} ELSE CAST(${c} AS TEXT) END`;
  if (rows === 0) return { change: { ...change, convert }, reason: `${reason} (no row holds ${values.length === 1 ? 'it' : 'them'})`, destructive: false };
  const loss = `${plural(rows, 'row')} of ${table}.${column} ${verb(rows, 'holds', 'hold')} ${quoteValues(values)}; ${verb(rows, 'that value', 'those values')} would be lost (replaced by ${fallback.words})`;
  const blocked = !definition.nullable && definition.default === null
    ? `${loss}, but ${table}.${column} is NOT NULL without a default: change those rows first`
    : undefined;
  return { change: { ...change, convert }, reason, destructive: true, loss, affectedRows: rows, blocked };
}

/** Reason, data loss and obstacles of one change (reads counts from the database). */
export async function assessChange(ctx: AssessContext, change: SchemaChange): Promise<Assessment> {
  const k = new Checker(ctx);
  const ok = (reason: string): Assessment => ({ change, reason, destructive: false });
  switch (change.kind) {
    case 'CreateEnum':
      return ok(`enum type ${change.enum.name} (${quoteValues(change.enum.values)}) does not exist`);
    case 'CreateTable':
      return ok(`model ${k.model(change.table)} has no table ${change.table}`);
    case 'RenameColumn':
      return ok(`${k.field(change.table, change.column)} was renamed from ${change.from} (renamedFrom): the column is renamed, keeping its data`);
    case 'AddColumn': {
      const c = change.definition;
      const reason = `${k.field(change.table, change.column)} has no column in ${change.table}`;
      if (c.nullable || c.default !== null || c.autoincrement) return ok(reason);
      const rows = await k.count(change.table);
      if (rows === 0) return ok(reason);
      return { change, reason, destructive: false, blocked: `${change.table} has ${plural(rows, 'row')} and ${change.column} is NOT NULL without a default: make ${k.field(change.table, change.column)} nullable or give it a default` };
    }
    case 'AlterColumnType':
      return assessTypeChange(k, ctx, change);
    case 'SetNullable': {
      const { table, column, definition } = change;
      if (change.nullable) return ok(`${k.field(table, column)} is nullable in the model, NOT NULL in the database`);
      const reason = `${k.field(table, column)} is NOT NULL in the model, nullable in the database`;
      if (!k.exists(table, [column])) return ok(reason);
      const nulls = await k.count(table, `${k.q(k.current(table, column))} IS NULL`);
      if (nulls === 0) return ok(reason);
      if (definition.default !== null) {
        return { change: { ...change, fill: definition.default }, reason: `${reason}; ${plural(nulls, 'row')} holding NULL ${verb(nulls, 'gets', 'get')} the default ${definition.default}`, destructive: false };
      }
      return { change, reason, destructive: false, blocked: `${plural(nulls, 'row')} of ${table}.${column} ${verb(nulls, 'holds', 'hold')} NULL and the field has no default: fill ${verb(nulls, 'it', 'them')} first` };
    }
    case 'SetDefault':
      return ok(`default of ${k.field(change.table, change.column)} is ${change.from ?? 'none'} in the database, ${change.to ?? 'none'} in the model`);
    case 'AddEnumValue':
      return ok(`${k.field(change.table, change.column)} gains ${quoteValues(change.values)}`);
    case 'RemoveEnumValue':
      return assessEnumRemoval(k, change);
    case 'SetComment':
      return ok(`comment of ${change.column === undefined ? change.table : k.field(change.table, change.column)} differs`);
    case 'AddUnique': {
      const { table, unique } = change;
      const reason = `${k.model(table)} declares unique (${unique.columns.join(', ')}) on ${table}`;
      if (!k.exists(table, unique.columns)) return ok(reason);
      const cols = unique.columns.map((c) => k.q(k.current(table, c)));
      const groups = `SELECT 1 AS x FROM ${k.q(table)} WHERE ${cols.map((c) => `${c} IS NOT NULL`).join(' AND ')} GROUP BY ${cols.join(', ')} HAVING COUNT(*) > 1`;
      const duplicates = await k.countFrom(`(${groups}) d`);
      if (duplicates === 0) return ok(reason);
      return { change, reason, destructive: false, blocked: `${plural(duplicates, 'value')} of (${unique.columns.join(', ')}) ${verb(duplicates, 'occurs', 'occur')} more than once in ${table}: remove the duplicates first` };
    }
    case 'DropUnique':
      return ok(`unique ${change.index ? 'index' : 'constraint'} ${change.unique.name} (${change.unique.columns.join(', ')}) is not declared by ${k.model(change.table)}`);
    case 'AddIndex':
      return ok(`${k.model(change.table)} declares index ${change.index.name} (${change.index.columns.join(', ')})`);
    case 'DropIndex':
      return ok(`index ${change.index.name} (${change.index.columns.join(', ')}) is not declared by ${k.model(change.table)}`);
    case 'AddForeignKey': {
      const { table, foreignKey: fk } = change;
      const reason = `${k.model(table)} declares ${fk.columns.join(', ')} → ${fk.referencedTable} (${fk.referencedColumns.join(', ')}) on delete ${fk.onDelete}`;
      if (!k.exists(table, fk.columns)) return ok(reason);
      const cols = fk.columns.map((c) => `s.${k.q(k.current(table, c))}`);
      const present = k.exists(fk.referencedTable, []) && fk.referencedColumns.every((c) => k.table(fk.referencedTable)!.columns.some((col) => col.name === c));
      const match = fk.referencedColumns.map((c, i) => `r.${k.q(c)} = ${cols[i]}`).join(' AND ');
      const where = `${cols.map((c) => `${c} IS NOT NULL`).join(' AND ')}${present ? ` AND NOT EXISTS (SELECT 1 FROM ${k.q(fk.referencedTable)} r WHERE ${match})` : ''}`;
      const orphans = await k.countFrom(`${k.q(table)} s`, where);
      if (orphans === 0) return ok(reason);
      return { change, reason, destructive: false, blocked: `${plural(orphans, 'row')} of ${table} ${verb(orphans, 'refers', 'refer')} to no row of ${fk.referencedTable}: fix or delete ${verb(orphans, 'it', 'them')} first` };
    }
    case 'DropForeignKey':
      return ok(`foreign key ${change.foreignKey.name ?? 'without a name'} (${change.foreignKey.columns.join(', ')}) → ${change.foreignKey.referencedTable} is not declared by ${k.model(change.table)}`);
    case 'DropColumn': {
      const { table, column } = change;
      const rows = await k.count(table, `${k.q(column)} IS NOT NULL`);
      return { change, reason: `${table}.${column} is not a field of ${k.model(table)}`, destructive: true, loss: `column ${table}.${column} and the values it holds in ${plural(rows, 'row')}`, affectedRows: rows };
    }
    case 'DropTable': {
      const rows = await k.count(change.table);
      return { change, reason: `no model describes table ${change.table}`, destructive: true, loss: `table ${change.table} and its ${plural(rows, 'row')}`, affectedRows: rows };
    }
    case 'DropEnum':
      return ok(`no model uses enum type ${change.enum.name}`);
    case 'RebuildTable':
      return ok(`rebuilds ${change.table}`);
  }
}
