/**
 * Writes: create validation and constraint errors, upsert, updateWhere, deleteWhere, delete, and
 * the instance methods save / refresh / delete / isPersisted / toJSON.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IsEmail, Length, Min } from 'class-validator';
import {
  ConstraintViolationError, DuplicateKeyError, ErrorCodes, ImmutableFieldError, InvalidPrimaryKeyAssignmentError,
  InvalidQueryError, Model, RecordNotFoundError, UniqueConstraintError, ValidationError, field, model, primaryKey,
} from 'regista';
import { countQueries, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

const USER_TABLE = uniqueTable('wr_users');

// Nullable fields carry an explicit type: TypeScript emits design:type Object for `T | null`
// (see "regression: the User model registers" in registration.test.ts).
@model({ table: USER_TABLE, unique: ['email'] })
class User extends Model<User>() {
  @primaryKey() id!: number;
  @field() @Length(1, 80) name!: string;
  @field() @IsEmail() email!: string;
  @field({ type: 'text', nullable: true }) role!: string | null;
  @field({ default: 0 }) @Min(0) age!: number;
  @field({ type: 'json', nullable: true }) profile!: Record<string, unknown> | null;
  @field({ default: () => new Date() }) createdAt!: Date;
}

/** Caller-supplied primary key. */
@model({ table: uniqueTable('wr_settings') })
class Setting extends Model<Setting>() {
  @primaryKey({ autoincrement: false }) key!: string;
  @field() value!: string;
  @field({ default: 0 }) version!: number;
}

/** A composite unique group. */
@model({ table: uniqueTable('wr_members'), unique: [['tenant', 'slug']] })
class Membership extends Model<Membership>() {
  @primaryKey() id!: number;
  @field() tenant!: string;
  @field() slug!: string;
  @field({ type: 'text', nullable: true }) note!: string | null;
}

/** A nullable unique field, so upserts can lack every conflict target. */
@model({ table: uniqueTable('wr_tags') })
class Tag extends Model<Tag>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @field({ type: 'text', unique: true, nullable: true }) slug!: string | null;
}

/** Used by nothing else before the concurrency test: its table is created by the racing upserts. */
@model({ table: uniqueTable('wr_race'), unique: ['key'] })
class RaceEntry extends Model<RaceEntry>() {
  @primaryKey() id!: number;
  @field() key!: string;
  @field() owner!: string;
}

@model({ table: uniqueTable('wr_counters') })
class Counter extends Model<Counter>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @field() total!: bigint;
  @field({ type: 'datetime', nullable: true }) at!: Date | null;
}

let serial = 0;
/** Valid data for a new user, unique each call. */
function userData(overrides: Partial<Pick<User, 'name' | 'email' | 'role' | 'age' | 'profile'>> = {}) {
  serial += 1;
  return { name: `user${serial}`, email: `user${serial}@example.com`, ...overrides };
}

/** The row of a user as stored, read with knex (not through regista). */
async function rawUser(id: number): Promise<Record<string, unknown> | undefined> {
  return db().knex(USER_TABLE).where({ id }).first();
}

function violations(error: ValidationError): Record<string, string[]> {
  return Object.fromEntries(error.errors.map((e) => [e.field, Object.keys(e.constraints).sort()]));
}

// ---------------------------------------------------------------------------------------------

