/**
 * Bulk writes: bulkCreate and bulkUpsert produce exactly the rows a loop of create / upsert would
 * (every value type, nulls, defaults, generated keys, text that COPY must escape), in several
 * chunks; conflicts (error, ignore, counts), returned keys, progress, validation on and off, and
 * atomicity (a failing later chunk undoes the earlier ones; an outer transaction is joined).
 * Streaming large iterables is in streaming.test.ts.
 */
import { before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Length, Min } from 'class-validator';
import {
  DuplicateKeyError, ErrorCodes, InvalidPrimaryKeyAssignmentError, InvalidQueryError, Model, NotNullViolationError,
  RegistaError, StalePlanError, UniqueConstraintError, ValidationError, createdAt, field, model, primaryKey, transaction,
  type BulkResult, type CreateData,
} from 'regista';
import { countQueries, isPostgres, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Every value type regista maps, so that one table can be filled by a create loop and its twin by
 * a bulk call and the two compared row for row. Nullable fields carry an explicit type.
 */
function kitchenModel(table: string) {
  @model({ table, unique: ['label'] })
  class Kitchen extends Model<Kitchen>() {
    @primaryKey() id!: number;
    @field() @Length(1, 40) label!: string;
    @field({ type: 'text', nullable: true }) note!: string | null;
    @field({ type: 'datetime', nullable: true }) at!: Date | null;
    @field({ type: 'boolean', nullable: true }) flag!: boolean | null;
    @field({ type: 'bigint', nullable: true }) big!: bigint | null;
    @field({ type: 'decimal', precision: 14, scale: 2, nullable: true }) price!: string | null;
    @field({ type: 'float', nullable: true }) ratio!: number | null;
    @field({ type: 'date', nullable: true }) day!: string | null;
    @field({ type: 'json', nullable: true }) doc!: Json;
    @field({ type: 'enum', values: ['draft', 'live'], default: 'draft' }) status!: 'draft' | 'live';
    @field({ default: 7 }) @Min(-100) rank!: number;
    @field({ type: 'json', default: () => ({ tags: [] }) }) extra!: Json;
  }
  return Kitchen;
}

const LoopKitchen = kitchenModel(uniqueTable('bk_loop'));
const BulkKitchen = kitchenModel(uniqueTable('bk_bulk'));
const TrustKitchen = kitchenModel(uniqueTable('bk_trust'));
const StageKitchen = kitchenModel(uniqueTable('bk_stage'));
type Kitchen = InstanceType<typeof LoopKitchen>;

/** A unique group as the default conflict target, and a createdAt stamp that updates must keep. */
function memberModel(table: string) {
  @model({ table, unique: [['tenant', 'slug']] })
  class Member extends Model<Member>() {
    @primaryKey() id!: number;
    @field() tenant!: string;
    @field() slug!: string;
    @field() @Length(1, 40) name!: string;
    @field({ type: 'text', nullable: true }) note!: string | null;
    @field({ default: 0 }) score!: number;
    @field({ type: 'json', nullable: true }) doc!: Json;
    @field({ type: 'datetime', nullable: true }) seen!: Date | null;
    @field({ type: 'bigint', nullable: true }) big!: bigint | null;
    @field({ type: 'text', unique: true, nullable: true }) handle!: string | null;
    @createdAt createdAt!: Date;
  }
  return Member;
}

const LoopMember = memberModel(uniqueTable('bk_mloop'));
const BulkMember = memberModel(uniqueTable('bk_mbulk'));
type Member = InstanceType<typeof LoopMember>;

/** A unique name, for conflicts. */
@model({ table: uniqueTable('bk_tags') })
class BTag extends Model<BTag>() {
  @primaryKey() id!: number;
  @field({ unique: true }) name!: string;
  @field({ default: 0 }) @Min(0) weight!: number;
}

/** Caller-supplied primary key: the default conflict target of bulkUpsert when there is no unique group. */
@model({ table: uniqueTable('bk_settings') })
class BSetting extends Model<BSetting>() {
  @primaryKey({ autoincrement: false }) key!: string;
  @field() value!: string;
  @field({ default: 0 }) version!: number;
}

/** A regista-generated UUID key. */
@model({ table: uniqueTable('bk_uuid') })
class BDoc extends Model<BDoc>() {
  @primaryKey({ type: 'uuid' }) id!: string;
  @field({ unique: true }) code!: string;
  @field() title!: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Text COPY's text format must escape (tab, newline, carriage return, backslash) and friends. */
const NASTY = [
  'tab\there', 'line\nbreak', 'cr\rand crlf\r\n', 'back\\slash', '\\N', '\\.', '\\', 'end with backslash\\',
  'ünïcödé ✓ 日本語 🎉 \u2028', 'quote " and \' and ,;|', '', '  spaces  ', 'mixed\t\\n\n\\t\\\\', 'null',
];

/** JSON documents: objects, arrays, scalars, and strings full of escapes. */
const DOCS: Json[] = [
  { a: 1, nested: { list: [1, 'two', null, true, 2.5], text: 'tab\tnew\nline back\\slash "q" \\N' } },
  [1, 2.5, 'x\ty', { k: '\\N' }, [], {}],
  'a JSON string with\ttab, \nnewline, \r return, \\backslash and é🎉',
  42,
  -0.5,
  true,
  false,
  { 'key with\ttab': 'v', '': '', unicode: '日本語 🎉', control: '\u0001\u001f', quote: '"' },
  '\\N',
  '',
  [],
];

const PRICES = ['0.00', '12.50', '-3.07', '999999999999.99', '100.00', '0.10'];
const RATIOS = [0.1, -2.5, 1e-7, 123456.789, 0, 1 / 3];
const DATES = [
  new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 999)),
  new Date(Date.UTC(1969, 11, 31, 23, 59, 59, 1)),
  new Date(Date.UTC(2038, 0, 19, 3, 14, 8, 123)),
];

