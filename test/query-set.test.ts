/**
 * Query sets: `Model.objects.where(...)` returns a lazy, immutable, chainable QuerySet that is
 * awaitable and has terminal methods (count, exists, first, last, update, delete, values, page,
 * aggregate, iterate, updatePaths). Asserted on rows read back from the database, with the number
 * of statements where laziness or eager loading is the point. The manager's earlier methods are
 * checked to keep working with the new criteria alongside.
 *
 * Tests named "known bug (src): ..." describe what should happen and are marked `todo` until the
 * source is fixed: they run, but do not fail the suite.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ErrorCodes, InvalidQueryError, Model, QuerySet, belongsTo, field, hasMany, model, primaryKey,
  type ModelData, type Page,
} from 'regista';
import { countQueries, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

/** `true` only when X and Y are the same type. */
type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends (<T>() => T extends Y ? 1 : 2) ? true : false;
/** Compiles only when given `true`. */
function assertType<T extends true>(_proof?: T): void {}

@model({ table: uniqueTable('qs_clubs') })
class Club extends Model<Club>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @hasMany(() => Member, { foreignKey: 'clubId' }) members!: Promise<Member[]>;
}

@model({ table: uniqueTable('qs_members') })
class Member extends Model<Member>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @field({ type: 'text', nullable: true }) role!: string | null;
  @field() age!: number;
  @field() active!: boolean;
  @field() points!: bigint;
  @field({ type: 'json', nullable: true }) profile!: Record<string, unknown> | null;
  @field() createdAt!: Date;
  @field({ type: 'integer', nullable: true }) clubId!: number | null;
  @belongsTo(() => Club, { foreignKey: 'clubId' }) club!: Promise<Club | null>;
}

/** Rows the write tests create and change; each test works on its own `batch`. */
@model({ table: uniqueTable('qs_chores') })
class Chore extends Model<Chore>() {
  @primaryKey() id!: number;
  @field() batch!: string;
  @field() title!: string;
  @field({ default: false }) done!: boolean;
  @field({ default: 1 }) priority!: number;
  @field({ default: 0n }) cost!: bigint;
  @field({ type: 'json', nullable: true }) info!: Record<string, unknown> | null;
}

/** Only for the known bug about criteria that select everything: the bug touches every row. */
@model({ table: uniqueTable('qs_bins') })
class Bin extends Model<Bin>() {
  @primaryKey() id!: number;
  @field() title!: string;
}

const MEMBERS = [
  { name: 'ada', role: 'admin', age: 36, active: true, points: 10n, profile: { vip: true }, club: 'chess' },
  { name: 'ben', role: 'user', age: 17, active: true, points: 20n, profile: null, club: 'chess' },
  { name: 'cat', role: 'user', age: 25, active: false, points: 30n, profile: { vip: false }, club: 'go' },
  { name: 'dan', role: null, age: 41, active: true, points: 40n, profile: null, club: null },
  { name: 'eli', role: 'editor', age: 30, active: false, points: 50n, profile: { vip: true }, club: 'go' },
  { name: 'fay', role: 'admin', age: 19, active: true, points: 60n, profile: null, club: 'chess' },
  { name: 'gus', role: 'user', age: 52, active: true, points: 70n, profile: null, club: null },
  { name: 'hal', role: 'user', age: 25, active: false, points: 80n, profile: null, club: 'go' },
] as const;

/** ada was created on 2024-01-01, ben a day later, and so on. */
const createdAt = (index: number): Date => new Date(Date.UTC(2024, 0, 1 + index, 12));

/** name -> id */
const ids: Record<string, number> = {};
/** club name -> id */
const clubIds: Record<string, number> = {};

/** Names in result order. */
const names = (rows: readonly { name: string }[]): string[] => rows.map((r) => r.name);
/** Names as a set (sorted), for queries without an order. */
const nameSet = (rows: readonly { name: string }[]): string[] => names(rows).sort();

/** An assert.throws/rejects validator: exactly InvalidQueryError, code 1200, with these details. */
function invalidQuery(details: Record<string, unknown>, message?: RegExp): (error: unknown) => true {
  return (error: unknown) => {
    assert.ok(error instanceof InvalidQueryError, `expected InvalidQueryError, got ${String(error)}`);
    assert.equal(error.constructor, InvalidQueryError);
    assert.equal(error.code, ErrorCodes.INVALID_QUERY);
    for (const [k, v] of Object.entries(details)) assert.deepEqual(error.details[k], v, `details.${k}`);
    if (message) assert.match(error.message, message);
    return true;
  };
}

