import { RegistaError } from './base';
import { ErrorCodes } from './codes';

/** One field that failed validation, with every constraint it failed and the messages. */
export interface FieldViolation {
  field: string;
  constraints: Record<string, string>;
  value?: unknown;
}

/** Data failed validation before the database was touched. `details.errors` lists every field. */
export class ValidationError extends RegistaError {
  static override readonly code = ErrorCodes.VALIDATION;
  readonly errors: FieldViolation[];

  constructor(message: string, model: string, errors: FieldViolation[]) {
    super(message, { model, errors });
    this.errors = errors;
  }

  /** Builds the error for a model from its list of violations. */
  static forModel(model: string, errors: FieldViolation[]): ValidationError {
    const summary = errors
      .map((e) => `${e.field} (${Object.values(e.constraints).join('; ')})`)
      .join(', ');
    return new ValidationError(`${model} failed validation: ${summary}`, model, errors);
  }
}