/** Row `i` of the kitchen data: every 7th only the required field, every 7th+1 explicit nulls. */
function kitchenRow(i: number): CreateData<Kitchen> {
  const label = `k${String(i).padStart(3, '0')}`;
  if (i % 7 === 0) return { label };
  if (i % 7 === 1) {
    return { label, note: null, at: null, flag: null, big: null, price: null, ratio: null, day: null, doc: null };
  }
  const row: CreateData<Kitchen> = {
    label,
    note: NASTY[i % NASTY.length],
    at: i % 5 === 0 ? DATES[i % DATES.length] : new Date(Date.UTC(2020, 0, 1) + i * 86_400_123 + (i % 1000)),
    flag: i % 2 === 0,
    big: i % 3 === 0 ? -(2n ** 63n) + BigInt(i) : 2n ** 63n - 1n - BigInt(i),
    price: PRICES[i % PRICES.length],
    ratio: RATIOS[i % RATIOS.length],
    day: i % 2 === 0 ? '2024-02-29' : '1999-12-31',
    doc: DOCS[i % DOCS.length],
  };
  if (i % 3 === 0) row.status = 'live';
  if (i % 4 === 0) row.rank = -5;
  if (i % 5 === 0) row.extra = { tags: ['x', `t${i}`], deep: { s: 'a\tb\\c' } };
  return row;
}

const KITCHEN_ROWS = Array.from({ length: 60 }, (_, i) => kitchenRow(i));

/** A kitchen row as plain data (the fields in declaration order). */
function kitchenData(k: Kitchen) {
  return {
    id: k.id, label: k.label, note: k.note, at: k.at, flag: k.flag, big: k.big, price: k.price,
    ratio: k.ratio, day: k.day, doc: k.doc, status: k.status, rank: k.rank, extra: k.extra,
  };
}

/** What row `i` of KITCHEN_ROWS must read back as: nulls for what was left out, defaults applied. */
function expectedKitchen(row: CreateData<Kitchen>, id: number) {
  return {
    id,
    label: row.label,
    note: row.note ?? null,
    at: row.at ?? null,
    flag: row.flag ?? null,
    big: row.big ?? null,
    price: row.price ?? null,
    ratio: row.ratio ?? null,
    day: row.day ?? null,
    doc: row.doc ?? null,
    status: row.status ?? 'draft',
    rank: row.rank ?? 7,
    extra: row.extra ?? { tags: [] },
  };
}

/** The rows of a table as stored, read with knex (not through regista). */
async function rawRows(cls: { objects: { meta: { table: string } } }, orderBy: string | string[]): Promise<Record<string, unknown>[]> {
  return db().knex(cls.objects.meta.table).select('*').orderBy(Array.isArray(orderBy) ? orderBy : [orderBy]);
}

/** The error `promise` rejects with, which must be exactly `cls`. */
async function errorOf<E extends RegistaError>(promise: Promise<unknown>, cls: abstract new (...args: never[]) => E): Promise<E> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof cls, `expected ${cls.name}, got ${caught instanceof Error ? caught.stack : String(caught)}`);
  assert.equal(caught.constructor, cls, `expected exactly ${cls.name}, got ${caught.constructor.name}`);
  return caught;
}

async function tags(): Promise<Array<[number, string, number]>> {
  return (await BTag.objects.all({ orderBy: 'id' })).map((t) => [t.id, t.name, t.weight]);
}

/** Statements sent during `fn` that write the table (COPY or INSERT into it, or into its staging table). */
function loads(statements: string[]): string[] {
  return statements.filter((s) => /^(COPY|INSERT)\b/i.test(s));
}

// ---------------------------------------------------------------------------------------------

