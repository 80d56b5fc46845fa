/**
 * Model registration: the registry, naming, @model options, type inference, primary keys and
 * every kind of misuse discovery must refuse (naming the model and the field).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IsEmail, Length, Min } from 'class-validator';
import {
  ConfigurationError, ConnectionError, ErrorCodes, Manager, Model, ModelRegistrationError, SchemaError,
  UniqueConstraintError, ValidationError, connect, field, model, primaryKey, registry,
} from 'regista';
import { isPostgres, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Rows of a raw query through knex, whatever the client (pg gives `{ rows }`, SQLite an array). */
async function rawRows(sql: string, bindings: readonly string[] = []): Promise<Record<string, unknown>[]> {
  const result: unknown = await db().knex.raw(sql, bindings);
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  return (result as { rows: Record<string, unknown>[] }).rows;
}

/** Column name -> declared type, in declaration order, as the database reports them. */
async function columnTypes(table: string): Promise<Map<string, string>> {
  const rows = isPostgres()
    ? await rawRows(
      'SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position',
      [table],
    )
    : await rawRows('SELECT name, type FROM pragma_table_info(?) ORDER BY cid', [table]);
  return new Map(rows.map((r) => [String(r.name), String(r.type)]));
}

/** Index names of a table, as the database reports them. */
async function indexNames(table: string): Promise<string[]> {
  const rows = isPostgres()
    ? await rawRows('SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ?', [table])
    : await rawRows("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", [table]);
  return rows.map((r) => String(r.name));
}

/**
 * An assert.throws validator for a ModelRegistrationError of `modelName` whose problem list has
 * one problem containing every fragment of each group.
 */
function registrationError(modelName: string, ...problemGroups: string[][]): (error: unknown) => true {
  return (error: unknown) => {
    assert.ok(error instanceof ModelRegistrationError, `expected ModelRegistrationError, got ${String(error)}`);
    assert.equal(error.code, ErrorCodes.MODEL_REGISTRATION);
    assert.equal(error.code, 1002);
    assert.equal(error.details.model, modelName);
    const problems = error.details.problems;
    assert.ok(Array.isArray(problems), 'details.problems is a list');
    for (const fragments of problemGroups) {
      assert.ok(
        problems.some((p) => fragments.every((f) => String(p).includes(f))),
        `no problem mentions ${fragments.map((f) => JSON.stringify(f)).join(' and ')}: ${JSON.stringify(problems)}`,
      );
      assert.ok(fragments.every((f) => error.message.includes(f)), `the message names ${fragments.join(', ')}: ${error.message}`);
    }
    assert.equal(problems.length, problemGroups.length, `exactly the expected problems: ${JSON.stringify(problems)}`);
    return true;
  };
}

// ---------------------------------------------------------------------------------------------
// Models registered at load time (default naming, options, types, keys)

@model()
class BlogPost extends Model<BlogPost>() {
  @primaryKey() id!: number;
  @field() title!: string;
  @field({ default: () => new Date() }) createdAt!: Date;
  @field({ default: false }) isPublished!: boolean;
}

@model()
class Category extends Model<Category>() {
  @primaryKey() id!: number;
  @field() name!: string;
}

@model()
class Address extends Model<Address>() {
  @primaryKey() id!: number;
  @field() line!: string;
}

const PERSON_TABLE = uniqueTable('people');

@model({ table: PERSON_TABLE })
class Person extends Model<Person>() {
  @primaryKey() id!: number;
  @field() fullName!: string;
}

const REPORT_TABLE = uniqueTable('reports');

@model({ table: REPORT_TABLE, database: 'reports' })
class Report extends Model<Report>() {
  @primaryKey() id!: number;
  @field() title!: string;
}

const ACCOUNT_TABLE = uniqueTable('accounts');

@model({ table: ACCOUNT_TABLE, unique: ['email', ['tenant', 'slug']] })
class Account extends Model<Account>() {
  @primaryKey() id!: number;
  @field() email!: string;
  @field() tenant!: string;
  @field() slug!: string;
  @field({ type: 'text', unique: true, nullable: true }) handle!: string | null;
}

