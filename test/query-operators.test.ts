/**
 * The criteria language against the real database: every operator on every field type it applies
 * to (integer, text, datetime, boolean, decimal, bigint, JSON paths) with exact result sets, NULL
 * semantics, AND / OR / NOT to any depth, operators across relations (EXISTS), the operator
 * errors (InvalidQueryError 1200 with details, before any SQL runs), the SQL each dialect
 * compiles to, and identifiers that are validated rather than written into SQL.
 *
 * Tests named "known bug (src): ..." describe what should happen and are marked `todo` until the
 * source is fixed (see the report that came with this file): they run, but do not fail the suite.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ErrorCodes, InvalidQueryError, Model, belongsTo, field, hasMany, model, primaryKey, type Criteria,
} from 'regista';
import { countQueries, isPostgres, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

@model({ table: uniqueTable('qo_teams') })
class Team extends Model<Team>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @field() city!: string;
  @hasMany(() => Person, { foreignKey: 'teamId' }) members!: Promise<Person[]>;
}

// Nullable fields carry an explicit type (TypeScript emits design:type Object for `T | null`).
@model({ table: uniqueTable('qo_people') })
class Person extends Model<Person>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @field({ type: 'text', nullable: true }) nick!: string | null;
  @field({ type: 'integer', nullable: true }) age!: number | null;
  @field({ type: 'datetime', nullable: true }) born!: Date | null;
  @field({ type: 'boolean', nullable: true }) active!: boolean | null;
  @field({ type: 'decimal', precision: 10, scale: 2, nullable: true }) price!: string | null;
  @field({ type: 'bigint', nullable: true }) views!: bigint | null;
  @field({ type: 'json', nullable: true }) doc!: Record<string, unknown> | null;
  @field({ type: 'integer', nullable: true }) teamId!: number | null;
  @belongsTo(() => Team, { foreignKey: 'teamId' }) team!: Promise<Team | null>;
}

/** Holds one JSON value per row at `doc.v`, of every JSON type, for the type-strictness tests. */
@model({ table: uniqueTable('qo_mixed') })
class Mixed extends Model<Mixed>() {
  @primaryKey() id!: number;
  @field() label!: string;
  @field({ type: 'json', nullable: true }) doc!: Record<string, unknown> | null;
}

/** uuid and enum fields: text on SQLite, native types on PostgreSQL. */
@model({ table: uniqueTable('qo_tickets') })
class Ticket extends Model<Ticket>() {
  @primaryKey() id!: number;
  @field({ type: 'uuid' }) ref!: string;
  @field({ type: 'enum', values: ['low', 'high'] }) level!: string;
}

const BIG = 9_007_199_254_740_993n; // 2^53 + 1: not representable as a JS number

// ann, bob and CyXYoung play for red, Cy_Young and eve for blue; green has no members.
const PEOPLE = [
  { name: 'Ann', nick: 'annie', age: 17, born: '2000-01-15T10:00:00.000Z', active: true, price: '9.99', views: BIG, doc: { vip: true, planning: { wave: 2 }, tags: ['red', 'blue'] }, team: 'red' },
  { name: 'bob', nick: null, age: 18, born: '1990-06-01T00:00:00.000Z', active: false, price: '10.00', views: 5n, doc: { vip: false, planning: { wave: 1 } }, team: 'red' },
  { name: 'Cy_Young', nick: 'cy', age: 42, born: '1985-12-31T23:59:59.999Z', active: true, price: '100.50', views: -BIG, doc: { planning: { wave: 3 }, tags: ['green'] }, team: 'blue' },
  { name: '50% off', nick: 'Dee', age: null, born: null, active: null, price: null, views: null, doc: null, team: null },
  { name: 'eve', nick: 'EVE', age: 65, born: '2010-03-03T03:03:03.003Z', active: false, price: '0.01', views: 0n, doc: { vip: true, tags: [] }, team: 'blue' },
  { name: 'ANNA', nick: 'a_b', age: 30, born: '2000-01-15T10:00:00.001Z', active: true, price: '9.98', views: BIG - 1n, doc: { vip: false, planning: {} }, team: null },
  { name: 'CyXYoung', nick: 'a%b', age: 25, born: '2001-01-01T00:00:00.000Z', active: null, price: '20.00', views: 100n, doc: {}, team: 'red' },
] as const;

const ALL = PEOPLE.map((p) => p.name).sort();

/** Sorted names: result sets are compared as sets (no ORDER BY in most queries). */
const names = (rows: readonly { name: string }[]): string[] => rows.map((r) => r.name).sort();

/** Asserts the names `criteria` selects, read back from the database, as a set. */
async function expectNames(criteria: Criteria<Person>, expected: readonly string[], message?: string): Promise<void> {
  assert.deepEqual(names(await Person.objects.filter(criteria)), [...expected].sort(), message ?? show(criteria));
}

/** Criteria as text for assertion messages (bigints included). */
function show(criteria: unknown): string {
  return JSON.stringify(criteria, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value));
}

/** Every name except these. */
const allBut = (...excluded: string[]): string[] => ALL.filter((n) => !excluded.includes(n));

