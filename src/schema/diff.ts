import type { Catalog, CatalogColumn, CatalogConstraint, CatalogForeignKey, CatalogIndex, CatalogTable } from './catalog';
import { sameColumns, sameDefault, sameType } from './catalog-compare';
import type { OperationKind, SchemaChange } from './operations';

/** Options of {@link diffCatalogs}. */
export interface DiffOptions {
  /** Former names of columns per table: table → (column → former names), from `renamedFrom`. */
  renames?: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  /** Compare table and column comments (databases that keep them). Default false. */
  comments?: boolean;
  /** Order in which missing tables are created (foreign keys first). Default: the catalog's. */
  tableOrder?: readonly string[];
}

/**
 * Order of operations: enum types, renames, new tables, removal of constraints that could stand in
 * the way, new columns, column changes (and SQLite rebuilds), new constraints, comments, and last
 * the removals that lose data.
 */
export const PHASE: Readonly<Record<OperationKind, number>> = {
  CreateEnum: 0,
  RenameColumn: 1,
  CreateTable: 2,
  DropForeignKey: 3,
  DropUnique: 3.1,
  DropIndex: 3.2,
  AddColumn: 4,
  AlterColumnType: 5,
  AddEnumValue: 5.1,
  RemoveEnumValue: 5.2,
  SetNullable: 5.3,
  SetDefault: 5.4,
  RebuildTable: 5.5,
  AddUnique: 6,
  AddIndex: 6.1,
  AddForeignKey: 7,
  SetComment: 8,
  DropColumn: 9,
  DropTable: 10,
  DropEnum: 11,
};

const key = (columns: readonly string[]): string => columns.join('\u0000');
const fkKey = (fk: CatalogForeignKey): string => `${key(fk.columns)}\u0001${fk.referencedTable}\u0001${key(fk.referencedColumns)}`;

/**
 * The changes that turn the `actual` schema into the `expected` one, in the order they can run.
 * Pure: it reads no database. Columns are matched by name (or former name, see `renames`),
 * unique constraints and indexes by their columns (a unique index stands for a unique constraint
 * and the other way round), foreign keys by columns and referenced table and columns. Primary
 * keys and CHECKs other than enum values are not compared.
 *
 * @example
 * const actual = await db.inspect();
 * const changes = diffCatalogs(expectedCatalog(registry.metas(db.name), db.dialect, actual.schema), actual);
 * // [] when the database matches the models
 */
export function diffCatalogs(expected: Catalog, actual: Catalog, options: DiffOptions = {}): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const actualTables = new Map(actual.tables.map((t) => [t.name, t] as const));
  const expectedNames = new Set(expected.tables.map((t) => t.name));
  const created = new Set(expected.tables.filter((t) => !actualTables.has(t.name)).map((t) => t.name));

  const actualEnums = new Set(actual.enums.map((e) => e.name));
  for (const en of expected.enums) {
    if (actualEnums.has(en.name)) continue;
    const users = expected.tables.filter((t) => t.columns.some((c) => c.enumValues !== undefined && c.type === en.name));
    if (users.length > 0 && users.every((t) => created.has(t.name))) continue;
    changes.push({ kind: 'CreateEnum', enum: en });
  }

  const order = options.tableOrder ?? [];
  const rank = (name: string): number => (order.includes(name) ? order.indexOf(name) : order.length);
  const toCreate = expected.tables.filter((t) => created.has(t.name)).sort((a, b) => rank(a.name) - rank(b.name));
  for (const table of toCreate) changes.push({ kind: 'CreateTable', table: table.name, definition: table });

  for (const table of expected.tables) {
    const current = actualTables.get(table.name);
    if (current) diffTable(table, current, options, changes);
  }

  const dropped = actual.tables.filter((t) => !expectedNames.has(t.name));
  for (const table of dropOrder(dropped)) changes.push({ kind: 'DropTable', table: table.name, definition: table });

  const expectedEnums = new Set(expected.enums.map((e) => e.name));
  for (const en of actual.enums) if (!expectedEnums.has(en.name)) changes.push({ kind: 'DropEnum', enum: en });

  return changes.map((c, i) => ({ c, i })).sort((a, b) => PHASE[a.c.kind] - PHASE[b.c.kind] || a.i - b.i).map((x) => x.c);
}

