/**
 * Text filter expressions end to end: `Model.objects.filter("...", params)` and `where("...")`
 * against the real database, for every part of the grammar (comparisons, LIKE / ILIKE, IN,
 * BETWEEN, IS NULL, AND / OR / NOT, parentheses, literals, :parameters, relation and JSON paths),
 * the errors (syntax errors with the column, what was expected and what was found; unknown
 * fields named), and a seeded property test: ~1,000 random and hostile filters run against the
 * database while every statement is captured, and only RegistaError ever comes out, no literal
 * of the input ever appears in SQL text, and the table and its rows survive.
 *
 * The parser itself (canonical shapes, every message) is covered without a database in
 * expression-parser.test.ts. The examples of docs/querying.md use the same User and Post models.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ErrorCodes, InvalidQueryError, Model, QuerySet, RegistaError, belongsTo, field, hasMany, model, primaryKey, type QueryEvent,
} from 'regista';
import { countQueries, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

@model({ table: uniqueTable('fx_users') })
class User extends Model<User>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @field({ type: 'text', nullable: true }) role!: string | null;
  @field({ type: 'integer', nullable: true }) age!: number | null;
  @field({ type: 'json', nullable: true }) profile!: Record<string, unknown> | null;
  @field({ type: 'datetime', nullable: true }) deletedAt!: Date | null;
  @field() createdAt!: Date;
  @field({ default: 0n }) karma!: bigint;
  @field({ default: true }) active!: boolean;
  @hasMany(() => Post, { foreignKey: 'authorId' }) posts!: Promise<Post[]>;
}

@model({ table: uniqueTable('fx_posts') })
class Post extends Model<Post>() {
  @primaryKey() id!: number;
  @field() title!: string;
  @field({ default: 0 }) views!: number;
  @field({ default: false }) published!: boolean;
  @field() authorId!: number;
  @belongsTo(() => User, { foreignKey: 'authorId', onDelete: 'cascade' }) author!: Promise<User | null>;
}

const BIG = 9_007_199_254_740_993n;
const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

const USERS = [
  { name: 'alice', role: 'admin', age: 34, profile: { vip: true, tier: 3, score: 9.5, tags: ['sql', 'ts'] }, deletedAt: null, createdAt: day('2024-01-01'), karma: BIG, active: true },
  { name: 'bob', role: 'admin', age: 15, profile: { vip: true, tier: 1, score: 7 }, deletedAt: null, createdAt: day('2024-02-01'), karma: 10n, active: true },
  { name: 'carol', role: 'admin', age: 16, profile: { vip: false, tier: 2, score: 8 }, deletedAt: null, createdAt: day('2024-03-01'), karma: 0n, active: false },
  { name: 'dave', role: 'user', age: 41, profile: { vip: true, tier: '2' }, deletedAt: null, createdAt: day('2024-04-01'), karma: -5n, active: true },
  { name: 'erin', role: 'admin', age: 52, profile: null, deletedAt: day('2024-05-05'), createdAt: day('2024-05-01'), karma: 7n, active: true },
  { name: 'frank', role: null, age: null, profile: { tags: [] }, deletedAt: null, createdAt: day('2024-06-01'), karma: 0n, active: false },
  { name: "o'brien", role: 'user', age: 28, profile: { vip: false }, deletedAt: null, createdAt: day('2024-07-01'), karma: 3n, active: true },
] as const;

const POSTS = [
  { title: 'Hello SQL', views: 120, published: true, author: 'alice' },
  { title: 'Draft', views: 0, published: false, author: 'alice' },
  { title: 'Tips', views: 15, published: true, author: 'bob' },
  { title: 'News', views: 300, published: true, author: 'dave' },
] as const;

const ALL_NAMES = USERS.map((u) => u.name).sort();

/** Sorted names of the users a text filter selects, read back from the database. */
async function matching(filter: string, params?: Record<string, unknown>): Promise<string[]> {
  const users: User[] = await User.objects.filter(filter, params);
  return users.map((u) => u.name).sort();
}

/** Asserts the users a filter selects, as a set. */
async function expectUsers(filter: string, expected: readonly string[], params?: Record<string, unknown>): Promise<void> {
  assert.deepEqual(await matching(filter, params), [...expected].sort(), filter);
}

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

