import { InvalidPrimaryKeyAssignmentError, InvalidQueryError, ValidationError, type FieldViolation } from '../errors';
import type { CompiledField, CompiledModel } from './compiled-model';
import { prepareInsert } from './prepare-write';
import { randomUUID } from 'node:crypto';

type Bag = Record<string, unknown>;

/** Rows for a bulk call: an array, or any (async) iterable, consumed chunk by chunk. */
export type RowSource<R> = Iterable<R> | AsyncIterable<R>;

/** Options of `bulkCreate`. */
export interface BulkCreateOptions {
  /** Rows per chunk (per statement on SQLite, per COPY on PostgreSQL). Default: as many as fit, at most 5,000. */
  chunkSize?: number;
  /** `error` (default): a duplicate key fails the call; `ignore`: rows whose key exists are skipped. */
  onConflict?: 'error' | 'ignore';
  /** Validate every row (types, required fields, class-validator rules). Default true. */
  validate?: boolean;
  /** Return the primary keys of the inserted rows. */
  returning?: boolean;
  /** Called after each chunk with the number of rows processed so far. */
  onProgress?: (processed: number) => void;
}

/** Options of `bulkUpsert`. */
export interface BulkUpsertOptions {
  /** Conflict target fields. Default: the model's first unique group, else the primary key. */
  conflict?: readonly string[];
  /** Fields updated on conflict. Default: every written field but the conflict target and the key. */
  update?: readonly string[];
  chunkSize?: number;
  validate?: boolean;
  onProgress?: (processed: number) => void;
}

/** What a bulk call did. */
export interface BulkResult {
  inserted: number;
  updated: number;
  ignored: number;
  /** Primary keys of inserted rows, when asked for with `returning: true`. */
  keys?: unknown[];
}

const MAX_CHUNK = 5000;

/**
 * Loads many rows with the database's fastest path, in one transaction: PostgreSQL streams them
 * with COPY (through a staging table when conflicts must be ignored or keys returned); SQLite
 * runs prepared multi-row INSERTs sized under its bound-parameter limit. Converters come from the
 * compiled model (built once); rows are consumed in chunks so memory stays bounded.
 */
export async function bulkCreate(m: CompiledModel, source: RowSource<Bag>, options: BulkCreateOptions = {}): Promise<BulkResult> {
  checkOptions(m, options, ['chunkSize', 'onConflict', 'validate', 'returning', 'onProgress']);
  const fields = m.insertFields;
  const ignore = options.onConflict === 'ignore';
  if (options.onConflict !== undefined && options.onConflict !== 'error' && !ignore) {
    throw new InvalidQueryError(`bulkCreate onConflict must be 'error' or 'ignore'.`, { model: m.meta.name });
  }
  const result: BulkResult = { inserted: 0, updated: 0, ignored: 0, keys: options.returning ? [] : undefined };
  const copy = m.dialect.driver.copyIn !== undefined;
  const size = chunkSizeFor(m, fields.length, options.chunkSize, copy);
  const prepare = rowPreparer(m, options.validate !== false);
  await m.db.transaction(async () => {
    let processed = 0;
    for await (const chunk of chunks(source, size)) {
      const rows = await prepare(chunk, processed);
      if (copy && !ignore && !options.returning) {
        result.inserted += await m.db.copyIn(copySql(m, m.table, fields), rows, m.meta);
      } else if (copy) {
        const stage = await stageRows(m, fields, rows);
        const conflict = ignore ? ' ON CONFLICT DO NOTHING' : '';
        const returning = options.returning ? ` RETURNING ${m.pk.quoted}` : '';
        const out = await m.db.run(`INSERT INTO ${m.table} (${columnList(fields)}) SELECT ${columnList(fields)} FROM ${stage}${conflict}${returning}`, [], options.returning === true, m.meta);
        collect(m, result, out.rows, out.rowCount, rows.length, options.returning === true);
      } else {
        for (const part of split(rows, statementRows(m, fields.length))) {
          const sql = m.sql(`bi|${part.length}|${ignore ? 'i' : ''}|${options.returning ? 'r' : ''}`, () =>
            `${multiRowInsert(m, fields, part.length)}${ignore ? ' ON CONFLICT DO NOTHING' : ''}${options.returning ? ` RETURNING ${m.pk.quoted}` : ''}`);
          const out = await m.db.run(sql, part.flat(), options.returning === true, m.meta);
          collect(m, result, out.rows, out.rowCount, part.length, options.returning === true);
        }
      }
      processed += chunk.length;
      options.onProgress?.(processed);
    }
  });
  return result;
}