describe('create: validation', () => {
  it('lists every failed field and constraint at once, and writes nothing', async () => {
    const before = await User.objects.count();
    await assert.rejects(User.objects.create({ name: '', email: 'not-an-email', age: -1 }), (error: unknown) => {
      assert.ok(error instanceof ValidationError, `expected ValidationError, got ${String(error)}`);
      assert.equal(error.code, ErrorCodes.VALIDATION);
      assert.equal(error.code, 1100);
      assert.equal(error.details.model, 'User');
      assert.deepEqual(error.details.errors, error.errors);
      const byField = violations(error);
      assert.deepEqual(Object.keys(byField).sort(), ['age', 'email', 'name']);
      assert.ok(byField.name.includes('isLength'), JSON.stringify(byField));
      assert.ok(byField.email.includes('isEmail'), JSON.stringify(byField));
      assert.ok(byField.age.includes('min'), JSON.stringify(byField));
      assert.deepEqual(error.errors.find((e) => e.field === 'email')?.value, 'not-an-email');
      for (const f of ['name', 'email', 'age']) assert.match(error.message, new RegExp(f));
      return true;
    });
    assert.equal(await User.objects.count(), before);
  });

  it('a missing required field', async () => {
    const before = await User.objects.count();
    await assert.rejects(User.objects.create({ name: 'No Email' }), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.code, ErrorCodes.VALIDATION);
      assert.equal(error.details.model, 'User');
      const byField = violations(error);
      assert.deepEqual(Object.keys(byField), ['email']);
      assert.ok(byField.email.includes('required'), JSON.stringify(byField));
      return true;
    });
    await assert.rejects(User.objects.create({ name: 'Null Email', email: null as never }), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.ok(violations(error).email.includes('required'));
      return true;
    });
    assert.equal(await User.objects.count(), before);
  });

  it('an unknown field in the data', async () => {
    const before = await User.objects.count();
    await assert.rejects(User.objects.create({ ...userData(), nickname: 'x' } as never), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.code, ErrorCodes.VALIDATION);
      assert.equal(error.details.model, 'User');
      const byField = violations(error);
      assert.deepEqual(Object.keys(byField), ['nickname']);
      assert.deepEqual(byField.nickname, ['unknownField']);
      return true;
    });
    assert.equal(await User.objects.count(), before);
  });

  it('a value of the wrong type', async () => {
    await assert.rejects(User.objects.create({ ...userData(), age: 'old' } as never), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.ok(violations(error).age.includes('type'), JSON.stringify(violations(error)));
      return true;
    });
  });

  it('an autoincrement key supplied: InvalidPrimaryKeyAssignmentError', async () => {
    const before = await User.objects.count();
    await assert.rejects(User.objects.create({ ...userData(), id: 12345 }), (error: unknown) => {
      assert.ok(error instanceof InvalidPrimaryKeyAssignmentError);
      assert.equal(error.code, ErrorCodes.INVALID_PRIMARY_KEY_ASSIGNMENT);
      assert.equal(error.code, 1410);
      assert.deepEqual(error.details, { model: 'User', field: 'id', value: 12345 });
      return true;
    });
    assert.equal(await User.objects.count(), before);
    assert.equal(await rawUser(12345), undefined);
  });
});

describe('create: constraints', () => {
  it('a duplicate caller-supplied key: DuplicateKeyError', async () => {
    await Setting.objects.create({ key: 'dup', value: 'first' });
    await assert.rejects(Setting.objects.create({ key: 'dup', value: 'second' }), (error: unknown) => {
      assert.ok(error instanceof DuplicateKeyError, `expected DuplicateKeyError, got ${String(error)}`);
      assert.ok(error instanceof ConstraintViolationError);
      assert.equal(error.code, ErrorCodes.DUPLICATE_KEY);
      assert.equal(error.code, 1401);
      assert.equal(error.details.model, 'Setting');
      assert.deepEqual(error.details.fields, ['key']);
      assert.ok(error.cause !== undefined, 'the driver error is kept as cause');
      return true;
    });
    assert.equal(await Setting.objects.count({ key: 'dup' }), 1);
    assert.equal((await Setting.objects.require('dup')).value, 'first');
  });

  it('a unique field collision: UniqueConstraintError naming the field', async () => {
    const first = await User.objects.create(userData({ email: 'taken@example.com' }));
    await assert.rejects(User.objects.create(userData({ email: 'taken@example.com' })), (error: unknown) => {
      assert.ok(error instanceof UniqueConstraintError, `expected UniqueConstraintError, got ${String(error)}`);
      assert.ok(error instanceof ConstraintViolationError);
      assert.equal(error.code, ErrorCodes.UNIQUE_CONSTRAINT);
      assert.equal(error.code, 1402);
      assert.equal(error.details.model, 'User');
      assert.deepEqual(error.details.fields, ['email']);
      assert.match(error.message, /email/);
      return true;
    });
    assert.deepEqual((await User.objects.filter({ email: 'taken@example.com' })).map((u) => u.id), [first.id]);
  });

  it('a composite unique group collision names both fields', async () => {
    await Membership.objects.create({ tenant: 'acme', slug: 'home' });
    await Membership.objects.create({ tenant: 'globex', slug: 'home' });
    await Membership.objects.create({ tenant: 'acme', slug: 'about' });
    await assert.rejects(Membership.objects.create({ tenant: 'acme', slug: 'home', note: 'again' }), (error: unknown) => {
      assert.ok(error instanceof UniqueConstraintError, `expected UniqueConstraintError, got ${String(error)}`);
      assert.equal(error.code, ErrorCodes.UNIQUE_CONSTRAINT);
      assert.equal(error.details.model, 'Membership');
      assert.deepEqual(error.details.fields, ['tenant', 'slug']);
      return true;
    });
    assert.equal(await Membership.objects.count(), 3);
    assert.equal(await Membership.objects.count({ note: 'again' }), 0);
  });
});

