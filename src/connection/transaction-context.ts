import { AsyncLocalStorage } from 'node:async_hooks';

/** One level of a transaction: the outermost BEGIN or a SAVEPOINT. */
export interface TransactionFrame {
  /** Callbacks run if this level rolls back (e.g. forget that a table was created in it). */
  readonly onRollback: Array<() => void>;
  /** Callbacks run once the outermost transaction commits (e.g. remember that a table now exists). */
  readonly onCommit: Array<() => void>;
}

/** The state of an open transaction on one database, shared by every call in its async scope. */
export interface TransactionState {
  readonly connection: unknown;
  readonly frames: TransactionFrame[];
  savepoints: number;
  closed: boolean;
}

const storage = new AsyncLocalStorage<ReadonlyMap<object, TransactionState>>();

/** The open transaction of `database` in the current async scope, if any. */
export function currentTransaction(database: object): TransactionState | undefined {
  return storage.getStore()?.get(database);
}

/** Runs `fn` with `state` as the open transaction of `database` in its async scope. */
export function runInTransaction<R>(database: object, state: TransactionState, fn: () => Promise<R>): Promise<R> {
  const outer = storage.getStore();
  const next = new Map(outer ?? []);
  next.set(database, state);
  return storage.run(next, fn);
}
