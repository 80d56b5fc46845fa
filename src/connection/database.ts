import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import type { Dialect, QueryResult } from '../dialects/dialect';
import { ConnectionError, TransactionError } from '../errors';
import type { ModelMeta } from '../metadata/model-meta';
import type { PlanOptions, SchemaPlan } from '../schema/plan';
import type { Catalog } from '../schema/catalog';
import { poolSource, singleConnectionSource, type ConnectionSource } from './connection-source';
import { evolutionStatus, evolve, type EvolutionStatus, type EvolutionStepPlan, type EvolveOptions } from '../evolutions/evolve';
import { debugEnabled, debugLog } from './debug-log';
import { currentTransaction, runInTransaction, type TransactionState } from './transaction-context';
import { translateError } from './translate-error';

/** Reported for every statement regista sends, fast paths included. */
export interface QueryEvent {
  sql: string;
  bindings: readonly unknown[];
  durationMs: number;
  /** Connection name. */
  database: string;
  /** Set when the statement failed. */
  error?: Error;
}

/** Reported when regista changes the schema by itself (auto-create, additive evolution). */
export interface SchemaEvent {
  action: 'createTable' | 'addColumn' | 'dropTable';
  database: string;
  model: string;
  table: string;
  column?: string;
  sql: string[];
}

interface DatabaseEvents {
  query: [QueryEvent];
  schema: [SchemaEvent];
}

/** Hooks filled by the schema layer, so this file does not import it (imports point one way). */
export const schemaHooks: {
  createAll?: (db: Database) => Promise<void>;
  plan?: (db: Database, options?: PlanOptions) => Promise<SchemaPlan>;
} = {};

/**
 * A connected database: knex for pooling and raw SQL, the dialect for everything that differs
 * between databases, and the single path through which regista runs every statement.
 *
 * @example
 * const db = connect('sqlite::memory:');
 * db.on('query', (e) => console.log(e.sql, e.durationMs));
 * await db.transaction(async () => { ... });
 */
export class Database {
  private readonly events = new EventEmitter();
  private readonly perModel = new WeakMap<object, unknown>();
  private readonly logSql = debugEnabled('sql');
  private observed = this.logSql;
  private closed = false;
  private readonly connections: ConnectionSource;

  constructor(
    /** Connection name (`default` unless given). */
    readonly name: string,
    /** Everything that differs between databases; `dialect.name` is `sqlite` or `postgres`. */
    readonly dialect: Dialect,
    /** The knex instance: the escape hatch for raw SQL and query building. */
    readonly knex: Knex,
  ) {
    this.connections = dialect.capabilities.singleConnection ? singleConnectionSource(knex, () => currentTransaction(this)?.connection) : poolSource(knex);
  }

  /** Subscribes to `query` or `schema` events. */
  on<E extends keyof DatabaseEvents>(event: E, listener: (...args: DatabaseEvents[E]) => void): this {
    this.events.on(event, listener as (...args: unknown[]) => void);
    this.observed = this.logSql || this.events.listenerCount('query') > 0;
    return this;
  }

  /** Removes a listener added with `on`. */
  off<E extends keyof DatabaseEvents>(event: E, listener: (...args: DatabaseEvents[E]) => void): this {
    this.events.off(event, listener as (...args: unknown[]) => void);
    this.observed = this.logSql || this.events.listenerCount('query') > 0;
    return this;
  }

  /** Emits a schema event (used by the schema layer). */
  emitSchema(event: SchemaEvent): void {
    if (debugEnabled('schema')) debugLog('schema', `${event.action} ${event.table}${event.column ? `.${event.column}` : ''}`);
    this.events.emit('schema', event);
  }

  /**
   * Runs one statement in the current transaction of this database, or on a pooled connection.
   * Driver errors come back as typed RegistaErrors, naming `model`'s fields where possible.
   */
  async run(sql: string, bindings: readonly unknown[] = [], expectRows = true, model?: ModelMeta): Promise<QueryResult> {
    const tx = currentTransaction(this);
    if (tx) {
      if (tx.closed) throw new TransactionError('The transaction has already ended; do not use it after its callback returned.', { database: this.name });
      return this.runOn(tx.connection, sql, bindings, expectRows, model);
    }
    const connection = this.connections.tryAcquire() ?? (await this.acquire());
    try {
      return await this.runOn(connection, sql, bindings, expectRows, model);
    } finally {
      this.connections.release(connection);
    }
  }