describe('bulkCreate: the same rows as a create loop', () => {
  before(async () => {
    for (const row of KITCHEN_ROWS) await LoopKitchen.objects.create(row);
  });

  it('the create loop itself stores what was given (the reference the bulk tables are compared with)', async () => {
    const loop = (await LoopKitchen.objects.all({ orderBy: 'id' })).map(kitchenData);
    assert.deepEqual(loop, KITCHEN_ROWS.map((row, i) => expectedKitchen(row, i + 1)));
  });

  for (const [name, Target, options] of [
    ['validated (the default), several chunks', BulkKitchen, { chunkSize: 16 }],
    ['validate: false, several chunks', TrustKitchen, { chunkSize: 16, validate: false }],
    ['returning keys and onConflict ignore (the staging path on PostgreSQL), several chunks', StageKitchen, { chunkSize: 16, returning: true, onConflict: 'ignore' }],
  ] as const) {
    it(name, async () => {
      const result = await Target.objects.bulkCreate(KITCHEN_ROWS, options);
      assert.equal(result.inserted, 60);
      assert.equal(result.updated, 0);
      assert.equal(result.ignored, 0);
      if ('returning' in options) assert.deepEqual(result.keys, KITCHEN_ROWS.map((_, i) => i + 1));
      else assert.equal(result.keys, undefined);

      // Read back through regista: exactly the loop's rows, ids included (rows are stored in order).
      const bulk = (await Target.objects.all({ orderBy: 'id' })).map(kitchenData);
      const loop = (await LoopKitchen.objects.all({ orderBy: 'id' })).map(kitchenData);
      assert.deepEqual(bulk, loop);
      assert.deepEqual(bulk, KITCHEN_ROWS.map((row, i) => expectedKitchen(row, i + 1)));
      // And as stored, read with knex: the same stored forms (JSON text, booleans, timestamps...).
      assert.deepEqual(await rawRows(Target, 'id'), await rawRows(LoopKitchen, 'id'));
    });
  }

  it('generated UUID keys: a fresh valid UUID per row, returned in row order', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ code: `c${String(i).padStart(2, '0')}`, title: NASTY[i % NASTY.length] }));
    const result = await BDoc.objects.bulkCreate(rows, { chunkSize: 10, returning: true });
    assert.equal(result.inserted, 25);
    const keys = result.keys ?? [];
    assert.equal(keys.length, 25);
    assert.equal(new Set(keys).size, 25);
    for (const key of keys) assert.match(String(key), UUID);
    const stored = await BDoc.objects.all({ orderBy: 'code' });
    assert.deepEqual(stored.map((d) => [d.id, d.code, d.title]), rows.map((r, i) => [keys[i], r.code, r.title]));
    // Without returning, keys are still generated (validation off too).
    await BDoc.objects.bulkCreate([{ code: 'z1', title: 'a' }, { code: 'z2', title: 'b' }], { validate: false });
    const more = await BDoc.objects.filter({ code: ['z1', 'z2'] }, { orderBy: 'code' });
    assert.equal(more.length, 2);
    for (const d of more) assert.match(d.id, UUID);
    assert.notEqual(more[0].id, more[1].id);
  });
});