describe('upsert', () => {
  it('inserts when absent, updates on a primary-key conflict', async () => {
    const inserted: Setting = await Setting.objects.upsert({ key: 'theme', value: 'dark' });
    assert.equal(inserted.value, 'dark');
    assert.equal(inserted.version, 0);
    assert.equal(inserted.isPersisted(), true);

    const updated = await Setting.objects.upsert({ key: 'theme', value: 'light' });
    assert.equal(updated.key, 'theme');
    assert.equal(updated.value, 'light');
    assert.equal(updated.version, 0);
    assert.equal(await Setting.objects.count({ key: 'theme' }), 1);

    await Setting.objects.upsert({ key: 'theme', value: 'blue', version: 2 });
    const stored = await Setting.objects.require('theme');
    assert.equal(stored.value, 'blue');
    assert.equal(stored.version, 2);
  });

  it('updates on a unique-field conflict, keeping the fields not given', async () => {
    const original = await User.objects.create({ name: 'Ann', email: 'ann@example.com', role: 'admin', age: 33, profile: { a: 1 } });
    const createdAt = original.createdAt.getTime();
    await new Promise((resolve) => setTimeout(resolve, 15));

    const upserted: User = await User.objects.upsert({ name: 'Annie', email: 'ann@example.com' });
    assert.equal(upserted.id, original.id);
    assert.equal(upserted.name, 'Annie');
    assert.equal(upserted.role, 'admin');
    assert.equal(upserted.age, 33);
    assert.deepEqual(upserted.profile, { a: 1 });
    assert.equal(upserted.createdAt.getTime(), createdAt);

    const stored = await User.objects.require(original.id);
    assert.equal(stored.name, 'Annie');
    assert.equal(stored.role, 'admin');
    assert.equal(stored.age, 33);
    assert.deepEqual(stored.profile, { a: 1 });
    assert.equal(stored.createdAt.getTime(), createdAt);
    assert.equal(await User.objects.count({ email: 'ann@example.com' }), 1);
  });

  it('upserts on a composite unique group', async () => {
    const a = await Membership.objects.upsert({ tenant: 'initech', slug: 'x', note: 'one' });
    const b = await Membership.objects.upsert({ tenant: 'initech', slug: 'x', note: 'two' });
    assert.equal(b.id, a.id);
    assert.equal((await Membership.objects.require(a.id)).note, 'two');
    assert.equal(await Membership.objects.count({ tenant: 'initech' }), 1);
  });

  it('is a plain create when neither the key nor a unique field is given', async () => {
    const a = await Tag.objects.upsert({ name: 'same' });
    const b = await Tag.objects.upsert({ name: 'same' });
    assert.notEqual(a.id, b.id);
    assert.equal(await Tag.objects.count({ name: 'same' }), 2);
    const c = await Tag.objects.upsert({ name: 'other', slug: null });
    assert.equal(c.slug, null);
    assert.equal(await Tag.objects.count({ slug: null }), 3);
    const d = await Tag.objects.upsert({ name: 'first', slug: 's' });
    const e = await Tag.objects.upsert({ name: 'second', slug: 's' });
    assert.equal(e.id, d.id);
    assert.equal((await Tag.objects.require(d.id)).name, 'second');
  });

  it('refuses an autoincrement key in the data', async () => {
    const existing = await User.objects.create(userData());
    await assert.rejects(User.objects.upsert({ id: existing.id, name: 'Changed', email: existing.email }), (error: unknown) => {
      assert.ok(error instanceof InvalidPrimaryKeyAssignmentError);
      assert.equal(error.code, ErrorCodes.INVALID_PRIMARY_KEY_ASSIGNMENT);
      assert.deepEqual(error.details, { model: 'User', field: 'id', value: existing.id });
      return true;
    });
    assert.equal((await User.objects.require(existing.id)).name, existing.name);
  });

  it('validates before writing', async () => {
    const existing = await User.objects.create(userData());
    await assert.rejects(User.objects.upsert({ name: '', email: existing.email }), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.details.model, 'User');
      assert.deepEqual(Object.keys(violations(error)), ['name']);
      return true;
    });
    assert.equal((await User.objects.require({ email: existing.email })).name, existing.name);
  });

  it('ten concurrent upserts of one unique key leave one row and raise nothing', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => RaceEntry.objects.upsert({ key: 'the-key', owner: `worker${i}` })),
    );
    assert.equal(results.length, 10);
    assert.equal(new Set(results.map((r) => r.id)).size, 1);
    const rows = await RaceEntry.objects.all();
    assert.equal(rows.length, 1);
    assert.equal(rows[0].key, 'the-key');
    assert.match(rows[0].owner, /^worker\d$/);
  });
});