/**
 * Inserts or updates many rows on a conflict target, in one transaction. PostgreSQL: COPY into a
 * staging table, then one INSERT ... SELECT ... ON CONFLICT DO UPDATE per chunk; SQLite: prepared
 * multi-row INSERT ... ON CONFLICT DO UPDATE. Returns how many rows were inserted and updated.
 */
export async function bulkUpsert(m: CompiledModel, source: RowSource<Bag>, options: BulkUpsertOptions = {}): Promise<BulkResult> {
  checkOptions(m, options, ['conflict', 'update', 'chunkSize', 'validate', 'onProgress']);
  const conflict = options.conflict ?? m.meta.uniques[0]?.fields ?? [m.pk.property];
  const conflictFields = conflict.map((p) => fieldNamed(m, p));
  const withKey = conflictFields.includes(m.pk) && m.pk.meta.generated === 'autoincrement';
  const fields = withKey ? [m.pk, ...m.insertFields] : m.insertFields;
  const explicit = options.update?.map((p) => fieldNamed(m, p));
  const stamp = m.fields.find((f) => f.meta.auto === 'updatedAt');
  // Without `update`, a row updates exactly the fields it supplies (like upsert), plus @updatedAt;
  // never the conflict target, the key or @createdAt.
  const updatesFor = (supplied: ReadonlySet<string>) => explicit ?? fields.filter((f) =>
    !conflictFields.includes(f) && f !== m.pk && f.meta.auto !== 'createdAt' && (supplied.has(f.property) || f === stamp));
  const result: BulkResult = { inserted: 0, updated: 0, ignored: 0 };
  const copy = m.dialect.driver.copyIn !== undefined;
  const size = chunkSizeFor(m, fields.length, options.chunkSize, copy);
  const prepare = rowPreparer(m, options.validate !== false, withKey);
  await m.db.transaction(async () => {
    let processed = 0;
    for await (const chunk of chunks(source, size)) {
      const rows = await prepare(chunk, processed);
      for (const group of groupBySupplied(chunk, rows, explicit !== undefined)) {
        const updates = updatesFor(group.supplied);
        const clause = m.dialect.upsertClause(conflictFields.map((f) => f.column), updates.map((f) => f.column));
        const counts = copy ? await upsertStaged(m, fields, conflictFields, clause, group.rows) : await upsertMultiRow(m, fields, clause, group.rows);
        result.inserted += counts.inserted;
        result.updated += counts.updated;
      }
      processed += chunk.length;
      options.onProgress?.(processed);
    }
  });
  return result;
}

/** Rows grouped by the set of fields they supply (one group when the update list is explicit). */
function groupBySupplied(chunk: Bag[], rows: unknown[][], single: boolean): Array<{ supplied: ReadonlySet<string>; rows: unknown[][] }> {
  if (single) return [{ supplied: new Set(), rows }];
  const groups = new Map<string, { supplied: Set<string>; rows: unknown[][] }>();
  for (let i = 0; i < chunk.length; i++) {
    const supplied = Object.keys(chunk[i]).filter((k) => chunk[i][k] !== undefined).sort();
    const key = supplied.join(',');
    let group = groups.get(key);
    if (!group) {
      group = { supplied: new Set(supplied), rows: [] };
      groups.set(key, group);
    }
    group.rows.push(rows[i]);
  }
  return [...groups.values()];
}