const INDEXED_TABLE = uniqueTable('indexed');

@model({ table: INDEXED_TABLE, indexes: ['name', ['name', 'rank'], { fields: ['rank'], name: `${INDEXED_TABLE}_by_rank`, unique: true }] })
class Indexed extends Model<Indexed>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @field() rank!: number;
  @field({ index: true }) code!: string;
}

const MANUAL_TABLE = uniqueTable('manual');

@model({ table: MANUAL_TABLE, autoCreate: false })
class Manual extends Model<Manual>() {
  @primaryKey() id!: number;
  @field() label!: string;
}

const TYPED_TABLE = uniqueTable('typed');

@model({ table: TYPED_TABLE })
class Typed extends Model<Typed>() {
  @primaryKey() id!: number;
  @field() text!: string;
  @field() quantity!: number;
  @field() flag!: boolean;
  @field() at!: Date;
  @field() big!: bigint;
  @field() tags!: string[];
  @field({ type: 'varchar', length: 40 }) code!: string;
  @field({ type: 'float' }) ratio!: number;
  @field({ type: 'decimal', precision: 8, scale: 2 }) price!: string;
  @field({ type: 'date' }) day!: string;
  @field({ type: 'json' }) doc!: Record<string, unknown>;
  @field({ type: 'text', column: 'custom_col' }) renamed!: string;
}

const AUTO_TABLE = uniqueTable('auto_keys');

@model({ table: AUTO_TABLE })
class AutoKey extends Model<AutoKey>() {
  @primaryKey() id!: number;
  @field() label!: string;
}

const BIG_KEY_TABLE = uniqueTable('big_keys');

@model({ table: BIG_KEY_TABLE })
class BigKey extends Model<BigKey>() {
  @primaryKey() id!: bigint;
  @field() label!: string;
}

const CODE_TABLE = uniqueTable('code_keys');

@model({ table: CODE_TABLE })
class CodeKey extends Model<CodeKey>() {
  @primaryKey({ autoincrement: false }) code!: string;
  @field() label!: string;
}

const NUMBER_KEY_TABLE = uniqueTable('number_keys');

@model({ table: NUMBER_KEY_TABLE })
class NumberKey extends Model<NumberKey>() {
  @primaryKey({ autoincrement: false }) no!: number;
  @field() label!: string;
}

const UUID_TABLE = uniqueTable('uuid_keys');

@model({ table: UUID_TABLE })
class UuidKey extends Model<UuidKey>() {
  @primaryKey({ type: 'uuid' }) id!: string;
  @field() label!: string;
}

// ---------------------------------------------------------------------------------------------

describe('registry', () => {
  it('lists every registered model class in registration order', () => {
    const models = registry.models();
    for (const cls of [BlogPost, Category, Address, Person, Report, Account, Indexed, Manual, Typed, AutoKey, CodeKey, UuidKey]) {
      assert.ok(models.includes(cls), `${cls.name} is registered`);
    }
    assert.ok(models.indexOf(BlogPost) < models.indexOf(Category));
    assert.ok(models.indexOf(Category) < models.indexOf(UuidKey));
  });

  it('filters models by database', () => {
    assert.deepEqual(registry.models('reports'), [Report]);
    assert.ok(!registry.models('default').includes(Report));
    assert.ok(registry.models('default').includes(BlogPost));
  });

  it('finds a model by class name and by table name', () => {
    assert.equal(registry.get('BlogPost'), BlogPost);
    assert.equal(registry.get('blog_posts'), BlogPost);
    assert.equal(registry.get('Person'), Person);
    assert.equal(registry.get(PERSON_TABLE), Person);
    assert.equal(registry.get('NoSuchModel'), undefined);
    assert.equal(registry.get(REPORT_TABLE, 'default'), undefined);
    assert.equal(registry.get(REPORT_TABLE, 'reports'), Report);
  });

  it('gives the resolved metadata of a class', () => {
    const meta = registry.metaOf(Person);
    assert.ok(meta);
    assert.equal(meta.name, 'Person');
    assert.equal(meta.cls, Person);
    assert.equal(meta.database, 'default');
    assert.equal(meta.autoCreate, true);
    assert.deepEqual(meta.fields.map((f) => f.property), ['id', 'fullName']);
    assert.equal(meta.primaryKey.property, 'id');
    assert.equal(Person.objects.meta, meta);
  });
});