describe('bulkCreate: conflicts, counts and keys', () => {
  before(async () => {
    await BTag.createSchema();
    await BSetting.createSchema();
  });
  beforeEach(async () => {
    await BTag.truncate();
    await BSetting.truncate();
  });

  it("onConflict 'error' (the default): UniqueConstraintError naming the field, and nothing written", async () => {
    await BTag.objects.create({ name: 'taken', weight: 1 });
    const rows = Array.from({ length: 30 }, (_, i) => ({ name: i === 25 ? 'taken' : `t${i}` }));
    const error = await errorOf(BTag.objects.bulkCreate(rows, { chunkSize: 10 }), UniqueConstraintError);
    assert.equal(error.code, ErrorCodes.UNIQUE_CONSTRAINT);
    assert.equal(error.details.model, 'BTag');
    assert.deepEqual(error.details.fields, ['name']);
    assert.ok(error.cause !== undefined, 'the driver error is kept as cause');
    // The two chunks before the failing one were rolled back with it.
    assert.deepEqual(await tags(), [[1, 'taken', 1]]);
    // Validation off: the same.
    await errorOf(BTag.objects.bulkCreate(rows, { chunkSize: 10, validate: false }), UniqueConstraintError);
    assert.deepEqual(await tags(), [[1, 'taken', 1]]);
  });

  it('a caller-supplied key that exists: DuplicateKeyError', async () => {
    await BSetting.objects.create({ key: 'b', value: 'old' });
    const error = await errorOf(BSetting.objects.bulkCreate([{ key: 'a', value: 'x' }, { key: 'b', value: 'y' }]), DuplicateKeyError);
    assert.equal(error.code, ErrorCodes.DUPLICATE_KEY);
    assert.deepEqual(error.details.fields, ['key']);
    assert.deepEqual((await BSetting.objects.all({ orderBy: 'key' })).map((s) => [s.key, s.value]), [['b', 'old']]);
  });

  it("onConflict 'ignore': skips rows whose key exists (in the table or earlier in the call) and counts them", async () => {
    await BTag.objects.create({ name: 't3', weight: 30 });
    await BTag.objects.create({ name: 't7', weight: 70 });
    const rows = Array.from({ length: 12 }, (_, i) => ({ name: `t${i}`, weight: i }));
    rows.push({ name: 't1', weight: 99 }); // a duplicate inside the call: the first one wins
    const result = await BTag.objects.bulkCreate(rows, { onConflict: 'ignore', chunkSize: 5 });
    assert.deepEqual(result, { inserted: 10, updated: 0, ignored: 3, keys: undefined });
    const stored = new Map((await tags()).map(([, name, weight]) => [name, weight]));
    assert.equal(stored.size, 12);
    assert.equal(stored.get('t3'), 30, 'the existing row is left as it was');
    assert.equal(stored.get('t7'), 70);
    assert.equal(stored.get('t1'), 1, 'the first of two rows with one key is kept');
    for (let i = 0; i < 12; i++) if (i !== 3 && i !== 7) assert.equal(stored.get(`t${i}`), i);
  });

  it('returning: the keys of the inserted rows, in row order (with ignore: only the inserted ones)', async () => {
    const first = await BTag.objects.bulkCreate(Array.from({ length: 14 }, (_, i) => ({ name: `r${i}`, weight: i })), { returning: true, chunkSize: 4 });
    assert.equal(first.inserted, 14);
    const keys = first.keys ?? [];
    assert.equal(keys.length, 14);
    for (const [i, key] of keys.entries()) {
      assert.equal(typeof key, 'number');
      const tag = await BTag.objects.require(Number(key));
      assert.deepEqual([tag.name, tag.weight], [`r${i}`, i]);
    }
    const second = await BTag.objects.bulkCreate([{ name: 'r2' }, { name: 'new1' }, { name: 'r5' }, { name: 'new2' }], { returning: true, onConflict: 'ignore' });
    assert.equal(second.inserted, 2);
    assert.equal(second.ignored, 2);
    const added = await Promise.all((second.keys ?? []).map((key) => BTag.objects.require(Number(key))));
    assert.deepEqual(added.map((t) => t.name), ['new1', 'new2']);
    assert.equal(await BTag.objects.count(), 16);
  });

  it('onProgress: called after each chunk with the rows processed so far', async () => {
    const calls: number[] = [];
    const rows = Array.from({ length: 23 }, (_, i) => ({ name: `p${i}` }));
    await BTag.objects.bulkCreate(rows, { chunkSize: 10, onProgress: (n) => calls.push(n) });
    assert.deepEqual(calls, [10, 20, 23]);
    const upserts: number[] = [];
    await BTag.objects.bulkUpsert(rows.map((r) => ({ ...r, weight: 1 })), { chunkSize: 8, onProgress: (n) => upserts.push(n) });
    assert.deepEqual(upserts, [8, 16, 23]);
    assert.equal(await BTag.objects.count({ weight: 1 }), 23);
  });

  it('a chunk size smaller than the data loads it in that many statements (COPY on PostgreSQL, INSERT on SQLite)', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ name: `c${i}` }));
    const { statements, result } = await countQueries(db(), () => BTag.objects.bulkCreate(rows, { chunkSize: 10 }));
    assert.equal(result.inserted, 25);
    const written = loads(statements);
    assert.equal(written.length, 3, written.join('\n'));
    for (const sql of written) assert.match(sql, isPostgres() ? /^COPY /i : /^INSERT INTO /i);
    // bulkUpsert chunks the same way: per chunk a load into the staging table and one INSERT ... SELECT
    // on PostgreSQL, one multi-row INSERT ... ON CONFLICT on SQLite.
    const upsert = await countQueries(db(), () => BTag.objects.bulkUpsert(rows.map((r) => ({ ...r, weight: 2 })), { chunkSize: 10 }));
    assert.deepEqual(upsert.result, { inserted: 0, updated: 25, ignored: 0 });
    assert.equal(loads(upsert.statements).length, isPostgres() ? 6 : 3, loads(upsert.statements).join('\n'));
    assert.deepEqual((await tags()).map(([, name, weight]) => [name, weight]), rows.map((r) => [r.name, 2]));
  });

  it('empty input: zero counts and nothing written', async () => {
    assert.deepEqual(await BTag.objects.bulkCreate([]), { inserted: 0, updated: 0, ignored: 0, keys: undefined });
    assert.deepEqual(await BTag.objects.bulkCreate([], { returning: true }), { inserted: 0, updated: 0, ignored: 0, keys: [] });
    assert.deepEqual(await BTag.objects.bulkUpsert([]), { inserted: 0, updated: 0, ignored: 0 });
    assert.deepEqual(await tags(), []);
  });

  it('refuses bad options with InvalidQueryError before writing', async () => {
    const rows = [{ name: 'x' }];
    for (const chunkSize of [0, -1, 1.5, Number.NaN]) {
      const error = await errorOf(BTag.objects.bulkCreate(rows, { chunkSize }), InvalidQueryError);
      assert.equal(error.code, ErrorCodes.INVALID_QUERY);
    }
    const unknown = await errorOf(BTag.objects.bulkCreate(rows, { chunksize: 10 } as never), InvalidQueryError);
    assert.equal(unknown.details.option, 'chunksize');
    await errorOf(BTag.objects.bulkCreate(rows, { onConflict: 'update' } as never), InvalidQueryError);
    await errorOf(BTag.objects.bulkUpsert(rows, { returning: true } as never), InvalidQueryError);
    const conflict = await errorOf(BTag.objects.bulkUpsert(rows, { conflict: ['nmae'] }), InvalidQueryError);
    assert.equal(conflict.details.field, 'nmae');
    await errorOf(BTag.objects.bulkUpsert(rows, { update: ['wieght'] }), InvalidQueryError);
    assert.deepEqual(await tags(), []);
  });

  it('an autoincrement key in a row: InvalidPrimaryKeyAssignmentError, validation on or off', async () => {
    for (const validate of [true, false]) {
      const error = await errorOf(BTag.objects.bulkCreate([{ name: 'a' }, { id: 50, name: 'b' }], { validate }), InvalidPrimaryKeyAssignmentError);
      assert.deepEqual(error.details, { model: 'BTag', field: 'id', value: 50 });
    }
    assert.deepEqual(await tags(), []);
  });
});