/** An assert.rejects validator: exactly InvalidQueryError, code 1200, with these details. */
function invalidQuery(details: Record<string, unknown>, message?: RegExp): (error: unknown) => true {
  return (error: unknown) => {
    assert.ok(error instanceof InvalidQueryError, `expected InvalidQueryError, got ${String(error)}`);
    assert.equal(error.constructor, InvalidQueryError);
    assert.equal(error.code, ErrorCodes.INVALID_QUERY);
    assert.equal(error.code, 1200);
    for (const [k, v] of Object.entries(details)) assert.deepEqual(error.details[k], v, `details.${k}`);
    if (message) assert.match(error.message, message);
    return true;
  };
}

/** Asserts that `criteria` is refused with these details, and that no SQL ran for it. */
async function refused(criteria: unknown, details: Record<string, unknown>, message?: RegExp): Promise<void> {
  const { count } = await countQueries(db(), () =>
    assert.rejects(Person.objects.filter(criteria as Criteria<Person>), invalidQuery({ model: 'Person', ...details }, message)));
  assert.equal(count, 0, `no SQL may run for refused criteria ${JSON.stringify(criteria)}`);
}

describe('criteria operators', () => {
  before(async () => {
    const teams: Record<string, number> = {};
    for (const [name, city] of [['red', 'Oslo'], ['blue', 'Lima'], ['green', 'Pune']]) {
      teams[name] = (await Team.objects.create({ name, city })).id;
    }
    for (const { team, born, doc, ...rest } of PEOPLE) {
      await Person.objects.create({
        ...rest,
        born: born === null ? null : new Date(born),
        doc: doc === null ? null : structuredClone(doc),
        teamId: team === null ? null : teams[team],
      });
    }
    const stored = await Person.objects.all({ orderBy: 'id' });
    assert.deepEqual(stored.map((p) => p.views), PEOPLE.map((p) => p.views), 'bigints stored exactly');
  });

  describe('integer field', () => {
    it('eq, ne, gt, gte, lt, lte', async () => {
      await expectNames({ age: { eq: 18 } }, ['bob']);
      await expectNames({ age: 18 }, ['bob']);
      // ne follows SQL: the row whose age is NULL does not match.
      await expectNames({ age: { ne: 18 } }, allBut('bob', '50% off'));
      await expectNames({ age: { gt: 30 } }, ['Cy_Young', 'eve']);
      await expectNames({ age: { gte: 30 } }, ['ANNA', 'Cy_Young', 'eve']);
      await expectNames({ age: { lt: 18 } }, ['Ann']);
      await expectNames({ age: { lte: 18 } }, ['Ann', 'bob']);
      await expectNames({ age: { gt: 1000 } }, []);
    });

    it('several operators on one field are ANDed', async () => {
      await expectNames({ age: { gt: 17, lt: 42 } }, ['ANNA', 'CyXYoung', 'bob']);
      await expectNames({ age: { gte: 18, lte: 18, ne: 18 } }, []);
    });

    it('in and notIn; notIn follows SQL (NULL rows do not match)', async () => {
      await expectNames({ age: { in: [17, 65, 99] } }, ['Ann', 'eve']);
      await expectNames({ age: [17, 65, 99] }, ['Ann', 'eve']);
      await expectNames({ age: { notIn: [17, 65] } }, ['ANNA', 'Cy_Young', 'CyXYoung', 'bob']);
    });

    it('between is inclusive at both ends', async () => {
      await expectNames({ age: { between: [18, 30] } }, ['ANNA', 'CyXYoung', 'bob']);
      await expectNames({ age: { between: [30, 18] } }, []);
    });

    it('isNull, and eq / ne null as IS NULL / IS NOT NULL', async () => {
      await expectNames({ age: { isNull: true } }, ['50% off']);
      await expectNames({ age: { isNull: false } }, allBut('50% off'));
      await expectNames({ age: null }, ['50% off']);
      await expectNames({ age: { eq: null } }, ['50% off']);
      await expectNames({ age: { ne: null } }, allBut('50% off'));
    });
  });

  describe('text field', () => {
    it('eq, ne, in, notIn, and ranges', async () => {
      await expectNames({ name: { eq: 'bob' } }, ['bob']);
      await expectNames({ name: { ne: 'bob' } }, allBut('bob'));
      await expectNames({ name: { in: ['bob', 'eve', 'nobody'] } }, ['bob', 'eve']);
      await expectNames({ name: { notIn: ['bob', 'eve'] } }, allBut('bob', 'eve'));
      // Ranges on text depend on the collation; these three names order the same in all of them.
      await expectNames({ name: { in: ['Ann', 'bob', 'eve'], gte: 'b' } }, ['bob', 'eve']);
      await expectNames({ name: { in: ['Ann', 'bob', 'eve'], lt: 'c' } }, ['Ann', 'bob']);
      await expectNames({ name: { in: ['Ann', 'bob', 'eve'], between: ['bob', 'eve'] } }, ['bob', 'eve']);
    });

    it('ne on a nullable text field: NULL rows do not match', async () => {
      await expectNames({ nick: { ne: 'cy' } }, allBut('bob', 'Cy_Young'));
      await expectNames({ nick: { notIn: ['cy'] } }, allBut('bob', 'Cy_Young'));
      await expectNames({ nick: null }, ['bob']);
    });

    it('like: % and _ are wildcards, case-sensitive on every database', async () => {
      await expectNames({ name: { like: 'Cy_Y%' } }, ['Cy_Young', 'CyXYoung']);
      await expectNames({ name: { like: 'An%' } }, ['Ann']);
      await expectNames({ name: { like: 'ann%' } }, []);
      await expectNames({ name: { like: '%o%' } }, ['50% off', 'Cy_Young', 'CyXYoung', 'bob']);
      await expectNames({ nick: { like: 'a_b' } }, ['ANNA', 'CyXYoung']);
      await expectNames({ nick: { like: 'eve' } }, []);
      // A backslash escapes a wildcard in a like pattern.
      await expectNames({ nick: { like: 'a\\_b' } }, ['ANNA']);
      await expectNames({ name: { like: '50\\%%' } }, ['50% off']);
    });

    it('ilike: case-insensitive on every database', async () => {
      await expectNames({ name: { ilike: 'ann%' } }, ['ANNA', 'Ann']);
      await expectNames({ name: { ilike: 'ANN' } }, ['Ann']);
      await expectNames({ name: { ilike: '%Y%' } }, ['Cy_Young', 'CyXYoung']);
      await expectNames({ nick: { ilike: 'eve' } }, ['eve']);
      await expectNames({ nick: { ilike: 'A_B' } }, ['ANNA', 'CyXYoung']);
    });

    it('contains, startsWith, endsWith take % and _ literally', async () => {
      await expectNames({ name: { contains: '%' } }, ['50% off']);
      await expectNames({ name: { contains: '_' } }, ['Cy_Young']);
      await expectNames({ name: { contains: 'o' } }, ['50% off', 'Cy_Young', 'CyXYoung', 'bob']);
      await expectNames({ nick: { contains: '%' } }, ['CyXYoung']);
      await expectNames({ nick: { contains: '_' } }, ['ANNA']);
      await expectNames({ name: { startsWith: 'Cy_' } }, ['Cy_Young']);
      await expectNames({ name: { startsWith: 'A' } }, ['ANNA', 'Ann']);
      await expectNames({ name: { startsWith: 'a' } }, [], 'startsWith is case-sensitive');
      await expectNames({ name: { startsWith: '50%' } }, ['50% off']);
      await expectNames({ name: { endsWith: 'ng' } }, ['Cy_Young', 'CyXYoung']);
      await expectNames({ name: { endsWith: '% off' } }, ['50% off']);
      await expectNames({ name: { endsWith: 'NA' } }, ['ANNA']);
      await expectNames({ name: { contains: '\\' } }, [], 'a backslash is literal too');
      await expectNames({ name: { contains: '' } }, ALL);
    });
  });

  describe('datetime field', () => {
    const at = (iso: string) => new Date(iso);

    it('eq and ne to the millisecond', async () => {
      await expectNames({ born: at('2000-01-15T10:00:00.000Z') }, ['Ann']);
      await expectNames({ born: { eq: at('2000-01-15T10:00:00.001Z') } }, ['ANNA']);
      await expectNames({ born: { ne: at('2000-01-15T10:00:00.000Z') } }, allBut('Ann', '50% off'));
    });

    it('gt, gte, lt, lte, between, in, with Dates or ISO-8601 strings', async () => {
      await expectNames({ born: { gt: at('2000-01-15T10:00:00.000Z') } }, ['ANNA', 'CyXYoung', 'eve']);
      await expectNames({ born: { gte: at('2000-01-15T10:00:00.000Z') } }, ['ANNA', 'Ann', 'CyXYoung', 'eve']);
      await expectNames({ born: { lt: at('1990-06-01T00:00:00.000Z') } }, ['Cy_Young']);
      await expectNames({ born: { lte: at('1990-06-01T00:00:00.000Z') } }, ['Cy_Young', 'bob']);
      await expectNames({ born: { between: [at('2000-01-01T00:00:00Z'), at('2000-12-31T23:59:59Z')] } }, ['ANNA', 'Ann']);
      await expectNames({ born: { in: [at('2010-03-03T03:03:03.003Z'), at('1985-12-31T23:59:59.999Z')] } }, ['Cy_Young', 'eve']);
      const iso = { born: { gte: '2001-01-01T00:00:00Z' } } as unknown as Criteria<Person>;
      await expectNames(iso, ['CyXYoung', 'eve']);
    });

    it('isNull', async () => {
      await expectNames({ born: { isNull: true } }, ['50% off']);
      await expectNames({ born: null }, ['50% off']);
    });
  });

  describe('boolean field', () => {
    it('eq, ne, in, notIn, isNull', async () => {
      await expectNames({ active: true }, ['ANNA', 'Ann', 'Cy_Young']);
      await expectNames({ active: { eq: false } }, ['bob', 'eve']);
      await expectNames({ active: { ne: true } }, ['bob', 'eve']);
      await expectNames({ active: { in: [true, false] } }, allBut('50% off', 'CyXYoung'));
      await expectNames({ active: { notIn: [true] } }, ['bob', 'eve']);
      await expectNames({ active: { isNull: true } }, ['50% off', 'CyXYoung']);
    });
  });

  describe('decimal field', () => {
    it('compares as numbers, not as text, with strings or numbers', async () => {
      await expectNames({ price: '9.99' }, ['Ann']);
      await expectNames({ price: { eq: '10' } }, ['bob'], "'10' equals 10.00");
      // As text, '10.00' and '100.50' would sort before '9.99'.
      await expectNames({ price: { gt: '9.99' } }, ['Cy_Young', 'CyXYoung', 'bob']);
      await expectNames({ price: { gte: '20' } }, ['Cy_Young', 'CyXYoung']);
      await expectNames({ price: { lt: '1' } }, ['eve']);
      await expectNames({ price: { lte: '9.98' } }, ['ANNA', 'eve']);
      await expectNames({ price: { between: ['9.98', '10'] } }, ['ANNA', 'Ann', 'bob']);
      await expectNames({ price: { in: ['0.01', '100.5'] } }, ['Cy_Young', 'eve']);
      await expectNames({ price: { ne: '9.99' } }, allBut('Ann', '50% off'));
      await expectNames({ price: null }, ['50% off']);
      const numeric = { price: { gt: 9.99 } } as unknown as Criteria<Person>;
      await expectNames(numeric, ['Cy_Young', 'CyXYoung', 'bob'], 'numbers are accepted too');
    });
  });

  describe('bigint field', () => {
    it('compares exactly beyond 2^53', async () => {
      await expectNames({ views: BIG }, ['Ann']);
      await expectNames({ views: { eq: BIG - 1n } }, ['ANNA']);
      await expectNames({ views: { gt: BIG - 1n } }, ['Ann']);
      await expectNames({ views: { gte: BIG - 1n } }, ['ANNA', 'Ann']);
      await expectNames({ views: { lt: 0n } }, ['Cy_Young']);
      await expectNames({ views: { lte: -BIG } }, ['Cy_Young']);
      await expectNames({ views: { lt: -BIG } }, []);
      await expectNames({ views: { between: [0n, 100n] } }, ['CyXYoung', 'bob', 'eve']);
      await expectNames({ views: { in: [BIG, 5n] } }, ['Ann', 'bob']);
      await expectNames({ views: { notIn: [0n, BIG] } }, ['ANNA', 'Cy_Young', 'CyXYoung', 'bob']);
      await expectNames({ views: { ne: 0n } }, allBut('eve', '50% off'));
      await expectNames({ views: { isNull: true } }, ['50% off']);
    });
  });

  describe('empty lists', () => {
    it('in [] matches nothing; notIn [] matches everything, NULL rows included', async () => {
      await expectNames({ age: { in: [] } }, []);
      await expectNames({ age: [] }, []);
      await expectNames({ age: { notIn: [] } }, ALL);
      await expectNames({ name: { notIn: [] }, active: true }, ['ANNA', 'Ann', 'Cy_Young']);
      assert.equal(await Person.objects.count({ views: { in: [] } }), 0);
      assert.equal(await Person.objects.exists({ views: { notIn: [] } }), true);
    });

    it('OR of nothing matches nothing; AND of nothing and {} match everything; NOT of nothing matches nothing', async () => {
      await expectNames({ OR: [] }, []);
      await expectNames({ AND: [] }, ALL);
      await expectNames({}, ALL);
      await expectNames({ NOT: {} }, []);
      await expectNames({ OR: [{}] }, ALL);
    });

    it('regression: an OR with an empty member matches every row (its other members bind values the SQL no longer has)', async () => {
      // SQLite: DatabaseError "Too many parameter values"; PostgreSQL: "bind message supplies 1
      // parameters, but prepared statement requires 0", reported as a ConnectionError.
      await expectNames({ OR: [{ name: 'bob' }, {}] }, ALL);
      await expectNames({ OR: [{ age: { gt: 1 } }, { AND: [] }], name: 'bob' }, ['bob']);
    });
  });

  describe('AND, OR, NOT', () => {
    it('the issue example: a field condition and an OR group', async () => {
      await expectNames({ age: { gte: 18 }, OR: [{ active: true }, { name: { startsWith: 'C' } }] }, ['ANNA', 'Cy_Young', 'CyXYoung']);
    });

    it('AND as a list, alongside keys', async () => {
      await expectNames({ AND: [{ age: { gte: 18 } }, { age: { lte: 30 } }], active: { isNull: false } }, ['ANNA', 'bob']);
    });

    it('OR of conditions on different fields and types', async () => {
      await expectNames({ OR: [{ views: { lt: 0n } }, { born: null }, { price: '0.01' }] }, ['50% off', 'Cy_Young', 'eve']);
    });

    it('NOT of a group follows SQL three-valued logic: unknown (NULL) rows stay out', async () => {
      // Neither active nor under 20. 50% off (NULL, NULL) and CyXYoung (NULL, 25) are unknown.
      await expectNames({ NOT: { OR: [{ active: true }, { age: { lt: 20 } }] } }, ['eve']);
      // A list under NOT is ANDed first: NOT (active AND age > 20).
      await expectNames({ NOT: [{ active: true }, { age: { gt: 20 } }] }, ['Ann', 'bob', 'eve']);
      await expectNames({ NOT: { name: { startsWith: 'C' } } }, allBut('Cy_Young', 'CyXYoung'));
      await expectNames({ NOT: { NOT: { name: 'bob' } } }, ['bob']);
    });

    it('nested groups mixing every combinator, types and a JSON path', async () => {
      const criteria: Criteria<Person> = {
        OR: [
          { AND: [{ age: { gte: 18 } }, { NOT: { active: false } }] },
          { AND: [{ 'doc.vip': true }, { NOT: { OR: [{ age: { gt: 60 } }, { price: { isNull: true } }] } }] },
        ],
      };
      await expectNames(criteria, ['ANNA', 'Ann', 'Cy_Young']);
    });

    it('deep nesting: 62 levels of alternating AND / OR, and of double NOTs, keep their meaning', async () => {
      let andOr: Criteria<Person> = { name: 'bob' };
      let nots: Criteria<Person> = { name: 'eve' };
      for (let i = 0; i < 31; i++) {
        andOr = { AND: [{ OR: [andOr, { name: 'nobody' }] }] };
        nots = { NOT: { NOT: nots } };
      }
      await expectNames(andOr, ['bob']);
      await expectNames(nots, ['eve']);
      await expectNames({ OR: [andOr, nots] }, ['bob', 'eve']);
    });

    it('nesting deeper than 64 levels is refused before any SQL runs', async () => {
      let deep: Criteria<Person> = { name: 'bob' };
      for (let i = 0; i < 64; i++) deep = { AND: [deep] };
      await refused(deep, {}, /nest deeper than 64 levels/);
    });
  });

  describe('JSON paths', () => {
    it('numbers compare as numbers: gt, between, in', async () => {
      await expectNames({ 'doc.planning.wave': { gt: 1 } }, ['Ann', 'Cy_Young']);
      await expectNames({ 'doc.planning.wave': { gte: 1, lt: 3 } }, ['Ann', 'bob']);
      await expectNames({ 'doc.planning.wave': { between: [1, 2] } }, ['Ann', 'bob']);
      await expectNames({ 'doc.planning.wave': { in: [1, 3] } }, ['Cy_Young', 'bob']);
      await expectNames({ 'doc.planning.wave': { lte: 2.5 } }, ['Ann', 'bob']);
    });

    it("a string never equals a number: 'doc.planning.wave': '2' does not match 2", async () => {
      await expectNames({ 'doc.planning.wave': 2 }, ['Ann']);
      await expectNames({ 'doc.planning.wave': '2' }, []);
      await expectNames({ 'doc.planning.wave': { in: ['1', '2', '3'] } }, []);
    });

    it('booleans compare as booleans', async () => {
      await expectNames({ 'doc.vip': true }, ['Ann', 'eve']);
      await expectNames({ 'doc.vip': false }, ['ANNA', 'bob']);
      await expectNames({ 'doc.vip': 'true' }, []);
      // ne follows SQL: documents without vip (and rows without a document) do not match.
      await expectNames({ 'doc.vip': { ne: true } }, ['ANNA', 'bob']);
    });

    it('isNull: a missing path, a JSON null and a NULL column alike', async () => {
      await expectNames({ 'doc.planning.wave': { isNull: true } }, ['50% off', 'ANNA', 'CyXYoung', 'eve']);
      await expectNames({ 'doc.planning.wave': null }, ['50% off', 'ANNA', 'CyXYoung', 'eve']);
      await expectNames({ 'doc.planning': { isNull: false } }, ['ANNA', 'Ann', 'Cy_Young', 'bob']);
    });

    it('array indexes, whole arrays, and the text operators on string values', async () => {
      await expectNames({ 'doc.tags.0': 'red' }, ['Ann']);
      await expectNames({ 'doc.tags.1': 'blue' }, ['Ann']);
      await expectNames({ 'doc.tags.0': { startsWith: 'g' } }, ['Cy_Young']);
      await expectNames({ 'doc.tags.0': { contains: 'e' } }, ['Ann', 'Cy_Young']);
      await expectNames({ 'doc.tags.0': { ilike: 'RED' } }, ['Ann']);
      await expectNames({ 'doc.tags.0': { like: 'RED' } }, []);
      await expectNames({ 'doc.tags.0': { endsWith: 'n' } }, ['Cy_Young']);
      await expectNames({ 'doc.tags': { eq: ['red', 'blue'] } }, ['Ann']);
      await expectNames({ 'doc.tags': { eq: ['blue', 'red'] } }, [], 'array order matters');
    });

    it('JSON paths combine with AND / OR / NOT like fields', async () => {
      await expectNames({ OR: [{ 'doc.vip': true }, { 'doc.planning.wave': { gte: 3 } }] }, ['Ann', 'Cy_Young', 'eve']);
      // eve has no tags.0: the inner condition is unknown (NULL), and so is its NOT.
      await expectNames({ 'doc.vip': true, NOT: { 'doc.tags.0': 'red' } }, []);
      await expectNames({ 'doc.vip': true, OR: [{ 'doc.tags.0': { ne: 'red' } }, { 'doc.tags.0': null }] }, ['eve']);
    });
  });

  describe('across relations (EXISTS)', () => {
    it('operators on a belongsTo path', async () => {
      await expectNames({ 'team.name': { startsWith: 'r' } }, ['Ann', 'CyXYoung', 'bob']);
      await expectNames({ 'team.city': { in: ['Lima', 'Pune'] }, age: { gt: 50 } }, ['eve']);
      await expectNames({ OR: [{ 'team.city': 'Oslo' }, { age: { isNull: true } }] }, ['50% off', 'Ann', 'CyXYoung', 'bob']);
    });

    it('operators on a hasMany path: each team once, however many members match', async () => {
      const teams = (rows: readonly Team[]) => rows.map((t) => t.name).sort();
      assert.deepEqual(teams(await Team.objects.filter({ 'members.age': { gte: 65 } })), ['blue']);
      assert.deepEqual(teams(await Team.objects.filter({ 'members.age': { gte: 17 } })), ['blue', 'red']);
      assert.deepEqual(teams(await Team.objects.filter({ 'members.name': { contains: '_' } })), ['blue']);
      assert.deepEqual(teams(await Team.objects.filter({ 'members.doc.vip': true })), ['blue', 'red']);
      // The keys on one relation apply to the same member.
      assert.deepEqual(teams(await Team.objects.filter({ 'members.active': true, 'members.age': { lt: 18 } })), ['red']);
    });

    it('NOT of a relation path: no related row matches (NOT EXISTS)', async () => {
      const teams = (rows: readonly Team[]) => rows.map((t) => t.name).sort();
      assert.deepEqual(teams(await Team.objects.filter({ NOT: { 'members.active': true } })), ['green']);
      assert.deepEqual(teams(await Team.objects.filter({ NOT: { 'members.id': { isNull: false } } })), ['green']);
      assert.deepEqual(teams(await Team.objects.filter({ NOT: { 'members.age': { gt: 60 } } })), ['green', 'red']);
    });
  });

  describe('operator errors: InvalidQueryError 1200, before any SQL runs', () => {
    it('an unknown operator names it and lists the operators', async () => {
      await refused({ age: { regex: '^1' } }, { field: 'age', operator: 'regex' }, /Unknown operator "regex".*eq, ne, gt/);
      await refused({ name: { startswith: 'A' } }, { field: 'name', operator: 'startswith' });
      await refused({ 'doc.vip': { is: true } }, { field: 'doc', operator: 'is' });
    });

    it('an empty operator object', async () => {
      await refused({ age: {} }, { field: 'age' }, /empty operator object/);
    });

    it('a value of the wrong type for the field', async () => {
      await refused({ age: { gt: 'x' } }, { field: 'age', value: 'x', expected: 'an integer' });
      await refused({ age: { gte: 1.5 } }, { field: 'age', value: 1.5 });
      await refused({ age: { in: [1, 'two'] } }, { field: 'age', value: 'two' });
      await refused({ age: { eq: [1] } }, { field: 'age', value: [1] });
      await refused({ name: { eq: 5 } }, { field: 'name', value: 5, expected: 'a string' });
      await refused({ born: { lt: 'yesterday' } }, { field: 'born', value: 'yesterday' });
      await refused({ active: { eq: 'yes' } }, { field: 'active', value: 'yes', expected: 'a boolean' });
      await refused({ price: { gt: 'abc' } }, { field: 'price', value: 'abc' });
      await refused({ views: { in: [1.5] } }, { field: 'views', value: 1.5 });
      await refused({ name: { like: 5 } }, { field: 'name', value: 5, expected: 'a string' });
      await refused({ 'doc.n': { eq: () => 1 } }, { field: 'doc.n', expected: 'a JSON value' });
    });

    it('a null where a value is needed', async () => {
      await refused({ age: { gt: null } }, { field: 'age', value: null, expected: 'a value (gt)' });
      await refused({ age: { in: [1, null] } }, { field: 'age', value: null });
      await refused({ 'doc.vip': { in: [null] } }, { field: 'doc.vip', value: null });
    });

    it('like and the other text operators on a field that is not text', async () => {
      await refused({ age: { like: '1%' } }, { field: 'age', operator: 'like' }, /like needs a text field; Person\.age is integer/);
      await refused({ born: { ilike: '2000%' } }, { field: 'born', operator: 'ilike' });
      await refused({ active: { contains: 't' } }, { field: 'active', operator: 'contains' });
      await refused({ price: { startsWith: '9' } }, { field: 'price', operator: 'startsWith' });
      await refused({ views: { endsWith: '3' } }, { field: 'views', operator: 'endsWith' });
    });

    it('between with one or three bounds, or not an array', async () => {
      const expected = 'an array of two bounds (between)';
      await refused({ age: { between: [1] } }, { field: 'age', expected, value: [1] });
      await refused({ age: { between: [1, 2, 3] } }, { field: 'age', expected, value: [1, 2, 3] });
      await refused({ age: { between: [] } }, { field: 'age', expected });
      await refused({ age: { between: 5 } }, { field: 'age', expected: 'an array (between)', value: 5 });
    });

    it('in / notIn that are not arrays', async () => {
      await refused({ age: { in: 5 } }, { field: 'age', expected: 'an array (in)', value: 5 });
      await refused({ name: { notIn: 'bob' } }, { field: 'name', expected: 'an array (notIn)', value: 'bob' });
    });

    it('isNull that is not a boolean', async () => {
      const expected = 'true or false (isNull)';
      await refused({ age: { isNull: 'yes' } }, { field: 'age', expected, value: 'yes' });
      await refused({ age: { isNull: 1 } }, { field: 'age', expected, value: 1 });
      await refused({ age: { isNull: null } }, { field: 'age', expected, value: null });
      await refused({ 'doc.vip': { isNull: 0 } }, { field: 'doc.vip', expected, value: 0 });
    });

    it('combinators of the wrong shape', async () => {
      await refused({ OR: { name: 'bob' } }, { combinator: 'OR' }, /OR takes an array of criteria/);
      await refused({ AND: 'x' }, { combinator: 'AND' });
      await refused({ NOT: 5 }, {}, /criteria must be an object/);
      await refused({ OR: [{ name: 'bob' }, [1]] }, {}, /got an array/);
    });

    it('unknown fields and paths, at any depth', async () => {
      await refused({ OR: [{ name: 'bob' }, { NOT: { nope: { gt: 1 } } }] }, { field: 'nope' });
      await refused({ 'age.x': 1 }, { field: 'age' }, /a dotted path needs a relation or a json field/);
      await refused({ 'team.nope': { gt: 1 } }, { model: 'Team', field: 'nope' });
      await refused({ 'nope.name': 'x' }, { field: 'nope' });
    });
  });

  describe('SQL shapes (values are bound, never written into the SQL)', () => {
    /** An identifier quoted as the dialect quotes it: "name" on PostgreSQL, `name` on SQLite. */
    const q = (name: string): string => (isPostgres() ? `"${name}"` : `\`${name}\``);

    /** The one SELECT `criteria` runs, with its bindings. */
    async function statementOf(criteria: Criteria<Person>): Promise<{ sql: string; bindings: readonly unknown[] }> {
      const { events } = await countQueries(db(), () => Person.objects.filter(criteria));
      assert.equal(events.length, 1);
      return { sql: events[0].sql, bindings: events[0].bindings };
    }

    it('contains escapes the pattern and binds it', async () => {
      const { sql, bindings } = await statementOf({ name: { contains: '50%_\\' } });
      assert.deepEqual(bindings, ['%50\\%\\_\\\\%']);
      const column = isPostgres() ? `(${q('name')})::text` : q('name');
      assert.ok(sql.endsWith(`WHERE ${column} LIKE ${isPostgres() ? '$1' : '?'} ESCAPE '\\'`), sql);
    });

    it('ilike: ILIKE on PostgreSQL, lower() LIKE lower() on SQLite', async () => {
      const { sql, bindings } = await statementOf({ name: { ilike: 'ann%' } });
      assert.deepEqual(bindings, ['ann%']);
      assert.ok(sql.endsWith(isPostgres() ? `WHERE ("name")::text ILIKE $1 ESCAPE '\\'` : "WHERE lower(`name`) LIKE lower(?) ESCAPE '\\'"), sql);
    });

    it('a JSON path comparison binds the value as JSON', async () => {
      const { sql, bindings } = await statementOf({ 'doc.planning.wave': { gt: 1 } });
      assert.deepEqual(bindings, ['1']);
      assert.ok(sql.endsWith(isPostgres()
        ? `WHERE ("doc" #> '{"planning","wave"}') > $1::jsonb`
        : "WHERE json_extract(`doc`, '$.\"planning\".\"wave\"') > json_extract(?, '$')"), sql);
    });

    it('AND / OR / NOT are parenthesised as written', async () => {
      const { sql, bindings } = await statementOf({ age: { gte: 18 }, OR: [{ active: true }, { NOT: { name: 'x' } }] });
      const p = isPostgres() ? ['$1', '$2', '$3'] : ['?', '?', '?'];
      assert.ok(sql.endsWith(`WHERE ${q('age')} >= ${p[0]} AND (${q('active')} = ${p[1]} OR NOT (${q('name')} = ${p[2]}))`), sql);
      assert.deepEqual(bindings, [18, isPostgres() ? true : 1, 'x']);
    });

    it("values that look like SQL are plain values: `x' OR '1'='1` matches nothing", async () => {
      const hostile = "x' OR '1'='1";
      const { sql, bindings } = await statementOf({ name: hostile, nick: { contains: "'); DROP TABLE people; --" } });
      assert.ok(!sql.includes("'1'='1") && !sql.includes('DROP'), sql);
      assert.deepEqual(bindings, [hostile, "%'); DROP TABLE people; --%"]);
      await expectNames({ name: hostile }, []);
      assert.equal(await Person.objects.count(), PEOPLE.length);
    });
  });

  describe('identifiers are validated, never written into SQL as given', () => {
    it('a key that is not a field name', async () => {
      await refused({ 'name" = "name" OR "1': 1 }, { field: 'name" = "name" OR "1' });
      await refused({ 'name; DROP TABLE x': 1 }, { field: 'name; DROP TABLE x' });
    });

    it('JSON path segments: names and array indexes only', async () => {
      await refused({ "doc.x') OR 1=1 --": 1 }, { field: 'doc' }, /Invalid JSON path segment/);
      await refused({ 'doc.a"b': 1 }, { field: 'doc' }, /Invalid JSON path segment/);
      await refused({ 'doc.a-b': 1 }, { field: 'doc' });
      await refused({ 'doc.': 1 }, { field: 'doc' });
      await refused({ 'doc.a..b': 1 }, { field: 'doc' });
      await refused({ 'doc.$': 1 }, { field: 'doc' });
      await refused({ 'doc.-1': 1 }, { field: 'doc' });
    });

    it('orderBy fields', async () => {
      const { count } = await countQueries(db(), () =>
        assert.rejects(Person.objects.filter({}, { orderBy: 'name; DROP TABLE x' }), invalidQuery({ model: 'Person', field: 'name; DROP TABLE x' })));
      assert.equal(count, 0);
    });

    it('nothing was changed by any refused query', async () => {
      assert.equal(await Person.objects.count(), PEOPLE.length);
      assert.equal(await Team.objects.count(), 3);
    });
  });
});