describe('updateWhere', () => {
  it('returns the updated instances and the database shows the change', async () => {
    const a = await User.objects.create(userData({ role: 'guest' }));
    const b = await User.objects.create(userData({ role: 'guest' }));
    const untouched = await User.objects.create(userData({ role: 'staff' }));

    const updated: User[] = await User.objects.updateWhere({ role: 'guest' }, { role: 'member', age: 7 });
    assert.deepEqual(updated.map((u) => u.id).sort((x, y) => x - y), [a.id, b.id]);
    assert.ok(updated.every((u) => u instanceof User && u.role === 'member' && u.age === 7 && u.isPersisted()));
    assert.equal(updated.find((u) => u.id === a.id)?.name, a.name);

    assert.equal(await User.objects.count({ role: 'guest' }), 0);
    assert.deepEqual((await User.objects.filter({ role: 'member' })).map((u) => u.id).sort((x, y) => x - y), [a.id, b.id]);
    assert.equal((await rawUser(a.id))?.role, 'member');
    assert.equal((await User.objects.require(untouched.id)).role, 'staff');

    assert.deepEqual(await User.objects.updateWhere({ role: 'nobody-has-this' }, { age: 1 }), []);
  });

  it('refuses empty criteria', async () => {
    const before = await User.objects.count({ age: 99 });
    for (const criteria of [{}, { role: undefined }]) {
      await assert.rejects(User.objects.updateWhere(criteria, { age: 99 }), (error: unknown) => {
        assert.ok(error instanceof InvalidQueryError);
        assert.equal(error.code, ErrorCodes.INVALID_QUERY);
        assert.equal(error.details.model, 'User');
        assert.equal(error.details.method, 'updateWhere');
        return true;
      });
    }
    assert.equal(await User.objects.count({ age: 99 }), before);
  });

  it('refuses to change the primary key', async () => {
    const u = await User.objects.create(userData());
    await assert.rejects(User.objects.updateWhere({ id: u.id }, { id: u.id + 1000 }), (error: unknown) => {
      assert.ok(error instanceof ImmutableFieldError);
      assert.equal(error.code, ErrorCodes.IMMUTABLE_FIELD);
      assert.equal(error.code, 1411);
      assert.equal(error.details.model, 'User');
      assert.equal(error.details.field, 'id');
      assert.equal(error.details.to, u.id + 1000);
      return true;
    });
    assert.ok(await User.objects.get(u.id));
    assert.equal(await User.objects.get(u.id + 1000), null);
  });

  it('validates the changes and writes nothing when they fail', async () => {
    const u = await User.objects.create(userData({ age: 20 }));
    await assert.rejects(User.objects.updateWhere({ id: u.id }, { email: 'broken', age: -5, name: '' }), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.code, ErrorCodes.VALIDATION);
      assert.equal(error.details.model, 'User');
      const byField = violations(error);
      assert.deepEqual(Object.keys(byField).sort(), ['age', 'email', 'name']);
      assert.ok(byField.email.includes('isEmail'));
      assert.ok(byField.age.includes('min'));
      assert.ok(byField.name.includes('isLength'));
      return true;
    });
    await assert.rejects(User.objects.updateWhere({ id: u.id }, { email: null as never }), ValidationError);
    await assert.rejects(User.objects.updateWhere({ id: u.id }, { bogus: 1 } as never), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.deepEqual(Object.keys(violations(error)), ['bogus']);
      return true;
    });
    const stored = await rawUser(u.id);
    assert.equal(stored?.email, u.email);
    assert.equal(Number(stored?.age), 20);
    assert.equal(stored?.name, u.name);
  });

  it('a unique collision: UniqueConstraintError, nothing changed', async () => {
    const a = await User.objects.create(userData());
    const b = await User.objects.create(userData());
    await assert.rejects(User.objects.updateWhere({ id: b.id }, { email: a.email }), (error: unknown) => {
      assert.ok(error instanceof UniqueConstraintError);
      assert.deepEqual(error.details.fields, ['email']);
      return true;
    });
    assert.equal((await User.objects.require(b.id)).email, b.email);
  });

  it('refuses an empty change set', async () => {
    const u = await User.objects.create(userData());
    await assert.rejects(User.objects.updateWhere({ id: u.id }, {}), (error: unknown) => {
      assert.ok(error instanceof InvalidQueryError);
      assert.equal(error.details.model, 'User');
      return true;
    });
  });
});