describe('text filter expressions', () => {
  before(async () => {
    const ids: Record<string, number> = {};
    for (const { profile, ...user } of USERS) {
      ids[user.name] = (await User.objects.create({ ...user, profile: profile === null ? null : structuredClone(profile) })).id;
    }
    for (const { author, ...post } of POSTS) await Post.objects.create({ ...post, authorId: ids[author] });
  });

  describe('the issue example', () => {
    const filter = "role = 'admin' AND (age >= :min OR profile.vip = true) AND deletedAt IS NULL";

    it('in filter(), with a parameter', async () => {
      await expectUsers(filter, ['alice', 'bob'], { min: 18 });
      await expectUsers(filter, ['alice', 'bob', 'carol'], { min: 16 });
    });

    it('in where(), chained like criteria', async () => {
      const users: User[] = await User.objects.where(filter, { min: 18 }).orderBy('-age').limit(1);
      assert.deepEqual(users.map((u) => u.name), ['alice']);
      assert.equal(await User.objects.where(filter, { min: 18 }).count(), 2);
      assert.deepEqual(await User.objects.where(filter, { min: 18 }).where({ age: { lt: 18 } }).values('name'), [{ name: 'bob' }]);
    });

    it('selects the same rows as the equivalent criteria object, with the same bindings', async () => {
      const text = await countQueries(db(), () => User.objects.filter(filter, { min: 18 }, { orderBy: 'id' }));
      const object = await countQueries(db(), () => User.objects.filter({
        role: 'admin', OR: [{ age: { gte: 18 } }, { 'profile.vip': true }], deletedAt: null,
      }, { orderBy: 'id' }));
      assert.deepEqual(text.result.map((u) => u.id), object.result.map((u) => u.id));
      assert.deepEqual(text.events[0].bindings, object.events[0].bindings);
    });
  });

  describe('grammar, against the database', () => {
    it('comparisons: = != <> < <= > >=', async () => {
      await expectUsers('age = 34', ['alice']);
      // != and <> follow SQL: frank's NULL age matches neither side.
      await expectUsers('age != 34', ['bob', 'carol', 'dave', 'erin', "o'brien"]);
      await expectUsers('age <> 34', ['bob', 'carol', 'dave', 'erin', "o'brien"]);
      await expectUsers('age < 16', ['bob']);
      await expectUsers('age <= 16', ['bob', 'carol']);
      await expectUsers('age > 41', ['erin']);
      await expectUsers('age >= 41', ['dave', 'erin']);
      await expectUsers("role != 'admin'", ['dave', "o'brien"]);
    });

    it("string literals: single quotes, '' for a quote, anything else literal", async () => {
      await expectUsers("name = 'o''brien'", ["o'brien"]);
      await expectUsers("name = 'x\\'", []); // a backslash is an ordinary character, not an escape
      await expectUsers("name = ''", []);
      await expectUsers("name = 'ALICE'", []);
    });

    it('LIKE is case-sensitive, ILIKE is not; NOT LIKE, NOT ILIKE', async () => {
      await expectUsers("name LIKE 'a%'", ['alice']);
      await expectUsers("name LIKE 'A%'", []);
      await expectUsers("name ILIKE 'A%'", ['alice']);
      await expectUsers("name LIKE '_o%'", ['bob']);
      await expectUsers("name NOT LIKE '%a%'", ['bob', 'erin', "o'brien"]);
      await expectUsers("name NOT ILIKE 'B%'", ALL_NAMES.filter((n) => n !== 'bob'));
      await expectUsers("name LIKE :pattern", ['carol', 'dave', 'frank'], { pattern: '%_a%' });
    });

    it('IN and NOT IN: lists, array parameters, parameters spliced into a list', async () => {
      await expectUsers("role IN ('user', 'guest')", ['dave', "o'brien"]);
      await expectUsers('age NOT IN (15, 16)', ['alice', 'dave', 'erin', "o'brien"]);
      await expectUsers('name IN :names', ['bob', 'erin'], { names: ['bob', 'erin', 'zed'] });
      await expectUsers('age IN (:a, 41)', ['bob', 'dave'], { a: 15 });
      await expectUsers('age IN (:ages, 41)', ['bob', 'carol', 'dave'], { ages: [15, 16] });
      await expectUsers('age IN :none', [], { none: [] });
      await expectUsers('age NOT IN :none', ALL_NAMES, { none: [] });
    });

    it('BETWEEN and NOT BETWEEN, inclusive', async () => {
      await expectUsers('age BETWEEN 16 AND 34', ['alice', 'carol', "o'brien"]);
      // frank's NULL age is unknown on both sides.
      await expectUsers('age NOT BETWEEN 16 AND 34', ['bob', 'dave', 'erin']);
      await expectUsers('age BETWEEN :lo AND :hi', ['dave', 'erin'], { lo: 41, hi: 60 });
    });

    it('IS NULL, IS NOT NULL, and = NULL / != NULL meaning the same', async () => {
      await expectUsers('role IS NULL', ['frank']);
      await expectUsers('deletedAt IS NOT NULL', ['erin']);
      await expectUsers('role = NULL', ['frank']);
      await expectUsers('role != NULL', ALL_NAMES.filter((n) => n !== 'frank'));
      await expectUsers('role = :r', ['frank'], { r: null });
    });

    it('booleans and keywords in any case', async () => {
      await expectUsers('active = false', ['carol', 'frank']);
      await expectUsers('active = TRUE and age < 20', ['bob']);
      await expectUsers("role = 'admin' and not (age > 20) or name like 'f%'", ['bob', 'carol', 'frank']);
    });

    it('numbers: negatives, exponents, integers beyond 2^53 as bigints', async () => {
      await expectUsers('karma < 0', ['dave']);
      await expectUsers('karma >= -5 AND karma <= 0', ['carol', 'dave', 'frank']);
      await expectUsers('karma = 9007199254740993', ['alice']);
      await expectUsers('karma = 9007199254740992', []);
      await expectUsers('age > 3e1', ['alice', 'dave', 'erin']);
      await expectUsers('karma = :k', ['alice'], { k: BIG });
    });

    it('dates: ISO strings or Date parameters', async () => {
      await expectUsers("createdAt >= '2024-05-01' AND createdAt < :end", ['erin', 'frank'], { end: day('2024-07-01') });
      await expectUsers("deletedAt BETWEEN '2024-05-01T00:00:00Z' AND '2024-05-31T23:59:59Z'", ['erin']);
    });

    it('AND binds tighter than OR; parentheses group; NOT applies to what follows', async () => {
      await expectUsers("role = 'user' OR role = 'admin' AND age < 18", ['bob', 'carol', 'dave', "o'brien"]);
      await expectUsers("(role = 'user' OR role = 'admin') AND age < 18", ['bob', 'carol']);
      // NOT of a group follows SQL: frank (NULL age, inactive) makes the group true, so NOT is false.
      await expectUsers('NOT (age > 30 OR active = false)', ['bob', "o'brien"]);
      await expectUsers("NOT role = 'admin'", ['dave', "o'brien"]);
      await expectUsers("NOT NOT role = 'user'", ['dave', "o'brien"]);
      await expectUsers("((((age = 15))))", ['bob']);
    });

    it('relation paths: each comparison is an EXISTS sub-query', async () => {
      await expectUsers('posts.views > 100', ['alice', 'dave']);
      await expectUsers('posts.published = false', ['alice']);
      await expectUsers("posts.title ILIKE 'hello%'", ['alice']);
      // NOT of a relation path: no related row matches.
      await expectUsers('NOT posts.published = true', ['carol', 'erin', 'frank', "o'brien"]);
      // Two comparisons on one relation are two sub-queries: alice has a Draft, and another post
      // with more than 100 views. (Criteria objects group keys of one relation onto one row.)
      await expectUsers("posts.title = 'Draft' AND posts.views > 100", ['alice']);
      assert.deepEqual((await User.objects.filter({ 'posts.title': 'Draft', 'posts.views': { gt: 100 } })).map((u) => u.name), []);
      const posts = await Post.objects.filter("author.role = 'admin' AND views >= 15", undefined, { orderBy: 'title' });
      assert.deepEqual(posts.map((p) => p.title), ['Hello SQL', 'Tips']);
    });

    it('JSON paths: numbers and booleans compare as such, strings as strings', async () => {
      await expectUsers('profile.vip = true', ['alice', 'bob', 'dave']);
      await expectUsers('profile.vip = false', ['carol', "o'brien"]);
      await expectUsers('profile.tier = 2', ['carol']);
      await expectUsers("profile.tier = '2'", ['dave']);
      await expectUsers('profile.tier IN (1, 3)', ['alice', 'bob']);
      await expectUsers('profile.score > 7.5', ['alice', 'carol']);
      await expectUsers('profile.score BETWEEN 7 AND 8', ['bob', 'carol']);
      await expectUsers("profile.tags.0 = 'sql'", ['alice']);
      await expectUsers("profile.tags.1 LIKE 't%'", ['alice']);
      await expectUsers('profile.vip IS NULL', ['erin', 'frank']);
      // != follows SQL: erin (no profile) and frank (no vip) do not match.
      await expectUsers('profile.vip != true', ['carol', "o'brien"]);
    });

    it('filter(text, params, options) and iterate(text, { params })', async () => {
      const users = await User.objects.filter('age > :min', { min: 20 }, { orderBy: '-age', limit: 2, offset: 1 });
      assert.deepEqual(users.map((u) => u.name), ['dave', 'alice']);
      const seen: string[] = [];
      for await (const u of User.objects.iterate('active = :a', { params: { a: false }, batchSize: 1 })) seen.push(u.name);
      assert.deepEqual(seen, ['carol', 'frank']);
    });

    it('where(text) mixes with where(criteria), and update / delete take it', async () => {
      const post = await Post.objects.create({ title: 'temp', views: 1, authorId: (await User.objects.require({ name: 'frank' })).id });
      const updated = await Post.objects.where('views < :v', { v: 5 }).where({ title: 'temp' }).update({ views: 5 });
      assert.deepEqual(updated.map((p) => [p.id, p.views]), [[post.id, 5]]);
      assert.equal(await Post.objects.where("title = 'temp' AND views = 5").delete(), 1);
      assert.equal(await Post.objects.count(), POSTS.length);
    });
  });

  describe('errors', () => {
    /** Asserts `filter` is refused by filter() (a rejection) and where() (a synchronous throw), with no SQL. */
    async function syntaxError(filter: string, details: Record<string, unknown>, message: RegExp, params?: Record<string, unknown>): Promise<void> {
      const { count } = await countQueries(db(), async () => {
        await assert.rejects(User.objects.filter(filter, params), invalidQuery({ expression: filter, ...details }, message));
        assert.throws(() => User.objects.where(filter, params), invalidQuery(details, message));
      });
      assert.equal(count, 0, `no SQL may run for ${JSON.stringify(filter)}`);
    }

    it('syntax errors give the column, what was expected and what was found', async () => {
      await syntaxError('age >= ', { position: 8, expected: 'a value', found: 'end of input' }, /^Expected a value after '>=' at column 8, found end of input$/);
      await syntaxError("role = 'admin", { position: 8, expected: 'a closing quote for the string' }, /at column 8.*written twice/);
      await syntaxError("role = 'it's'", { position: 12, expected: 'AND, OR or end of input', found: "'s'" }, /'it''s'/);
      await syntaxError('role = "admin"', { position: 8, found: `'"'` }, /strings take single quotes/);
      await syntaxError('(age > 1', { position: 9, expected: "AND, OR or ')'" }, /to close the '\(' at column 1/);
      await syntaxError('age > 1)', { position: 8, found: "')'" }, /at column 8/);
      await syntaxError('age >> 3', { position: 6, expected: 'a value', found: "'>'" }, /after '>' at column 6/);
      await syntaxError('age 18', { position: 5, found: "'18'" }, /Expected an operator \(=, !=.*after 'age' at column 5/);
      await syntaxError('age IN ()', { position: 9, expected: 'a value' }, /at column 9/);
      await syntaxError('age BETWEEN 1', { position: 14, expected: 'AND' }, /at column 14/);
      await syntaxError('age IS NOT 5', { position: 12, expected: 'NULL' }, /at column 12/);
      await syntaxError("name LIKE 5", { position: 11, expected: 'a string pattern' }, /at column 11/);
      await syntaxError('AND age > 1', { position: 1 }, /AND is a keyword, not a field name/);
      await syntaxError('', { position: 1, found: 'end of input' }, /at column 1/);
      await syntaxError("name = 'x' OR 1=1", { position: 15, found: "'1'" }, /after 'OR' at column 15/);
      await syntaxError('age > 18 \u0007', { position: 10, found: 'U+0007' }, /at column 10/);
      await syntaxError('age = :ids', { position: 7, expected: 'a single value' }, /allowed only after IN/, { ids: [1] });
    });

    it('positions count characters, not UTF-16 units', async () => {
      await syntaxError("name = '🎉🎉' AND", { position: 16, found: 'end of input' }, /at column 16/);
    });

    it('a missing parameter names it', async () => {
      await syntaxError('age > :min', { position: 7, parameter: 'min' }, /Missing parameter :min at column 7/);
      await syntaxError('age > :min', { parameter: 'min' }, /params has no "min"/, { max: 1 });
    });

    it('an unknown field is named, with the available fields; it rejects when the query runs', async () => {
      const { count } = await countQueries(db(), async () => {
        await assert.rejects(User.objects.filter("nope = 1 AND role = 'admin'"), invalidQuery({ model: 'User', field: 'nope' }, /User has no field or relation "nope"/));
        const qs = User.objects.where('nope = 1');
        assert.ok(qs instanceof QuerySet, 'where() parses but checks names only when the query runs');
        await assert.rejects(qs.count(), invalidQuery({ model: 'User', field: 'nope' }));
        await assert.rejects(User.objects.filter('posts.nope > 1'), invalidQuery({ model: 'Post', field: 'nope' }));
        await assert.rejects(User.objects.filter("nosuch.name = 'x'"), invalidQuery({ model: 'User', field: 'nosuch' }));
        await assert.rejects(User.objects.filter("name.first = 'x'"), invalidQuery({ model: 'User', field: 'name' }, /a dotted path needs a relation or a json field/));
        await assert.rejects(User.objects.filter('created_at > 1'), invalidQuery({ model: 'User', field: 'created_at' }));
        await assert.rejects(User.objects.filter('__proto__ = 1'), invalidQuery({ model: 'User', field: '__proto__' }));
        await assert.rejects(User.objects.filter('constructor = 1'), invalidQuery({ model: 'User', field: 'constructor' }));
      });
      assert.equal(count, 0);
    });

    it('a value of the wrong type for the field, or an operator the field cannot take', async () => {
      const { count } = await countQueries(db(), async () => {
        await assert.rejects(User.objects.filter("age = 'x'"), invalidQuery({ model: 'User', field: 'age', value: 'x' }));
        await assert.rejects(User.objects.filter('age < 15.5'), invalidQuery({ model: 'User', field: 'age', value: 15.5 }));
        await assert.rejects(User.objects.filter('active = 1'), invalidQuery({ model: 'User', field: 'active', value: 1 }));
        await assert.rejects(User.objects.filter("createdAt > 'yesterday'"), invalidQuery({ model: 'User', field: 'createdAt', value: 'yesterday' }));
        await assert.rejects(User.objects.filter("age LIKE '1%'"), invalidQuery({ model: 'User', field: 'age', operator: 'like' }));
        await assert.rejects(User.objects.filter('name = :n', { n: 5 }), invalidQuery({ model: 'User', field: 'name', value: 5 }));
        await assert.rejects(User.objects.filter('profile.n = 99999999999999999999'), invalidQuery({ model: 'User', field: 'profile.n' }));
      });
      assert.equal(count, 0);
    });

    it('regression: an invalid Date parameter is an InvalidQueryError, not a RangeError', async () => {
      await assert.rejects(User.objects.filter('createdAt > :d', { d: new Date('nope') }), invalidQuery({ model: 'User', field: 'createdAt' }));
    });
  });

  describe('property test: random and hostile filters against the database', () => {
    it('~1,000 filters: only RegistaError, no literal in SQL text, the tables intact', async (t) => {
      const SEED = Number(process.env.REGISTA_FUZZ_SEED ?? 0x5eed_f117);
      const random = mulberry32(SEED);
      const int = (n: number) => Math.floor(random() * n);
      const pick = <T>(items: readonly T[]): T => items[int(items.length)];
      const chance = (p: number) => random() < p;

      const users = User.objects.meta.table;
      const posts = Post.objects.meta.table;
      const PARAM_STRING = 'QXparamZZvalue';
      const PARAMS: Record<string, unknown> = {
        min: 18, name: PARAM_STRING, ids: [1, 2, 3], names: ['QXlistAA', 'QXlistBB'], flag: true, nil: null,
        big: 12_345_678_901_234_567_890n, when: new Date('2024-03-01T00:00:00Z'), pattern: 'QXpat%',
      };
      const paramStrings = [PARAM_STRING, 'QXlistAA', 'QXlistBB', 'QXpat%'];

      // Identifiers: real fields and paths of the model, and names that are not.
      const FIELDS = ['id', 'name', 'role', 'age', 'profile', 'deletedAt', 'createdAt', 'karma', 'active'];
      const PATHS = ['profile.vip', 'profile.tier', 'profile.score', 'profile.tags.0', 'profile.a.b.c', 'posts.title', 'posts.views',
        'posts.published', 'posts.author.name', 'posts.nope', 'nope', 'name.x', 'created_at', '__proto__', 'constructor', 'toString.x'];
      const KEYWORDS = ['AND', 'OR', 'NOT', 'LIKE', 'ILIKE', 'IN', 'BETWEEN', 'IS', 'NULL', 'TRUE', 'FALSE'];
      const SYMBOLS = ['=', '!=', '<>', '<', '<=', '>', '>=', '(', ')', ',', ':min', ':name', ':ids', ':nil', ':big', ':when', ':nope', ':'];
      // Payloads put inside string literals; the QX... markers make them distinctive.
      const PAYLOADS = [
        `x'; DROP TABLE ${users}; --`, `' OR '1'='1`, `'); DELETE FROM ${posts}; --`, `a' OR 1=1 --`, `admin'--`,
        `1; UPDATE ${users} SET name='pwned'`, `' UNION SELECT * FROM sqlite_master --`, `'; SELECT pg_sleep(5); --`,
        `" OR ""="`, `\\'; DROP TABLE ${users}; --`, '%_%', '50%_off\\', '$1', '?', ':min', '/* QXc */', '`QXtick`',
        '日本語QX', 'emoji 🎉 QX', 'zero\u200bwidth', 'nbsp\u00a0QX', 'ctrl\u0007\u001bQX', 'nul\u0000QX', 'line\u2028sep',
        'lone\ud800QX', 'QX\\', 'QX"quoted"', "QX''doubled", 'Robert\'); DROP TABLE students;--',
      ];
      const HOSTILE = [
        `name = 'x''; DROP TABLE ${users}; --'`, "name = 'a' OR 1=1", "name = 'a' OR '1'='1'", `name = 'x'; DROP TABLE ${users}; --`,
        "name = 'abc", "name = 'it's'", "name = ''''", "name = '''", "role = 'a' -- comment", "age = 1; DELETE FROM x",
        'name = "x"', 'age = 1) OR (1=1', `name IN (SELECT name FROM ${users})`, "name = 'a' || 'b'", 'age = 0x41',
        "name = E'\\x41'", "name = N'QXn'", 'age = $1', 'age = ?', "name LIKE '%' ESCAPE '\\'", "name = 'QX\u0000'",
        `profile.x') OR 1=1 -- = 1`, 'profile."a" = 1', 'age = 1 /* c */', `name = '${'QXlong'.repeat(400)}'`,
        "name = 'QXok' AND posts.title = 'QX'' OR 1=1 --'", "pg_sleep(1) = 1", 'age = -', 'age IN (1,,2)',
      ];

      const stringLiteral = (): string => {
        const content = chance(0.6) ? pick(PAYLOADS) : randomText(int(12));
        return chance(0.9) ? `'${content.replace(/'/g, "''")}'` : `'${content}'`; // sometimes broken quoting
      };
      const randomText = (n: number): string => Array.from({ length: n }, () => pick([
        () => String.fromCharCode(32 + int(95)), () => String.fromCharCode(int(32)), () => String.fromCharCode(0x80 + int(0xff80)), () => 'QX',
      ])()).join('');
      const number = (): string => pick([
        () => String(int(100)), () => String(1000 + int(9_000_000)), () => `-${1000 + int(90_000)}`, () => `${int(1000)}.${100 + int(900)}`,
        () => `${1 + int(9)}e${int(4)}`, () => '123456789012345678901234', () => '1e999', () => '007', () => '1.', () => '12abc',
      ])();
      const value = (): string => pick([stringLiteral, stringLiteral, number, () => pick(['TRUE', 'false', 'NULL']), () => pick(SYMBOLS.filter((s) => s.startsWith(':')))])();
      const name = (): string => (chance(0.6) ? pick(FIELDS) : pick(PATHS));
      const ws = (): string => pick([' ', ' ', ' ', '', '\t', '\n', '  ']);
      const smallInt = (): string => String(int(60));
      const isoDate = (): string => `'2024-0${1 + int(9)}-0${1 + int(9)}${chance(0.5) ? 'T12:00:00Z' : ''}'`;
      /** Fields with a value of their own type (mostly), so that many filters reach the database. */
      const TYPED: ReadonlyArray<readonly [string, () => string, boolean]> = [
        ['name', stringLiteral, true], ['role', stringLiteral, true], ['posts.title', stringLiteral, true], ['profile.tags.0', stringLiteral, true],
        ['age', smallInt, false], ['posts.views', () => (chance(0.5) ? smallInt() : number()), false], ['id', smallInt, false],
        ['karma', () => (chance(0.5) ? smallInt() : `-${number()}`), false],
        ['active', () => pick(['TRUE', 'false', ':flag']), false], ['posts.published', () => pick(['true', 'FALSE']), false],
        ['profile.vip', () => pick(['true', 'false', ':flag']), false],
        ['createdAt', () => pick([isoDate, () => ':when'])(), false], ['deletedAt', isoDate, false],
        ['profile.tier', () => pick([smallInt, number, stringLiteral])(), true], ['profile.score', () => pick([smallInt, number])(), false],
        ['profile.a.b.c', value, true],
      ];

      /** A filter that follows the grammar (values are now and then of the wrong type for their field). */
      const wellFormed = (depth: number): string => {
        if (depth > 0 && chance(0.4)) {
          const parts = Array.from({ length: 2 + int(2) }, () => wellFormed(depth - 1));
          const joined = parts.join(` ${pick(['AND', 'OR', 'and', 'or'])} `);
          return chance(0.5) ? `(${joined})` : chance(0.2) ? `NOT (${joined})` : joined;
        }
        if (chance(0.05)) return `${name()} ${pick(['=', '<', 'LIKE', 'IN'])} ${value()}`;
        const [n, typed, text] = pick(TYPED);
        const v = () => (chance(0.97) ? typed() : value());
        switch (int(text ? 7 : 5)) {
          case 0: case 1: return `${n} ${pick(['=', '!=', '<>', '<', '<=', '>', '>='])} ${v()}`;
          case 2: return `${n} ${pick(['IN', 'NOT IN'])} (${Array.from({ length: 1 + int(4) }, v).join(', ')})`;
          case 3: return `${n} ${pick(['BETWEEN', 'NOT BETWEEN'])} ${v()} AND ${v()}`;
          case 4: return `${n} IS ${pick(['', 'NOT '])}NULL`;
          case 5: return `${n} ${pick(['LIKE', 'ILIKE', 'NOT LIKE', 'not ilike'])} ${chance(0.9) ? stringLiteral() : ':pattern'}`;
          default: return `${n} IN ${text ? ':names' : ':ids'}`;
        }
      };
      const soup = (): string => Array.from({ length: 1 + int(14) }, () => pick([
        name, name, () => pick(KEYWORDS), () => pick(SYMBOLS), value, () => pick(['--', ';', '/*', '"', '`', '\\', '$1', '?', '@', '[', '{']), () => randomText(1 + int(3)),
      ])() + ws()).join('');
      const mutate = (text: string): string => {
        let out = text;
        for (let k = 0, edits = 1 + int(3); k < edits; k++) {
          const at = int(out.length + 1);
          switch (int(3)) {
            case 0: out = out.slice(0, at) + pick(["'", "''", '(', ')', ' OR 1=1', '; --', pick(KEYWORDS), randomText(2)]) + out.slice(at); break;
            case 1: out = out.slice(0, at) + out.slice(at + 1 + int(4)); break;
            default: out = out.slice(0, at) + soup() + out.slice(at); break;
          }
        }
        return out;
      };
      const generate = (i: number): string => {
        if (i < HOSTILE.length) return HOSTILE[i];
        switch (i % 10) {
          case 0: case 1: case 2: return soup();
          case 3: case 4: return mutate(wellFormed(2));
          case 5: return mutate(pick(HOSTILE));
          default: return wellFormed(3);
        }
      };

      // The SQL regista writes itself, for every operator, path and a long IN list: literal text
      // of an input that also occurs in here (a keyword, a column, `$12`) proves nothing.
      const vocabulary = [users, posts, ...(await baselineSql())].join('\n');
      const before = await snapshot();

      const outcomes: Record<string, number> = {};
      /** What the database itself refused (valid filters it cannot run, e.g. an integer out of range). */
      const databaseErrors = new Set<string>();
      let ran = 0;
      let checked = 0;
      const started = Date.now();
      for (let i = 0; i < 1_000; i++) {
        const text = generate(i);
        const context = `seed ${SEED} case ${i}: ${JSON.stringify(text.length > 160 ? `${text.slice(0, 160)}...` : text)}`;
        const events: QueryEvent[] = [];
        const listener = (event: QueryEvent): void => {
          events.push(event);
        };
        db().on('query', listener);
        try {
          // filter() always; a fifth through where(), whose syntax errors are thrown synchronously.
          const calls = [() => User.objects.filter(text, PARAMS), ...(i % 5 === 0 ? [async () => User.objects.where(text, PARAMS).count()] : [])];
          for (const call of calls) {
            let outcome = 'ok';
            try {
              await call();
            } catch (error) {
              if (!(error instanceof RegistaError)) {
                assert.fail(`${context}: threw ${error instanceof Error ? `${error.constructor.name}: ${error.stack}` : String(error)}`);
              }
              outcome = error.constructor.name;
              if (error.code >= 1900) databaseErrors.add(error.message.slice(0, 90));
            }
            outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          }
        } finally {
          db().off('query', listener);
        }
        if (events.length === 0) continue;
        ran++;
        const identifiers = identifiersOf(text);
        for (const literal of [...literalsOf(text), ...paramStrings]) {
          if (vocabulary.includes(literal) || identifiers.some((id) => id.includes(literal))) continue;
          checked++;
          for (const event of events) {
            assert.ok(!event.sql.includes(literal), `${context}: literal ${JSON.stringify(literal)} appears in SQL ${event.sql}`);
          }
        }
      }

      const after = await snapshot();
      assert.deepEqual(after, before, 'the rows of both tables are unchanged');
      assert.ok(await db().knex.schema.hasTable(users), `${users} still exists`);
      assert.ok(await db().knex.schema.hasTable(posts), `${posts} still exists`);

      t.diagnostic(`seed ${SEED}: ${ran} inputs ran SQL, ${checked} literal checks, outcomes ${JSON.stringify(outcomes)}, ${Date.now() - started}ms`);
      if (databaseErrors.size > 0) t.diagnostic(`refused by the database: ${[...databaseErrors].join(' | ')}`);
      // The generator must reach the database often, and be refused often, or the test proves little.
      assert.ok(ran >= 150, `only ${ran} inputs ran SQL`);
      assert.ok(checked >= 500, `only ${checked} literal checks`);
      assert.ok((outcomes.ok ?? 0) >= 150 && (outcomes.InvalidQueryError ?? 0) >= 300, JSON.stringify(outcomes));
    });

    it('control: a distinctive literal and parameter reach the bindings, not the SQL', async () => {
      const { events } = await countQueries(db(), () => User.objects.filter("name = 'QXcontrolQX' OR role IN (:r, 'QXother''QX')", { r: 'QXparamQX' }));
      assert.equal(events.length, 1);
      assert.deepEqual(literalsOf("name = 'QXcontrolQX' OR role IN (:r, 'QXother''QX')"), ['QXcontrolQX', "QXother'QX"]);
      for (const literal of ['QXcontrolQX', "QXother'QX", 'QXparamQX']) {
        assert.ok(!events[0].sql.includes(literal), events[0].sql);
        assert.ok(events[0].bindings.includes(literal), JSON.stringify(events[0].bindings));
      }
      assert.deepEqual(literalsOf('age > 12345 AND profile.items.123 = -4567.89 OR x = 1e3'), ['12345', '-4567.89']);
    });
  });
});

/** Seeded PRNG (mulberry32): the same seed gives the same filters, so a failure names its case. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const STRING_LITERAL = /'((?:[^']|'')*)'/g;

/**
 * The data a filter carries in its text, as the lexer reads it: every string literal's content
 * (`''` read as `'`), and every number of three or more digits. (Quotes start a string wherever
 * they stand, and only there; numbers are taken outside strings and not after a dot, where digits
 * are a path segment.)
 */
function literalsOf(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(STRING_LITERAL)) if (match[1] !== '') out.push(match[1].replace(/''/g, "'"));
  const outside = text.replace(STRING_LITERAL, ' ');
  for (const match of outside.matchAll(/(?<![A-Za-z0-9_.])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)) {
    if ((match[0].match(/\d/g) ?? []).length >= 3) out.push(match[0]);
  }
  return out;
}