/** PostgreSQL: COPY into a staging table, count the rows that exist, then one INSERT ... SELECT ... ON CONFLICT. */
async function upsertStaged(
  m: CompiledModel, fields: readonly CompiledField[], conflictFields: readonly CompiledField[], clause: string, rows: unknown[][],
): Promise<{ inserted: number; updated: number }> {
  const stage = await stageRows(m, fields, rows);
  const on = conflictFields.map((f) => `s.${f.quoted} = t.${f.quoted}`).join(' AND ');
  const existing = await m.db.run(`SELECT COUNT(*) AS n FROM ${stage} s JOIN ${m.table} t ON ${on}`, [], true, m.meta);
  const out = await m.db.run(`INSERT INTO ${m.table} (${columnList(fields)}) SELECT ${columnList(fields)} FROM ${stage} ${clause}`, [], false, m.meta);
  const updated = Number(existing.rows[0].n);
  return { inserted: out.rowCount - updated, updated };
}

/** SQLite: prepared multi-row INSERT ... ON CONFLICT DO UPDATE; counts from the table's row count (one writer). */
async function upsertMultiRow(m: CompiledModel, fields: readonly CompiledField[], clause: string, rows: unknown[][]): Promise<{ inserted: number; updated: number }> {
  const count = async () => Number((await m.db.run(`SELECT COUNT(*) AS n FROM ${m.table}`, [], true, m.meta)).rows[0].n);
  const before = await count();
  for (const part of split(rows, statementRows(m, fields.length))) {
    const sql = m.sql(`bu|${part.length}|${fields.length}|${clause}`, () => `${multiRowInsert(m, fields, part.length)} ${clause}`);
    await m.db.run(sql, part.flat(), false, m.meta);
  }
  const inserted = (await count()) - before;
  return { inserted, updated: rows.length - inserted };
}

/** Builds the per-row converter once: validated (through the instance path) or trusted (fast). */
function rowPreparer(m: CompiledModel, validate: boolean, withKey = false): (chunk: Bag[], offset: number) => Promise<unknown[][]> {
  const fields = withKey ? [m.pk, ...m.insertFields] : m.insertFields;
  const Cls = m.meta.cls as new () => Bag;
  const defaults = fields.map((f) => f.meta.default);
  return async (chunk, offset) => {
    const out: unknown[][] = new Array(chunk.length);
    for (let i = 0; i < chunk.length; i++) {
      const row = chunk[i];
      if (row === null || typeof row !== 'object') throw new InvalidQueryError(`Row ${offset + i} is not an object.`, { model: m.meta.name, index: offset + i });
      for (const key in row) {
        if (!m.byProperty.has(key) && row[key] !== undefined) {
          throw rowError(m, offset + i, [{ field: key, constraints: { unknownField: `${m.meta.name} has no field "${key}"` }, value: row[key] }]);
        }
      }
      if (!withKey && m.pk.meta.generated === 'autoincrement' && row[m.pk.property] !== undefined && row[m.pk.property] !== null) {
        throw InvalidPrimaryKeyAssignmentError.for(m.meta.name, m.pk.property, row[m.pk.property]);
      }
      if (validate) {
        try {
          const values = await prepareInsert(m, new Cls(), withKey ? { ...row, [m.pk.property]: undefined } : row);
          out[i] = withKey ? [m.toDb(m.pk, row[m.pk.property]), ...values] : values;
        } catch (error) {
          if (error instanceof ValidationError) throw rowError(m, offset + i, error.errors);
          throw error;
        }
        continue;
      }
      const values = new Array(fields.length);
      for (let j = 0; j < fields.length; j++) {
        const f = fields[j];
        let v = row[f.property];
        if (v === undefined) {
          const d = defaults[j];
          v = d ? (d.kind === 'function' ? d.fn() : d.value) : f.meta.generated === 'uuid' ? randomUUID() : null;
        }
        try {
          values[j] = v === null || v === undefined ? null : f.codec.toDb(v);
        } catch {
          throw rowError(m, offset + i, [{ field: f.property, constraints: { type: `${f.property} cannot be stored as ${f.meta.type}` }, value: v }]);
        }
      }
      out[i] = values;
    }
    return out;
  };
}