describe('JSON comparisons by type', () => {
  // One row per JSON type at doc.v (and a JSON null, a missing key and a NULL column).
  const VALUES: ReadonlyArray<readonly [string, Record<string, unknown> | null]> = [
    ['num2', { v: 2 }], ['num2.5', { v: 2.5 }], ['num10', { v: 10 }], ['num1', { v: 1 }], ['num0', { v: 0 }],
    ['str2', { v: '2' }], ['strx', { v: 'x' }], ['true', { v: true }], ['false', { v: false }],
    ['arr', { v: [1] }], ['obj', { v: { a: 1 } }], ['objstr', { v: '{"a":1}' }],
    ['jnull', { v: null }], ['missing', {}], ['colnull', null],
  ];
  const labels = (rows: readonly Mixed[]): string[] => rows.map((r) => r.label).sort();
  const match = async (condition: unknown): Promise<string[]> =>
    labels(await Mixed.objects.filter({ 'doc.v': condition }));

  before(async () => {
    for (const [label, doc] of VALUES) await Mixed.objects.create({ label, doc });
  });

  it('equality is type-strict for numbers, strings, arrays and null', async () => {
    assert.deepEqual(await match(2), ['num2']);
    assert.deepEqual(await match(2.5), ['num2.5']);
    assert.deepEqual(await match('2'), ['str2']);
    assert.deepEqual(await match('x'), ['strx']);
    assert.deepEqual(await match({ eq: [1] }), ['arr']);
    assert.deepEqual(await match({ in: [2, 'x'] }), ['num2', 'strx']);
    assert.deepEqual(await match(null), ['colnull', 'jnull', 'missing']);
    assert.deepEqual(await match({ isNull: false }), [
      'arr', 'false', 'num0', 'num1', 'num10', 'num2', 'num2.5', 'obj', 'objstr', 'str2', 'strx', 'true',
    ]);
  });

  it('like / contains read the text of the value', async () => {
    assert.deepEqual(await match({ like: '2%' }), ['num2', 'num2.5', 'str2']);
    assert.deepEqual(await match({ contains: 'x' }), ['strx']);
  });

  it('known bug (src): booleans are not equal to 1 / 0 (SQLite matches them)', { todo: 'criteria.ts/sqlite json-sql.ts: json_extract turns true/false into 1/0' }, async () => {
    assert.deepEqual(await match(true), ['true']);
    assert.deepEqual(await match(1), ['num1']);
    assert.deepEqual(await match(false), ['false']);
    assert.deepEqual(await match(0), ['num0']);
    assert.deepEqual(await match({ in: [true, 2] }), ['num2', 'true']);
  });

  it('known bug (src): range operators only match values of the compared type', { todo: 'SQLite orders numbers < text; PostgreSQL jsonb orders null < string < number < boolean < array < object' }, async () => {
    assert.deepEqual(await match({ gt: 1 }), ['num10', 'num2', 'num2.5']);
    assert.deepEqual(await match({ gte: 2 }), ['num10', 'num2', 'num2.5']);
    assert.deepEqual(await match({ lt: 1 }), ['num0']);
    assert.deepEqual(await match({ between: [1, 3] }), ['num1', 'num2', 'num2.5']);
    assert.deepEqual(await match({ gt: 'a' }), ['objstr', 'strx']);
    assert.deepEqual(await match({ lt: true }), ['false']);
  });

  it('known bug (src): ne / notIn follow SQL and never match a JSON null (PostgreSQL does)', { todo: 'postgres json-sql.ts: `#>` gives jsonb null, not SQL NULL' }, async () => {
    const present = ['arr', 'false', 'num0', 'num1', 'num10', 'num2.5', 'obj', 'objstr', 'str2', 'strx', 'true'];
    assert.deepEqual(await match({ ne: 2 }), present);
    assert.deepEqual(await match({ notIn: [2] }), present);
  });

  it('known bug (src): an object is not equal to a string holding its JSON (SQLite matches it)', { todo: 'sqlite json-sql.ts: json_extract gives objects as JSON text' }, async () => {
    assert.deepEqual(await match({ eq: { a: 1 } }), ['obj']);
  });
});

