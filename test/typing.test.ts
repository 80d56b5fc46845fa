/**
 * Compile-time checks of the public types, run by tsc when the test suite compiles
 * (`npx tsc -p tsconfig.test.json`): a wrong type here fails the build, and every
 * `@ts-expect-error` fails it too when the line it guards stops being an error.
 * The runtime test at the end runs the same calls for real, without a single cast.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Manager, Model, RegistaError, field, isModel, model, primaryKey,
  type CreateData, type Criteria, type Operators, type DataKeys, type ModelData, type SerializedError,
} from 'regista';
import { uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

/** `true` only when X and Y are the same type (not merely assignable). */
type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends (<T>() => T extends Y ? 1 : 2) ? true : false;
/** Compiles only when given `true`. */
function assertType<T extends true>(_proof?: T): void {}

@model({ table: uniqueTable('typ_users') })
class TypUser extends Model<TypUser>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @field({ type: 'integer', nullable: true }) age!: number | null;
  @field({ default: false }) admin!: boolean;
  @field({ type: 'json', nullable: true }) tags!: string[] | null;

  /** Methods are not fields: they never appear in data, criteria or create(). */
  greeting(): string {
    return `Hello, ${this.name}`;
  }
}

@model({ table: uniqueTable('typ_tokens') })
class TypToken extends Model<TypToken>() {
  @primaryKey({ type: 'uuid' }) id!: string;
  @field({ type: 'bigint' }) counter!: bigint;
}

// ------------------------------------------------------------------------------------------------
// Types only: never called, checked by tsc.

assertType<Equal<typeof TypUser.objects, Manager<TypUser>>>();
assertType<Equal<DataKeys<TypUser>, 'id' | 'name' | 'age' | 'admin' | 'tags'>>();
assertType<Equal<ModelData<TypUser>, { id: number; name: string; age: number | null; admin: boolean; tags: string[] | null }>>();
assertType<Equal<CreateData<TypToken>, { id?: string; counter?: bigint }>>();
assertType<Equal<Criteria<TypToken>['counter'], bigint | readonly bigint[] | null | Operators<bigint> | undefined>>();

