export { ErrorCodes, type ErrorCode } from './codes';
export { RegistaError, describeValue, type ErrorDetails, type SerializedError } from './base';
export { ConfigurationError, ModelRegistrationError, ConnectionError } from './configuration';
export { ValidationError, type FieldViolation } from './validation';
export { InvalidQueryError, RecordNotFoundError, MultipleRecordsFoundError } from './query';
export { DuplicateBatchKeyError } from './batch';
export {
  ConstraintViolationError, DuplicateKeyError, UniqueConstraintError, NotNullViolationError,
  ForeignKeyViolationError, CheckViolationError, InvalidPrimaryKeyAssignmentError, ImmutableFieldError,
} from './constraint';
export {
  SchemaError, MigrationError, CircularDependencyError, SchemaNewerThanCodeError, RelationshipError, TransactionError,
  DatabaseError, StalePlanError,
} from './schema';