describe('regression: the issue\'s User model and `T | null` fields', () => {
  it('a nullable `T | null` field without an explicit type is a ConfigurationError naming the fix', () => {
    // Under strictNullChecks TypeScript emits design:type Object for `string | null` (null is not
    // dropped from the union), so the column type cannot be inferred: regista says how to fix it.
    const table = uniqueTable('issue_users_untyped');
    assert.throws(() => {
      @model({ table })
      class UntypedRole extends Model<UntypedRole>() {
        @primaryKey() id!: number;
        @field({ nullable: true }) role!: string | null;
      }
      return UntypedRole;
    }, (error: unknown) => {
      assert.ok(error instanceof ConfigurationError);
      assert.equal(error.code, ErrorCodes.CONFIGURATION);
      assert.deepEqual(error.details, { model: 'UntypedRole', field: 'role' });
      assert.match(error.message, /UntypedRole\.role/);
      assert.match(error.message, /type: 'text', nullable: true/);
      return true;
    });
  });

  it('the issue\'s User model works with the explicit type on `role`', async () => {
    const table = uniqueTable('issue_users');
    @model({ table, unique: ['email'] })
    class User extends Model<User>() {
      @primaryKey() id!: number;
      @field() @Length(1, 80) name!: string;
      @field() @IsEmail() email!: string;
      @field({ type: 'text', nullable: true }) role!: string | null;
      @field({ default: 0 }) @Min(0) age!: number;
      @field({ type: 'json', nullable: true }) profile!: Record<string, unknown> | null;
      @field({ default: () => new Date() }) createdAt!: Date;
    }
    assert.equal(registry.metaOf(User)?.fieldsByProperty.get('role')?.type, 'text');
    const u = await User.objects.create({ name: 'Issue', email: 'issue@example.com', role: 'admin' });
    const back: User | null = await User.objects.get(u.id);
    assert.equal(back?.role, 'admin');
    assert.equal(back?.age, 0);
  });
});

describe('default naming', () => {
  it('names tables snake_case plural', () => {
    assert.equal(registry.metaOf(BlogPost)?.table, 'blog_posts');
    assert.equal(registry.metaOf(Category)?.table, 'categories');
    assert.equal(registry.metaOf(Address)?.table, 'addresses');
  });

  it('names columns snake_case, in the database too', async () => {
    const meta = registry.metaOf(BlogPost);
    assert.ok(meta);
    assert.deepEqual(meta.fields.map((f) => [f.property, f.column]), [
      ['id', 'id'], ['title', 'title'], ['createdAt', 'created_at'], ['isPublished', 'is_published'],
    ]);

    const post = await BlogPost.objects.create({ title: 'Hello' });
    const category = await Category.objects.create({ name: 'News' });
    await Address.objects.create({ line: '1 Main St' });

    assert.deepEqual([...(await columnTypes('blog_posts')).keys()], ['id', 'title', 'created_at', 'is_published']);
    assert.deepEqual([...(await columnTypes('categories')).keys()], ['id', 'name']);
    assert.deepEqual([...(await columnTypes('addresses')).keys()], ['id', 'line']);

    const rows = await rawRows(`SELECT id, title, created_at, is_published FROM blog_posts WHERE id = ${post.id}`);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].title, 'Hello');
    assert.equal(new Date(rows[0].created_at as string | Date).getTime(), post.createdAt.getTime());
    const categories = await rawRows(`SELECT name FROM categories WHERE id = ${category.id}`);
    assert.deepEqual(categories.map((r) => r.name), ['News']);
  });

  it('honours an explicit column name', async () => {
    const meta = registry.metaOf(Typed);
    assert.equal(meta?.fieldsByProperty.get('renamed')?.column, 'custom_col');
    await Typed.createSchema();
    const columns = await columnTypes(TYPED_TABLE);
    assert.ok(columns.has('custom_col'));
    assert.ok(!columns.has('renamed'));
  });
});

