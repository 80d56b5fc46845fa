import { InvalidQueryError } from '../errors';
import type { CriteriaInput } from './criteria';
import type { Manager } from './manager';
import type { Criteria } from './types';

/** Options of `iterate`. */
export interface IterateOptions {
  /** Rows read per query. Default 1,000. */
  batchSize?: number;
  /** Relations to load with each batch (one query per relation per batch). */
  include?: readonly string[];
}

/**
 * Streams every matching row in primary-key order, one batch per query (keyset pagination:
 * `WHERE pk > last ORDER BY pk LIMIT n`), so memory stays flat for any table size and rows
 * inserted or deleted meanwhile never make it skip or repeat a row.
 */
export async function* iterateRows<T extends object>(
  manager: Manager<T>, criteria: CriteriaInput | undefined, options: IterateOptions = {},
): AsyncGenerator<T, void, undefined> {
  const size = options.batchSize ?? 1000;
  if (!Number.isSafeInteger(size) || size < 1) throw new InvalidQueryError('iterate batchSize must be a positive integer.', { model: manager.meta.name, batchSize: size });
  const pk = manager.meta.primaryKey.property;
  let last: unknown;
  for (;;) {
    const after = last === undefined ? undefined : { [pk]: { gt: last } };
    const where = !after ? criteria : criteria ? { AND: [criteria, after] } : after;
    const rows = await manager.filter(where as Criteria<T> | undefined, { orderBy: pk, limit: size, include: options.include });
    for (const row of rows) yield row;
    if (rows.length < size) return;
    last = (rows[rows.length - 1] as Record<string, unknown>)[pk];
  }
}
