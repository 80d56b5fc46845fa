/**
 * Batch writes of the manager: `createMany`, `upsertMany`, `updateMany` and `deleteMany`.
 *
 * Atomic (the default): one transaction of the model's database (a savepoint inside the caller's
 * transaction); the first error rolls the whole batch back and propagates as it is. Not atomic:
 * each item runs in a transaction of its own (a savepoint inside the caller's transaction, so one
 * failure does not abort the rest on PostgreSQL) and the call reports which items succeeded and
 * which failed. Either way the input is checked, and the same key twice refused, before anything
 * is written.
 */
import type { Database } from '../connection/database';
import { getDatabase } from '../connection/connect';
import {
  DuplicateBatchKeyError, InvalidQueryError, RecordNotFoundError, RegistaError, describeValue, type SerializedError,
} from '../errors';
import type { FieldMeta } from '../metadata/field-meta';
import type { ModelMeta } from '../metadata/model-meta';
import type { Manager } from './manager';
import { readyModel } from './ready-model';
import type { CreateData, Criteria, PrimaryKeyValue } from './types';
import { expectedOf, fitsField } from './value-checks';

type Bag = Record<string, unknown>;

/**
 * Options of the batch writes.
 *
 * @example
 * await User.objects.createMany(rows, { atomic: false });
 */
export interface BatchOptions {
  /** `true` (default): all or nothing. `false`: each item stands alone; the result lists successes and failures. */
  atomic?: boolean;
}

/**
 * One item of a non-atomic batch that failed.
 *
 * @example
 * { index: 2, key: null, error: { name: 'UniqueConstraintError', code: 1402, message: '...', details: { ... } } }
 */
export interface BatchFailure {
  /** Position of the item in the batch. */
  index: number;
  /** The item's primary key: the given key, the key in the row's data, or null when the row has none. */
  key: PrimaryKeyValue | null;
  /** The error, as `RegistaError.toJSON()` gives it. */
  error: SerializedError;
}

/**
 * What a non-atomic batch (`{ atomic: false }`) returns.
 *
 * @example
 * const { succeeded, failed } = await User.objects.createMany(rows, { atomic: false });
 */
export interface BatchResult {
  /** Primary keys of the items written, in batch order (createMany: the created rows' keys). */
  succeeded: PrimaryKeyValue[];
  /** The items that failed, in batch order. */
  failed: BatchFailure[];
}

/** A key an item claims in the batch: `id` compares by value, `key` is what the error shows. */
interface ItemKey {
  id: string;
  key: unknown;
}

/** How one batch method runs its items. */
interface Batch<I, R> {
  method: string;
  items: readonly I[];
  /** The keys each item claims; two items claiming one key are refused. */
  keysOf(item: I): ItemKey[];
  run(item: I): Promise<R>;
  /** The key reported for an item that succeeded / failed. */
  succeededKey(item: I, result: R): PrimaryKeyValue;
  failedKey(item: I): PrimaryKeyValue | null;
}

/** `createMany`: each row through `manager.create`. */
export async function createMany<T extends object>(manager: Manager<T>, rows: ReadonlyArray<Bag>, options?: BatchOptions): Promise<T[] | BatchResult> {
  const meta = manager.meta;
  const method = 'createMany';
  const atomic = atomicOption(meta, method, options);
  return runBatch(meta, atomic, {
    method,
    items: rowsOf(meta, method, rows),
    keysOf: (row) => [...primaryKeyOf(meta, row), ...meta.uniques.flatMap((u) => groupKey(meta, u.name, u.fields, row))],
    run: (row) => manager.create(row as CreateData<T>),
    succeededKey: (_row, created) => (created as Bag)[meta.primaryKey.property] as PrimaryKeyValue,
    failedKey: (row) => givenKey(row[meta.primaryKey.property]),
  });
}

/** `upsertMany`: each row through `manager.upsert`; rows collide on the conflict target upsert would use. */
export async function upsertMany<T extends object>(manager: Manager<T>, rows: ReadonlyArray<Bag>, options?: BatchOptions): Promise<T[] | BatchResult> {
  const meta = manager.meta;
  const method = 'upsertMany';
  const atomic = atomicOption(meta, method, options);
  return runBatch(meta, atomic, {
    method,
    items: rowsOf(meta, method, rows),
    keysOf: (row) => {
      // As Manager.upsert: the primary key when given (an autoincrement one is refused there), else
      // the first unique group fully present; without either, upsert is a plain create.
      if (present(row[meta.primaryKey.property])) return primaryKeyOf(meta, row);
      const group = meta.uniques.find((u) => u.fields.every((f) => present(row[f])));
      return group ? groupKey(meta, group.name, group.fields, row) : [];
    },
    run: (row) => manager.upsert(row as CreateData<T>),
    succeededKey: (_row, stored) => (stored as Bag)[meta.primaryKey.property] as PrimaryKeyValue,
    failedKey: (row) => givenKey(row[meta.primaryKey.property]),
  });
}