describe('@model options', () => {
  it('table: stores rows in the named table', async () => {
    const p = await Person.objects.create({ fullName: 'Ada Lovelace' });
    const rows = await rawRows(`SELECT id, full_name FROM "${PERSON_TABLE}"`);
    assert.deepEqual(rows.map((r) => [Number(r.id), r.full_name]), [[p.id, 'Ada Lovelace']]);
  });

  it('database: binds the model to another connection', async () => {
    const meta = registry.metaOf(Report);
    assert.equal(meta?.database, 'reports');
    // Not connected yet: a ConnectionError naming the database.
    await assert.rejects(Report.objects.count(), (error: unknown) => {
      assert.ok(error instanceof ConnectionError);
      assert.equal(error.code, ErrorCodes.CONNECTION);
      assert.equal(error.details.database, 'reports');
      return true;
    });

    const reports = connect('sqlite::memory:', { name: 'reports' });
    const r = await Report.objects.create({ title: 'Q1' });
    assert.deepEqual((await Report.objects.all()).map((x) => [x.id, x.title]), [[r.id, 'Q1']]);
    const inReports: unknown = await reports.knex.raw(`SELECT title FROM "${REPORT_TABLE}"`);
    assert.deepEqual((inReports as Record<string, unknown>[]).map((x) => x.title), ['Q1']);
    // ...and nothing of it in the default database.
    assert.equal((await columnTypes(REPORT_TABLE)).size, 0);
    await reports.close();
  });

  it('unique: single fields, groups and field-level unique are recorded and enforced', async () => {
    const meta = registry.metaOf(Account);
    assert.ok(meta);
    assert.deepEqual(meta.uniques.map((u) => u.fields), [['email'], ['tenant', 'slug'], ['handle']]);
    assert.ok(meta.uniques.every((u) => u.unique));

    await Account.objects.create({ email: 'a@x.io', tenant: 't1', slug: 'home', handle: 'a' });
    // Same slug in another tenant, same tenant with another slug: fine.
    await Account.objects.create({ email: 'b@x.io', tenant: 't2', slug: 'home', handle: null });
    await Account.objects.create({ email: 'c@x.io', tenant: 't1', slug: 'about', handle: null });

    await assert.rejects(Account.objects.create({ email: 'a@x.io', tenant: 't3', slug: 'x', handle: null }), (error: unknown) => {
      assert.ok(error instanceof UniqueConstraintError);
      assert.equal(error.code, ErrorCodes.UNIQUE_CONSTRAINT);
      assert.deepEqual(error.details.fields, ['email']);
      return true;
    });
    await assert.rejects(Account.objects.create({ email: 'd@x.io', tenant: 't1', slug: 'home', handle: null }), (error: unknown) => {
      assert.ok(error instanceof UniqueConstraintError);
      assert.deepEqual(error.details.fields, ['tenant', 'slug']);
      return true;
    });
    await assert.rejects(Account.objects.create({ email: 'e@x.io', tenant: 't9', slug: 'z', handle: 'a' }), (error: unknown) => {
      assert.ok(error instanceof UniqueConstraintError);
      assert.deepEqual(error.details.fields, ['handle']);
      return true;
    });
    assert.equal(await Account.objects.count(), 3);
  });

  it('indexes: plain, grouped, named and field-level indexes exist in the database', async () => {
    const meta = registry.metaOf(Indexed);
    assert.ok(meta);
    assert.deepEqual(meta.indexes.map((i) => [i.name, i.fields, i.unique]), [
      [`${INDEXED_TABLE}_name_index`, ['name'], false],
      [`${INDEXED_TABLE}_name_rank_index`, ['name', 'rank'], false],
      [`${INDEXED_TABLE}_by_rank`, ['rank'], true],
      [`${INDEXED_TABLE}_code_index`, ['code'], false],
    ]);
    await Indexed.createSchema();
    const names = await indexNames(INDEXED_TABLE);
    for (const index of meta.indexes) assert.ok(names.includes(index.name), `index ${index.name} exists (found ${names.join(', ')})`);

    await Indexed.objects.create({ name: 'a', rank: 1, code: 'x' });
    await assert.rejects(Indexed.objects.create({ name: 'b', rank: 1, code: 'y' }), UniqueConstraintError);
    assert.equal(await Indexed.objects.count(), 1);
  });

  it('autoCreate: false leaves the table alone until createSchema()', async () => {
    assert.equal(registry.metaOf(Manual)?.autoCreate, false);
    assert.equal(await Manual.schemaExists(), false);
    await assert.rejects(Manual.objects.count(), (error: unknown) => {
      assert.ok(error instanceof SchemaError, `expected SchemaError, got ${String(error)}`);
      assert.equal(error.code, ErrorCodes.SCHEMA);
      assert.equal(error.code, 1500);
      assert.equal(error.details.model, 'Manual');
      assert.equal(error.details.table, MANUAL_TABLE);
      return true;
    });
    await assert.rejects(Manual.objects.create({ label: 'x' }), SchemaError);
    assert.equal(await Manual.schemaExists(), false);

    await Manual.createSchema();
    assert.equal(await Manual.schemaExists(), true);
    assert.equal(await Manual.objects.count(), 0);
    const m = await Manual.objects.create({ label: 'now it works' });
    assert.equal((await Manual.objects.require(m.id)).label, 'now it works');
  });
});

