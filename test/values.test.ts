/**
 * Value round trips on every dialect: what goes in comes back exactly, through a fresh `get`
 * and, where the stored form is meaningful, through a raw knex select.
 */
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, InvalidQueryError, Model, ValidationError, field, model, primaryKey } from 'regista';
import { uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const SAMPLE_TABLE = uniqueTable('vals');

/**
 * Every field nullable, so each test writes only the field it is about. Nullable fields carry an
 * explicit type: TypeScript emits design:type Object for `T | null` (see "regression: the issue's
 * User model registers" in registration.test.ts).
 */
@model({ table: SAMPLE_TABLE })
class Sample extends Model<Sample>() {
  @primaryKey() id!: number;
  @field({ type: 'datetime', nullable: true }) at!: Date | null;
  @field({ type: 'boolean', nullable: true }) flag!: boolean | null;
  @field({ type: 'json', nullable: true }) doc!: Json;
  @field({ type: 'bigint', nullable: true }) big!: bigint | null;
  @field({ type: 'decimal', precision: 10, scale: 2, nullable: true }) price!: string | null;
  @field({ type: 'float', nullable: true }) ratio!: number | null;
  @field({ type: 'date', nullable: true }) day!: string | null;
  @field({ type: 'uuid', nullable: true }) ref!: string | null;
  @field({ type: 'enum', values: ['draft', 'published'], nullable: true }) status!: 'draft' | 'published' | null;
  @field({ type: 'varchar', length: 5, nullable: true }) code!: string | null;
  @field({ type: 'text', nullable: true }) note!: string | null;
}

const DOC_TABLE = uniqueTable('docs');

@model({ table: DOC_TABLE })
class Doc extends Model<Doc>() {
  @primaryKey() id!: number;
  @field({ type: 'json' }) body!: Json;
  @field({ type: 'json', nullable: true }) extra!: Json;
}

/** Field initializers (class fields with values) must not beat the stored values either. */
@model({ table: uniqueTable('with_init') })
class WithInit extends Model<WithInit>() {
  @primaryKey() id!: number;
  @field() label: string = 'from-initializer';
  @field({ type: 'text', nullable: true }) note: string | null = null;
}

/** One raw row of a table, read with knex, selecting `columns` (raw SQL expressions allowed). */
async function rawRow(table: string, id: number, columns: string): Promise<Record<string, unknown>> {
  const result: unknown = await db().knex.raw(`SELECT ${columns} FROM "${table}" WHERE id = ?`, [id]);
  const rows = Array.isArray(result) ? (result as Record<string, unknown>[]) : (result as { rows: Record<string, unknown>[] }).rows;
  assert.equal(rows.length, 1, `row ${id} of ${table} exists`);
  return rows[0];
}

/** A stored boolean as the database returned it: true/false, or 1/0 on SQLite. */
function rawBoolean(value: unknown): boolean {
  assert.ok(value === true || value === false || value === 1 || value === 0, `a stored boolean, got ${String(value)}`);
  return value === true || value === 1;
}

function rawJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function validationFailure(field: string, constraint: string): (error: unknown) => true {
  return (error: unknown) => {
    assert.ok(error instanceof ValidationError, `expected ValidationError, got ${String(error)}`);
    assert.equal(error.code, ErrorCodes.VALIDATION);
    assert.equal(error.details.model, 'Sample');
    assert.deepEqual(error.errors.map((e) => e.field), [field]);
    assert.ok(constraint in error.errors[0].constraints, JSON.stringify(error.errors[0].constraints));
    return true;
  };
}

describe('datetime', () => {
  const dates = [
    new Date('2024-02-29T23:59:59.123Z'),
    new Date('1969-07-20T20:17:40.001Z'),
    new Date('2099-12-31T00:00:00.999Z'),
    new Date(0),
  ];

  for (const date of dates) {
    it(`round-trips ${date.toISOString()} to the millisecond`, async () => {
      const created = await Sample.objects.create({ at: date });
      assert.ok(created.at instanceof Date);
      assert.equal(created.at.getTime(), date.getTime());

      const back = await Sample.objects.require(created.id);
      assert.ok(back.at instanceof Date);
      assert.equal(back.at.toISOString(), date.toISOString());

      const raw = (await rawRow(SAMPLE_TABLE, created.id, 'at')).at;
      assert.ok(raw instanceof Date || typeof raw === 'string', `stored as a Date or text, got ${typeof raw}`);
      assert.equal(new Date(raw).toISOString(), date.toISOString());

      const found = await Sample.objects.filter({ at: new Date(date.getTime()) });
      assert.deepEqual(found.map((s) => s.id), [created.id]);
    });
  }
});

describe('boolean', () => {
  it('round-trips true and false', async () => {
    const yes = await Sample.objects.create({ flag: true });
    const no = await Sample.objects.create({ flag: false });
    assert.equal(yes.flag, true);
    assert.equal(no.flag, false);
    assert.equal((await Sample.objects.require(yes.id)).flag, true);
    assert.equal((await Sample.objects.require(no.id)).flag, false);
    assert.equal(rawBoolean((await rawRow(SAMPLE_TABLE, yes.id, 'flag')).flag), true);
    assert.equal(rawBoolean((await rawRow(SAMPLE_TABLE, no.id, 'flag')).flag), false);

    const falses = (await Sample.objects.filter({ flag: false })).map((s) => s.id);
    const trues = (await Sample.objects.filter({ flag: true })).map((s) => s.id);
    assert.ok(falses.includes(no.id) && !falses.includes(yes.id));
    assert.ok(trues.includes(yes.id) && !trues.includes(no.id));
  });
});

describe('json', () => {
  const documents: Array<[string, Json]> = [
    ['an object of every JSON type', { a: 1, b: 'two', c: true, d: null, e: [1, 2.5, { f: 'g' }], g: false, h: 0 }],
    ['an array', [1, 'two', null, { three: 3 }, [], {}]],
    ['deep nesting', { nested: { deeper: { deepest: [[[{ leaf: 'x' }]]] } } }],
    ['unicode and escapes', { unicode: 'héllo wörld — 日本語 🎉👩‍👩‍👧', 'key with spaces': 'quote \' " \\ backslash\nnewline\ttab', 'ключ': 'значение' }],
    ['an empty object', {}],
    ['an empty array', []],
  ];

  for (const [label, value] of documents) {
    it(`round-trips ${label}`, async () => {
      const created = await Sample.objects.create({ doc: structuredClone(value) });
      assert.deepEqual(created.doc, value);
      assert.deepEqual((await Sample.objects.require(created.id)).doc, value);
      assert.deepEqual(rawJson((await rawRow(SAMPLE_TABLE, created.id, 'doc')).doc), value);
    });
  }

  const scalars: Json[] = ['a string', '', 42, 1.5, true, false, 0];
  for (const value of scalars) {
    it(`round-trips the top-level scalar ${JSON.stringify(value)}`, async () => {
      const created = await Sample.objects.create({ doc: value });
      assert.deepEqual((await Sample.objects.require(created.id)).doc, value);
    });
  }

  it('null versus absent versus an object', async () => {
    const absent = await Doc.objects.create({ body: { a: 1 } });
    assert.equal(absent.extra, null);
    const explicitNull = await Doc.objects.create({ body: [1], extra: null });
    const object = await Doc.objects.create({ body: {}, extra: { x: 1 } });
    const arrayOfNull = await Doc.objects.create({ body: 'text', extra: [null] });

    assert.equal((await Doc.objects.require(absent.id)).extra, null);
    assert.equal((await Doc.objects.require(explicitNull.id)).extra, null);
    assert.deepEqual((await Doc.objects.require(object.id)).extra, { x: 1 });
    assert.deepEqual((await Doc.objects.require(arrayOfNull.id)).extra, [null]);
    assert.deepEqual((await Doc.objects.require(arrayOfNull.id)).body, 'text');

    // A null JSON field is SQL NULL, not the JSON text `null`.
    const nullIds = (await Doc.objects.filter({ extra: null })).map((d) => d.id).sort((a, b) => a - b);
    assert.deepEqual(nullIds, [absent.id, explicitNull.id]);
    assert.equal((await rawRow(DOC_TABLE, absent.id, 'extra')).extra, null);
    assert.equal((await rawRow(DOC_TABLE, explicitNull.id, 'extra')).extra, null);

    // Setting an object back to null stores NULL.
    object.extra = null;
    await object.save();
    assert.equal((await rawRow(DOC_TABLE, object.id, 'extra')).extra, null);
    assert.equal((await Doc.objects.require(object.id)).extra, null);
  });

  it('null in a NOT NULL JSON field is a ValidationError', async () => {
    const before = await Doc.objects.count();
    await assert.rejects(Doc.objects.create({ body: null }), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.code, ErrorCodes.VALIDATION);
      assert.equal(error.details.model, 'Doc');
      assert.deepEqual(error.errors.map((e) => e.field), ['body']);
      assert.ok('required' in error.errors[0].constraints);
      return true;
    });
    await assert.rejects(Doc.objects.create({}), ValidationError);
    assert.equal(await Doc.objects.count(), before);
  });
});

