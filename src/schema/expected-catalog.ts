import type { Dialect } from '../dialects/dialect';
import { isNotNull, primaryKeyName } from '../dialects/shared-ddl';
import { sortedCatalog, sortTable } from '../dialects/shared-introspect';
import type { FieldMeta } from '../metadata/field-meta';
import type { ModelMeta } from '../metadata/model-meta';
import { registry } from '../metadata/registry';
import type { Catalog, CatalogColumn, CatalogEnum, CatalogIndex, CatalogTable } from './catalog';

/**
 * The schema the models describe, as a {@link Catalog} in the dialect's normalised terms (types
 * and defaults as introspection reports them), so that it compares directly with `db.inspect()`.
 *
 * @example
 * const expected = expectedCatalog(registry.metas('default'), db.dialect);
 * const actual = await db.inspect();
 */
export function expectedCatalog(metas: readonly ModelMeta[], dialect: Dialect, schema = ''): Catalog {
  registry.ensureResolved(metas.filter((m) => registry.metaOf(m.cls) === m));
  const enums: CatalogEnum[] = [];
  if (dialect.capabilities.nativeEnums) {
    for (const meta of metas) {
      for (const field of meta.fields) {
        if (field.type === 'enum') enums.push({ name: dialect.columnType(field, meta.table), values: [...(field.enumValues ?? [])] });
      }
    }
  }
  return sortedCatalog({ dialect: dialect.name, schema, tables: metas.map((m) => expectedTable(m, dialect)), enums });
}

/** One column as the field describes it. */
export function expectedColumn(meta: ModelMeta, field: FieldMeta, dialect: Dialect): CatalogColumn {
  const autoincrement = field.primaryKey && field.generated === 'autoincrement';
  const column: CatalogColumn = {
    name: field.column,
    type: dialect.columnType(field, meta.table),
    nullable: !isNotNull(field),
    default: autoincrement ? null : dialect.defaultSql(field, meta.table),
    autoincrement,
  };
  if (field.type === 'enum') column.enumValues = [...(field.enumValues ?? [])];
  if (dialect.capabilities.comments && field.comment !== undefined) column.comment = field.comment;
  return column;
}

/** The table of one model: columns, key, unique constraints, foreign keys and indexes (those of foreign keys included). */
export function expectedTable(meta: ModelMeta, dialect: Dialect): CatalogTable {
  const indexes: CatalogIndex[] = meta.indexes.map((i) => ({ name: i.name, columns: [...i.columns], unique: i.unique }));
  for (const fk of meta.foreignKeys) {
    if (!indexes.some((i) => i.name === fk.indexName)) indexes.push({ name: fk.indexName, columns: [fk.column], unique: false });
  }
  const table: CatalogTable = {
    name: meta.table,
    columns: meta.fields.map((f) => expectedColumn(meta, f, dialect)),
    primaryKey: { name: primaryKeyName(meta.table), columns: [meta.primaryKey.column] },
    uniques: meta.uniques.map((u) => ({ name: u.name, columns: [...u.columns] })),
    foreignKeys: meta.foreignKeys.map((fk) => ({
      name: fk.name,
      columns: [fk.column],
      referencedTable: fk.referencedTable,
      referencedColumns: [fk.referencedColumn],
      onDelete: fk.onDelete,
    })),
    indexes,
    checks: [],
  };
  if (dialect.capabilities.comments && meta.comment !== undefined) table.comment = meta.comment;
  return sortTable(table);
}