/** Tables that reference others (among those dropped) come first. */
function dropOrder(tables: readonly CatalogTable[]): CatalogTable[] {
  const names = new Set(tables.map((t) => t.name));
  const out: CatalogTable[] = [];
  const done = new Set<string>();
  const visit = (table: CatalogTable, path: Set<string>): void => {
    if (done.has(table.name) || path.has(table.name)) return;
    path.add(table.name);
    for (const other of tables) {
      if (other !== table && other.foreignKeys.some((fk) => fk.referencedTable === table.name) && names.has(other.name)) visit(other, path);
    }
    path.delete(table.name);
    if (!done.has(table.name)) {
      done.add(table.name);
      out.push(table);
    }
  };
  for (const table of tables) visit(table, new Set());
  return out;
}

/** The actual table with renamed columns under their new names (columns, key, constraints, indexes). */
export function withRenames(table: CatalogTable, renames: ReadonlyMap<string, string>): CatalogTable {
  if (renames.size === 0) return table;
  const rename = (c: string): string => renames.get(c) ?? c;
  return {
    ...table,
    columns: table.columns.map((c) => ({ ...c, name: rename(c.name) })),
    primaryKey: table.primaryKey && { ...table.primaryKey, columns: table.primaryKey.columns.map(rename) },
    uniques: table.uniques.map((u) => ({ ...u, columns: u.columns.map(rename) })),
    indexes: table.indexes.map((i) => ({ ...i, columns: i.columns.map(rename) })),
    foreignKeys: table.foreignKeys.map((fk) => ({ ...fk, columns: fk.columns.map(rename) })),
  };
}

/** Whether a column is part of the table's key, a constraint, an index or a CHECK. */
function isConstrained(table: CatalogTable, column: CatalogColumn): boolean {
  const name = column.name;
  const mentions = new RegExp(`(^|[^A-Za-z0-9_])"?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?($|[^A-Za-z0-9_])`);
  return column.enumValues !== undefined
    || (table.primaryKey?.columns.includes(name) ?? false)
    || table.uniques.some((u) => u.columns.includes(name))
    || table.indexes.some((i) => i.columns.includes(name) || (i.where !== undefined && mentions.test(i.where)))
    || table.foreignKeys.some((fk) => fk.columns.includes(name))
    || table.checks.some((c) => mentions.test(c.expression));
}

function diffTable(expected: CatalogTable, original: CatalogTable, options: DiffOptions, changes: SchemaChange[]): void {
  const tableName = expected.name;
  const formerNames = options.renames?.get(tableName);
  const expectedColumns = new Set(expected.columns.map((c) => c.name));
  const renames = new Map<string, string>();
  for (const column of expected.columns) {
    if (original.columns.some((c) => c.name === column.name)) continue;
    const from = formerNames?.get(column.name)?.find((old) => !expectedColumns.has(old) && !renames.has(old) && original.columns.some((c) => c.name === old));
    if (from !== undefined) {
      renames.set(from, column.name);
      changes.push({ kind: 'RenameColumn', table: tableName, column: column.name, from });
    }
  }
  const actual = withRenames(original, renames);

  for (const column of expected.columns) {
    const current = actual.columns.find((c) => c.name === column.name);
    if (!current) changes.push({ kind: 'AddColumn', table: tableName, column: column.name, definition: column });
    else diffColumn(tableName, column, current, options, changes);
  }
  for (const column of actual.columns) {
    if (!expectedColumns.has(column.name)) {
      changes.push({ kind: 'DropColumn', table: tableName, column: column.name, definition: column, constrained: isConstrained(actual, column) });
    }
  }

  if (options.comments && (expected.comment ?? null) !== (actual.comment ?? null)) {
    changes.push({ kind: 'SetComment', table: tableName, comment: expected.comment ?? null });
  }
  diffUniquesAndIndexes(expected, actual, changes);
  diffForeignKeys(expected, actual, changes);
}

