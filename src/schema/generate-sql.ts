import { createDialect, type DialectKind } from '../dialects';
import type { Dialect } from '../dialects/dialect';
import type { ModelMeta } from '../metadata/model-meta';
import { registry } from '../metadata/registry';
import { dependencyOrder } from './create-all';

/** Options of {@link generateSchemaSql}. */
export interface GenerateSchemaSqlOptions {
  /** The database to write for. */
  dialect: DialectKind;
  /** Only the models of this connection name (when no models are given). Default: every registered model. */
  database?: string;
}

/** `-- ` before every line of a comment. */
function commentLines(text: string): string[] {
  return text.split('\n').map((line) => `-- ${line}`.trimEnd());
}

/** The comments of a model as `--` lines, for databases that keep none. */
function scriptComments(meta: ModelMeta): string[] {
  const lines: string[] = [];
  if (meta.comment !== undefined) lines.push(...commentLines(`${meta.table}: ${meta.comment}`));
  for (const f of meta.fields) if (f.comment !== undefined) lines.push(...commentLines(`${meta.table}.${f.column}: ${f.comment}`));
  return lines;
}

function tableBlock(meta: ModelMeta, dialect: Dialect): string {
  const lines = [`-- ${meta.name}`];
  if (!dialect.capabilities.comments) lines.push(...scriptComments(meta));
  lines.push(...dialect.createTableSql(meta).map((sql) => `${sql};`));
  return lines.join('\n');
}

/**
 * The CREATE script of the models (default: every registered model), for a database, without
 * connecting to one: enum types, tables with their keys, unique constraints, foreign keys,
 * defaults and CHECKs, then indexes and comments (`COMMENT ON` on PostgreSQL, `--` lines on
 * SQLite), tables in foreign key order. The statements are the ones regista runs itself when it
 * creates a table, so the script and auto-creation give the same schema.
 *
 * @example
 * import { generateSchemaSql } from 'regista';
 * fs.writeFileSync('schema.sql', generateSchemaSql({ dialect: 'postgres' }));
 * generateSchemaSql([User, Post], { dialect: 'sqlite' });
 */
export function generateSchemaSql(options: GenerateSchemaSqlOptions): string;
export function generateSchemaSql(models: readonly Function[] | undefined, options: GenerateSchemaSqlOptions): string;
export function generateSchemaSql(
  modelsOrOptions: readonly Function[] | GenerateSchemaSqlOptions | undefined, maybeOptions?: GenerateSchemaSqlOptions,
): string {
  const models = Array.isArray(modelsOrOptions) ? (modelsOrOptions as readonly Function[]) : undefined;
  const options = (Array.isArray(modelsOrOptions) || modelsOrOptions === undefined ? maybeOptions : modelsOrOptions) as GenerateSchemaSqlOptions | undefined;
  const dialect = createDialect(options?.dialect as DialectKind);
  const metas = models ? models.map((cls) => registry.requireMeta(cls)) : registry.metas(options?.database);
  registry.ensureResolved(metas);
  const ordered = dependencyOrder(metas);
  const head = [
    `-- Schema of ${ordered.length} model${ordered.length === 1 ? '' : 's'} for ${dialect.name}, written by regista.`,
    '-- Tables come after the tables their foreign keys reference.',
  ].join('\n');
  return `${[head, ...ordered.map((m) => tableBlock(m, dialect))].join('\n\n')}\n`;
}
