import { createHash } from 'node:crypto';
import { InvalidQueryError, StalePlanError } from '../errors';
import { chunks, type RowSource } from './bulk';
import type { CompiledField, CompiledModel } from './compiled-model';
import { compileCriteria } from './criteria';
import type { Manager } from './manager';

type Bag = Record<string, unknown>;

/** Options of `sync`. */
export interface SyncOptions {
  /** Fields that identify a row in both sets (a unique field or group, or the primary key). */
  key: readonly string[];
  /** Delete rows of the table that are not in the desired set. Default false. */
  delete?: boolean;
  /** Fields to compare. Default: every field given in the desired rows, but the key and the primary key. */
  fields?: readonly string[];
}

/** One planned update: the row's key and, per field, the value stored now and the desired one. */
export interface SyncUpdate {
  key: Bag;
  changes: Record<string, { from: unknown; to: unknown }>;
}

/** What `apply()` did. */
export interface SyncResult {
  created: number;
  updated: number;
  deleted: number;
}

/**
 * The difference between a desired set of rows and a table, as typed operations that can be
 * printed, serialised, and applied in one transaction. Applying refuses (StalePlanError) when any
 * row the plan touches changed since it was planned.
 */
export class SyncPlan<T extends object> {
  /** @internal */
  constructor(
    private readonly manager: Manager<T>,
    private readonly keyFields: readonly string[],
    readonly creates: readonly Bag[],
    readonly updates: readonly SyncUpdate[],
    readonly deletes: readonly Bag[],
    readonly unchanged: number,
    /** Fingerprint of the stored rows the plan touches, checked again by apply(). */
    readonly fingerprint: string,
  ) {}

  /** Whether applying would change nothing. */
  get isEmpty(): boolean {
    return this.creates.length === 0 && this.updates.length === 0 && this.deletes.length === 0;
  }

  /** The plan as plain data (bigint as string, Dates as ISO strings via JSON). */
  toJSON(): Record<string, unknown> {
    return jsonSafe({
      model: this.manager.meta.name,
      key: this.keyFields,
      creates: this.creates,
      updates: this.updates,
      deletes: this.deletes,
      unchanged: this.unchanged,
      fingerprint: this.fingerprint,
    }) as Record<string, unknown>;
  }

  /** A readable summary: one line per operation. */
  toString(): string {
    const fmt = (v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Date ? v.toISOString() : JSON.stringify(v));
    const keyOf = (row: Bag) => this.keyFields.map((k) => `${k}=${fmt(row[k])}`).join(', ');
    const lines = [`${this.manager.meta.name}: ${this.creates.length} to create, ${this.updates.length} to update, ${this.deletes.length} to delete, ${this.unchanged} unchanged`];
    for (const row of this.creates) lines.push(`  + ${keyOf(row)}`);
    for (const u of this.updates) {
      lines.push(`  ~ ${keyOf(u.key)}: ${Object.entries(u.changes).map(([f, c]) => `${f} ${fmt(c.from)} -> ${fmt(c.to)}`).join('; ')}`);
    }
    for (const row of this.deletes) lines.push(`  - ${keyOf(row)}`);
    return lines.join('\n');
  }

  /**
   * Applies the plan in one transaction: creates and updates, then deletes. The rows it touches are
   * locked and compared with the fingerprint first; any difference refuses with StalePlanError.
   */
  async apply(): Promise<SyncResult> {
    const manager = this.manager;
    const m = await manager.compiled();
    return m.db.transaction(async () => {
      const touched = [...this.updates.map((u) => u.key), ...this.deletes, ...this.creates.map((c) => pick(c, this.keyFields))];
      const now = await fingerprintOf(m, this.keyFields, touched, true);
      if (now !== this.fingerprint) {
        throw new StalePlanError(
          `The ${m.meta.name} rows this plan touches changed since it was planned; plan again.`,
          { model: m.meta.name, planned: this.fingerprint, found: now },
        );
      }
      if (this.creates.length > 0) await manager.createMany(this.creates as never[]);
      for (const u of this.updates) {
        const changes: Bag = {};
        for (const [f, c] of Object.entries(u.changes)) changes[f] = c.to;
        await manager.updateWhere(u.key as never, changes as never);
      }
      let deleted = 0;
      for (const key of this.deletes) deleted += await manager.deleteWhere(key as never);
      return { created: this.creates.length, updated: this.updates.length, deleted };
    });
  }
}

