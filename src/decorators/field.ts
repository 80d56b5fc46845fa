import type { FieldOptions, PrimaryKeyOptions } from '../metadata/options';
import { designTypeOf } from '../metadata/reflect-type';
import { recordOf } from '../metadata/store';

/**
 * Declares a persisted field. The column type comes from the property's TypeScript type unless
 * `type` is given (give it when compiling with esbuild or tsx, which emit no type metadata).
 *
 * @example
 * @field() name!: string;
 * @field({ type: 'text', nullable: true }) role!: string | null;   // `T | null` needs an explicit type
 * @field({ type: 'json', nullable: true }) profile!: Record<string, unknown> | null;
 */
export function field(options: FieldOptions = {}): PropertyDecorator {
  return (target, key) => {
    const property = String(key);
    recordOf(target.constructor).fields.set(property, { property, options, designType: designTypeOf(target, property) });
  };
}

/**
 * Declares the primary key: a database-generated integer by default, a caller-supplied value with
 * `{ autoincrement: false }`, a regista-generated UUID with `{ type: 'uuid' }`.
 *
 * @example
 * @primaryKey() id!: number;
 * @primaryKey({ type: 'uuid' }) id!: string;
 */
export function primaryKey(options: PrimaryKeyOptions = {}): PropertyDecorator {
  return (target, key) => {
    const property = String(key);
    recordOf(target.constructor).fields.set(property, {
      property, options: {}, primaryKey: options, designType: designTypeOf(target, property),
    });
  };
}

function timestamp(auto: 'createdAt' | 'updatedAt'): PropertyDecorator {
  return (target, key) => {
    const property = String(key);
    recordOf(target.constructor).fields.set(property, {
      property, options: { type: 'datetime', auto, default: () => new Date() }, designType: designTypeOf(target, property),
    });
  };
}

/**
 * A Date that regista sets when the row is inserted.
 *
 * @example
 * @createdAt createdAt!: Date;
 */
export const createdAt: PropertyDecorator = timestamp('createdAt');

/**
 * A Date that regista sets when the row is inserted and on every update (save, updateWhere,
 * updatePaths, merge, upsert).
 *
 * @example
 * @updatedAt updatedAt!: Date;
 */
export const updatedAt: PropertyDecorator = timestamp('updatedAt');