  /**
   * Streams rows through the database's bulk-load protocol (PostgreSQL COPY), in the current
   * transaction or on a pooled connection. Reported as one query event. Returns rows loaded.
   */
  async copyIn(copySql: string, rows: Iterable<readonly unknown[]>, model?: ModelMeta): Promise<number> {
    const copy = this.dialect.driver.copyIn;
    if (!copy) throw new ConnectionError(`The ${this.dialect.name} driver has no bulk-load protocol.`, { dialect: this.dialect.name });
    const tx = currentTransaction(this);
    const connection = tx ? tx.connection : this.connections.tryAcquire() ?? (await this.acquire());
    const start = performance.now();
    try {
      const count = await copy(connection, copySql, rows);
      if (this.observed) this.report(copySql, [], start);
      return count;
    } catch (error) {
      const typed = translateError(error, this.dialect, model);
      if (this.observed) this.report(copySql, [], start, typed);
      throw typed;
    } finally {
      if (!tx) this.connections.release(connection);
    }
  }

  /**
   * `run` for hot paths: with a synchronous driver (better-sqlite3) and nothing observing queries,
   * the statement runs at once on the free (or transaction's) connection and its result comes back
   * without a promise; otherwise it is `run`. Errors are typed either way.
   */
  query(sql: string, bindings: readonly unknown[], expectRows: boolean, model?: ModelMeta): QueryResult | Promise<QueryResult> {
    const sync = this.dialect.driver.executeSync;
    if (sync !== undefined && !this.observed) {
      const tx = currentTransaction(this);
      const connection = tx ? (tx.closed ? undefined : tx.connection) : this.connections.tryAcquire();
      if (connection !== undefined) {
        try {
          return sync(connection, sql, bindings, expectRows);
        } catch (error) {
          throw translateError(error, this.dialect, model);
        } finally {
          if (!tx) this.connections.release(connection);
        }
      }
    }
    return this.run(sql, bindings, expectRows, model);
  }

  /** Runs several statements in order (schema scripts). */
  async runAll(statements: readonly string[], model?: ModelMeta): Promise<void> {
    for (const sql of statements) await this.run(sql, [], false, model);
  }

  /**
   * Runs `fn` in a transaction: commit when it resolves, rollback when it throws. Every regista
   * call on this database inside `fn` joins it; a nested call becomes a savepoint. `locking` is for
   * code that takes a lock and then re-reads (it must see what others committed meanwhile).
   */
  async transaction<R>(fn: (db: Database) => Promise<R>, options?: { locking?: boolean }): Promise<R> {
    const outer = currentTransaction(this);
    if (outer?.closed) throw new TransactionError('The transaction has already ended; do not use it after its callback returned.', { database: this.name });
    if (outer) return this.savepoint(outer, fn);
    const connection = await this.acquire();
    const state: TransactionState = { connection, frames: [{ onRollback: [], onCommit: [] }], savepoints: 0, closed: false };
    try {
      await this.runOn(connection, options?.locking ? this.dialect.lockingBeginSql : this.dialect.beginSql, [], false);
      let result: R;
      try {
        result = await runInTransaction(this, state, () => fn(this));
        state.closed = true;
        await this.runOn(connection, 'COMMIT', [], false);
      } catch (error) {
        state.closed = true;
        await this.runOn(connection, 'ROLLBACK', [], false).catch(() => undefined);
        for (const cb of state.frames[0].onRollback) cb();
        throw error;
      }
      for (const cb of state.frames[0].onCommit) cb();
      return result;
    } finally {
      this.connections.release(connection);
    }
  }

  /** Whether the caller runs inside a transaction of this database. */
  inTransaction(): boolean {
    return currentTransaction(this) !== undefined;
  }

  /** Runs `callback` once the current transaction commits, or at once outside a transaction. */
  afterCommit(callback: () => void): void {
    const tx = currentTransaction(this);
    if (tx) tx.frames[tx.frames.length - 1].onCommit.push(callback);
    else callback();
  }

  /** An object identifying the caller's open transaction of this database (for per-transaction memos). */
  transactionKey(): object | undefined {
    return currentTransaction(this);
  }

  /** Registers a callback for when the innermost open transaction level rolls back; no-op outside one. */
  onRollback(callback: () => void): void {
    const tx = currentTransaction(this);
    if (tx) tx.frames[tx.frames.length - 1].onRollback.push(callback);
  }

  /**
   * Reads the live schema into a {@link Catalog}: tables (PostgreSQL: of the current schema),
   * columns with normalised types and defaults, keys, uniques, foreign keys, indexes, checks and
   * enum types. Runs in the current transaction when there is one. See docs/schema-lifecycle.md.
   *
   * @example
   * const catalog = await db.inspect();
   * console.log(catalog.tables.map((t) => t.name));
   */
  inspect(): Promise<Catalog> {
    return this.dialect.introspect((sql, bindings = [], expectRows = true) => this.run(sql, bindings, expectRows));
  }