describe('deleteWhere and delete', () => {
  it('deleteWhere returns how many rows it deleted', async () => {
    for (let i = 0; i < 3; i++) await User.objects.create(userData({ role: 'temp' }));
    const keep = await User.objects.create(userData({ role: 'keep' }));
    const n: number = await User.objects.deleteWhere({ role: 'temp' });
    assert.equal(n, 3);
    assert.equal(await User.objects.count({ role: 'temp' }), 0);
    assert.equal(await User.objects.deleteWhere({ role: 'temp' }), 0);
    assert.ok(await User.objects.get(keep.id));
  });

  it('deleteWhere refuses empty criteria', async () => {
    const before = await User.objects.count();
    assert.ok(before > 0);
    for (const criteria of [{}, { name: undefined }]) {
      await assert.rejects(User.objects.deleteWhere(criteria), (error: unknown) => {
        assert.ok(error instanceof InvalidQueryError);
        assert.equal(error.code, ErrorCodes.INVALID_QUERY);
        assert.equal(error.details.model, 'User');
        assert.equal(error.details.method, 'deleteWhere');
        return true;
      });
    }
    assert.equal(await User.objects.count(), before);
  });

  it('delete(pk) says whether a row was deleted', async () => {
    const u = await User.objects.create(userData());
    assert.equal(await User.objects.delete(u.id), true);
    assert.equal(await User.objects.get(u.id), null);
    assert.equal(await rawUser(u.id), undefined);
    assert.equal(await User.objects.delete(u.id), false);
    await assert.rejects(User.objects.delete('x'), (error: unknown) => {
      assert.ok(error instanceof InvalidQueryError);
      assert.equal(error.details.field, 'id');
      return true;
    });
  });
});

