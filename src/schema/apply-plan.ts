import type { Database } from '../connection/database';
import { runInTransaction, type TransactionState } from '../connection/transaction-context';
import { MigrationError, StalePlanError, TransactionError } from '../errors';
import { compiledModel } from '../manager/compiled-model';
import type { ModelMeta } from '../metadata/model-meta';
import type { Catalog } from './catalog';
import { forgetReady } from './ensure-table';
import type { SchemaOperation } from './operations';

/** What `plan.apply()` did. */
export interface SchemaApplyResult {
  /** Operations carried out. */
  applied: number;
  /** Operations left out (destructive without `allowDestructive`, or blocked by the data). */
  skipped: number;
  /** Statements run. */
  statements: number;
}

/** What {@link applyOperations} needs from the plan. */
export interface ApplyInput {
  readonly db: Database;
  readonly operations: readonly SchemaOperation[];
  /** Reads the schema again (restricted to the plan's scope), to refuse a plan the database has outgrown. */
  readonly inspect: () => Promise<Catalog>;
  /** The schema the plan was made from, as JSON. */
  readonly planned: string;
  /** Models whose tables the plan touches (their readiness is forgotten afterwards). */
  readonly models: readonly ModelMeta[];
}

interface KnexClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void>;
}

/**
 * Runs `fn` with one connection held for it alone: every statement of `db` inside it runs on that
 * connection (it stands as the caller's transaction context), so statements before BEGIN and after
 * COMMIT (SQLite's `PRAGMA foreign_keys`, a no-op inside a transaction) reach the same connection
 * as the transaction itself. knex's pool (for SQLite: the one-connection mutex) lends it.
 */
async function withHeldConnection<R>(db: Database, fn: (state: TransactionState) => Promise<R>): Promise<R> {
  const client = db.knex.client as KnexClient;
  const connection = await client.acquireConnection();
  const state: TransactionState = { connection, frames: [{ onRollback: [], onCommit: [] }], savepoints: 0, closed: false };
  try {
    return await runInTransaction(db, state, () => fn(state));
  } finally {
    state.closed = true;
    await client.releaseConnection(connection);
  }
}

/**
 * Applies the operations that are not skipped, in order, in one transaction where DDL is
 * transactional, under the schema lock of every table they touch. The schema is read again first:
 * a difference from the planned one refuses with StalePlanError, changing nothing. Rebuilds run
 * with foreign keys off around the transaction, and their tables must pass the foreign key check
 * before the commit.
 */
export async function applyOperations(input: ApplyInput): Promise<SchemaApplyResult> {
  const { db, operations } = input;
  const dialect = db.dialect;
  const todo = operations.filter((o) => !o.skipped && o.sql.length > 0);
  const result: SchemaApplyResult = { applied: 0, skipped: operations.filter((o) => o.skipped).length, statements: 0 };
  if (todo.length === 0) return result;
  const tables = [...new Set(todo.map((o) => o.table).filter((t): t is string => t !== undefined))].sort();
  const rebuilt = todo.filter((o) => o.kind === 'RebuildTable').map((o) => o.table!);
  const foreignKeysOff = todo.some((o) => o.foreignKeysOff);

  const body = async (): Promise<void> => {
    for (const table of tables) await db.runAll(dialect.schemaLockSql(`regista:schema:${table}`));
    const now = JSON.stringify(await input.inspect());
    if (now !== input.planned) {
      throw new StalePlanError('The database schema changed since this plan was made; plan again.', { tables });
    }
    for (const op of todo) {
      for (const sql of op.sql) {
        await db.run(sql, [], false);
        result.statements++;
      }
      result.applied++;
    }
    for (const table of rebuilt) {
      const check = dialect.foreignKeyCheckSql(table);
      if (check === null) continue;
      const violations = await db.run(check, [], true);
      if (violations.rows.length > 0) {
        throw new MigrationError(
          `Rebuilding ${table} would break ${violations.rows.length} foreign key reference(s); nothing was changed.`,
          { table, violations: violations.rows },
        );
      }
    }
  };

  try {
    await run(db, body, foreignKeysOff, rebuilt);
  } finally {
    // Column types may have changed under statements prepared before.
    dialect.driver.forgetPreparedStatements?.();
  }
  const touched = new Set(tables);
  for (const meta of input.models) if (touched.has(meta.table)) forgetReady(compiledModel(meta, db));
  return result;
}

/** Runs `body` in the right kind of transaction: the caller's, a plain one, or one with foreign keys off around it. */
async function run(db: Database, body: () => Promise<void>, foreignKeysOff: boolean, rebuilt: readonly string[]): Promise<void> {
  const dialect = db.dialect;
  if (db.inTransaction()) {
    if (foreignKeysOff) {
      throw new TransactionError('This plan rebuilds tables, which needs foreign keys off around its own transaction: apply it outside a transaction.', { tables: rebuilt });
    }
    await db.transaction(body);
  } else if (!foreignKeysOff && dialect.capabilities.transactionalDdl) {
    await db.transaction(body);
  } else if (!dialect.capabilities.transactionalDdl) {
    await body();
  } else {
    await withHeldConnection(db, async (state) => {
      await db.runAll(dialect.foreignKeysSql(false));
      try {
        await db.run(dialect.beginSql, [], false);
        try {
          await body();
        } catch (error) {
          await db.run('ROLLBACK', [], false).catch(() => undefined);
          for (const cb of state.frames[0].onRollback) cb();
          throw error;
        }
        await db.run('COMMIT', [], false);
        for (const cb of state.frames[0].onCommit) cb();
      } finally {
        await db.runAll(dialect.foreignKeysSql(true));
      }
    });
  }
}