async function compileOnly(): Promise<void> {
  // Results are typed by the model: no casts anywhere.
  const u: TypUser | null = await TypUser.objects.get(1);
  assertType<Equal<Awaited<ReturnType<typeof TypUser.objects.get>>, TypUser | null>>();
  assertType<Equal<Awaited<ReturnType<typeof TypUser.objects.require>>, TypUser>>();
  assertType<Equal<Awaited<ReturnType<typeof TypUser.objects.filter>>, TypUser[]>>();
  assertType<Equal<Awaited<ReturnType<typeof TypUser.objects.all>>, TypUser[]>>();
  assertType<Equal<Awaited<ReturnType<typeof TypUser.objects.first>>, TypUser | null>>();
  assertType<Equal<Awaited<ReturnType<typeof TypUser.objects.last>>, TypUser | null>>();
  assertType<Equal<Awaited<ReturnType<typeof TypUser.objects.create>>, TypUser>>();
  assertType<Equal<Awaited<ReturnType<typeof TypUser.objects.upsert>>, TypUser>>();
  assertType<Equal<Awaited<ReturnType<typeof TypUser.objects.updateWhere>>, TypUser[]>>();
  assertType<Equal<Awaited<ReturnType<typeof TypUser.objects.count>>, number>>();
  assertType<Equal<Awaited<ReturnType<typeof TypUser.objects.deleteWhere>>, number>>();
  if (u) {
    const upper: string = u.name.toUpperCase();
    const age: number | null = u.age;
    const greeting: string = u.greeting();
    void [upper, age, greeting];
  }
  const byCriteria: TypUser | null = await TypUser.objects.get({ name: 'a', admin: true });
  const required: TypUser = await TypUser.objects.require({ age: null });
  void [byCriteria, required];

  // create() takes the model's fields only, each with its own type.
  const created: TypUser = await TypUser.objects.create({ name: 'a', age: 3, tags: ['x'] });
  // @ts-expect-error an unknown field
  await TypUser.objects.create({ name: 'a', nickname: 'b' });
  // @ts-expect-error a wrong value type
  await TypUser.objects.create({ name: 42 });
  // @ts-expect-error null for a field that is not nullable
  await TypUser.objects.create({ name: null });
  // @ts-expect-error a method is not a field
  await TypUser.objects.create({ name: 'a', greeting: () => 'hi' });
  // @ts-expect-error bigint field, number array given
  await TypToken.objects.create({ counter: [1] });

  // Criteria keys and value types are checked.
  const found: TypUser[] = await TypUser.objects.filter({ name: ['a', 'b'], age: null, id: 3 }, { orderBy: ['-id'], limit: 2 });
  // @ts-expect-error an unknown criteria key
  await TypUser.objects.filter({ nickname: 'b' });
  // @ts-expect-error a criteria value of the wrong type
  await TypUser.objects.filter({ age: 'old' });
  // @ts-expect-error an array of the wrong element type
  await TypUser.objects.filter({ id: ['1'] });
  // @ts-expect-error an unknown key in get() criteria
  await TypUser.objects.get({ nickname: 'b' });
  // @ts-expect-error a primary key must be a string, number or bigint
  await TypUser.objects.get(true);
  // @ts-expect-error updateWhere changes are checked like create data
  await TypUser.objects.updateWhere({ id: 1 }, { admin: 'yes' });
  // @ts-expect-error a query option that does not exist
  await TypUser.objects.all({ top: 3 });
  void found;

  // save() and refresh() return the model type.
  const saved: TypUser = await created.save();
  const refreshed: TypUser = await created.refresh();
  assertType<Equal<Awaited<ReturnType<typeof saved.save>>, TypUser>>();
  const deleted: boolean = await saved.delete();
  void [refreshed, deleted];
  // @ts-expect-error a field's type is enforced on assignment
  created.age = 'three';

  // isModel narrows; errors serialise to a typed shape.
  const something: unknown = created;
  if (isModel(something)) {
    const json: Record<string, unknown> = something.toJSON();
    void json;
  }
  const serialized: SerializedError = new RegistaError('x').toJSON();
  void serialized;
}
void compileOnly;

// ------------------------------------------------------------------------------------------------
// Runtime: the same calls, for real

describe('typed results at run time', () => {
  it('create, get, filter, save, upsert and delete give model instances with the declared value types', async () => {
    assert.equal(db().name, 'default');
    const created = await TypUser.objects.create({ name: 'Ada', age: 36, tags: ['math'] });
    assert.ok(created instanceof TypUser);
    assert.equal(typeof created.id, 'number');
    assert.equal(created.admin, false);

    const got = await TypUser.objects.get(created.id);
    assert.ok(got instanceof TypUser);
    assert.equal(got.greeting(), 'Hello, Ada');
    assert.deepEqual(got.tags, ['math']);
    assert.equal(got.age, 36);

    got.age = 37;
    const saved = await got.save();
    assert.equal(saved, got);
    assert.equal((await TypUser.objects.require(created.id)).age, 37);

    const found = await TypUser.objects.filter({ name: ['Ada', 'Bob'], age: 37 });
    assert.deepEqual(found.map((u) => [u.id, u.name]), [[created.id, 'Ada']]);
    assert.deepEqual(await TypUser.objects.filter({ age: null }), []);

    const token = await TypToken.objects.create({ counter: 2n ** 62n });
    assert.equal(typeof token.id, 'string');
    const back = await TypToken.objects.require(token.id);
    assert.equal(back.counter, 2n ** 62n);
    assert.equal(typeof back.counter, 'bigint');
    const upserted = await TypToken.objects.upsert({ id: token.id, counter: 5n });
    assert.equal(upserted.counter, 5n);
    assert.equal(await TypToken.objects.count(), 1);

    assert.equal(await saved.delete(), true);
    assert.equal(await TypUser.objects.get(created.id), null);
  });
});
