import { RegistaError } from './base';
import { ErrorCodes } from './codes';

/** The schema cannot be created or read as asked. */
export class SchemaError extends RegistaError {
  static override readonly code = ErrorCodes.SCHEMA;
}

/** A schema change cannot be applied safely (a column exists, a NOT NULL column lacks a default...). */
export class MigrationError extends RegistaError {
  static override readonly code: (typeof ErrorCodes)[keyof typeof ErrorCodes] = ErrorCodes.MIGRATION;
}

/** Evolution packages depend on each other in a cycle; `details.cycle` is the path, e.g. ['a', 'b', 'a']. */
export class CircularDependencyError extends MigrationError {
  static override readonly code = ErrorCodes.CIRCULAR_DEPENDENCY;
}

/** The database records a newer version of a package than the code defines: refuse to touch it. */
export class SchemaNewerThanCodeError extends MigrationError {
  static override readonly code = ErrorCodes.SCHEMA_NEWER_THAN_CODE;
}

/** A relation is misconfigured or misused. */
export class RelationshipError extends RegistaError {
  static override readonly code = ErrorCodes.RELATIONSHIP;
}

/** A transaction was used wrongly (e.g. after it ended). */
export class TransactionError extends RegistaError {
  static override readonly code = ErrorCodes.TRANSACTION;
}

/** A database error regista has no more specific class for. The driver error is the `cause`. */
export class DatabaseError extends RegistaError {
  static override readonly code = ErrorCodes.DATABASE;
}

/** A sync plan was applied to rows that changed since it was planned; nothing was written. */
export class StalePlanError extends RegistaError {
  static override readonly code = ErrorCodes.STALE_PLAN;
}