/** Names written outside string literals: they may legitimately reach SQL (validated) as columns or JSON path segments. */
function identifiersOf(text: string): string[] {
  return text.replace(STRING_LITERAL, ' ').match(/[A-Za-z_][A-Za-z0-9_.]*/g) ?? [];
}

/** Every statement the legitimate filters of the grammar produce, for the vocabulary of regista's own SQL. */
async function baselineSql(): Promise<string[]> {
  const filters = [
    "name = 'a' AND role != 'b' AND age < 1 AND age <= 2 AND age > 3 AND age >= 4 AND karma <> 5",
    "name LIKE 'a' OR name ILIKE 'b' OR name NOT LIKE 'c' OR name NOT ILIKE 'd'",
    'age IN (1, 2) AND age NOT IN (3) AND age BETWEEN 1 AND 2 AND NOT age BETWEEN 3 AND 4',
    'role IS NULL OR role IS NOT NULL OR deletedAt IS NULL OR createdAt > :when',
    "profile.vip = true AND profile.tier > 1 AND profile.tags.0 = 'a' AND profile.a.b.c IS NULL AND profile.score LIKE 'x'",
    "posts.title = 'a' AND posts.views > 1 AND NOT posts.published = true AND posts.author.name ILIKE 'x'",
    `id IN (${Array.from({ length: 300 }, (_, i) => i).join(', ')})`,
  ];
  const { statements } = await countQueries(db(), async () => {
    for (const filter of filters) {
      await User.objects.filter(filter, { when: new Date(0) });
      await User.objects.where(filter, { when: new Date(0) }).count();
    }
  });
  assert.equal(statements.length, filters.length * 2);
  return statements;
}

/** Every row of both tables, as plain values. */
async function snapshot(): Promise<unknown> {
  const users = await User.objects.where({}).orderBy('id').values();
  const posts = await Post.objects.where({}).orderBy('id').values();
  return JSON.parse(JSON.stringify({ users, posts }, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value)));
}
