import { quoteString } from '../shared-ddl';
import { toJsonValueText } from '../shared-codecs';

/**
 * JSON paths on PostgreSQL, where JSON columns are jsonb. Paths are text[] literals
 * (`'{"a","0"}'`): every element is double-quoted, so no name can turn into an array NULL
 * (`{NULL}`) or split the literal. A digit segment addresses an array element or, on an
 * object, the key of that name.
 */

/** `'{"a","b"}'`: a text[] literal of the path, each element quoted and escaped. */
export function pgPathLiteral(segments: readonly string[]): string {
  const elements = segments.map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`);
  return quoteString(`{${elements.join(',')}}`);
}

/** `(col #> path)` (jsonb, compares with `$n::jsonb`) or `(col #>> path)` (text; JSON null gives NULL). */
export function pgJsonPathSql(column: string, segments: readonly string[], as: 'value' | 'text'): string {
  return `(${column} ${as === 'value' ? '#>' : '#>>'} ${pgPathLiteral(segments)})`;
}

/** `$n::jsonb`: every JSON value is bound as its JSON text. */
export function pgJsonValueSql(placeholder: string): string {
  return `${placeholder}::jsonb`;
}

/** JSON text of the value; `null` and `undefined` give JSON `null` (never SQL NULL: jsonb_set is strict). */
export function pgJsonValueParam(value: unknown): string {
  return toJsonValueText(value);
}

/** `#>>` is NULL for a missing path, a JSON null and a NULL column alike. */
export function pgJsonIsNullSql(column: string, segments: readonly string[]): string {
  return `(${column} #>> ${pgPathLiteral(segments)}) IS NULL`;
}

/** One node of the tree of paths an update sets: its own value (when set) and the keys set below it. */
interface SetNode {
  value?: string;
  children: Map<string, SetNode>;
}

/** The set values below a node (its own included), in tree order. */
function valuesUnder(node: SetNode, into: string[]): string[] {
  if (node.value !== undefined) into.push(node.value);
  for (const child of node.children.values()) valuesUnder(child, into);
  return into;
}

/**
 * Merges the sets into a tree; a later set of a path replaces what earlier sets put at or below
 * it. The values it replaces are returned apart: their placeholders must still appear in the SQL.
 */
function setTree(sets: ReadonlyArray<{ segments: readonly string[]; valueSql: string }>): { root: SetNode; replaced: string[] } {
  const root: SetNode = { children: new Map() };
  const replaced: string[] = [];
  for (const { segments, valueSql } of sets) {
    let node = root;
    for (const segment of segments) {
      let child = node.children.get(segment);
      if (child === undefined) node.children.set(segment, (child = { children: new Map() }));
      node = child;
    }
    valuesUnder(node, replaced);
    node.value = valueSql;
    node.children = new Map();
  }
  return { root, replaced };
}

/** An object to set keys in: the source's value at the path, `{}` when it is missing or JSON null. */
function objectAt(source: string, path: readonly string[]): string {
  const current = path.length === 0 ? source : `${source} #> ${pgPathLiteral(path)}`;
  return `COALESCE(NULLIF(${current}, 'null'::jsonb), '{}'::jsonb)`;
}

/**
 * The node's new value: its own set value, or the object it replaces (read from the nearest
 * set ancestor, else the column), with each child key written by jsonb_set.
 */
function renderNode(node: SetNode, source: string, path: readonly string[]): string {
  let expression = node.value;
  let inner = path;
  if (expression === undefined) expression = objectAt(source, path);
  else {
    if (node.children.size === 0) return expression;
    source = expression;
    inner = [];
  }
  for (const [key, child] of node.children) {
    const childValue = renderNode(child, source, [...inner, key]);
    expression = `jsonb_set(${expression}, ${pgPathLiteral([key])}, ${childValue})`;
  }
  return expression;
}

/**
 * The column with every path set. jsonb_set only creates the last key of a path, so the sets
 * are merged into a tree and each level is rebuilt from its current object (`{}` when missing
 * or JSON null) with jsonb_set of its keys: the column is read once per intermediate object,
 * each value appears once, and the SQL grows linearly with the paths. Values replaced by a later
 * set of the same path or of an ancestor go into a COALESCE after the result (never reached: the
 * result is not NULL), because PostgreSQL rejects a statement with a parameter of unknown type.
 */
export function pgJsonSetSql(column: string, sets: ReadonlyArray<{ segments: readonly string[]; valueSql: string }>): string {
  const { root, replaced } = setTree(sets);
  const expression = renderNode(root, column, []);
  return replaced.length === 0 ? expression : `COALESCE(${expression}, ${replaced.join(', ')})`;
}