describe('bigint', () => {
  const values = [9007199254740993n, -9007199254740993n, 9223372036854775807n, -9223372036854775808n, 0n];
  for (const value of values) {
    it(`round-trips ${value}n exactly`, async () => {
      const created = await Sample.objects.create({ big: value });
      assert.equal(created.big, value);
      const back = await Sample.objects.require(created.id);
      assert.equal(typeof back.big, 'bigint');
      assert.equal(back.big, value);
      assert.equal(String((await rawRow(SAMPLE_TABLE, created.id, 'CAST(big AS TEXT) AS big')).big), value.toString());
      assert.deepEqual((await Sample.objects.filter({ big: value })).map((s) => s.id), [created.id]);
    });
  }
});

describe('decimal', () => {
  for (const value of ['12345.67', '0.10', '0.00', '-99999999.99', '99999999.99', '1.05']) {
    it(`round-trips '${value}' at scale 2`, async () => {
      const created = await Sample.objects.create({ price: value });
      assert.equal(created.price, value);
      const back = await Sample.objects.require(created.id);
      assert.equal(back.price, value);
      assert.ok((await Sample.objects.filter({ price: value })).some((s) => s.id === created.id));
    });
  }

  it('a value with fewer decimals comes back at the field\'s scale', async () => {
    const created = await Sample.objects.create({ price: '7.5' });
    assert.equal((await Sample.objects.require(created.id)).price, '7.50');
  });
});