describe('bulk validation and atomicity', () => {
  before(async () => {
    await BTag.createSchema();
  });
  beforeEach(async () => {
    await BTag.truncate();
  });

  it('a bad row in a later chunk: ValidationError with details.index, and the earlier chunks are rolled back', async () => {
    const rows: CreateData<BTag>[] = Array.from({ length: 30 }, (_, i) => ({ name: `v${i}`, weight: i }));
    rows[27] = { name: 'v27', weight: -1 };
    const progress: number[] = [];
    const error = await errorOf(BTag.objects.bulkCreate(rows, { chunkSize: 10, onProgress: (n) => progress.push(n) }), ValidationError);
    assert.equal(error.code, ErrorCodes.VALIDATION);
    assert.equal(error.details.model, 'BTag');
    assert.equal(error.details.index, 27);
    assert.deepEqual(error.errors.map((e) => e.field), ['weight']);
    assert.ok('min' in error.errors[0].constraints, JSON.stringify(error.errors));
    assert.match(error.message, /Row 27/);
    assert.deepEqual(progress, [10, 20], 'two chunks were written before the bad row was reached');
    assert.deepEqual(await tags(), []);
  });

  it('types and required fields are checked per row too', async () => {
    const missing = await errorOf(BTag.objects.bulkCreate([{ name: 'a' }, { weight: 1 }]), ValidationError);
    assert.equal(missing.details.index, 1);
    assert.ok('required' in missing.errors[0].constraints);
    const wrongType = await errorOf(BTag.objects.bulkCreate([{ name: 'a' }, { name: 'b' }, { name: 'c', weight: 'heavy' } as never]), ValidationError);
    assert.equal(wrongType.details.index, 2);
    assert.ok('type' in wrongType.errors[0].constraints);
    assert.deepEqual(await tags(), []);
  });

  it('an unknown field is refused even with validation off', async () => {
    const error = await errorOf(BTag.objects.bulkCreate([{ name: 'a' }, { name: 'b', colour: 'red' } as never], { validate: false }), ValidationError);
    assert.equal(error.details.index, 1);
    assert.deepEqual(error.errors.map((e) => [e.field, Object.keys(e.constraints)]), [['colour', ['unknownField']]]);
    assert.deepEqual(await tags(), []);
  });

  it('validation off: the rule is not checked, but the database still refuses a NULL in a later chunk (and rolls back)', async () => {
    const accepted = await BTag.objects.bulkCreate([{ name: 'negative', weight: -1 }], { validate: false });
    assert.equal(accepted.inserted, 1);
    assert.deepEqual(await tags(), [[1, 'negative', -1]]);
    const rows: CreateData<BTag>[] = Array.from({ length: 30 }, (_, i) => ({ name: `n${i}` }));
    rows[24] = { name: null as never };
    const error = await errorOf(BTag.objects.bulkCreate(rows, { chunkSize: 10, validate: false }), NotNullViolationError);
    assert.equal(error.code, ErrorCodes.NOT_NULL_VIOLATION);
    assert.deepEqual(await tags(), [[1, 'negative', -1]]);
  });

  it('regression: validate: false, a value that cannot be converted fails with a typed error naming the row', async () => {
    let caught: unknown;
    try {
      await StageKitchen.objects.bulkCreate([{ label: 'conv-ok' }, { label: 'conv-bad', at: 'not a date' as never }], { validate: false });
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof RegistaError, `expected a RegistaError, got ${String(caught)}`);
    assert.equal(caught.details.index, 1);
    assert.equal(await StageKitchen.objects.count({ label: { startsWith: 'conv-' } }), 0);
  });

  it('bulkUpsert: a bad row in a later chunk rolls back the earlier inserts and updates', async () => {
    await BTag.objects.bulkCreate(Array.from({ length: 10 }, (_, i) => ({ name: `u${i}`, weight: 1 })));
    const before = await tags();
    const rows: CreateData<BTag>[] = Array.from({ length: 20 }, (_, i) => ({ name: `u${i}`, weight: 5 }));
    rows[15] = { name: 'u15', weight: -3 };
    const error = await errorOf(BTag.objects.bulkUpsert(rows, { chunkSize: 6 }), ValidationError);
    assert.equal(error.details.index, 15);
    assert.deepEqual(await tags(), before);
  });

  it('inside an outer transaction it joins it: the outer rollback undoes it', async () => {
    await BTag.objects.create({ name: 'kept', weight: 1 });
    await assert.rejects(transaction(async () => {
      const created = await BTag.objects.bulkCreate(Array.from({ length: 12 }, (_, i) => ({ name: `o${i}` })), { chunkSize: 5 });
      assert.equal(created.inserted, 12);
      const upserted = await BTag.objects.bulkUpsert([{ name: 'kept', weight: 9 }, { name: 'o1', weight: 9 }], { chunkSize: 1 });
      assert.deepEqual(upserted, { inserted: 0, updated: 2, ignored: 0 });
      assert.equal(await BTag.objects.count(), 13, 'the transaction sees its own bulk writes');
      throw new Error('caller gives up');
    }), /caller gives up/);
    assert.deepEqual(await tags(), [[1, 'kept', 1]]);
  });

  it('inside an outer transaction: a failed bulk call is undone alone, and the transaction goes on and commits', async () => {
    await transaction(async () => {
      await BTag.objects.create({ name: 'before', weight: 1 });
      await errorOf(BTag.objects.bulkCreate([{ name: 'x1' }, { name: 'before' }], { validate: false }), UniqueConstraintError);
      await errorOf(BTag.objects.bulkCreate([{ name: 'x2' }, { name: 'y', weight: -1 }]), ValidationError);
      await BTag.objects.bulkCreate([{ name: 'after', weight: 2 }]);
    });
    assert.deepEqual((await tags()).map(([, name, weight]) => [name, weight]), [['before', 1], ['after', 2]]);
  });

  it('the outer transaction commits bulk writes with it', async () => {
    const result = await transaction(async () => BTag.objects.bulkCreate([{ name: 'c1' }, { name: 'c2' }], { returning: true }));
    assert.equal(result.inserted, 2);
    assert.deepEqual((await tags()).map(([id, name]) => [id, name]), (result.keys ?? []).map((k, i) => [k, `c${i + 1}`]));
  });
});

