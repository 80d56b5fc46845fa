import type { Database } from '../connection/database';
import type { Dialect, FieldCodec } from '../dialects/dialect';
import type { FieldMeta } from '../metadata/field-meta';
import type { ModelMeta } from '../metadata/model-meta';

/** One field with everything needed to read and write it on one database, computed once. */
export interface CompiledField {
  readonly meta: FieldMeta;
  readonly property: string;
  readonly column: string;
  readonly quoted: string;
  readonly codec: FieldCodec;
}

/**
 * A model bound to one database: quoted names, codecs and SQL built once, plus caches of SQL per
 * query shape. The manager's hot paths read only from here.
 */
export class CompiledModel {
  readonly dialect: Dialect;
  readonly table: string;
  readonly fields: readonly CompiledField[];
  readonly byProperty: ReadonlyMap<string, CompiledField>;
  readonly pk: CompiledField;
  /** `"id", "name", CAST("big" AS TEXT) AS "big"` */
  readonly selectList: string;
  readonly getByPkSql: string;
  readonly deleteByPkSql: string;
  /** Fields written by an insert: all but a database-generated key. */
  readonly insertFields: readonly CompiledField[];
  readonly insertSql: string;
  /** SQL per query shape (criteria keys, operators, ordering...). */
  readonly shapes = new Map<string, string>();
  /** Whether the table is known to exist and be up to date on this database. */
  ready = false;
  readyPromise?: Promise<void>;
  readonly readyInTransaction = new WeakMap<object, Promise<void>>();

  constructor(readonly meta: ModelMeta, readonly db: Database) {
    const d = (this.dialect = db.dialect);
    this.table = d.quote(meta.table);
    this.fields = meta.fields.map((f) => ({ meta: f, property: f.property, column: f.column, quoted: d.quote(f.column), codec: d.codec(f) }));
    this.byProperty = new Map(this.fields.map((f) => [f.property, f] as const));
    this.pk = this.byProperty.get(meta.primaryKey.property)!;
    this.selectList = this.fields.map((f) => this.selectTerm(f)).join(', ');
    this.getByPkSql = `SELECT ${this.selectList} FROM ${this.table} WHERE ${this.pk.quoted} = ${d.placeholder(1)}`;
    this.deleteByPkSql = `DELETE FROM ${this.table} WHERE ${this.pk.quoted} = ${d.placeholder(1)}`;
    this.insertFields = this.fields.filter((f) => f.meta.generated !== 'autoincrement');
    this.insertSql = this.insertStatement(this.insertFields);
  }

  /** One column of a select list, read as the dialect reads that field (aliased back to the column). */
  selectTerm(f: CompiledField): string {
    const expr = this.dialect.selectExpression(f.meta, f.quoted);
    return expr === f.quoted ? expr : `${expr} AS ${f.quoted}`;
  }

  /** The select list with every column qualified by `alias` (for joins), aliased back to the bare column. */
  selectListFor(alias: string): string {
    const q = this.dialect.quote(alias);
    return this.fields.map((f) => `${this.dialect.selectExpression(f.meta, `${q}.${f.quoted}`)} AS ${f.quoted}`).join(', ');
  }

  /** `INSERT INTO t (...) VALUES (...) RETURNING ...` for the given fields (DEFAULT VALUES when none). */
  insertStatement(fields: readonly CompiledField[], suffix = ''): string {
    const d = this.dialect;
    const head = fields.length === 0
      ? `INSERT INTO ${this.table} DEFAULT VALUES`
      : `INSERT INTO ${this.table} (${fields.map((f) => f.quoted).join(', ')}) VALUES (${fields.map((_, i) => d.placeholder(i + 1)).join(', ')})`;
    return `${head}${suffix ? ` ${suffix}` : ''} RETURNING ${this.selectList}`;
  }

  /** The SQL of a shape, built by `build` the first time the shape is seen. */
  sql(key: string, build: () => string): string {
    let sql = this.shapes.get(key);
    if (sql === undefined) {
      sql = build();
      if (this.shapes.size < 5000) this.shapes.set(key, sql);
    }
    return sql;
  }

  /** A value in database form (null stays null). */
  toDb(field: CompiledField, value: unknown): unknown {
    return value === null || value === undefined ? null : field.codec.toDb(value);
  }
}

/** The compiled form of a model on a database, built on first use and kept by the database. */
export function compiledModel(meta: ModelMeta, db: Database): CompiledModel {
  return db.memo(meta, () => new CompiledModel(meta, db));
}