let batches = 0;
/** Creates chores in a batch of their own; returns the batch name. */
async function choreBatch(rows: ReadonlyArray<{ title: string; priority?: number; cost?: bigint; info?: Record<string, unknown> | null }>): Promise<string> {
  const batch = `b${++batches}`;
  for (const row of rows) await Chore.objects.create({ batch, ...row });
  return batch;
}

describe('query sets', () => {
  before(async () => {
    const clubs = clubIds;
    for (const name of ['chess', 'go', 'darts']) clubs[name] = (await Club.objects.create({ name })).id;
    for (const [index, { club, profile, ...rest }] of MEMBERS.entries()) {
      const member = await Member.objects.create({
        ...rest, profile: profile === null ? null : { ...profile }, createdAt: createdAt(index), clubId: club === null ? null : clubs[club],
      });
      ids[member.name] = member.id;
    }
  });

  describe('awaiting a query set runs it', () => {
    it('the issue example: where, orderBy with two keys, limit and offset', async () => {
      const rows: Member[] = await Member.objects.where({ age: { gte: 18 } }).orderBy('-createdAt', 'id').limit(2).offset(1);
      assert.deepEqual(names(rows), ['gus', 'fay']);
      assert.ok(rows.every((m) => m instanceof Member && m.isPersisted()));
      assert.equal(rows[0].id, ids.gus);
      assert.equal(rows[0].points, 70n);
      assert.deepEqual(rows[0].createdAt, createdAt(6));
    });

    it('operators with an OR group', async () => {
      const rows = await Member.objects.where({ age: { gte: 18 }, OR: [{ role: 'admin' }, { name: { startsWith: 'e' } }] }).orderBy('name');
      assert.deepEqual(names(rows), ['ada', 'eli', 'fay']);
    });

    it('orderBy: ascending, descending, several keys; a later orderBy replaces the earlier one', async () => {
      const users = Member.objects.where({ role: 'user' });
      assert.deepEqual(names(await users.orderBy('age', 'name')), ['ben', 'cat', 'hal', 'gus']);
      assert.deepEqual(names(await users.orderBy('age', '-name')), ['ben', 'hal', 'cat', 'gus']);
      assert.deepEqual(names(await users.orderBy('+name')), ['ben', 'cat', 'gus', 'hal']);
      assert.deepEqual(names(await users.orderBy('name').orderBy('-name')), ['hal', 'gus', 'cat', 'ben']);
    });

    it('limit and offset, alone and together', async () => {
      const all = Member.objects.where({}).orderBy('name');
      assert.deepEqual(names(await all.limit(3)), ['ada', 'ben', 'cat']);
      assert.deepEqual(names(await all.offset(6)), ['gus', 'hal']);
      assert.deepEqual(names(await all.offset(2).limit(2)), ['cat', 'dan']);
      assert.deepEqual(await all.limit(0), []);
      assert.deepEqual(await all.offset(100), []);
    });

    it('where() again narrows: conditions are ANDed', async () => {
      const rows = await Member.objects.where({ role: 'user' }).where({ age: { lt: 30 } }).where({ active: false }).orderBy('name');
      assert.deepEqual(names(rows), ['cat', 'hal']);
    });

    it('then() works with callbacks, and a rejected query reaches onrejected', async () => {
      const count = await Member.objects.where({ role: 'admin' }).then((rows) => rows.length);
      assert.equal(count, 2);
      const caught = await Member.objects.where({}).orderBy('nope').then(() => 'resolved', (error: unknown) => error);
      assert.ok(caught instanceof InvalidQueryError);
      assert.deepEqual(caught.details.field, 'nope');
    });

    it('errors in criteria, order or window reject when awaited, not when built', async () => {
      const bad = Member.objects.where({ nope: 1 } as never);
      assert.ok(bad instanceof QuerySet);
      await assert.rejects(Promise.resolve(bad), invalidQuery({ model: 'Member', field: 'nope' }));
      await assert.rejects(Member.objects.where({}).limit(-1).all(), invalidQuery({ model: 'Member', option: 'limit', value: -1 }));
      await assert.rejects(Member.objects.where({}).offset(1.5).all(), invalidQuery({ model: 'Member', option: 'offset', value: 1.5 }));
      await assert.rejects(Member.objects.where({ age: { between: [1] } } as never).count(), invalidQuery({ model: 'Member', field: 'age' }));
    });
  });

  describe('laziness and immutability', () => {
    it('building a chain runs no query; each await runs exactly one', async () => {
      let qs: QuerySet<Member> | undefined;
      const built = await countQueries(db(), () => {
        qs = Member.objects.where({ role: 'user' }).where('age >= :min', { min: 18 }).orderBy('-age', 'name').limit(2).offset(0);
      });
      assert.equal(built.count, 0);
      assert.ok(qs);
      const first = await countQueries(db(), async () => names(await qs!));
      assert.equal(first.count, 1);
      assert.deepEqual(first.result, ['gus', 'cat']);
      // Results are not cached: awaiting again runs the query again.
      const second = await countQueries(db(), async () => names(await qs!));
      assert.equal(second.count, 1);
      assert.deepEqual(second.result, ['gus', 'cat']);
    });

    it('every chaining method returns a new query set and leaves the original unchanged', async () => {
      const base = Member.objects.where({ role: 'user' });
      const derived = [
        base.where({ age: { lt: 20 } }), base.orderBy('-age', 'name'), base.limit(1), base.offset(3), base.include('club'), base.groupBy('active'),
      ];
      for (const qs of derived) {
        assert.ok(qs instanceof QuerySet);
        assert.notEqual(qs, base);
      }
      const [narrowed, ordered, limited, offset] = derived;
      assert.deepEqual(names(await ordered), ['gus', 'cat', 'hal', 'ben']);
      assert.deepEqual(nameSet(await narrowed), ['ben']);
      assert.equal((await limited).length, 1);
      assert.equal((await offset.orderBy('name')).length, 1);
      // The base still has its one condition, no order, window, include or grouping.
      assert.deepEqual(nameSet(await base), ['ben', 'cat', 'gus', 'hal']);
      assert.equal(await base.count(), 4);
      const { count } = await countQueries(db(), () => base.then((rows) => rows.length));
      assert.equal(count, 1, 'no include leaked into the base');
      assert.deepEqual(await base.aggregate({ n: { count: '*' } }), [{ n: 4 }], 'no groupBy leaked into the base');
    });

    it('two branches from one base do not see each other', async () => {
      const base = Member.objects.where({ active: true }).orderBy('name');
      const admins = base.where({ role: 'admin' });
      const young = base.where({ age: { lt: 20 } });
      assert.deepEqual(names(await admins), ['ada', 'fay']);
      assert.deepEqual(names(await young), ['ben', 'fay']);
      assert.deepEqual(names(await base), ['ada', 'ben', 'dan', 'fay', 'gus']);
    });
  });

  describe('count, exists, first, last', () => {
    it('count: the matches, ignoring limit and offset', async () => {
      const n: number = await Member.objects.where({ role: 'user' }).count();
      assert.equal(n, 4);
      assert.equal(await Member.objects.where({ role: 'user' }).limit(1).offset(1).count(), 4);
      assert.equal(await Member.objects.where({}).count(), MEMBERS.length);
      assert.equal(await Member.objects.where({ role: 'nobody' }).count(), 0);
      const { count } = await countQueries(db(), () => Member.objects.where({ age: { gt: 30 } }).count());
      assert.equal(count, 1);
    });

    it('exists', async () => {
      const yes: boolean = await Member.objects.where({ 'club.name': 'go', age: { gt: 29 } }).exists();
      assert.equal(yes, true);
      assert.equal(await Member.objects.where({ 'club.name': 'darts' }).exists(), false);
    });

    it('first: by primary key unless ordered; null when nothing matches', async () => {
      const first: Member | null = await Member.objects.where({ role: 'user' }).first();
      assert.equal(first?.name, 'ben');
      assert.equal((await Member.objects.where({ role: 'user' }).orderBy('-age').first())?.name, 'gus');
      assert.equal(await Member.objects.where({ role: 'nobody' }).first(), null);
    });

    it('last: the reverse of first', async () => {
      assert.equal((await Member.objects.where({ role: 'user' }).last())?.name, 'hal');
      assert.equal((await Member.objects.where({ role: 'user' }).orderBy('-age').last())?.name, 'ben');
      assert.equal((await Member.objects.where({ role: 'user' }).orderBy('age', 'name').last())?.name, 'gus');
      assert.equal(await Member.objects.where({ role: 'nobody' }).last(), null);
    });

    it('regression: first() honours offset', async () => {
      assert.equal((await Member.objects.where({}).orderBy('name').offset(2).first())?.name, 'cat');
    });
  });

  describe('values', () => {
    it('plain rows with only the named fields, typed as a Pick', async () => {
      const rows = await Member.objects.where({ role: 'admin' }).orderBy('name').values('id', 'name');
      assertType<Equal<typeof rows, Array<Pick<ModelData<Member>, 'id' | 'name'>>>>();
      const typed: Array<{ id: number; name: string }> = rows;
      // @ts-expect-error age was not selected
      assert.equal(typed[0].age, undefined);
      assert.deepEqual(rows, [{ id: ids.ada, name: 'ada' }, { id: ids.fay, name: 'fay' }]);
      assert.ok(rows.every((r) => Object.getPrototypeOf(r) === Object.prototype && !(r instanceof Member)));
    });

    it('values are decoded as the fields are: Date, bigint, boolean, JSON, null', async () => {
      const rows = await Member.objects.where({ name: ['ada', 'dan'] }).orderBy('name').values('createdAt', 'points', 'active', 'profile', 'role');
      assert.deepEqual(rows, [
        { createdAt: createdAt(0), points: 10n, active: true, profile: { vip: true }, role: 'admin' },
        { createdAt: createdAt(3), points: 40n, active: true, profile: null, role: null },
      ]);
      assert.ok(rows[0].createdAt instanceof Date);
      assert.equal(typeof rows[0].points, 'bigint');
    });

    it('respects order, limit and offset, in one query', async () => {
      const { result, count } = await countQueries(db(), () => Member.objects.where({ age: { gte: 25 } }).orderBy('-age').offset(1).limit(3).values('name'));
      assert.equal(count, 1);
      assert.deepEqual(result, [{ name: 'dan' }, { name: 'ada' }, { name: 'eli' }]);
    });

    it('with no field names: every field', async () => {
      const [row] = await Member.objects.where({ name: 'ben' }).values();
      assert.deepEqual(row, {
        id: ids.ben, name: 'ben', role: 'user', age: 17, active: true, points: 20n, profile: null, createdAt: createdAt(1), clubId: clubIds.chess,
      });
    });

    it('an unknown field is refused', async () => {
      await assert.rejects(Member.objects.where({}).values('nope' as never), invalidQuery({ model: 'Member', field: 'nope' }));
      await assert.rejects(Member.objects.where({}).values('club' as never), invalidQuery({ model: 'Member', field: 'club' }));
    });
  });

  describe('include', () => {
    it('loads a belongsTo with the rows: one query for the rows, one for the relation', async () => {
      const { result: rows, count } = await countQueries(db(), async () => await Member.objects.where({ clubId: { isNull: false } }).orderBy('name').include('club'));
      assert.equal(count, 2);
      const loaded = await countQueries(db(), async () => {
        const clubs: string[] = [];
        for (const m of rows) clubs.push((await m.club)?.name ?? '');
        return clubs;
      });
      assert.equal(loaded.count, 0, 'the relation was loaded already');
      assert.deepEqual(names(rows), ['ada', 'ben', 'cat', 'eli', 'fay', 'hal']);
      assert.deepEqual(loaded.result, ['chess', 'chess', 'go', 'go', 'chess', 'go']);
    });

    it('loads every related row, not only the ones the filter looked at', async () => {
      const clubs = await Club.objects.where({ 'members.age': { lt: 20 } }).include('members');
      assert.deepEqual(names(clubs), ['chess']);
      assert.deepEqual(nameSet(await clubs[0].members), ['ada', 'ben', 'fay']);
    });

    it('include calls add up; first() and last() include too', async () => {
      const club = await Club.objects.where({ name: 'go' }).include('members').include('members.club').first();
      assert.ok(club);
      const { result: members, count } = await countQueries(db(), async () => {
        const list = await club.members;
        return Promise.all(list.map(async (m) => (await m.club)?.name));
      });
      assert.equal(count, 0);
      assert.deepEqual(members, ['go', 'go', 'go']);
    });

    it('an unknown relation is refused', async () => {
      await assert.rejects(Member.objects.where({}).include('nope').all(), invalidQuery({ model: 'Member' }));
      await assert.rejects(Member.objects.where({}).include('club.nope').first(), invalidQuery({ model: 'Club' }));
    });
  });

  describe('page', () => {
    it('{ items, total, page, pages }, in two queries', async () => {
      const { result, count } = await countQueries(db(), () => Member.objects.where({}).orderBy('name').page(2, 3));
      const p: Page<Member> = result;
      assert.equal(count, 2);
      assert.deepEqual(names(p.items), ['dan', 'eli', 'fay']);
      assert.ok(p.items.every((m) => m instanceof Member));
      assert.deepEqual({ total: p.total, page: p.page, pages: p.pages }, { total: 8, page: 2, pages: 3 });
    });

    it('the last page is partial; past it, no items', async () => {
      const last = await Member.objects.where({}).orderBy('name').page(3, 3);
      assert.deepEqual(names(last.items), ['gus', 'hal']);
      assert.deepEqual({ total: last.total, page: last.page, pages: last.pages }, { total: 8, page: 3, pages: 3 });
      const past = await Member.objects.where({}).orderBy('name').page(4, 3);
      assert.deepEqual(past, { items: [], total: 8, page: 4, pages: 3 });
    });

    it('with criteria; nothing matching gives one empty page', async () => {
      const users = await Member.objects.where({ role: 'user' }).orderBy('-age', 'name').page(1, 3);
      assert.deepEqual(names(users.items), ['gus', 'cat', 'hal']);
      assert.deepEqual({ total: users.total, pages: users.pages }, { total: 4, pages: 2 });
      assert.deepEqual(await Member.objects.where({ role: 'nobody' }).page(1, 10), { items: [], total: 0, page: 1, pages: 1 });
    });

    it('page and size must be positive integers', async () => {
      for (const [page, size] of [[0, 3], [1, 0], [1.5, 2], [-1, 2], [Number.NaN, 2]]) {
        await assert.rejects(Member.objects.where({}).page(page, size), invalidQuery({ model: 'Member', page, size }));
      }
    });
  });

  describe('aggregate', () => {
    it('count, sum, avg, min, max over every row: one plain row of numbers', async () => {
      const rows = await Member.objects.where({}).aggregate({
        n: { count: '*' }, total: { sum: 'age' }, mean: { avg: 'age' }, youngest: { min: 'age' }, oldest: { max: 'age' }, points: { sum: 'points' },
      });
      assert.deepEqual(rows, [{ n: 8, total: 245, mean: 30.625, youngest: 17, oldest: 52, points: 360 }]);
      for (const value of Object.values(rows[0])) assert.equal(typeof value, 'number');
    });

    it('count of a field counts its non-null values; min / max of a datetime are Dates', async () => {
      const [row] = await Member.objects.where({}).aggregate({ roles: { count: 'role' }, since: { min: 'createdAt' }, until: { max: 'createdAt' }, first: { min: 'name' } });
      assert.deepEqual(row, { roles: 7, since: createdAt(0), until: createdAt(7), first: 'ada' });
    });

    it('with criteria', async () => {
      assert.deepEqual(await Member.objects.where({ active: true, age: { gt: 18 } }).aggregate({ n: { count: '*' }, total: { sum: 'age' } }), [{ n: 4, total: 148 }]);
      assert.deepEqual(await Member.objects.where("role = 'user'").aggregate({ mean: { avg: 'age' } }), [{ mean: 29.75 }]);
    });

    it('groupBy: one row per group with the group fields, numbers as numbers', async () => {
      const rows = await Member.objects.where({}).groupBy('role').aggregate({ n: { count: '*' }, total: { sum: 'age' }, mean: { avg: 'age' }, oldest: { max: 'age' } });
      // Groups come ordered by the group fields; where the NULL group sorts depends on the database.
      const byRole = [...rows].sort((a, b) => String(a.role).localeCompare(String(b.role)));
      assert.deepEqual(byRole, [
        { role: 'admin', n: 2, total: 55, mean: 27.5, oldest: 36 },
        { role: 'editor', n: 1, total: 30, mean: 30, oldest: 30 },
        { role: null, n: 1, total: 41, mean: 41, oldest: 41 },
        { role: 'user', n: 4, total: 119, mean: 29.75, oldest: 52 },
      ]);
      assert.deepEqual(rows.filter((r) => r.role !== null).map((r) => r.role), ['admin', 'editor', 'user']);
    });

    it('groupBy several fields, with criteria; booleans decoded', async () => {
      const rows = await Member.objects.where({ role: { in: ['user', 'admin'] } }).groupBy('role', 'active').aggregate({ n: { count: '*' } });
      assert.deepEqual(rows, [
        { role: 'admin', active: true, n: 2 },
        { role: 'user', active: false, n: 2 },
        { role: 'user', active: true, n: 2 },
      ]);
    });

    it('nothing matching: count 0, the others null', async () => {
      const rows = await Member.objects.where({ role: 'nobody' }).aggregate({ n: { count: '*' }, total: { sum: 'age' }, mean: { avg: 'age' }, low: { min: 'age' } });
      assert.deepEqual(rows, [{ n: 0, total: null, mean: null, low: null }]);
      assert.deepEqual(await Member.objects.where({ role: 'nobody' }).groupBy('role').aggregate({ n: { count: '*' } }), []);
    });

    it('refuses what it cannot compute, before any SQL', async () => {
      const qs = Member.objects.where({});
      const cases: Array<[() => Promise<unknown>, Record<string, unknown>]> = [
        [() => qs.aggregate({}), {}],
        [() => qs.aggregate({ 'a b': { count: '*' } }), { alias: 'a b' }],
        [() => qs.aggregate({ 'x" FROM t; --': { count: '*' } }), { alias: 'x" FROM t; --' }],
        [() => qs.aggregate({ m: { median: 'age' } as never }), { alias: 'm' }],
        [() => qs.aggregate({ m: { sum: 'age', max: 'age' } as never }), { alias: 'm' }],
        [() => qs.aggregate({ m: { sum: 'nope' as never } }), { field: 'nope' }],
        [() => qs.aggregate({ m: { count: 'age); DROP TABLE x; --' as never } }), { field: 'age); DROP TABLE x; --' }],
        [() => qs.groupBy('nope' as never).aggregate({ n: { count: '*' } }), { field: 'nope' }],
      ];
      for (const [run, details] of cases) {
        const { count } = await countQueries(db(), () => assert.rejects(run(), invalidQuery({ model: 'Member', ...details })));
        assert.equal(count, 0);
      }
    });

    it('regression: sum / avg of a non-numeric field is an InvalidQueryError on every database', async () => {
      await assert.rejects(Member.objects.where({}).aggregate({ s: { sum: 'name' } }), invalidQuery({ model: 'Member', alias: 's' }));
      await assert.rejects(Member.objects.where({}).aggregate({ a: { avg: 'createdAt' } }), invalidQuery({ model: 'Member', alias: 'a' }));
    });

    it('regression: min / max of a bigint beyond 2^53 are exact', async () => {
      const batch = await choreBatch([{ title: 'big', cost: 9_007_199_254_740_993n }, { title: 'small', cost: -9_007_199_254_740_993n }]);
      assert.deepEqual(await Chore.objects.where({ batch }).aggregate({ hi: { max: 'cost' }, lo: { min: 'cost' } }), [
        { hi: 9_007_199_254_740_993n, lo: -9_007_199_254_740_993n },
      ]);
    });
  });

  describe('update and delete', () => {
    it('update(changes): every matching row, in one statement; returns the updated instances', async () => {
      const batch = await choreBatch([{ title: 'a', priority: 1 }, { title: 'b', priority: 2 }, { title: 'c', priority: 3 }]);
      const { result, count } = await countQueries(db(), () => Chore.objects.where({ batch, priority: { lt: 3 } }).update({ done: true }));
      const updated: Chore[] = result;
      assert.equal(count, 1);
      assert.deepEqual(updated.map((c) => [c.title, c.done]).sort(), [['a', true], ['b', true]]);
      assert.ok(updated.every((c) => c instanceof Chore));
      const stored = await Chore.objects.filter({ batch }, { orderBy: 'title' });
      assert.deepEqual(stored.map((c) => [c.title, c.done]), [['a', true], ['b', true], ['c', false]]);
    });

    it('update with a text filter, ignoring order and window', async () => {
      const batch = await choreBatch([{ title: 'a', priority: 5 }, { title: 'b', priority: 1 }]);
      const updated = await Chore.objects.where('batch = :batch AND priority >= 5', { batch }).orderBy('title').limit(1).update({ title: 'A' });
      assert.deepEqual(updated.map((c) => c.title), ['A']);
      assert.deepEqual((await Chore.objects.filter({ batch }, { orderBy: 'title' })).map((c) => c.title), ['A', 'b']);
    });

    it('delete(): every matching row; returns how many', async () => {
      const batch = await choreBatch([{ title: 'a', priority: 1 }, { title: 'b', priority: 2 }, { title: 'c', priority: 3 }]);
      const deleted: number = await Chore.objects.where({ batch }).where({ OR: [{ priority: 1 }, { title: { endsWith: 'c' } }] }).delete();
      assert.equal(deleted, 2);
      assert.deepEqual((await Chore.objects.filter({ batch })).map((c) => c.title), ['b']);
      assert.equal(await Chore.objects.where({ batch, title: 'zzz' }).delete(), 0);
    });

    it('an unfiltered update or delete is refused, and nothing changes', async () => {
      const batch = await choreBatch([{ title: 'keep' }]);
      const before = await Chore.objects.count();
      for (const qs of [Chore.objects.where({}), Chore.objects.where({ title: undefined }), Chore.objects.where({}).where({}).orderBy('id').limit(1)]) {
        const refused = await countQueries(db(), async () => {
          // (an async wrapper: update() and delete() throw synchronously, see the known bug below)
          await assert.rejects(async () => qs.update({ done: true }), invalidQuery({ model: 'Chore', method: 'update' }, /unfiltered/));
          await assert.rejects(async () => qs.delete(), invalidQuery({ model: 'Chore', method: 'delete' }));
          await assert.rejects(qs.updatePaths({ 'info.seen': true }), invalidQuery({ model: 'Chore', method: 'updatePaths' }));
        });
        assert.equal(refused.count, 0);
      }
      assert.equal(await Chore.objects.count(), before);
      assert.deepEqual((await Chore.objects.filter({ batch })).map((c) => c.done), [false]);
      assert.equal(await Chore.objects.count({ done: true, title: 'keep' }), 0);
    });

    it('regression: update() and delete() of an unfiltered query return a rejected promise, not a synchronous throw', async () => {
      const qs = Chore.objects.where({});
      let update: Promise<unknown> | undefined;
      let remove: Promise<unknown> | undefined;
      assert.doesNotThrow(() => { update = qs.update({ done: true }); });
      assert.doesNotThrow(() => { remove = qs.delete(); });
      await assert.rejects(update!, invalidQuery({ model: 'Chore', method: 'update' }));
      await assert.rejects(remove!, invalidQuery({ model: 'Chore', method: 'delete' }));
    });

    it('regression: criteria that select everything ({ AND: [] }, { OR: [{}] }) are refused as unfiltered', async () => {
      await Bin.objects.create({ title: 'keep' });
      await assert.rejects(async () => Bin.objects.where({ AND: [] }).update({ title: 'gone' }), invalidQuery({ model: 'Bin', method: 'update' }));
      await assert.rejects(async () => Bin.objects.where({ OR: [{}] }).delete(), invalidQuery({ model: 'Bin', method: 'delete' }));
      await assert.rejects(Bin.objects.updateWhere({ AND: [{}] }, { title: 'gone' }), invalidQuery({ model: 'Bin', method: 'updateWhere' }));
      await assert.rejects(Bin.objects.deleteWhere({ AND: [] }), invalidQuery({ model: 'Bin', method: 'deleteWhere' }));
      assert.deepEqual((await Bin.objects.all()).map((b) => b.title), ['keep']);
    });

    it('updatePaths sets JSON leaves in every matching row', async () => {
      const batch = await choreBatch([{ title: 'a', info: { n: 1 } }, { title: 'b', info: null }, { title: 'c', info: { n: 3 } }]);
      const updated = await Chore.objects.where({ batch, title: { in: ['a', 'b'] } }).updatePaths({ 'info.seen': true });
      assert.equal(updated.length, 2);
      const stored = await Chore.objects.filter({ batch }, { orderBy: 'title' });
      assert.deepEqual(stored.map((c) => c.info), [{ n: 1, seen: true }, { seen: true }, { n: 3 }]);
      assert.deepEqual((await Chore.objects.filter({ batch, 'info.seen': true })).map((c) => c.title).sort(), ['a', 'b']);
    });
  });

  describe('iterate', () => {
    it('streams the matching rows in primary-key order, a batch per query', async () => {
      const seen: string[] = [];
      const { count } = await countQueries(db(), async () => {
        for await (const m of Member.objects.where({ role: 'user' }).orderBy('-age').iterate({ batchSize: 3 })) seen.push(m.name);
      });
      assert.deepEqual(seen, ['ben', 'cat', 'gus', 'hal']);
      assert.equal(count, 2);
    });
  });

  describe('the manager methods keep working alongside query sets', () => {
    it('filter with criteria and options, and with a text filter, params and options', async () => {
      assert.deepEqual(names(await Member.objects.filter({ role: 'user', age: { lt: 30 } }, { orderBy: '-name', limit: 2 })), ['hal', 'cat']);
      assert.deepEqual(names(await Member.objects.filter('role = :role AND age < 30', { role: 'user' }, { orderBy: 'name', offset: 1 })), ['cat', 'hal']);
      assert.deepEqual(names(await Member.objects.filter({ role: ['admin', 'editor'] }, { orderBy: 'name' })), ['ada', 'eli', 'fay']);
      assert.deepEqual(names(await Member.objects.filter({ role: null })), ['dan']);
      assert.deepEqual(names(await Member.objects.filter({ 'club.name': 'go' }, { orderBy: 'id' })), ['cat', 'eli', 'hal']);
    });

    it('all, first, last, count, exists', async () => {
      assert.deepEqual(names(await Member.objects.all({ orderBy: '-age', limit: 2 })), ['gus', 'dan']);
      assert.equal((await Member.objects.first({ age: { gt: 30 } }))?.name, 'ada');
      assert.equal((await Member.objects.first({ age: { gt: 30 } }, { orderBy: 'age', offset: 1 }))?.name, 'dan');
      assert.equal((await Member.objects.last({ OR: [{ role: 'admin' }, { role: 'editor' }] }))?.name, 'fay');
      assert.equal(await Member.objects.count({ NOT: { role: 'user' } }), 3);
      assert.equal(await Member.objects.exists({ 'profile.vip': true, age: { lt: 30 } }), false);
      assert.equal(await Member.objects.exists({ 'profile.vip': true, age: { lte: 30 } }), true);
    });

    it('get and require with operator criteria', async () => {
      const gus: Member | null = await Member.objects.get({ age: { gt: 50 } });
      assert.equal(gus?.id, ids.gus);
      assert.equal((await Member.objects.require({ name: { startsWith: 'e' } })).name, 'eli');
      assert.equal((await Member.objects.get(ids.ada, { include: ['club'] }))?.name, 'ada');
    });

    it('updateWhere and deleteWhere with operator criteria', async () => {
      const batch = await choreBatch([{ title: 'x', priority: 1 }, { title: 'y', priority: 9 }]);
      const updated = await Chore.objects.updateWhere({ batch, priority: { gte: 5 } }, { done: true });
      assert.deepEqual(updated.map((c) => c.title), ['y']);
      assert.equal(await Chore.objects.deleteWhere({ batch, NOT: { done: true } }), 1);
      assert.deepEqual((await Chore.objects.filter({ batch })).map((c) => [c.title, c.done]), [['y', true]]);
    });

    it('iterate with a text filter and params', async () => {
      const seen: string[] = [];
      for await (const m of Member.objects.iterate('age BETWEEN :lo AND :hi', { params: { lo: 20, hi: 40 }, batchSize: 2 })) seen.push(m.name);
      assert.deepEqual(seen, ['ada', 'cat', 'eli', 'hal']);
    });
  });
});