// ---------------------------------------------------------------------------------------------

/** Plain data of a member, without the generated key and the creation stamp. */
function memberData(m: Member) {
  return {
    tenant: m.tenant, slug: m.slug, name: m.name, note: m.note, score: m.score, doc: m.doc, seen: m.seen,
    big: m.big, handle: m.handle,
  };
}

async function members(cls: typeof LoopMember): Promise<ReturnType<typeof memberData>[]> {
  return (await cls.objects.all({ orderBy: ['tenant', 'slug'] })).map(memberData);
}

/** Member `i`, with every field given; `version` changes the non-key values. */
function memberRow(i: number, version: number): CreateData<Member> {
  return {
    tenant: i % 2 === 0 ? 'acme' : 'globex',
    slug: `s${String(i).padStart(2, '0')}`,
    name: `member ${i} v${version}`,
    note: (i + version) % 3 === 0 ? null : `${NASTY[(i + version) % NASTY.length]} v${version}`,
    score: i * 10 + version,
    doc: version === 0 ? { i } : DOCS[(i + version) % DOCS.length],
    seen: new Date(Date.UTC(2025, 0, 1) + i * 1000 + version * 7),
    big: BigInt(i) * 10n ** 15n + BigInt(version),
    handle: i % 4 === 0 ? null : `h${i}-v${version}`,
  };
}

