import type { Catalog, CatalogTable } from '../schema/catalog';

/**
 * Pieces of catalog introspection written the same way for every database: deterministic
 * ordering and small text normalisations. Each dialect's introspect.ts reads its own catalog.
 */

/** Code-point order (never locale-dependent), so catalogs compare equal on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An empty table entry, filled by the dialect. */
export function emptyTable(name: string): CatalogTable {
  return { name, columns: [], primaryKey: null, uniques: [], foreignKeys: [], indexes: [], checks: [] };
}

/** Sorts a table's constraints and indexes by name (unnamed ones by their text), in place. */
export function sortTable(table: CatalogTable): CatalogTable {
  const key = (x: { name?: string; columns?: string[]; expression?: string }): string =>
    x.name ?? `\uffff${x.expression ?? (x.columns ?? []).join(',')}`;
  const byKey = (a: Parameters<typeof key>[0], b: Parameters<typeof key>[0]) => compareText(key(a), key(b));
  table.uniques.sort(byKey);
  table.foreignKeys.sort(byKey);
  table.indexes.sort(byKey);
  table.checks.sort(byKey);
  return table;
}

/** The catalog with its tables sorted by name and each table's parts sorted (see {@link sortTable}). */
export function sortedCatalog(catalog: Catalog): Catalog {
  catalog.tables.sort((a, b) => compareText(a.name, b.name)).forEach(sortTable);
  catalog.enums.sort((a, b) => compareText(a.name, b.name));
  return catalog;
}

/** Whether a table name is regista's own (bulk staging tables) and so never part of a catalog. */
export function isRegistaInternalTable(name: string): boolean {
  return name.startsWith('regista_stage_');
}

/**
 * Index of the `)` matching the `(` at `open`, skipping quoted text ('...', "...", `...`);
 * -1 when unbalanced.
 */
function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') {
      i = text.indexOf(c, i + 1);
      if (i < 0) return -1;
      // A doubled quote inside the literal is picked up by the next round as a new literal: harmless.
    } else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** `((a > 0))` → `a > 0`: removes parentheses that wrap the whole expression, and surrounding blanks. */
export function stripOuterParens(expression: string): string {
  let text = expression.trim();
  while (text.startsWith('(') && matchingParen(text, 0) === text.length - 1) text = text.slice(1, -1).trim();
  return text;
}

/** Whether the text is a plain decimal number literal (optionally signed, with fraction and exponent). */
export function isNumberLiteral(text: string): boolean {
  return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text);
}
