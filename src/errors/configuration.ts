import { RegistaError, type ErrorDetails } from './base';
import { ErrorCodes } from './codes';

/** Wrong or missing configuration: an option, a field type regista cannot infer, a bad URL. */
export class ConfigurationError extends RegistaError {
  static override readonly code = ErrorCodes.CONFIGURATION;

  /** A field has no explicit `type` and no design-type metadata to infer one from. */
  static missingFieldType(model: string, field: string): ConfigurationError {
    return new ConfigurationError(
      `${model}.${field} has no column type: design-type metadata is absent (esbuild, tsx and some test runners strip it) ` +
        `or the type cannot be mapped. Fix: give the type explicitly, e.g. @field({ type: 'text' }), ` +
        `or compile with tsc/swc and "emitDecoratorMetadata": true.`,
      { model, field },
    );
  }

  /** A field's design type is Object, which names no column type. */
  static ambiguousFieldType(model: string, field: string): ConfigurationError {
    return new ConfigurationError(
      `${model}.${field} has design type Object, which names no column type. TypeScript records ` +
      `\`T | null\` (and object types) as Object, so the column type must be given: e.g. ` +
      `@field({ type: 'text', nullable: true }) for string | null, { type: 'integer', nullable: true } for ` +
      `number | null, { type: 'datetime', nullable: true } for Date | null, { type: 'json' } for objects.`,
      { model, field },
    );
  }
}

/** A model class cannot be registered: no primary key, a bad unique group, a table clash... */
export class ModelRegistrationError extends RegistaError {
  static override readonly code = ErrorCodes.MODEL_REGISTRATION;

  /** Every problem found in one model, reported together. */
  static forProblems(model: string, problems: string[], details: ErrorDetails = {}): ModelRegistrationError {
    const list = problems.map((p) => `  - ${p}`).join('\n');
    return new ModelRegistrationError(`Model ${model} cannot be registered:\n${list}`, { model, problems, ...details });
  }
}

/** A database cannot be reached or is not configured under the name a model asks for. */
export class ConnectionError extends RegistaError {
  static override readonly code = ErrorCodes.CONNECTION;

  static unknownDatabase(name: string): ConnectionError {
    return new ConnectionError(
      `No database named "${name}" is connected. Call connect(url, { name: '${name}' }) before using models bound to it.`,
      { database: name },
    );
  }
}
