/**
 * regista: decorated models with a Django-style `objects` manager on SQLite and PostgreSQL.
 * This file is the whole public surface; anything not exported here is internal.
 */
import 'reflect-metadata';
import './schema/create-all';

// Models and decorators
export { Model, isModel, type ModelInstance, type ModelStatics, type ModelClass } from './model/model';
export { model } from './decorators/model';
export { field, primaryKey, createdAt, updatedAt } from './decorators/field';
export { beforeInsert, afterInsert, beforeUpdate, afterUpdate, beforeDelete, afterDelete } from './decorators/hooks';
export type { HookEvent } from './metadata/hook-meta';
export { hasMany, belongsTo, hasManyThrough, defineRelation } from './decorators/relations';
export {
  HasMany, BelongsTo, HasManyThrough,
  type Relation, type HasManyOptions, type BelongsToOptions, type HasManyThroughOptions, type OnDelete,
} from './metadata/relation-meta';
export { RelatedManager } from './relations/related-manager';
export type { ModelOptions, FieldOptions, PrimaryKeyOptions } from './metadata/options';
export type { FieldType, FieldMeta } from './metadata/field-meta';
export type { ModelMeta, IndexMeta } from './metadata/model-meta';
export { registry, ModelRegistry } from './metadata/registry';

// Manager and queries
export { Manager, type GetOptions } from './manager/manager';
export type { BatchOptions, BatchResult, BatchFailure } from './manager/batch-writes';
export type { QueryOptions } from './manager/select-query';
export { QuerySet, type Page, type Aggregate } from './manager/query-set';
export type { BulkCreateOptions, BulkUpsertOptions, BulkResult, RowSource } from './manager/bulk';
export type { IterateOptions } from './manager/iterate';
export { SyncPlan, type SyncOptions, type SyncUpdate, type SyncResult } from './manager/sync';
export { OPERATORS, type Operator } from './manager/criteria';
export { parseFilter } from './query/expression-parser';
export type {
  CreateData, Criteria, DataKeys, FieldCondition, ModelData, Operators, PrimaryKeyValue, RelationKeys, RelatedModel,
} from './manager/types';

// Connections and transactions
export { connect, getDatabase, disconnectAll, transaction, DEFAULT_DATABASE_URL, type ConnectOptions } from './connection/connect';
export { Database, type QueryEvent, type SchemaEvent } from './connection/database';
export type { Dialect, DialectCapabilities } from './dialects/dialect';

// Schema
export { dependencyOrder } from './schema/create-all';

// Schema lifecycle: offline DDL, diff, plan and apply
export { generateSchemaSql, type GenerateSchemaSqlOptions } from './schema/generate-sql';
export { SchemaPlan, type PlanOptions } from './schema/plan';
export type { SchemaApplyResult } from './schema/apply-plan';
export type { SchemaOperation, SchemaChange, OperationKind } from './schema/operations';
export { expectedCatalog } from './schema/expected-catalog';
export { diffCatalogs, type DiffOptions } from './schema/diff';
export type { Catalog, CatalogTable, CatalogColumn, CatalogConstraint, CatalogIndex, CatalogForeignKey, CatalogEnum } from './schema/catalog';

// Evolutions
export { defineEvolution, forgetEvolutions, evolutionDefinitions, checksumOf, type EvolutionDefinition, type EvolutionStep } from './evolutions/definition';
export { evolutionOrder } from './evolutions/graph';
export type { EvolveOptions, EvolutionStatus, EvolutionStepPlan, EvolutionProgress } from './evolutions/evolve';
export { loadModules } from './evolutions/load';

// Errors
export {
  ErrorCodes, RegistaError, ConfigurationError, ModelRegistrationError, ConnectionError, ValidationError,
  InvalidQueryError, DuplicateBatchKeyError, RecordNotFoundError, MultipleRecordsFoundError, ConstraintViolationError, DuplicateKeyError,
  UniqueConstraintError, NotNullViolationError, ForeignKeyViolationError, CheckViolationError,
  InvalidPrimaryKeyAssignmentError, ImmutableFieldError, SchemaError, MigrationError, CircularDependencyError, SchemaNewerThanCodeError, RelationshipError,
  TransactionError, DatabaseError, StalePlanError,
  type ErrorCode, type ErrorDetails, type SerializedError, type FieldViolation,
} from './errors';