describe('bulkUpsert: the same rows as an upsert loop', () => {
  beforeEach(async () => {
    for (const cls of [LoopMember, BulkMember]) {
      await cls.createSchema();
      await cls.truncate();
      // Half of the rows exist beforehand: 0..19 of 0..39.
      for (let i = 0; i < 20; i++) await cls.objects.create(memberRow(i, 0));
    }
  });

  /** 40 rows, half of them existing, interleaved so that every chunk mixes updates and inserts. */
  const desired = Array.from({ length: 40 }, (_, n) => memberRow(n % 2 === 0 ? n / 2 : 20 + (n - 1) / 2, 1));

  it('default conflict target (the unique group) and update list; exact counts', async () => {
    for (const row of desired) await LoopMember.objects.upsert(row);
    const result = await BulkMember.objects.bulkUpsert(desired, { chunkSize: 15 });
    assert.deepEqual(result, { inserted: 20, updated: 20, ignored: 0 });
    const expected = await members(LoopMember);
    assert.equal(expected.length, 40);
    assert.deepEqual(await members(BulkMember), expected);
    assert.deepEqual(await members(BulkMember), [...desired].sort((a, b) =>
      `${a.tenant}/${a.slug}`.localeCompare(`${b.tenant}/${b.slug}`)).map((row) => ({
      tenant: row.tenant, slug: row.slug, name: row.name, note: row.note, score: row.score, doc: row.doc, seen: row.seen, big: row.big, handle: row.handle,
    })));
    // Validation off gives the same rows.
    await BulkMember.truncate();
    for (let i = 0; i < 20; i++) await BulkMember.objects.create(memberRow(i, 0));
    assert.deepEqual(await BulkMember.objects.bulkUpsert(desired, { chunkSize: 15, validate: false }), { inserted: 20, updated: 20, ignored: 0 });
    assert.deepEqual(await members(BulkMember), expected);
  });

  it('update restricts the updated fields; conflict names the unique group explicitly', async () => {
    // The loop that means the same: update only the name of an existing row, create a new one whole.
    for (const row of desired) {
      const key = { tenant: row.tenant, slug: row.slug };
      if (await LoopMember.objects.exists(key)) await LoopMember.objects.updateWhere(key, { name: row.name });
      else await LoopMember.objects.create(row);
    }
    const result = await BulkMember.objects.bulkUpsert(desired, { conflict: ['tenant', 'slug'], update: ['name'], chunkSize: 7 });
    assert.deepEqual(result, { inserted: 20, updated: 20, ignored: 0 });
    assert.deepEqual(await members(BulkMember), await members(LoopMember));
    const kept = await BulkMember.objects.require({ tenant: 'acme', slug: 's00' });
    assert.deepEqual([kept.name, kept.score, kept.doc], ['member 0 v1', 0, { i: 0 }]);
  });

  it('conflict on another unique field: rows matched by it, the unique group rewritten', async () => {
    const rows = [
      { tenant: 'moved', slug: 'm1', name: 'by handle 1', handle: 'h1-v0' },
      { tenant: 'moved', slug: 'm2', name: 'by handle 2', handle: 'h2-v0' },
      { tenant: 'new', slug: 'n1', name: 'new by handle', handle: 'fresh' },
    ];
    // upsert() picks the unique group (tenant, slug) here; the loop that means the same:
    for (const row of rows) {
      if (await LoopMember.objects.exists({ handle: row.handle })) {
        await LoopMember.objects.updateWhere({ handle: row.handle }, { tenant: row.tenant, slug: row.slug, name: row.name });
      } else {
        await LoopMember.objects.create(row);
      }
    }
    const result = await BulkMember.objects.bulkUpsert(rows, { conflict: ['handle'], update: ['tenant', 'slug', 'name'] });
    assert.deepEqual(result, { inserted: 1, updated: 2, ignored: 0 });
    assert.deepEqual(await members(BulkMember), await members(LoopMember));
    assert.equal(await BulkMember.objects.count(), 21);
  });

  it('regression: fields a row leaves out are kept on update, as upsert keeps them (createdAt, defaults, nullable fields)', async () => {
    const existing = await BulkMember.objects.require({ tenant: 'acme', slug: 's02' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const partial = [{ tenant: 'acme', slug: 's02', name: 'renamed' }, { tenant: 'acme', slug: 's98', name: 'brand new' }];
    for (const row of partial) await LoopMember.objects.upsert(row);
    assert.deepEqual(await BulkMember.objects.bulkUpsert(partial), { inserted: 1, updated: 1, ignored: 0 });
    const after = await BulkMember.objects.require({ tenant: 'acme', slug: 's02' });
    assert.deepEqual(
      [after.name, after.note, after.score, after.doc, after.seen, after.big, after.handle, after.createdAt],
      ['renamed', existing.note, existing.score, existing.doc, existing.seen, existing.big, existing.handle, existing.createdAt],
    );
    assert.deepEqual(await members(BulkMember), await members(LoopMember));
  });

  it('the primary key as conflict target (no unique group): counts and rows like an upsert loop', async () => {
    await BSetting.createSchema();
    await BSetting.truncate();
    await BSetting.objects.bulkCreate([{ key: 'a', value: 'old', version: 1 }, { key: 'c', value: 'old', version: 1 }]);
    const rows = [{ key: 'a', value: 'new\ta', version: 2 }, { key: 'b', value: 'new\\b', version: 2 }, { key: 'c', value: 'new\nc', version: 2 }];
    const result: BulkResult = await BSetting.objects.bulkUpsert(rows, { chunkSize: 2 });
    assert.deepEqual(result, { inserted: 1, updated: 2, ignored: 0 });
    assert.deepEqual((await BSetting.objects.all({ orderBy: 'key' })).map((s) => [s.key, s.value, s.version]), rows.map((r) => [r.key, r.value, r.version]));
  });

  it('generated UUID keys: existing rows keep theirs, new rows get fresh ones', async () => {
    await BDoc.createSchema();
    await BDoc.truncate();
    await BDoc.objects.bulkCreate([{ code: 'u1', title: 'one' }, { code: 'u2', title: 'two' }]);
    const before = new Map((await BDoc.objects.all()).map((d) => [d.code, d.id]));
    const result = await BDoc.objects.bulkUpsert([{ code: 'u2', title: 'TWO' }, { code: 'u3', title: 'three' }, { code: 'u1', title: 'ONE' }], { conflict: ['code'] });
    assert.deepEqual(result, { inserted: 1, updated: 2, ignored: 0 });
    const after = await BDoc.objects.all({ orderBy: 'code' });
    assert.deepEqual(after.map((d) => [d.code, d.title]), [['u1', 'ONE'], ['u2', 'TWO'], ['u3', 'three']]);
    assert.equal(after[0].id, before.get('u1'));
    assert.equal(after[1].id, before.get('u2'));
    assert.match(after[2].id, UUID);
    assert.ok(!before.has(after[2].id));
  });

  it('counts stay exact over chunks that are all inserts, all updates, or mixed', async () => {
    const rows = [
      ...Array.from({ length: 10 }, (_, i) => memberRow(i, 2)), // chunk 1: updates only
      ...Array.from({ length: 10 }, (_, i) => memberRow(40 + i, 2)), // chunk 2: inserts only
      ...Array.from({ length: 10 }, (_, i) => memberRow(i % 2 === 0 ? 10 + i : 60 + i, 2)), // chunk 3: 5 and 5
    ];
    assert.deepEqual(await BulkMember.objects.bulkUpsert(rows, { chunkSize: 10 }), { inserted: 15, updated: 15, ignored: 0 });
    assert.equal(await BulkMember.objects.count(), 35);
  });
});

// ---------------------------------------------------------------------------------------------

/** The model of docs/bulk.md. */
@model({ table: uniqueTable('bk_products'), unique: ['sku'] })
class Product extends Model<Product>() {
  @primaryKey() id!: number;
  @field() sku!: string;
  @field() name!: string;
  @field({ type: 'decimal', precision: 10, scale: 2 }) price!: string;
  @field({ default: 0 }) stock!: number;
  @field({ type: 'json', nullable: true }) attributes!: Record<string, unknown> | null;
}

describe('docs/bulk.md: the examples run as written', () => {
  it('bulkCreate from an async generator, ignore and returning, bulkUpsert, iterate, sync', async () => {
    // ## Loading rows: bulkCreate
    async function* readCatalog(): AsyncGenerator<CreateData<Product>> {
      for (let i = 1; i <= 5_000; i++) {
        yield { sku: `SKU-${i}`, name: `Product ${i}`, price: (i / 100).toFixed(2), stock: i % 10 };
      }
    }
    const progress: number[] = [];
    const loaded = await Product.objects.bulkCreate(readCatalog(), {
      chunkSize: 1_000,
      onProgress: (n) => progress.push(n),
    });
    assert.deepEqual(loaded, { inserted: 5000, updated: 0, ignored: 0, keys: undefined });
    assert.deepEqual(progress, [1000, 2000, 3000, 4000, 5000]);

    const again = await Product.objects.bulkCreate(
      [{ sku: 'SKU-1', name: 'duplicate', price: '1.00' }, { sku: 'SKU-NEW', name: 'New', price: '9.99' }],
      { onConflict: 'ignore', returning: true },
    );
    assert.deepEqual([again.inserted, again.updated, again.ignored, again.keys?.length], [1, 0, 1, 1]);
    assert.equal((await Product.objects.require(Number(again.keys?.[0]))).sku, 'SKU-NEW');
    assert.equal((await Product.objects.require({ sku: 'SKU-1' })).name, 'Product 1');

    // ## Inserting or updating: bulkUpsert
    const prices = await Product.objects.bulkUpsert(
      [{ sku: 'SKU-1', name: 'Product 1', price: '0.05' }, { sku: 'SKU-X', name: 'Extra', price: '5.00' }],
      { conflict: ['sku'], update: ['price'] },
    );
    assert.deepEqual(prices, { inserted: 1, updated: 1, ignored: 0 });
    const one = await Product.objects.require({ sku: 'SKU-1' });
    assert.deepEqual([one.name, one.price, one.stock], ['Product 1', '0.05', 1]);

    // ## Reading rows out: iterate
    let inStock = 0;
    for await (const product of Product.objects.iterate({ stock: { gt: 0 } }, { batchSize: 1_000 })) {
      inStock += product.stock;
    }
    assert.equal(inStock, 500 * (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9));
    const low: string[] = [];
    for await (const product of Product.objects.where('stock = :n', { n: 9 }).iterate({ batchSize: 100 })) {
      low.push(product.sku);
    }
    assert.equal(low.length, 500);
    assert.equal(low[0], 'SKU-9');

    // ## Synchronising a table: sync
    const desired = [
      { sku: 'SKU-1', name: 'Product 1', price: '0.05' },
      { sku: 'SKU-2', name: 'Product two', price: '0.02' },
      { sku: 'SKU-NEW2', name: 'Brand new', price: '1.00' },
    ];
    const plan = await Product.objects.sync(desired, { key: ['sku'], delete: false });
    assert.equal(plan.toString(), [
      'Product: 1 to create, 1 to update, 0 to delete, 1 unchanged',
      '  + sku="SKU-NEW2"',
      '  ~ sku="SKU-2": name "Product 2" -> "Product two"',
    ].join('\n'));
    const saved = JSON.parse(JSON.stringify(plan));
    assert.deepEqual([saved.creates.length, saved.updates.length, saved.deletes.length, saved.unchanged], [1, 1, 0, 1]);
    assert.deepEqual(await plan.apply(), { created: 1, updated: 1, deleted: 0 });
    assert.equal((await Product.objects.sync(desired, { key: ['sku'] })).isEmpty, true);

    const stale = await Product.objects.sync([{ sku: 'SKU-3', name: 'Product three' }], { key: ['sku'] });
    await Product.objects.updateWhere({ sku: 'SKU-3' }, { stock: 0 });
    let refused = false;
    try {
      await stale.apply();
    } catch (error) {
      if (!(error instanceof StalePlanError)) throw error;
      refused = true;
    }
    assert.ok(refused);
    assert.equal((await Product.objects.require({ sku: 'SKU-3' })).name, 'Product 3');
  });
});
