import { validate, type ValidationError as ClassValidatorError } from 'class-validator';
import type { FieldViolation } from '../errors';

/**
 * Runs the class-validator decorators of an instance. With `partial`, only properties that are
 * set are checked (for updates of some fields). This is the only file that imports class-validator.
 */
export async function classValidatorViolations(instance: object, partial: boolean): Promise<FieldViolation[]> {
  const errors = await validate(instance, {
    skipNullProperties: true,
    skipMissingProperties: partial,
    forbidUnknownValues: false,
    validationError: { target: false, value: true },
  });
  return errors.flatMap((e) => flatten(e, ''));
}

function flatten(error: ClassValidatorError, prefix: string): FieldViolation[] {
  const field = prefix + error.property;
  const own: FieldViolation[] = error.constraints ? [{ field, constraints: { ...error.constraints }, value: error.value }] : [];
  return [...own, ...(error.children ?? []).flatMap((c) => flatten(c, `${field}.`))];
}