describe('float', () => {
  for (const value of [3.141592653589793, -0.5, 1e-10, 0.1 + 0.2, 1.7976931348623157e308, 2, -123456.789]) {
    it(`round-trips ${value} exactly`, async () => {
      const created = await Sample.objects.create({ ratio: value });
      assert.equal(created.ratio, value);
      assert.equal((await Sample.objects.require(created.id)).ratio, value);
      assert.equal(Number((await rawRow(SAMPLE_TABLE, created.id, 'ratio')).ratio), value);
    });
  }
});

describe('date-only', () => {
  for (const value of ['2024-02-29', '1970-01-01', '1999-12-31', '2099-01-01']) {
    it(`round-trips '${value}'`, async () => {
      const created = await Sample.objects.create({ day: value });
      assert.equal(created.day, value);
      assert.equal((await Sample.objects.require(created.id)).day, value);
      assert.equal((await rawRow(SAMPLE_TABLE, created.id, 'day')).day, value);
      assert.ok((await Sample.objects.filter({ day: value })).some((s) => s.id === created.id));
    });
  }

  it('an invalid date is a ValidationError', async () => {
    await assert.rejects(Sample.objects.create({ day: '2023-02-30x' }), validationFailure('day', 'type'));
  });
});

describe('uuid', () => {
  it('round-trips a uuid', async () => {
    const ref = randomUUID();
    const created = await Sample.objects.create({ ref });
    assert.equal(created.ref, ref);
    assert.equal((await Sample.objects.require(created.id)).ref, ref);
    assert.equal(String((await rawRow(SAMPLE_TABLE, created.id, 'ref')).ref), ref);
    assert.deepEqual((await Sample.objects.filter({ ref })).map((s) => s.id), [created.id]);
  });

  it('a malformed uuid is a ValidationError, and an InvalidQueryError in criteria', async () => {
    const before = await Sample.objects.count();
    await assert.rejects(Sample.objects.create({ ref: 'not-a-uuid' }), validationFailure('ref', 'type'));
    assert.equal(await Sample.objects.count(), before);
    await assert.rejects(Sample.objects.filter({ ref: 'not-a-uuid' }), (error: unknown) => {
      assert.ok(error instanceof InvalidQueryError);
      assert.equal(error.code, ErrorCodes.INVALID_QUERY);
      assert.equal(error.details.field, 'ref');
      return true;
    });
  });
});

describe('enum', () => {
  it('round-trips its values', async () => {
    const draft = await Sample.objects.create({ status: 'draft' });
    const published = await Sample.objects.create({ status: 'published' });
    assert.equal((await Sample.objects.require(draft.id)).status, 'draft');
    assert.equal((await Sample.objects.require(published.id)).status, 'published');
    assert.equal(String((await rawRow(SAMPLE_TABLE, published.id, 'status')).status), 'published');
    assert.ok((await Sample.objects.filter({ status: 'published' })).every((s) => s.status === 'published'));
  });

  it('an invalid value is a ValidationError and nothing is written', async () => {
    const before = await Sample.objects.count();
    await assert.rejects(Sample.objects.create({ status: 'archived' as never }), validationFailure('status', 'type'));
    assert.equal(await Sample.objects.count(), before);
    await assert.rejects(Sample.objects.filter({ status: 'archived' as never }), InvalidQueryError);
  });
});