  /** Creates every registered model's table of this database, in dependency order. */
  async createAll(): Promise<void> {
    if (!schemaHooks.createAll) throw new ConnectionError('The schema layer is not loaded.', {});
    await schemaHooks.createAll(this);
  }

  /**
   * Brings this database to the code's version of every defined evolution package (or the given
   * ones with their dependencies), dependencies first. See docs/evolutions.md.
   *
   * @example
   * await db.evolve();                          // everything
   * await db.evolve(['app']);                   // app and what it depends on
   * const steps = await db.evolve({ dryRun: true });
   */
  evolve(packagesOrOptions?: readonly string[] | EvolveOptions): Promise<EvolutionStepPlan[]> {
    const options = Array.isArray(packagesOrOptions) ? { packages: packagesOrOptions as readonly string[] } : (packagesOrOptions as EvolveOptions | undefined);
    return evolve(this, options);
  }

  /** Recorded version, code version and pending steps of each evolution package. */
  evolutionStatus(packages?: readonly string[]): Promise<EvolutionStatus[]> {
    return evolutionStatus(this, packages);
  }

  /**
   * Compares this database's models with its schema and returns the plan that reconciles them:
   * typed operations with their SQL, destructive ones skipped unless `allowDestructive`. Changes
   * nothing until `plan.apply()`. See docs/schema-lifecycle.md.
   *
   * @example
   * const plan = await db.plan();
   * console.log(plan.toString());
   * await plan.apply();
   */
  async plan(options?: PlanOptions): Promise<SchemaPlan> {
    if (!schemaHooks.plan) throw new ConnectionError('The schema layer is not loaded.', {});
    return schemaHooks.plan(this, options);
  }

  /** Per-database state of a model (compiled SQL, schema readiness), built once. */
  memo<T>(key: object, make: () => T): T {
    let value = this.perModel.get(key) as T | undefined;
    if (value === undefined) {
      value = make();
      this.perModel.set(key, value);
    }
    return value;
  }

  /** Closes the pool. The database cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connections.close();
    await this.knex.destroy();
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  private async savepoint<R>(tx: TransactionState, fn: (db: Database) => Promise<R>): Promise<R> {
    const name = `regista_sp_${++tx.savepoints}`;
    const frame = { onRollback: [] as Array<() => void>, onCommit: [] as Array<() => void> };
    await this.runOn(tx.connection, `SAVEPOINT ${name}`, [], false);
    tx.frames.push(frame);
    try {
      const result = await fn(this);
      await this.runOn(tx.connection, `RELEASE SAVEPOINT ${name}`, [], false);
      tx.frames.pop();
      const parent = tx.frames[tx.frames.length - 1];
      parent.onRollback.push(...frame.onRollback);
      parent.onCommit.push(...frame.onCommit);
      return result;
    } catch (error) {
      tx.frames.pop();
      await this.runOn(tx.connection, `ROLLBACK TO SAVEPOINT ${name}`, [], false).catch(() => undefined);
      await this.runOn(tx.connection, `RELEASE SAVEPOINT ${name}`, [], false).catch(() => undefined);
      for (const cb of frame.onRollback) cb();
      throw error;
    }
  }

  private async runOn(
    connection: unknown, sql: string, bindings: readonly unknown[], expectRows: boolean, model?: ModelMeta,
  ): Promise<QueryResult> {
    if (!this.observed) {
      try {
        return await this.dialect.driver.execute(connection, sql, bindings, expectRows);
      } catch (error) {
        throw translateError(error, this.dialect, model);
      }
    }
    const start = performance.now();
    try {
      const result = await this.dialect.driver.execute(connection, sql, bindings, expectRows);
      this.report(sql, bindings, start);
      return result;
    } catch (error) {
      const typed = translateError(error, this.dialect, model);
      this.report(sql, bindings, start, typed);
      throw typed;
    }
  }

  private report(sql: string, bindings: readonly unknown[], start: number, error?: Error): void {
    const durationMs = performance.now() - start;
    if (this.logSql) debugLog('sql', `${durationMs.toFixed(2)}ms ${sql}${bindings.length ? ` ${JSON.stringify(bindings, bigintSafe)}` : ''}${error ? ` -> ${error.name}` : ''}`);
    this.events.emit('query', { sql, bindings, durationMs, database: this.name, error } satisfies QueryEvent);
  }

  private async acquire(): Promise<unknown> {
    if (this.closed) throw new ConnectionError(`Database "${this.name}" is closed.`, { database: this.name });
    try {
      return await this.connections.acquire();
    } catch (error) {
      throw translateError(error, this.dialect);
    }
  }

}

function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}
