import { RegistaError, describeValue } from './base';
import { ErrorCodes } from './codes';

/**
 * The same key appears twice in one batch (`createMany`, `upsertMany`, `updateMany`, `deleteMany`).
 * Raised before anything is written. `details: { key, firstIndex, duplicateIndex, batchSize }`,
 * where `key` is the primary key value, or `{ field: value, ... }` for a unique group.
 *
 * @example
 * await User.objects.createMany([{ email: 'a@x.io' }, { email: 'a@x.io' }]);
 * // DuplicateBatchKeyError: details { key: { email: 'a@x.io' }, firstIndex: 0, duplicateIndex: 1, batchSize: 2 }
 */
export class DuplicateBatchKeyError extends RegistaError {
  static override readonly code = ErrorCodes.DUPLICATE_BATCH_KEY;

  /** Item `duplicateIndex` of a batch of `batchSize` repeats the key of item `firstIndex`. */
  static for(model: string, method: string, key: unknown, firstIndex: number, duplicateIndex: number, batchSize: number): DuplicateBatchKeyError {
    const what = key !== null && typeof key === 'object' && !(key instanceof Date)
      ? Object.entries(key).map(([field, value]) => `${field} ${describeValue(value)}`).join(', ')
      : `key ${describeValue(key)}`;
    return new DuplicateBatchKeyError(
      `${model}.objects.${method}(): item ${duplicateIndex} repeats item ${firstIndex} (${what}) in a batch of ${batchSize}. ` +
        'Nothing was written; merge or remove the duplicates.',
      { key, firstIndex, duplicateIndex, batchSize },
    );
  }
}
