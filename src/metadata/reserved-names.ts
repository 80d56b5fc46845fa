/**
 * Names a field may not take because instances or the `objects` manager use them.
 * test/registration.test.ts checks that this list covers every method of both.
 */
export const RESERVED_FIELD_NAMES: ReadonlySet<string> = new Set([
  // instance methods
  'save', 'delete', 'refresh', 'toJSON', 'isPersisted', 'related', 'constructor',
  // manager methods
  'objects', 'create', 'get', 'require', 'filter', 'all', 'first', 'last', 'exists', 'count', 'upsert',
  'updateWhere', 'deleteWhere', 'addColumn', 'ensureColumn', 'where', 'meta',
  'saveInstance', 'refreshInstance', 'deleteInstance', 'createMany', 'upsertMany', 'updateMany', 'deleteMany',
  'updatePaths', 'merge', 'findByExample', 'bulkCreate', 'bulkUpsert', 'iterate', 'sync', 'compiled',
]);