/** `updateMany`: `updateWhere` by primary key per item; no row with the key is a RecordNotFoundError. */
export async function updateMany<T extends object>(
  manager: Manager<T>, items: ReadonlyArray<{ key: PrimaryKeyValue; changes: Bag }>, options?: BatchOptions,
): Promise<T[] | BatchResult> {
  const meta = manager.meta;
  const method = 'updateMany';
  const atomic = atomicOption(meta, method, options);
  const pk = meta.primaryKey.property;
  return runBatch(meta, atomic, {
    method,
    items: updatesOf(meta, method, items),
    keysOf: (item) => [{ id: keyId(meta.primaryKey, item.key), key: item.key }],
    run: async (item) => {
      const [updated] = await manager.updateWhere({ [pk]: item.key } as Criteria<T>, item.changes as CreateData<T>);
      if (updated === undefined) throw RecordNotFoundError.for(meta.name, { [pk]: item.key });
      return updated;
    },
    succeededKey: (item) => item.key,
    failedKey: (item) => item.key,
  });
}

/**
 * `deleteMany`: atomic, one `DELETE ... WHERE key IN (...)` (one per chunk of the database's bind
 * parameter limit, in a transaction) returning how many rows went; not atomic, one delete per key,
 * where a key without a row is a RecordNotFoundError.
 */
export async function deleteMany<T extends object>(
  manager: Manager<T>, keys: ReadonlyArray<PrimaryKeyValue>, options?: BatchOptions,
): Promise<number | BatchResult> {
  const meta = manager.meta;
  const method = 'deleteMany';
  const atomic = atomicOption(meta, method, options);
  const pk = meta.primaryKey.property;
  const batch: Batch<PrimaryKeyValue, boolean> = {
    method,
    items: keyListOf(meta, method, keys),
    keysOf: (key) => [{ id: keyId(meta.primaryKey, key), key }],
    run: async (key) => {
      if (!(await manager.delete(key))) throw RecordNotFoundError.for(meta.name, { [pk]: key });
      return true;
    },
    succeededKey: (key) => key,
    failedKey: (key) => key,
  };
  refuseDuplicates(meta, batch);
  if (!atomic) return runEach(meta, batch);
  if (batch.items.length === 0) return 0;
  const m = await readyModel(meta);
  // As many keys as compileCriteria accepts in one statement (it keeps two parameters spare).
  const chunk = Math.max(1, m.dialect.capabilities.maxBindParams - 2);
  const deleteChunk = (from: number) => manager.deleteWhere({ [pk]: batch.items.slice(from, from + chunk) } as Criteria<T>);
  if (batch.items.length <= chunk) return deleteChunk(0);
  return databaseOf(meta).transaction(async () => {
    let deleted = 0;
    for (let from = 0; from < batch.items.length; from += chunk) deleted += await deleteChunk(from);
    return deleted;
  });
}

// ---------------------------------------------------------------------------------------------
// Running a batch

async function runBatch<I, R>(meta: ModelMeta, atomic: boolean, batch: Batch<I, R>): Promise<R[] | BatchResult> {
  refuseDuplicates(meta, batch);
  if (!atomic) return runEach(meta, batch);
  if (batch.items.length === 0) return [];
  await readyModel(meta);
  return databaseOf(meta).transaction(async () => {
    const out: R[] = [];
    for (const item of batch.items) out.push(await batch.run(item));
    return out;
  });
}

/** Each item in a transaction (or savepoint) of its own; RegistaErrors are reported, others propagate. */
async function runEach<I, R>(meta: ModelMeta, batch: Batch<I, R>): Promise<BatchResult> {
  const result: BatchResult = { succeeded: [], failed: [] };
  if (batch.items.length === 0) return result;
  await readyModel(meta);
  const db = databaseOf(meta);
  for (let index = 0; index < batch.items.length; index++) {
    const item = batch.items[index];
    try {
      const done = await db.transaction(() => batch.run(item));
      result.succeeded.push(batch.succeededKey(item, done));
    } catch (error) {
      // The manager turns every driver error into a RegistaError; anything else is a bug (or a
      // custom validator throwing) and is not a per-item outcome.
      if (!(error instanceof RegistaError)) throw error;
      result.failed.push({ index, key: batch.failedKey(item), error: error.toJSON() });
    }
  }
  return result;
}

function databaseOf(meta: ModelMeta): Database {
  return getDatabase(meta.database);
}