describe('instances', () => {
  it('save() of a new instance inserts it and fills the key and defaults in', async () => {
    const u = new User();
    u.name = 'Sam';
    u.email = 'sam@example.com';
    assert.equal(u.isPersisted(), false);
    const saved = await u.save();
    assert.equal(saved, u);
    assert.equal(typeof u.id, 'number');
    assert.equal(u.age, 0);
    assert.equal(u.role, null);
    assert.equal(u.profile, null);
    assert.ok(u.createdAt instanceof Date);
    assert.equal(u.isPersisted(), true);

    const stored = await User.objects.require(u.id);
    assert.deepEqual(stored.toJSON(), u.toJSON());
    assert.equal((await rawUser(u.id))?.name, 'Sam');
  });

  it('save() of an invalid new instance writes nothing', async () => {
    const before = await User.objects.count();
    const u = new User();
    u.name = '';
    u.email = 'nope';
    await assert.rejects(u.save(), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.deepEqual(Object.keys(violations(error)).sort(), ['email', 'name']);
      return true;
    });
    assert.equal(u.isPersisted(), false);
    assert.equal(await User.objects.count(), before);
  });

  it('save() of an unchanged stored instance runs no statement', async () => {
    const created = await User.objects.create(userData({ profile: { nested: { list: [1, 2] } } }));
    const fetched = await User.objects.require(created.id);
    for (const u of [created, fetched]) {
      const { count, result } = await countQueries(db(), () => u.save());
      assert.equal(result, u);
      assert.equal(count, 0);
    }
  });

  it('save() of a changed stored instance updates only the changed column', async () => {
    const u = await User.objects.create(userData({ role: 'before', age: 3 }));
    const original = await rawUser(u.id);
    u.name = 'Renamed';
    const { count, statements } = await countQueries(db(), () => u.save());
    assert.equal(count, 1, statements.join('\n'));
    const sql = statements[0];
    assert.match(sql, /^UPDATE /);
    const setClause = sql.slice(sql.indexOf(' SET ') + 5, sql.indexOf(' WHERE '));
    assert.match(setClause, /^["`]name["`] = (\?|\$1)$/, sql);

    const stored = await rawUser(u.id);
    assert.equal(stored?.name, 'Renamed');
    for (const column of ['email', 'role', 'age', 'profile', 'created_at']) {
      assert.deepEqual(stored?.[column], original?.[column], column);
    }

    u.role = null;
    u.age = 4;
    const second = await countQueries(db(), () => u.save());
    assert.equal(second.count, 1);
    const set2 = second.statements[0].slice(second.statements[0].indexOf(' SET ') + 5, second.statements[0].indexOf(' WHERE '));
    assert.deepEqual(set2.split(', ').map((s) => s.split(' = ')[0].replace(/["`]/g, '')).sort(), ['age', 'role']);
    const again = await User.objects.require(u.id);
    assert.equal(again.role, null);
    assert.equal(again.age, 4);
    assert.equal(again.name, 'Renamed');
  });

  it('save() notices a JSON value changed in place', async () => {
    const u = await User.objects.create(userData({ profile: { theme: 'dark', tags: ['a'] } }));
    assert.ok(u.profile);
    u.profile.theme = 'light';
    const { count } = await countQueries(db(), () => u.save());
    assert.equal(count, 1);
    assert.deepEqual((await User.objects.require(u.id)).profile, { theme: 'light', tags: ['a'] });

    const fetched = await User.objects.require(u.id);
    assert.ok(fetched.profile);
    fetched.profile.theme = 'fetched';
    assert.equal((await countQueries(db(), () => fetched.save())).count, 1);
    assert.deepEqual((await User.objects.require(u.id)).profile, { theme: 'fetched', tags: ['a'] });
  });

  it('save() notices a Date changed in place', async () => {
    const u = await User.objects.require((await User.objects.create(userData())).id);
    const moved = Date.UTC(2001, 0, 2, 3, 4, 5, 6);
    u.createdAt.setTime(moved);
    const { count } = await countQueries(db(), () => u.save());
    assert.equal(count, 1);
    assert.equal((await User.objects.require(u.id)).createdAt.getTime(), moved);
  });

  it('save() validates a stored instance and writes nothing when it fails', async () => {
    const u = await User.objects.create(userData());
    u.email = 'broken';
    await assert.rejects(u.save(), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.deepEqual(Object.keys(violations(error)), ['email']);
      return true;
    });
    assert.notEqual((await User.objects.require(u.id)).email, 'broken');
  });

  it('changing the primary key of a stored instance: ImmutableFieldError', async () => {
    const u = await User.objects.create(userData());
    const id = u.id;
    u.id = id + 5000;
    u.name = 'Should not be written';
    await assert.rejects(u.save(), (error: unknown) => {
      assert.ok(error instanceof ImmutableFieldError);
      assert.equal(error.code, ErrorCodes.IMMUTABLE_FIELD);
      assert.deepEqual(error.details, { model: 'User', field: 'id', from: id, to: id + 5000 });
      return true;
    });
    assert.equal(await User.objects.get(id + 5000), null);
    assert.notEqual((await User.objects.require(id)).name, 'Should not be written');
  });

  it('refresh() reloads the instance in place', async () => {
    const u = await User.objects.create(userData({ role: 'old' }));
    await User.objects.updateWhere({ id: u.id }, { role: 'new', age: 9 });
    u.name = 'local edit';
    const refreshed = await u.refresh();
    assert.equal(refreshed, u);
    assert.equal(u.role, 'new');
    assert.equal(u.age, 9);
    assert.notEqual(u.name, 'local edit');
    // The refreshed state is the new baseline: nothing to save.
    assert.equal((await countQueries(db(), () => u.save())).count, 0);
  });

  it('refresh() after the row was deleted: RecordNotFoundError', async () => {
    const u = await User.objects.create(userData());
    await User.objects.delete(u.id);
    await assert.rejects(u.refresh(), (error: unknown) => {
      assert.ok(error instanceof RecordNotFoundError);
      assert.equal(error.code, ErrorCodes.RECORD_NOT_FOUND);
      assert.equal(error.details.model, 'User');
      assert.deepEqual(error.details.criteria, { id: u.id });
      return true;
    });
  });

  it('refresh() of a new instance is refused', async () => {
    const u = new User();
    await assert.rejects(u.refresh(), (error: unknown) => {
      assert.ok(error instanceof InvalidQueryError);
      assert.equal(error.details.model, 'User');
      return true;
    });
  });

  it('delete() removes the row', async () => {
    const u = await User.objects.create(userData());
    const deleted: boolean = await u.delete();
    assert.equal(deleted, true);
    assert.equal(await User.objects.get(u.id), null);
    assert.equal(await rawUser(u.id), undefined);
    assert.equal(u.isPersisted(), false);
  });

  it('delete() of a row deleted meanwhile returns false', async () => {
    const u = await User.objects.create(userData());
    await User.objects.deleteWhere({ id: u.id });
    assert.equal(await u.delete(), false);
  });

  it('isPersisted() follows the instance through its life', async () => {
    const u = new User();
    assert.equal(u.isPersisted(), false);
    Object.assign(u, userData());
    await u.save();
    assert.equal(u.isPersisted(), true);
    assert.equal((await User.objects.require(u.id)).isPersisted(), true);
    assert.ok((await User.objects.filter({ id: u.id })).every((x) => x.isPersisted()));
    await u.delete();
    assert.equal(u.isPersisted(), false);
  });

  it('toJSON() gives the field values, bigint as string', async () => {
    const at = new Date('2024-01-02T03:04:05.006Z');
    const c = await Counter.objects.create({ name: 'views', total: 9007199254740993n, at });
    const back = await Counter.objects.require(c.id);
    assert.deepEqual(back.toJSON(), { id: c.id, name: 'views', total: '9007199254740993', at });
    assert.deepEqual(JSON.parse(JSON.stringify(back)), {
      id: c.id, name: 'views', total: '9007199254740993', at: '2024-01-02T03:04:05.006Z',
    });
    const withNull = await Counter.objects.create({ name: 'none', total: -5n });
    assert.deepEqual(withNull.toJSON(), { id: withNull.id, name: 'none', total: '-5', at: null });
  });
});