/** Builds the plan: reads the desired rows and the stored ones (in batches), and compares them. */
export async function planSync<T extends object>(manager: Manager<T>, desired: RowSource<Bag>, options: SyncOptions): Promise<SyncPlan<T>> {
  const m = await manager.compiled();
  if (!options || !Array.isArray(options.key) || options.key.length === 0) {
    throw new InvalidQueryError(`sync() needs { key: [fields] } naming how rows are matched.`, { model: m.meta.name });
  }
  const keyFields = options.key.map((k) => fieldOf(m, k));
  const compareFields = options.fields?.map((f) => fieldOf(m, f));
  const wanted = new Map<string, Bag>();
  let index = 0;
  for await (const chunk of chunks(desired, 1000)) {
    for (const row of chunk) {
      if (!row || typeof row !== 'object') throw new InvalidQueryError(`Desired row ${index} is not an object.`, { model: m.meta.name, index });
      const id = keyString(m, keyFields, row, index);
      if (wanted.has(id)) {
        throw new InvalidQueryError(`Desired rows ${index} and an earlier one have the same key ${id}.`, { model: m.meta.name, index, key: pick(row, options.key) });
      }
      wanted.set(id, row);
      index++;
    }
  }
  const creates: Bag[] = [];
  const updates: SyncUpdate[] = [];
  const deletes: Bag[] = [];
  let unchanged = 0;
  const seen = new Set<string>();
  const storedRows = new Map<string, string>();
  for await (const stored of manager.iterate(undefined, { batchSize: 2000 })) {
    const row = stored as Bag;
    if (keyFields.some((f) => row[f.property] === null || row[f.property] === undefined)) continue; // cannot match any desired row
    const id = keyString(m, keyFields, row, -1);
    storedRows.set(id, rowRepr(m, row));
    const want = wanted.get(id);
    if (!want) {
      if (options.delete) deletes.push(pick(row, options.key));
      continue;
    }
    seen.add(id);
    const fields = compareFields ?? Object.keys(want).filter((f) => !options.key.includes(f) && f !== m.pk.property).map((f) => fieldOf(m, f));
    const changes: SyncUpdate['changes'] = {};
    for (const f of fields) {
      if (want[f.property] === undefined) continue;
      if (comparable(f, row[f.property]) !== comparable(f, want[f.property])) changes[f.property] = { from: row[f.property], to: want[f.property] };
    }
    if (Object.keys(changes).length > 0) updates.push({ key: pick(row, options.key), changes });
    else unchanged++;
  }
  for (const [id, row] of wanted) if (!seen.has(id)) creates.push(row);
  // The fingerprint comes from the very rows the plan was computed from (no second read to race with).
  const touched = [...updates.map((u) => u.key), ...deletes, ...creates.map((c) => pick(c, options.key))];
  const fingerprint = digest(touched.map((k) => keyString(m, keyFields, k, -1)), storedRows);
  return new SyncPlan(manager, options.key, creates, updates, deletes, unchanged, fingerprint);
}

/** A hash of the stored rows with these keys (missing rows included as missing), read again now. */
async function fingerprintOf(m: CompiledModel, keyFields: readonly string[], keys: readonly Bag[], lock: boolean): Promise<string> {
  const fields = keyFields.map((k) => fieldOf(m, k));
  const found = new Map<string, string>();
  for (let i = 0; i < keys.length; i += 500) {
    const batch = keys.slice(i, i + 500);
    const where = compileCriteria(m, { OR: batch.map((k) => pick(k, keyFields)) });
    const sql = `SELECT ${m.selectList} FROM ${m.table}${where.sql(1)}${lock ? m.dialect.rowLockClause : ''}`;
    const result = await m.db.run(sql, where.bindings, true, m.meta);
    for (const raw of result.rows) {
      const row: Bag = {};
      for (const f of m.fields) row[f.property] = raw[f.column] === null || raw[f.column] === undefined ? null : f.codec.fromDb(raw[f.column]);
      found.set(keyString(m, fields, row, -1), rowRepr(m, row));
    }
  }
  return digest(keys.map((k) => keyString(m, fields, k, -1)), found);
}

function rowRepr(m: CompiledModel, row: Bag): string {
  return m.fields.map((f) => comparable(f, row[f.property])).join('\u0001');
}

function digest(ids: readonly string[], rows: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const id of ids) hash.update(`${id}\u0002${rows.get(id) ?? '<absent>'}\u0003`);
  return hash.digest('hex').slice(0, 32);
}

function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}

function fieldOf(m: CompiledModel, name: string): CompiledField {
  const f = m.byProperty.get(name);
  if (!f) throw InvalidQueryError.unknownField(m.meta.name, name, [...m.byProperty.keys()]);
  return f;
}

function keyString(m: CompiledModel, fields: readonly CompiledField[], row: Bag, index: number): string {
  return fields.map((f) => {
    const v = row[f.property];
    if (v === undefined || v === null) {
      throw new InvalidQueryError(`Row${index >= 0 ? ` ${index}` : ''} has no value for key field ${f.property}.`, { model: m.meta.name, index, field: f.property });
    }
    return comparable(f, v);
  }).join('\u0001');
}

/** A string that is equal for equal stored values of a field (via its database form; JSON with sorted keys). */
function comparable(f: CompiledField, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (f.meta.type === 'json') return canonicalJson(value);
  const db = f.codec.toDb(value);
  return db instanceof Date ? db.toISOString() : typeof db === 'bigint' ? db.toString() : JSON.stringify(db);
}

/** JSON with object keys sorted at every level (PostgreSQL's jsonb does not keep key order). */
function canonicalJson(value: unknown): string {
  const plain = JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))) as unknown;
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Bag)[k])]));
    return v;
  };
  return JSON.stringify(sort(plain));
}

function pick(row: Bag, keys: readonly string[]): Bag {
  const out: Bag = {};
  for (const k of keys) out[k] = row[k];
  return out;
}
