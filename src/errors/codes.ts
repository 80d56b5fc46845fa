/**
 * Stable numeric error codes. They never change meaning once released; new codes are appended.
 * docs/errors.md lists every code with its class and when it is raised.
 */
export const ErrorCodes = {
  REGISTA: 1000,
  CONFIGURATION: 1001,
  MODEL_REGISTRATION: 1002,
  CONNECTION: 1003,
  VALIDATION: 1100,
  INVALID_QUERY: 1200,
  DUPLICATE_BATCH_KEY: 1210,
  RECORD_NOT_FOUND: 1300,
  MULTIPLE_RECORDS_FOUND: 1301,
  CONSTRAINT_VIOLATION: 1400,
  DUPLICATE_KEY: 1401,
  UNIQUE_CONSTRAINT: 1402,
  NOT_NULL_VIOLATION: 1403,
  FOREIGN_KEY_VIOLATION: 1404,
  CHECK_VIOLATION: 1405,
  INVALID_PRIMARY_KEY_ASSIGNMENT: 1410,
  IMMUTABLE_FIELD: 1411,
  SCHEMA: 1500,
  MIGRATION: 1501,
  CIRCULAR_DEPENDENCY: 1502,
  SCHEMA_NEWER_THAN_CODE: 1503,
  RELATIONSHIP: 1600,
  TRANSACTION: 1700,
  STALE_PLAN: 1800,
  DATABASE: 1900,
} as const;

/** One of the values of {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
