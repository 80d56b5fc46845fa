import type { Dialect } from '../dialects/dialect';
import type { CatalogColumn, CatalogTable } from './catalog';
import { sameColumns } from './catalog-compare';
import type { SchemaChange } from './operations';

/**
 * For databases that rebuild a table instead of altering it (SQLite): the table the rebuild
 * creates, and how each of its columns is filled from the old one. Only the changes that are
 * applied shape it; whatever a skipped change would have removed stays.
 */
export interface RebuildTarget {
  to: CatalogTable;
  /** Column of `to` → SQL expression reading its value from the old table. */
  copy: Map<string, string>;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Applies `changes` (all of one table, renames already in `from`) to a copy of `from`. Columns
 * follow `order` (the model's) where given, the others after them.
 */
export function rebuildTarget(dialect: Dialect, from: CatalogTable, changes: readonly SchemaChange[], order: readonly string[] = []): RebuildTarget {
  const to = clone(from);
  const converted = new Map<string, string>();
  const filled = new Map<string, string>();
  const column = (name: string): CatalogColumn | undefined => to.columns.find((c) => c.name === name);
  const without = <T extends { name?: string; columns: string[] }>(list: T[], item: { name?: string; columns: readonly string[] }): T[] =>
    list.filter((x) => !(x.name === item.name && sameColumns(x.columns, item.columns)));

  for (const change of changes) {
    switch (change.kind) {
      case 'AddColumn':
        to.columns.push(clone(change.definition));
        break;
      case 'AlterColumnType': {
        const c = column(change.column);
        if (!c) break;
        c.type = change.to.type;
        c.default = change.to.default;
        if (change.to.enumValues !== undefined) c.enumValues = [...change.to.enumValues];
        else delete c.enumValues;
        if (change.convert !== undefined) converted.set(c.name, change.convert);
        break;
      }
      case 'SetNullable': {
        const c = column(change.column);
        if (c) c.nullable = change.nullable;
        if (change.fill !== undefined) filled.set(change.column, change.fill);
        break;
      }
      case 'SetDefault': {
        const c = column(change.column);
        if (c) c.default = change.to;
        break;
      }
      case 'AddEnumValue':
      case 'RemoveEnumValue': {
        const c = column(change.column);
        if (c) c.enumValues = [...change.to];
        if (change.kind === 'RemoveEnumValue' && change.convert !== undefined) converted.set(change.column, change.convert);
        break;
      }
      case 'AddUnique':
        to.uniques.push(clone(change.unique));
        break;
      case 'DropUnique':
        if (change.index) to.indexes = without(to.indexes, change.unique);
        else to.uniques = without(to.uniques, change.unique);
        break;
      case 'AddIndex':
        to.indexes.push(clone(change.index));
        break;
      case 'DropIndex':
        to.indexes = without(to.indexes, change.index);
        break;
      case 'AddForeignKey':
        to.foreignKeys.push(clone(change.foreignKey));
        break;
      case 'DropForeignKey':
        to.foreignKeys = to.foreignKeys.filter((fk) => JSON.stringify(fk) !== JSON.stringify(change.foreignKey));
        break;
      case 'DropColumn': {
        const name = change.column;
        to.columns = to.columns.filter((c) => c.name !== name);
        to.uniques = to.uniques.filter((u) => !u.columns.includes(name));
        to.indexes = to.indexes.filter((i) => !i.columns.includes(name));
        to.foreignKeys = to.foreignKeys.filter((fk) => !fk.columns.includes(name));
        const mentions = new RegExp(`(^|[^A-Za-z0-9_])"?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?($|[^A-Za-z0-9_])`);
        to.checks = to.checks.filter((c) => !mentions.test(c.expression));
        break;
      }
      default:
        break;
    }
  }

  const rank = (name: string): number => (order.includes(name) ? order.indexOf(name) : order.length);
  to.columns = to.columns.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c.name) - rank(b.c.name) || a.i - b.i).map((x) => x.c);

  const copy = new Map<string, string>();
  for (const c of to.columns) {
    if (!from.columns.some((f) => f.name === c.name)) continue;
    const read = converted.get(c.name) ?? dialect.quote(c.name);
    const fill = filled.get(c.name);
    copy.set(c.name, fill !== undefined ? `COALESCE(${read}, ${fill})` : read);
  }
  return { to, copy };
}