describe('type inference', () => {
  it('maps design types and honours explicit types', () => {
    const meta = registry.metaOf(Typed);
    assert.ok(meta);
    assert.deepEqual(Object.fromEntries(meta.fields.map((f) => [f.property, f.type])), {
      id: 'integer',
      text: 'text',
      quantity: 'integer',
      flag: 'boolean',
      at: 'datetime',
      big: 'bigint',
      tags: 'json',
      code: 'varchar',
      ratio: 'float',
      price: 'decimal',
      day: 'date',
      doc: 'json',
      renamed: 'text',
    });
    const code = meta.fieldsByProperty.get('code');
    assert.equal(code?.length, 40);
    const price = meta.fieldsByProperty.get('price');
    assert.equal(price?.precision, 8);
    assert.equal(price?.scale, 2);
  });

  it('creates columns of the matching database types', async () => {
    await Typed.createSchema();
    const types = Object.fromEntries(await columnTypes(TYPED_TABLE));
    const expected = isPostgres()
      ? {
        id: 'integer', text: 'text', quantity: 'integer', flag: 'boolean', at: 'timestamp with time zone', big: 'bigint',
        tags: 'jsonb', code: 'character varying', ratio: 'double precision', price: 'numeric', day: 'date', doc: 'jsonb',
        custom_col: 'text',
      }
      : {
        id: 'INTEGER', text: 'TEXT', quantity: 'INTEGER', flag: 'BOOLEAN', at: 'DATETIME', big: 'BIGINT',
        tags: 'TEXT', code: 'VARCHAR(40)', ratio: 'REAL', price: 'NUMERIC(8,2)', day: 'DATE', doc: 'TEXT',
        custom_col: 'TEXT',
      };
    assert.deepEqual(types, expected);
  });

  it('round-trips a row of every inferred type', async () => {
    const at = new Date('2024-05-06T07:08:09.010Z');
    const created = await Typed.objects.create({
      text: 't', quantity: 7, flag: true, at, big: 12n, tags: ['a', 'b'], code: 'C-1', ratio: 0.25,
      price: '19.99', day: '2024-05-06', doc: { k: [1] }, renamed: 'r',
    });
    const back = await Typed.objects.require(created.id);
    assert.equal(back.text, 't');
    assert.equal(back.quantity, 7);
    assert.equal(back.flag, true);
    assert.equal(back.at.getTime(), at.getTime());
    assert.equal(back.big, 12n);
    assert.deepEqual(back.tags, ['a', 'b']);
    assert.equal(back.code, 'C-1');
    assert.equal(back.ratio, 0.25);
    assert.equal(back.price, '19.99');
    assert.equal(back.day, '2024-05-06');
    assert.deepEqual(back.doc, { k: [1] });
    assert.equal(back.renamed, 'r');
  });
});

