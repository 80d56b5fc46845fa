import 'reflect-metadata';

/**
 * The one place that reads TypeScript's emitted design-type metadata. Returns undefined when the
 * compiler did not emit it (esbuild, tsx and some test runners strip it).
 */
export function designTypeOf(prototype: object, property: string): unknown {
  return Reflect.getMetadata('design:type', prototype, property);
}
