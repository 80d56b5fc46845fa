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

/** Criteria over a model's fields, combined with AND. */
export type Criteria<T> = { [K in DataKeys<T>]?: FieldCondition<T[K]> };

/** A primary key value. */
export type PrimaryKeyValue = string | number | bigint;