describe('primary keys', () => {
  it('@primaryKey() is a database-generated integer', async () => {
    const meta = registry.metaOf(AutoKey);
    assert.equal(meta?.primaryKey.type, 'integer');
    assert.equal(meta?.primaryKey.generated, 'autoincrement');
    const a = await AutoKey.objects.create({ label: 'a' });
    const b = await AutoKey.objects.create({ label: 'b' });
    assert.equal(typeof a.id, 'number');
    assert.equal(b.id, a.id + 1);
    assert.deepEqual((await AutoKey.objects.all({ orderBy: 'id' })).map((x) => [x.id, x.label]), [[a.id, 'a'], [b.id, 'b']]);
  });

  it('@primaryKey() on a bigint property is a generated bigint', async () => {
    const meta = registry.metaOf(BigKey);
    assert.equal(meta?.primaryKey.type, 'bigint');
    assert.equal(meta?.primaryKey.generated, 'autoincrement');
    const a = await BigKey.objects.create({ label: 'a' });
    assert.equal(typeof a.id, 'bigint');
    const back = await BigKey.objects.require(a.id);
    assert.equal(back.id, a.id);
    assert.equal(back.label, 'a');
  });

  it('@primaryKey({ autoincrement: false }) takes the caller\'s key and requires it', async () => {
    const meta = registry.metaOf(CodeKey);
    assert.equal(meta?.primaryKey.generated, null);
    const c = await CodeKey.objects.create({ code: 'alpha', label: 'A' });
    assert.equal(c.code, 'alpha');
    assert.equal((await CodeKey.objects.require('alpha')).label, 'A');

    await assert.rejects(CodeKey.objects.create({ label: 'no key' }), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.code, ErrorCodes.VALIDATION);
      assert.equal(error.details.model, 'CodeKey');
      assert.deepEqual(error.errors.map((e) => e.field), ['code']);
      assert.ok('required' in error.errors[0].constraints);
      return true;
    });
    assert.equal(await CodeKey.objects.count(), 1);

    const n = await NumberKey.objects.create({ no: 42, label: 'forty-two' });
    assert.equal(n.no, 42);
    assert.equal((await NumberKey.objects.require(42)).label, 'forty-two');
    await assert.rejects(NumberKey.objects.create({ label: 'none' }), ValidationError);
    assert.equal(await NumberKey.objects.count(), 1);
  });

  it('@primaryKey({ type: \'uuid\' }) is generated when omitted and kept when supplied', async () => {
    const meta = registry.metaOf(UuidKey);
    assert.equal(meta?.primaryKey.type, 'uuid');
    assert.equal(meta?.primaryKey.generated, 'uuid');
    const generated = await UuidKey.objects.create({ label: 'generated' });
    assert.match(generated.id, UUID);
    const supplied = '0b7a3c1e-5d2f-4a6b-9c8d-7e6f5a4b3c2d';
    const mine = await UuidKey.objects.create({ id: supplied, label: 'supplied' });
    assert.equal(mine.id, supplied);

    assert.equal((await UuidKey.objects.require(generated.id)).label, 'generated');
    assert.equal((await UuidKey.objects.require(supplied)).label, 'supplied');
    const rows = await rawRows(`SELECT id, label FROM "${UUID_TABLE}" ORDER BY label`);
    assert.deepEqual(rows.map((r) => [String(r.id), r.label]), [[generated.id, 'generated'], [supplied, 'supplied']]);
  });
});

