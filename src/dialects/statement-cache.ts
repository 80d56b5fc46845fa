/**
 * A bounded cache of prepared statements (or statement names), one map per raw driver connection.
 *
 * Entries are keyed by SQL text. When a connection's map is full the oldest entry is evicted
 * (insertion order, no recency bookkeeping: the hot path stays at two map look-ups).
 */
export class StatementCache<T> {
  private readonly byConnection = new WeakMap<object, Map<string, T>>();

  /**
   * @param limit most entries kept per connection.
   * @param onEvict called with an entry pushed out by a newer one (e.g. to finalize it).
   * @param onFirstUse called once per connection, when its map is created (e.g. to hook its close).
   */
  constructor(
    private readonly limit: number,
    private readonly onEvict?: (connection: object, sql: string, entry: T) => void,
    private readonly onFirstUse?: (connection: object, entries: Map<string, T>) => void,
  ) {}

  /** The cached entry of `sql` on `connection`, if any. */
  get(connection: object, sql: string): T | undefined {
    return this.byConnection.get(connection)?.get(sql);
  }

  /** Stores an entry, evicting the oldest one when the connection's map is full. */
  set(connection: object, sql: string, entry: T): void {
    let entries = this.byConnection.get(connection);
    if (entries === undefined) {
      entries = new Map();
      this.byConnection.set(connection, entries);
      this.onFirstUse?.(connection, entries);
    }
    if (!entries.has(sql) && entries.size >= this.limit) {
      const oldest = entries.entries().next().value;
      if (oldest !== undefined) {
        entries.delete(oldest[0]);
        this.onEvict?.(connection, oldest[0], oldest[1]);
      }
    }
    entries.set(sql, entry);
  }

  /** Forgets every entry of `connection` (without calling `onEvict`). */
  clear(connection: object): void {
    this.byConnection.get(connection)?.clear();
  }

  /** Forgets the entry of `sql` on `connection` (without calling `onEvict`). */
  delete(connection: object, sql: string): void {
    this.byConnection.get(connection)?.delete(sql);
  }
}

/** Per-connection statement cache size used by every driver. */
export const STATEMENT_CACHE_LIMIT = 1000;
