/** Property names of T that are persisted data: not methods, not relations (promises). */
export type DataKeys<T> = {
  [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? never : T[K] extends PromiseLike<unknown> ? never : K;
}[keyof T] & string;

/** The data of a model instance: every persisted field. */
export type ModelData<T> = { [K in DataKeys<T>]: T[K] };

/** What `create`, `upsert` and `updateWhere` accept: some of the model's fields, nothing else. */
export type CreateData<T> = { [K in DataKeys<T>]?: T[K] };

/** A condition on one field: a value (equality), an array (IN) or null (IS NULL). */
export type FieldCondition<V> = V | readonly NonNullable<V>[] | null;

/**
 * Criteria over a model's fields, combined with AND. Dotted keys reach across relations
 * (`'author.name': 'Ann'`); they are checked against the model when the query is built.
 */
export type Criteria<T> = { [K in DataKeys<T>]?: FieldCondition<T[K]> } & { [path: `${string}.${string}`]: unknown };

/** Property names of T that are relations (declared as promises). */
export type RelationKeys<T> = {
  [K in keyof T]-?: T[K] extends PromiseLike<unknown> ? K : never;
}[keyof T] & string;

/** The model type a relation property leads to: `Promise<Post[]>` → Post, `Promise<Author | null>` → Author. */
export type RelatedModel<P> = Awaited<P> extends ReadonlyArray<infer E> ? E : NonNullable<Awaited<P>>;

/** A primary key value. */
export type PrimaryKeyValue = string | number | bigint;
