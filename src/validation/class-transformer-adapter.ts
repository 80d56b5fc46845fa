import { plainToInstance } from 'class-transformer';

/**
 * Turns plain JSON (an object, or an array of objects) into instances of a document class, so that
 * class-validator's nested rules (`@ValidateNested`, `@Type`) apply and reads return real instances.
 * The only file that imports class-transformer.
 */
export function toDocumentInstance(cls: Function, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof cls) return value;
  return plainToInstance(cls as new () => object, value as object);
}