function refuseDuplicates<I>(meta: ModelMeta, batch: Batch<I, unknown>): void {
  const seen = new Map<string, number>();
  batch.items.forEach((item, index) => {
    for (const { id, key } of batch.keysOf(item)) {
      const first = seen.get(id);
      if (first !== undefined) throw DuplicateBatchKeyError.for(meta.name, batch.method, key, first, index, batch.items.length);
      seen.set(id, index);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Checking the input

function atomicOption(meta: ModelMeta, method: string, options: unknown): boolean {
  if (options === undefined) return true;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidQueryError(`${meta.name}.objects.${method}() options must be an object such as { atomic: false }, got ${describeValue(options)}.`, { model: meta.name, method });
  }
  for (const option of Object.keys(options)) {
    if (option !== 'atomic') throw new InvalidQueryError(`${meta.name}.objects.${method}() has no option "${option}"; the only option is atomic.`, { model: meta.name, method, option });
  }
  const atomic = (options as BatchOptions).atomic;
  if (atomic !== undefined && typeof atomic !== 'boolean') {
    throw new InvalidQueryError(`${meta.name}.objects.${method}() option atomic must be true or false, got ${describeValue(atomic)}.`, { model: meta.name, method, option: 'atomic', value: atomic });
  }
  return atomic ?? true;
}

function listOf(meta: ModelMeta, method: string, what: string, value: unknown): readonly unknown[] {
  if (!Array.isArray(value)) {
    throw new InvalidQueryError(`${meta.name}.objects.${method}() takes an array of ${what}, got ${describeValue(value)}.`, { model: meta.name, method });
  }
  return value;
}

function isObject(value: unknown): value is Bag {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badItem(meta: ModelMeta, method: string, index: number, expected: string, value: unknown): InvalidQueryError {
  return new InvalidQueryError(`${meta.name}.objects.${method}(): item ${index} must be ${expected}, got ${describeValue(value)}.`, { model: meta.name, method, index });
}

function rowsOf(meta: ModelMeta, method: string, rows: unknown): readonly Bag[] {
  const list = listOf(meta, method, 'rows', rows);
  list.forEach((row, index) => {
    if (!isObject(row)) throw badItem(meta, method, index, 'an object of field values', row);
  });
  return list as readonly Bag[];
}

function updatesOf(meta: ModelMeta, method: string, items: unknown): ReadonlyArray<{ key: PrimaryKeyValue; changes: Bag }> {
  const list = listOf(meta, method, '{ key, changes } items', items);
  list.forEach((item, index) => {
    if (!isObject(item) || Object.keys(item).some((k) => k !== 'key' && k !== 'changes') || !isObject(item.changes)) {
      throw badItem(meta, method, index, '{ key, changes } with changes an object of field values', item);
    }
    checkKey(meta, method, index, item.key);
  });
  return list as ReadonlyArray<{ key: PrimaryKeyValue; changes: Bag }>;
}

function keyListOf(meta: ModelMeta, method: string, keys: unknown): readonly PrimaryKeyValue[] {
  const list = listOf(meta, method, 'primary keys', keys);
  list.forEach((key, index) => checkKey(meta, method, index, key));
  return list as readonly PrimaryKeyValue[];
}

/** A key must be one scalar of the primary key's type: an array or object would turn into IN or operators. */
function checkKey(meta: ModelMeta, method: string, index: number, key: unknown): void {
  const pk = meta.primaryKey;
  if (key === null || key === undefined || typeof key === 'object' || !fitsField(pk, key)) {
    const expected = expectedOf(pk);
    throw new InvalidQueryError(
      `${meta.name}.objects.${method}(): item ${index} has key ${describeValue(key)}, but ${meta.name}.${pk.property} expects ${expected}.`,
      { model: meta.name, field: pk.property, expected, value: key, method, index },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Keys compared by value

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function givenKey(value: unknown): PrimaryKeyValue | null {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' ? value : null;
}

/** The primary key a row claims, unless the database generates it (such a row fails on its own). */
function primaryKeyOf(meta: ModelMeta, row: Bag): ItemKey[] {
  const pk = meta.primaryKey;
  const value = row[pk.property];
  if (!present(value) || pk.generated === 'autoincrement') return [];
  return [{ id: keyId(pk, value), key: value }];
}

/** The key of a unique group when every field of it has a value in the row (nulls never collide). */
function groupKey(meta: ModelMeta, name: string, fields: readonly string[], row: Bag): ItemKey[] {
  if (!fields.every((f) => present(row[f]))) return [];
  const values = fields.map((f) => valueId(meta.fieldsByProperty.get(f), row[f]));
  return [{ id: JSON.stringify([name, ...values]), key: Object.fromEntries(fields.map((f) => [f, row[f]])) }];
}

function keyId(pk: FieldMeta, value: unknown): string {
  return JSON.stringify(['', valueId(pk, value)]);
}

const INTEGER_TEXT = /^[-+]?\d+$/;

/** One text per stored value: 1, 1n and '1' (of an integer field) are one key; so are equal Dates. */
function valueId(field: FieldMeta | undefined, value: unknown): string {
  const type = field?.type;
  if (typeof value === 'bigint') return `i:${value}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `i:${BigInt(value)}` : `f:${value}`;
  if (value instanceof Date) return `t:${value.getTime()}`;
  if (typeof value === 'string') {
    if ((type === 'integer' || type === 'bigint') && INTEGER_TEXT.test(value)) return `i:${BigInt(value)}`;
    if ((type === 'datetime' || type === 'date') && !Number.isNaN(Date.parse(value))) return `t:${Date.parse(value)}`;
    return `s:${value}`;
  }
  try {
    return `j:${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`;
  } catch {
    return `x:${String(value)}`;
  }
}