/** A ValidationError for one row of a bulk call: the message and `details.index` name the row. */
function rowError(m: CompiledModel, index: number, errors: FieldViolation[]): ValidationError {
  const error = new ValidationError(`Row ${index}: ${ValidationError.forModel(m.meta.name, errors).message}`, m.meta.name, errors);
  (error.details as Record<string, unknown>).index = index;
  return error;
}

async function stageRows(m: CompiledModel, fields: readonly CompiledField[], rows: unknown[][]): Promise<string> {
  const stage = m.dialect.quote(`regista_stage_${m.meta.table}`);
  await m.db.runAll(m.dialect.stagingTableSql(m.table, stage, columnList(fields)), m.meta);
  await m.db.copyIn(copySql(m, stage, fields), rows, m.meta);
  return stage;
}

function copySql(_m: CompiledModel, table: string, fields: readonly CompiledField[]): string {
  return `COPY ${table} (${columnList(fields)}) FROM STDIN`;
}

function columnList(fields: readonly CompiledField[]): string {
  return fields.map((f) => f.quoted).join(', ');
}

function multiRowInsert(m: CompiledModel, fields: readonly CompiledField[], rows: number): string {
  const d = m.dialect;
  let n = 0;
  const tuples: string[] = new Array(rows);
  for (let r = 0; r < rows; r++) tuples[r] = `(${fields.map(() => d.placeholder(++n)).join(', ')})`;
  return `INSERT INTO ${m.table} (${columnList(fields)}) VALUES ${tuples.join(', ')}`;
}

function collect(m: CompiledModel, result: BulkResult, rows: Record<string, unknown>[], rowCount: number, total: number, returning: boolean): void {
  result.inserted += rowCount;
  result.ignored += total - rowCount;
  if (returning) for (const row of rows) result.keys!.push(m.pk.codec.fromDb(row[m.pk.column]));
}

/** Rows per statement under the bound-parameter limit (SQLite path). */
function statementRows(m: CompiledModel, columns: number): number {
  return Math.max(1, Math.min(500, Math.floor(m.dialect.capabilities.maxBindParams / Math.max(1, columns))));
}

function chunkSizeFor(m: CompiledModel, columns: number, requested: number | undefined, copy: boolean): number {
  if (requested !== undefined) {
    if (!Number.isSafeInteger(requested) || requested < 1) throw new InvalidQueryError(`chunkSize must be a positive integer.`, { model: m.meta.name, chunkSize: requested });
    return requested;
  }
  return copy ? MAX_CHUNK : Math.min(MAX_CHUNK, statementRows(m, columns) * 10);
}

function fieldNamed(m: CompiledModel, name: string): CompiledField {
  const f = m.byProperty.get(name);
  if (!f) throw InvalidQueryError.unknownField(m.meta.name, name, [...m.byProperty.keys()]);
  return f;
}

function checkOptions(m: CompiledModel, options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new InvalidQueryError(`Unknown bulk option "${key}"; use ${allowed.join(', ')}.`, { model: m.meta.name, option: key });
  }
}

function* split<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Chunks of an array or (async) iterable, without materialising the source. */
export async function* chunks<T>(source: RowSource<T>, size: number): AsyncGenerator<T[]> {
  if (Array.isArray(source)) {
    for (let i = 0; i < source.length; i += size) yield source.slice(i, i + size);
    return;
  }
  let chunk: T[] = [];
  for await (const item of source as AsyncIterable<T>) {
    chunk.push(item);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
