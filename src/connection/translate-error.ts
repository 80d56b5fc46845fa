import type { Dialect, ErrorClassification } from '../dialects/dialect';
import {
  CheckViolationError, ConnectionError, DatabaseError, DuplicateKeyError, ForeignKeyViolationError,
  NotNullViolationError, RegistaError, SchemaError, UniqueConstraintError,
} from '../errors';
import type { ModelMeta } from '../metadata/model-meta';

/**
 * Turns any driver error into a typed RegistaError, naming the model and fields where it can.
 * The driver error stays reachable as `cause`; it never reaches the user on its own.
 */
export function translateError(error: unknown, dialect: Dialect, model?: ModelMeta): RegistaError {
  if (error instanceof RegistaError) return error;
  const c = dialect.classifyError(error);
  const driverMessage = error instanceof Error ? error.message : String(error);
  const name = model?.name ?? c.table ?? 'row';
  const fields = fieldsOf(c, model);
  const details = { model: model?.name, table: c.table ?? model?.table, fields, constraint: c.constraint };
  const cause = { cause: error };
  switch (c.kind) {
    case 'primaryKey':
      return new DuplicateKeyError(`${name} with this primary key (${fields.join(', ')}) already exists.`, details, cause);
    case 'unique':
      if (model && fields.length === 1 && fields[0] === model.primaryKey.property) {
        return new DuplicateKeyError(`${name} with this primary key (${fields[0]}) already exists.`, details, cause);
      }
      return new UniqueConstraintError(`${name} with the same ${fields.join(' + ') || c.constraint || 'unique values'} already exists.`, details, cause);
    case 'notNull':
      return new NotNullViolationError(`${name}.${fields.join(', ') || '?'} cannot be null.`, details, cause);
    case 'foreignKey':
      return new ForeignKeyViolationError(`Foreign key violation on ${name}${fields.length ? ` (${fields.join(', ')})` : ''}: ${driverMessage}`, details, cause);
    case 'check':
      return new CheckViolationError(`Check constraint failed on ${name}${c.constraint ? ` (${c.constraint})` : ''}: ${driverMessage}`, details, cause);
    case 'connection':
      return new ConnectionError(`Cannot reach the ${dialect.name} database: ${driverMessage}`, { dialect: dialect.name }, cause);
    case 'undefinedTable':
      return new SchemaError(`Table ${c.table ?? model?.table ?? ''} does not exist: ${driverMessage}`, details, cause);
    default:
      return new DatabaseError(`${dialect.name} error: ${driverMessage}`, { model: model?.name }, cause);
  }
}

/** Property names behind the columns (or constraint) the database reported. */
function fieldsOf(c: ErrorClassification, model?: ModelMeta): string[] {
  if (model && c.constraint) {
    const index = [...model.uniques, ...model.indexes].find((i) => i.name === c.constraint);
    if (index) return [...index.fields];
  }
  const columns = c.columns ?? [];
  if (!model) return columns;
  return columns.map((col) => model.fields.find((f) => f.column === col)?.property ?? col);
}