function diffColumn(table: string, expected: CatalogColumn, actual: CatalogColumn, options: DiffOptions, changes: SchemaChange[]): void {
  const column = expected.name;
  const typeChanged = !sameType(expected, actual);
  if (typeChanged) {
    changes.push({ kind: 'AlterColumnType', table, column, from: actual, to: expected });
  } else if (expected.enumValues !== undefined && actual.enumValues !== undefined) {
    const added = expected.enumValues.filter((v) => !actual.enumValues!.includes(v));
    const removed = actual.enumValues.filter((v) => !expected.enumValues!.includes(v));
    let values = actual.enumValues;
    if (added.length > 0) {
      // Existing values keep their places; new ones go where the model lists them.
      const to = [...actual.enumValues];
      for (const value of added) {
        const before = expected.enumValues.slice(0, expected.enumValues.indexOf(value)).reverse().find((v) => to.includes(v));
        to.splice(before === undefined ? 0 : to.indexOf(before) + 1, 0, value);
      }
      changes.push({ kind: 'AddEnumValue', table, column, type: actual.type, values: added, from: actual.enumValues, to, definition: expected });
      values = to;
    }
    if (removed.length > 0) {
      changes.push({
        kind: 'RemoveEnumValue', table, column, type: actual.type, values: removed, from: values, to: [...expected.enumValues],
        current: actual, definition: expected,
      });
    }
  }
  if (expected.nullable !== actual.nullable && !(expected.autoincrement && actual.autoincrement)) {
    changes.push({ kind: 'SetNullable', table, column, nullable: expected.nullable, definition: expected });
  }
  if (!typeChanged && !expected.autoincrement && !actual.autoincrement && actual.generated === undefined
    && !sameDefault(expected.default, actual.default, expected.type)) {
    changes.push({ kind: 'SetDefault', table, column, from: actual.default, to: expected.default, definition: expected });
  }
  if (options.comments && (expected.comment ?? null) !== (actual.comment ?? null)) {
    changes.push({ kind: 'SetComment', table, column, comment: expected.comment ?? null });
  }
}

function diffUniquesAndIndexes(expected: CatalogTable, actual: CatalogTable, changes: SchemaChange[]): void {
  const table = expected.name;
  const plain = (i: CatalogIndex) => i.where === undefined && i.columns.every((c) => actual.columns.some((col) => col.name === c));
  const actualUniques: Array<{ unique: CatalogConstraint; index: boolean }> = [
    ...actual.uniques.map((u) => ({ unique: u, index: false })),
    ...actual.indexes.filter((i) => i.unique && plain(i)).map((i) => ({ unique: { name: i.name, columns: i.columns }, index: true })),
  ];
  const expectedUniqueKeys = new Set([
    ...expected.uniques.map((u) => key(u.columns)),
    ...expected.indexes.filter((i) => i.unique).map((i) => key(i.columns)),
  ]);
  const hasUnique = (columns: readonly string[]) => actualUniques.some((a) => sameColumns(a.unique.columns, columns));

  for (const unique of expected.uniques) {
    if (!hasUnique(unique.columns)) changes.push({ kind: 'AddUnique', table, unique });
  }
  for (const unique of actual.uniques) {
    if (!expectedUniqueKeys.has(key(unique.columns))) changes.push({ kind: 'DropUnique', table, unique, index: false });
  }
  for (const index of expected.indexes) {
    const present = index.unique
      ? hasUnique(index.columns)
      : actual.indexes.some((a) => !a.unique && plain(a) && sameColumns(a.columns, index.columns));
    if (!present && !(index.unique && expected.uniques.some((u) => sameColumns(u.columns, index.columns)))) {
      changes.push({ kind: 'AddIndex', table, index });
    }
  }
  for (const index of actual.indexes) {
    const wanted = plain(index) && (index.unique
      ? expectedUniqueKeys.has(key(index.columns))
      : expected.indexes.some((e) => !e.unique && sameColumns(e.columns, index.columns)));
    if (!wanted) changes.push({ kind: 'DropIndex', table, index });
  }
}

function diffForeignKeys(expected: CatalogTable, actual: CatalogTable, changes: SchemaChange[]): void {
  const table = expected.name;
  const matched = new Set<CatalogForeignKey>();
  for (const fk of expected.foreignKeys) {
    const current = actual.foreignKeys.find((a) => !matched.has(a) && fkKey(a) === fkKey(fk));
    if (current) {
      matched.add(current);
      if (current.onDelete.toLowerCase() !== fk.onDelete.toLowerCase()) {
        changes.push({ kind: 'DropForeignKey', table, foreignKey: current });
        changes.push({ kind: 'AddForeignKey', table, foreignKey: fk });
      }
    } else {
      changes.push({ kind: 'AddForeignKey', table, foreignKey: fk });
    }
  }
  for (const fk of actual.foreignKeys) {
    if (!matched.has(fk)) changes.push({ kind: 'DropForeignKey', table, foreignKey: fk });
  }
}