describe('misuse', () => {
  it('a model without a primary key', () => {
    assert.throws(() => {
      @model({ table: uniqueTable('no_key') })
      class NoKey extends Model<NoKey>() {
        @field() name!: string;
      }
      return NoKey;
    }, registrationError('NoKey', ['no primary key']));
    assert.equal(registry.get('NoKey'), undefined);
  });

  it('two primary keys', () => {
    assert.throws(() => {
      @model({ table: uniqueTable('two_keys') })
      class TwoKeys extends Model<TwoKeys>() {
        @primaryKey() a!: number;
        @primaryKey() b!: number;
      }
      return TwoKeys;
    }, registrationError('TwoKeys', ['a, b']));
  });

  it('unique naming an unknown field (alone and in a group)', () => {
    assert.throws(() => {
      @model({ table: uniqueTable('bad_unique'), unique: ['emial', ['tenant', 'slgu']] })
      class BadUnique extends Model<BadUnique>() {
        @primaryKey() id!: number;
        @field() email!: string;
        @field() tenant!: string;
        @field() slug!: string;
      }
      return BadUnique;
    }, registrationError('BadUnique', ['unique', '"emial"'], ['unique', '"slgu"']));
    assert.equal(registry.get('BadUnique'), undefined);
  });

  it('indexes naming an unknown field', () => {
    assert.throws(() => {
      @model({ table: uniqueTable('bad_index'), indexes: ['nmae'] })
      class BadIndex extends Model<BadIndex>() {
        @primaryKey() id!: number;
        @field() name!: string;
      }
      return BadIndex;
    }, registrationError('BadIndex', ['indexes', '"nmae"']));
  });

  it('reports every problem of a model at once', () => {
    assert.throws(() => {
      @model({ table: uniqueTable('many_problems'), unique: ['ghost'] })
      class ManyProblems extends Model<ManyProblems>() {
        @field({ type: 'enum' }) status!: string;
      }
      return ManyProblems;
    }, registrationError('ManyProblems', ['no primary key'], ['"ghost"'], ['"status"', 'values']));
  });

  it('a field named like an instance method (save)', () => {
    // On a Model subclass TypeScript itself refuses `save!: string` (it clashes with save()); a
    // plain class (or JavaScript) reaches registration, which must refuse it too.
    assert.throws(() => {
      @model({ table: uniqueTable('save_field') })
      class SaveField {
        @primaryKey() id!: number;
        @field() save!: string;
      }
      return SaveField;
    }, registrationError('SaveField', ['"save"']));
    assert.equal(registry.get('SaveField'), undefined);
  });

  it('a field named like a manager method (filter)', () => {
    assert.throws(() => {
      @model({ table: uniqueTable('filter_field') })
      class FilterField extends Model<FilterField>() {
        @primaryKey() id!: number;
        @field() filter!: string;
      }
      return FilterField;
    }, registrationError('FilterField', ['"filter"']));
  });

  it('the reserved names cover every manager method and every instance method', () => {
    const managerNames = Object.getOwnPropertyNames(Manager.prototype);
    const instanceNames: string[] = [];
    for (let p: unknown = Object.getPrototypeOf(new BlogPost()); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      instanceNames.push(...Object.getOwnPropertyNames(p));
    }
    assert.ok(managerNames.includes('filter') && instanceNames.includes('save'), 'the enumeration sees the methods');
    const names = [...new Set([...managerNames, ...instanceNames])].sort();

    const accepted: string[] = [];
    for (const name of names) {
      class Probe {}
      Object.defineProperty(Probe, 'name', { value: `Probe_${name}` });
      primaryKey()(Probe.prototype, 'key');
      field({ type: 'text' })(Probe.prototype, name);
      try {
        model({ table: uniqueTable('probe') })(Probe);
        accepted.push(name);
        registry.unregister(Probe);
      } catch (error) {
        registrationError(`Probe_${name}`, [`"${name}"`])(error);
      }
    }
    assert.deepEqual(accepted, [], `field names accepted although a manager or instance member has that name: ${accepted.join(', ')}`);
  });

  it('two models on one table of one database; another database is fine', () => {
    const shared = uniqueTable('shared');
    @model({ table: shared })
    class Owner extends Model<Owner>() {
      @primaryKey() id!: number;
    }
    assert.throws(() => {
      @model({ table: shared })
      class Intruder extends Model<Intruder>() {
        @primaryKey() id!: number;
      }
      return Intruder;
    }, (error: unknown) => {
      registrationError('Intruder', [shared, 'Owner'])(error);
      assert.ok(error instanceof ModelRegistrationError);
      assert.equal(error.details.table, shared);
      assert.equal(error.details.database, 'default');
      assert.equal(error.details.other, 'Owner');
      return true;
    });
    assert.equal(registry.get(shared), Owner);

    @model({ table: shared, database: 'elsewhere' })
    class Elsewhere extends Model<Elsewhere>() {
      @primaryKey() id!: number;
    }
    assert.equal(registry.metaOf(Elsewhere)?.table, shared);
    assert.equal(registry.get(shared, 'elsewhere'), Elsewhere);
    assert.equal(registry.get(shared, 'default'), Owner);
  });

  it('autoincrement on a non-integer key', () => {
    assert.throws(() => {
      @model({ table: uniqueTable('text_auto') })
      class TextAuto extends Model<TextAuto>() {
        @primaryKey({ type: 'text', autoincrement: true }) id!: string;
      }
      return TextAuto;
    }, registrationError('TextAuto', ['"id"', 'autoincrement']));
    assert.throws(() => {
      @model({ table: uniqueTable('uuid_auto') })
      class UuidAuto extends Model<UuidAuto>() {
        @primaryKey({ type: 'uuid', autoincrement: true }) id!: string;
      }
      return UuidAuto;
    }, registrationError('UuidAuto', ['"id"', 'autoincrement']));
  });

  it('an enum without values', () => {
    assert.throws(() => {
      @model({ table: uniqueTable('bare_enum') })
      class BareEnum extends Model<BareEnum>() {
        @primaryKey() id!: number;
        @field({ type: 'enum' }) status!: string;
      }
      return BareEnum;
    }, registrationError('BareEnum', ['"status"', 'values']));
    assert.throws(() => {
      @model({ table: uniqueTable('empty_enum') })
      class EmptyEnum extends Model<EmptyEnum>() {
        @primaryKey() id!: number;
        @field({ type: 'enum', values: [] }) status!: string;
      }
      return EmptyEnum;
    }, registrationError('EmptyEnum', ['"status"', 'values']));
  });

  it('a design type that maps to no column type', () => {
    assert.throws(() => {
      @model({ table: uniqueTable('object_field') })
      class ObjectField extends Model<ObjectField>() {
        @primaryKey() id!: number;
        @field() settings!: Record<string, unknown>;
      }
      return ObjectField;
    }, (error: unknown) => {
      assert.ok(error instanceof ConfigurationError);
      assert.equal(error.code, ErrorCodes.CONFIGURATION);
      assert.deepEqual(error.details, { model: 'ObjectField', field: 'settings' });
      assert.match(error.message, /type: 'json'/);
      return true;
    });
  });

  it('no design-type metadata (esbuild, tsx): ConfigurationError naming model and field', () => {
    // Decorators applied by hand carry no design:type, as under esbuild or tsx.
    class NoMeta {}
    primaryKey()(NoMeta.prototype, 'id');
    field()(NoMeta.prototype, 'title');
    assert.throws(() => model({ table: uniqueTable('no_meta') })(NoMeta), (error: unknown) => {
      assert.ok(error instanceof ConfigurationError, `expected ConfigurationError, got ${String(error)}`);
      assert.equal(error.code, ErrorCodes.CONFIGURATION);
      assert.equal(error.code, 1001);
      assert.deepEqual(error.details, { model: 'NoMeta', field: 'title' });
      assert.match(error.message, /NoMeta\.title/);
      assert.match(error.message, /type: 'text'/);
      return true;
    });
    assert.equal(registry.get('NoMeta'), undefined);

    // With explicit types the same class registers.
    class WithTypes {}
    primaryKey()(WithTypes.prototype, 'id');
    field({ type: 'text' })(WithTypes.prototype, 'title');
    model({ table: uniqueTable('with_types') })(WithTypes);
    assert.equal(registry.metaOf(WithTypes)?.fieldsByProperty.get('title')?.type, 'text');
    assert.equal(registry.metaOf(WithTypes)?.primaryKey.type, 'integer');
  });

  it('an unregistered class used as a model', async () => {
    class Loose extends Model<Loose>() {
      id!: number;
    }
    assert.throws(() => Loose.objects.meta, (error: unknown) => {
      assert.ok(error instanceof ModelRegistrationError);
      assert.equal(error.code, ErrorCodes.MODEL_REGISTRATION);
      assert.equal(error.details.model, 'Loose');
      return true;
    });
    await assert.rejects(Loose.objects.all(), ModelRegistrationError);
  });
});
