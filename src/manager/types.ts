/** Property names of T that are persisted data: not methods, not relations (promises). */
export type DataKeys<T> = {
  [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? never : T[K] extends PromiseLike<unknown> ? never : K;
}[keyof T] & string;

/** The data of a model instance: every persisted field. */
export type ModelData<T> = { [K in DataKeys<T>]: T[K] };

/** What `create`, `upsert` and `updateWhere` accept: some of the model's fields, nothing else. */
export type CreateData<T> = { [K in DataKeys<T>]?: T[K] };

/** Operators on one field: `{ gte: 18 }`, `{ in: [1, 2] }`, `{ startsWith: 'A' }`. */
export interface Operators<V> {
  eq?: V | null;
  ne?: V | null;
  gt?: V;
  gte?: V;
  lt?: V;
  lte?: V;
  in?: readonly V[];
  notIn?: readonly V[];
  between?: readonly [V, V];
  /** SQL LIKE pattern (`%`, `_`), case-sensitive on every database. */
  like?: string;
  /** Case-insensitive LIKE on every database. */
  ilike?: string;
  /** Substring match; `%` and `_` are taken literally. */
  contains?: string;
  startsWith?: string;
  endsWith?: string;
  isNull?: boolean;
}

/** A condition on one field: a value (equality), an array (IN), null (IS NULL) or operators. */
export type FieldCondition<V> = V | readonly NonNullable<V>[] | null | Operators<NonNullable<V>>;

/**
 * Criteria over a model's fields, combined with AND, with AND / OR / NOT to any depth. Dotted keys
 * reach across relations (`'author.name': 'Ann'`) and into JSON fields (`'profile.vip': true`);
 * they are checked against the model when the query is built.
 */
export type Criteria<T> = { [K in DataKeys<T>]?: FieldCondition<T[K]> } & {
  [path: `${string}.${string}`]: unknown;
} & {
  AND?: ReadonlyArray<Criteria<T>>;
  OR?: ReadonlyArray<Criteria<T>>;
  NOT?: Criteria<T> | ReadonlyArray<Criteria<T>>;
};

/** Property names of T that are relations (declared as promises). */
export type RelationKeys<T> = {
  [K in keyof T]-?: T[K] extends PromiseLike<unknown> ? K : never;
}[keyof T] & string;

/** The model type a relation property leads to: `Promise<Post[]>` → Post, `Promise<Author | null>` → Author. */
export type RelatedModel<P> = Awaited<P> extends ReadonlyArray<infer E> ? E : NonNullable<Awaited<P>>;

/** A primary key value. */
export type PrimaryKeyValue = string | number | bigint;