describe('varchar', () => {
  it('a value at the length limit round-trips', async () => {
    const created = await Sample.objects.create({ code: 'abcde' });
    assert.equal((await Sample.objects.require(created.id)).code, 'abcde');
  });

  it('a value over the length is a ValidationError and nothing is written', async () => {
    const before = await Sample.objects.count();
    await assert.rejects(Sample.objects.create({ code: 'abcdef' }), validationFailure('code', 'maxLength'));
    assert.equal(await Sample.objects.count(), before);
    const stored = await Sample.objects.create({ code: 'ok' });
    await assert.rejects(Sample.objects.updateWhere({ id: stored.id }, { code: 'toolong' }), validationFailure('code', 'maxLength'));
    assert.equal((await Sample.objects.require(stored.id)).code, 'ok');
  });
});

describe('null versus absent', () => {
  it('omitted nullable fields are stored as NULL', async () => {
    const created = await Sample.objects.create({});
    const withUndefined = await Sample.objects.create({ note: undefined, doc: undefined });
    for (const s of [created, withUndefined, await Sample.objects.require(created.id), await Sample.objects.require(withUndefined.id)]) {
      assert.deepEqual(
        [s.at, s.flag, s.doc, s.big, s.price, s.ratio, s.day, s.ref, s.status, s.code, s.note],
        [null, null, null, null, null, null, null, null, null, null, null],
      );
    }
    const raw = await rawRow(SAMPLE_TABLE, created.id, 'at, flag, doc, big, price, ratio, day, ref, status, code, note');
    assert.ok(Object.values(raw).every((v) => v === null), JSON.stringify(raw));
  });

  it('null and the empty string are different', async () => {
    const empty = await Sample.objects.create({ note: '' });
    const none = await Sample.objects.create({ note: null });
    assert.equal((await Sample.objects.require(empty.id)).note, '');
    assert.equal((await Sample.objects.require(none.id)).note, null);
    assert.equal((await rawRow(SAMPLE_TABLE, empty.id, 'note')).note, '');
    assert.ok((await Sample.objects.filter({ note: '' })).some((s) => s.id === empty.id));
    assert.ok(!(await Sample.objects.filter({ note: null })).some((s) => s.id === empty.id));
  });
});

describe('strings', () => {
  const strings: Array<[string, string]> = [
    ['quotes', 'It\'s a "quoted" `string`'],
    ['newlines and tabs', 'line1\nline2\r\nline3\ttabbed'],
    ['emoji and scripts', 'emoji 🎉👩‍👩‍👧‍👦 ñ é ü 中文 עברית'],
    ['SQL-looking text', '\'; DROP TABLE users; --'],
    ['backslashes and wildcards', 'C:\\path\\to %_ \\n not a newline'],
    ['surrounding spaces', '  padded  '],
    ['a long string', 'x'.repeat(20_000)],
  ];
  for (const [label, value] of strings) {
    it(`round-trips ${label}`, async () => {
      const created = await Sample.objects.create({ note: value });
      assert.equal((await Sample.objects.require(created.id)).note, value);
      assert.equal((await rawRow(SAMPLE_TABLE, created.id, 'note')).note, value);
      assert.deepEqual((await Sample.objects.filter({ note: value })).map((s) => s.id), [created.id]);
    });
  }
});

describe('class fields (useDefineForClassFields)', () => {
  it('declared fields exist on new instances, so the check below means something', () => {
    // ES2022 target: `note!: string | null` is emitted as a class field, defined as undefined.
    assert.ok(Object.hasOwn(new Sample(), 'note'));
    assert.equal(new Sample().note, undefined);
  });

  it('`!:` fields do not wipe hydrated values', async () => {
    const at = new Date('2024-06-01T12:00:00.500Z');
    const created = await Sample.objects.create({ note: 'kept', flag: true, at, big: 5n, doc: { k: 'v' } });
    const check = (s: Sample) => {
      assert.equal(s.note, 'kept');
      assert.equal(s.flag, true);
      assert.equal(s.at?.getTime(), at.getTime());
      assert.equal(s.big, 5n);
      assert.deepEqual(s.doc, { k: 'v' });
    };
    check(created);
    check(await Sample.objects.require(created.id));
    const [listed] = await Sample.objects.filter({ id: created.id });
    check(listed);
    const first = await Sample.objects.first({ id: created.id });
    assert.ok(first);
    check(first);
    const refreshed = await listed.refresh();
    check(refreshed);
  });

  it('field initializers do not override stored values', async () => {
    const fresh = await WithInit.objects.create({});
    assert.equal(fresh.label, 'from-initializer');
    const stored = await WithInit.objects.create({ label: 'from-db', note: 'n' });
    const back = await WithInit.objects.require(stored.id);
    assert.equal(back.label, 'from-db');
    assert.equal(back.note, 'n');
    assert.equal((await WithInit.objects.require(fresh.id)).label, 'from-initializer');
    const all = await WithInit.objects.all({ orderBy: 'id' });
    assert.deepEqual(all.map((w) => w.label), ['from-initializer', 'from-db']);
  });
});