describe('known bugs (src) outside JSON', () => {
  before(async () => {
    await Ticket.objects.create({ ref: '123e4567-e89b-12d3-a456-426614174000', level: 'high' });
    await Ticket.objects.create({ ref: 'aaaaaaaa-0000-4000-8000-000000000000', level: 'low' });
  });

  it('regression: like-family operators work on uuid and enum fields on every database', async () => {
    const refs = (rows: readonly Ticket[]) => rows.map((t) => t.level).sort();
    assert.deepEqual(refs(await Ticket.objects.filter({ ref: { contains: 'e89b' } })), ['high']);
    assert.deepEqual(refs(await Ticket.objects.filter({ level: { startsWith: 'h' } })), ['high']);
    assert.deepEqual(refs(await Ticket.objects.filter({ level: { ilike: 'LOW' } })), ['low']);
  });

  it('regression: a like pattern ending in an escape character is an InvalidQueryError', async () => {
    await assert.rejects(Person.objects.filter({ name: { like: 'Ann\\' } }), invalidQuery({ model: 'Person', field: 'name' }));
  });

  it('regression: an invalid Date is an InvalidQueryError, not a RangeError', async () => {
    await assert.rejects(Person.objects.filter({ born: { gt: new Date('not a date') } }), invalidQuery({ model: 'Person', field: 'born' }));
  });
});
