import { RegistaError, describeValue } from './base';
import { ErrorCodes } from './codes';

/** A query cannot be built: unknown field, wrong value type, empty criteria where forbidden... */
export class InvalidQueryError extends RegistaError {
  static override readonly code = ErrorCodes.INVALID_QUERY;

  static unknownField(model: string, field: string, available: readonly string[]): InvalidQueryError {
    return new InvalidQueryError(
      `${model} has no field "${field}". Available fields: ${available.join(', ')}.`,
      { model, field, available: [...available] },
    );
  }

  static badValue(model: string, field: string, expected: string, value: unknown): InvalidQueryError {
    return new InvalidQueryError(
      `${model}.${field} expects ${expected}, got ${describeValue(value)}.`,
      { model, field, expected, value },
    );
  }
}

/** No row matched where one was required (`require`, `refresh`). */
export class RecordNotFoundError extends RegistaError {
  static override readonly code = ErrorCodes.RECORD_NOT_FOUND;

  static for(model: string, criteria: unknown): RecordNotFoundError {
    return new RecordNotFoundError(`No ${model} matches ${describeValue(criteria)}.`, { model, criteria });
  }
}

/** `get(criteria)` matched more than one row: use `filter` or `first`, or narrower criteria. */
export class MultipleRecordsFoundError extends RegistaError {
  static override readonly code = ErrorCodes.MULTIPLE_RECORDS_FOUND;

  static for(model: string, criteria: unknown): MultipleRecordsFoundError {
    return new MultipleRecordsFoundError(
      `More than one ${model} matches ${describeValue(criteria)}; get() expects at most one. Use filter() or first(), or narrower criteria.`,
      { model, criteria },
    );
  }
}
