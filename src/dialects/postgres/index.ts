/** PostgreSQL dialect on pg. */
export { PostgresDialect, POSTGRES_DRIVERS, type PostgresDriverName } from './postgres-dialect';
export { pgDriver } from './pg-driver';
export { getTypeParser } from './type-parsers';
export { classifyPostgresError } from './classify-error';
