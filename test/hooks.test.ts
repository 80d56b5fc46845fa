/**
 * Lifecycle hooks (@beforeInsert, @afterInsert, @beforeUpdate, @afterUpdate, @beforeDelete,
 * @afterDelete) and the automatic @createdAt / @updatedAt fields. Hooks run inside the write's
 * transaction: a throw rolls back the write and whatever the hook wrote. Set-based writes
 * (updateWhere, deleteWhere, updatePaths, merge, upsert on conflict) run no instance hooks.
 * docs/models.md ("Hooks and timestamps") shows these same cases.
 */
import { before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IsEmail, IsLowercase } from 'class-validator';
import {
  ErrorCodes, Model, ModelRegistrationError, ValidationError, afterDelete, afterInsert, afterUpdate, beforeDelete, beforeInsert, beforeUpdate,
  createdAt, field, getDatabase, model, primaryKey, transaction, updatedAt, type HookEvent,
} from 'regista';
import { countQueries, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

/** What the hooks did, in order: `event:method:inTransaction`. */
const events: string[] = [];

/** What the next hook of an event should do besides recording itself. */
const plan: { throwIn?: HookEvent; error?: Error; writeLog?: boolean } = {};

function resetPlan(): void {
  events.length = 0;
  delete plan.throwIn;
  delete plan.error;
  delete plan.writeLog;
}

const LOG_TABLE = uniqueTable('hk_logs');

/** Rows a hook writes, to prove that the hook's writes share the transaction. */
@model({ table: LOG_TABLE })
class AuditLog extends Model<AuditLog>() {
  @primaryKey() id!: number;
  @field() message!: string;
}

/** Runs the planned side effects of a hook: writes an AuditLog row, then throws, when asked. */
async function sideEffects(event: HookEvent, what: string): Promise<void> {
  if (plan.writeLog && (plan.throwIn === undefined || plan.throwIn === event)) await AuditLog.objects.create({ message: `${event} ${what}` });
  if (plan.throwIn === event) throw plan.error ?? new Error(`${event} failed`);
}

function record(event: HookEvent, method: string): void {
  events.push(`${event}:${method}:${getDatabase().inTransaction() ? 'tx' : 'no-tx'}`);
}

const ACCOUNT_TABLE = uniqueTable('hk_accounts');

@model({ table: ACCOUNT_TABLE, unique: ['handle'] })
class Account extends Model<Account>() {
  @primaryKey() id!: number;
  @field() @IsEmail() @IsLowercase() email!: string;
  /** Required, and filled in by a beforeInsert hook when missing. */
  @field() handle!: string;
  @field({ default: 0 }) version!: number;
  /** The id an afterInsert hook saw. */
  seenId?: number;

  @beforeInsert
  normalise(): void {
    record('beforeInsert', 'normalise');
    this.email = this.email.trim().toLowerCase();
    if (!this.handle) this.handle = this.email.split('@')[0];
  }

  @beforeInsert
  async checkAfterNormalise(): Promise<void> {
    record('beforeInsert', 'checkAfterNormalise');
    await sideEffects('beforeInsert', this.email);
  }

  @afterInsert
  async announce(): Promise<void> {
    record('afterInsert', 'announce');
    this.seenId = this.id;
    await sideEffects('afterInsert', this.email);
  }

  @beforeUpdate
  async bumpVersion(): Promise<void> {
    record('beforeUpdate', 'bumpVersion');
    this.version += 1;
    await sideEffects('beforeUpdate', this.email);
  }

  @afterUpdate
  async updated(): Promise<void> {
    record('afterUpdate', 'updated');
    await sideEffects('afterUpdate', this.email);
  }

  @beforeDelete
  async leaving(): Promise<void> {
    record('beforeDelete', 'leaving');
    await sideEffects('beforeDelete', this.email);
  }

  @afterDelete
  async left(): Promise<void> {
    record('afterDelete', 'left');
    await sideEffects('afterDelete', this.email);
  }
}

/** A base class shared by several models: its fields and hooks are inherited. */
function Tracked<T extends object>() {
  abstract class TrackedBase extends Model<T>() {
    @createdAt createdAt!: Date;

    @beforeInsert
    baseBeforeInsert(): void {
      record('beforeInsert', `${this.constructor.name}.baseBeforeInsert`);
    }

    @beforeInsert
    overridden(): void {
      record('beforeInsert', 'TrackedBase.overridden');
    }

    @afterDelete
    baseAfterDelete(): void {
      record('afterDelete', `${this.constructor.name}.baseAfterDelete`);
    }
  }
  return TrackedBase;
}

@model({ table: uniqueTable('hk_tickets') })
class Ticket extends Tracked<Ticket>() {
  @primaryKey() id!: number;
  @field() title!: string;

  @beforeInsert
  ownBeforeInsert(): void {
    record('beforeInsert', 'Ticket.ownBeforeInsert');
  }

  /** Overrides the base's hook method: it runs once, in the base's place. */
  override overridden(): void {
    record('beforeInsert', 'Ticket.overridden');
  }
}

@model({ table: uniqueTable('hk_notes') })
class Note extends Tracked<Note>() {
  @primaryKey() id!: number;
  @field() text!: string;
}

const PAGE_TABLE = uniqueTable('hk_pages');

/** Automatic timestamps, a unique field for upserts, a json field (`info`; `meta` is a manager property) for updatePaths and merge. */
@model({ table: PAGE_TABLE, unique: ['slug'] })
class Page extends Model<Page>() {
  @primaryKey() id!: number;
  @field() slug!: string;
  @field() title!: string;
  @field({ type: 'json', nullable: true }) info!: Record<string, unknown> | null;
  @createdAt createdAt!: Date;
  @updatedAt updatedAt!: Date;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rows of a table, counted with knex (not through regista). */
async function rowCount(table: string): Promise<number> {
  const row = await db().knex(table).count({ n: '*' }).first();
  return Number(row?.n);
}

/** A row as stored, read with knex. */
async function rawRow(table: string, id: number): Promise<Record<string, unknown> | undefined> {
  return db().knex(table).where({ id }).first();
}

/** A page's timestamps as stored, read with knex (text on SQLite, timestamptz on PostgreSQL). */
async function storedStamps(id: number): Promise<{ createdAt: number; updatedAt: number }> {
  const row = await rawRow(PAGE_TABLE, id);
  assert.ok(row, `page ${id} exists`);
  const time = (v: unknown) => (v instanceof Date ? v : new Date(String(v))).getTime();
  return { createdAt: time(row.created_at), updatedAt: time(row.updated_at) };
}

/** The statements that write (INSERT, UPDATE, DELETE). */
function writes(statements: readonly string[]): string[] {
  return statements.filter((s) => /^\s*(INSERT|UPDATE|DELETE)\b/i.test(s));
}

/** An assert.rejects validator: exactly this error object, not a wrapper. */
function exactly(error: Error): (thrown: unknown) => true {
  return (thrown: unknown) => {
    assert.equal(thrown, error);
    return true;
  };
}

let serial = 0;
function email(): string {
  serial += 1;
  return `user${serial}@example.com`;
}

// ---------------------------------------------------------------------------------------------
// One outer suite: under Node 20, file-level before() hooks start without waiting for each other.

describe('lifecycle hooks and timestamps', () => {
  before(async () => {
    await AuditLog.createSchema();
    await Account.createSchema();
    await Ticket.createSchema();
    await Note.createSchema();
    await Page.createSchema();
  });
  beforeEach(resetPlan);

  describe('insert hooks', () => {
    it('beforeInsert can change fields before validation', async () => {
      const address = email();
      const shouting = `  ${address.toUpperCase()} `;
      const a = await Account.objects.create({ email: shouting });
      assert.equal(a.email, address);
      assert.equal(a.handle, address.split('@')[0]);
      const row = await rawRow(ACCOUNT_TABLE, a.id);
      assert.equal(row?.email, address);
      assert.equal(row?.handle, address.split('@')[0]);
      // The same value without the hook (updateWhere runs none) fails @IsLowercase.
      await assert.rejects(Account.objects.updateWhere({ id: a.id }, { email: address.toUpperCase() }), (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.equal(error.code, ErrorCodes.VALIDATION);
        assert.deepEqual(error.errors.map((e) => e.field), ['email']);
        assert.ok('isLowercase' in error.errors[0].constraints);
        return true;
      });
    });

    it('validation still runs after the hooks, and refuses what they leave invalid', async () => {
      const before = await rowCount(ACCOUNT_TABLE);
      await assert.rejects(Account.objects.create({ email: '  NOT AN EMAIL ' }), (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.deepEqual(error.errors.map((e) => e.field), ['email']);
        assert.equal(error.errors[0].value, 'not an email');
        return true;
      });
      assert.equal(await rowCount(ACCOUNT_TABLE), before);
    });

    it('hooks run in declaration order, inside the transaction; afterInsert sees the generated id', async () => {
      const a = await Account.objects.create({ email: email() });
      assert.deepEqual(events, [
        'beforeInsert:normalise:tx',
        'beforeInsert:checkAfterNormalise:tx',
        'afterInsert:announce:tx',
      ]);
      assert.equal(typeof a.seenId, 'number');
      assert.equal(a.seenId, a.id);
    });

    it('a hook may write other rows: they commit with the insert', async () => {
      const logs = await rowCount(LOG_TABLE);
      plan.writeLog = true;
      const a = await Account.objects.create({ email: email() });
      assert.ok(await rawRow(ACCOUNT_TABLE, a.id));
      // beforeInsert and afterInsert each wrote one.
      assert.equal(await rowCount(LOG_TABLE), logs + 2);
    });

    it('afterInsert that writes another row and then throws: neither row exists; the error is the hook\'s', async () => {
      const accounts = await rowCount(ACCOUNT_TABLE);
      const logs = await rowCount(LOG_TABLE);
      const address = email();
      plan.throwIn = 'afterInsert';
      plan.writeLog = true;
      plan.error = new Error('afterInsert says no');
      const { statements } = await countQueries(db(), () => assert.rejects(Account.objects.create({ email: address }), exactly(plan.error!)));
      assert.equal(writes(statements).length, 2, `the INSERT of the account and of the log ran:\n${statements.join('\n')}`);
      assert.ok(statements.some((s) => /^ROLLBACK/i.test(s)), 'and were rolled back');
      assert.equal(await rowCount(ACCOUNT_TABLE), accounts);
      assert.equal(await rowCount(LOG_TABLE), logs);
      assert.equal(await db().knex(ACCOUNT_TABLE).where({ email: address }).first(), undefined);
      assert.equal(await db().knex(LOG_TABLE).where({ message: `afterInsert ${address}` }).first(), undefined);
    });

    it('beforeInsert that throws aborts the insert with that error; no INSERT runs', async () => {
      const accounts = await rowCount(ACCOUNT_TABLE);
      plan.throwIn = 'beforeInsert';
      plan.error = new TypeError('beforeInsert says no');
      const { statements } = await countQueries(db(), () => assert.rejects(Account.objects.create({ email: email() }), exactly(plan.error!)));
      assert.deepEqual(writes(statements), []);
      assert.equal(await rowCount(ACCOUNT_TABLE), accounts);
      assert.deepEqual(events, ['beforeInsert:normalise:tx', 'beforeInsert:checkAfterNormalise:tx']);
    });

    it('inside an outer transaction, a failing hook rolls back only its own insert (a savepoint)', async () => {
      const logs = await rowCount(LOG_TABLE);
      const kept = email();
      const dropped = email();
      const error = new Error('only this one');
      await transaction(async () => {
        await Account.objects.create({ email: kept });
        plan.throwIn = 'afterInsert';
        plan.writeLog = true;
        plan.error = error;
        await assert.rejects(Account.objects.create({ email: dropped }), exactly(error));
        resetPlan();
      });
      assert.ok(await db().knex(ACCOUNT_TABLE).where({ email: kept }).first());
      assert.equal(await db().knex(ACCOUNT_TABLE).where({ email: dropped }).first(), undefined);
      assert.equal(await rowCount(LOG_TABLE), logs);
    });

    it('save() of a new instance runs the insert hooks, not the update hooks', async () => {
      const a = new Account();
      a.email = `  ${email().toUpperCase()}`;
      await a.save();
      assert.ok(a.isPersisted());
      assert.equal(a.seenId, a.id);
      assert.deepEqual(events.map((e) => e.split(':')[0]), ['beforeInsert', 'beforeInsert', 'afterInsert']);
      assert.equal((await rawRow(ACCOUNT_TABLE, a.id))?.email, a.email);
    });

    it('createMany runs the insert hooks of every row', async () => {
      const rows = await Account.objects.createMany([{ email: `  ${email().toUpperCase()}` }, { email: email() }]);
      assert.equal(events.filter((e) => e.startsWith('afterInsert')).length, 2);
      for (const a of rows) assert.equal((await rawRow(ACCOUNT_TABLE, a.id))?.email, a.email.toLowerCase());
    });
  });

  describe('update hooks (save)', () => {
    it('beforeUpdate and afterUpdate run in order, in the transaction; beforeUpdate changes are saved', async () => {
      const a = await Account.objects.create({ email: email() });
      resetPlan();
      a.handle = 'renamed';
      await a.save();
      assert.deepEqual(events, ['beforeUpdate:bumpVersion:tx', 'afterUpdate:updated:tx']);
      assert.equal(a.version, 1);
      const row = await rawRow(ACCOUNT_TABLE, a.id);
      assert.equal(row?.handle, 'renamed');
      assert.equal(Number(row?.version), 1);
    });

    it('save() with nothing changed still runs beforeUpdate, and saves what the hook changes', async () => {
      const a = await Account.objects.create({ email: email() });
      resetPlan();
      const { statements } = await countQueries(db(), () => a.save());
      assert.deepEqual(events, ['beforeUpdate:bumpVersion:tx', 'afterUpdate:updated:tx']);
      assert.equal(writes(statements).length, 1, 'one UPDATE: the version the hook bumped');
      assert.equal(Number((await rawRow(ACCOUNT_TABLE, a.id))?.version), 1);
    });

    it('afterUpdate that writes and throws: the update and the write are rolled back', async () => {
      const a = await Account.objects.create({ email: email() });
      const logs = await rowCount(LOG_TABLE);
      plan.throwIn = 'afterUpdate';
      plan.writeLog = true;
      plan.error = new Error('afterUpdate says no');
      a.handle = 'never-stored';
      const { statements } = await countQueries(db(), () => assert.rejects(a.save(), exactly(plan.error!)));
      assert.ok(statements.some((s) => /^\s*UPDATE\b/i.test(s)), 'the UPDATE ran');
      const row = await rawRow(ACCOUNT_TABLE, a.id);
      assert.notEqual(row?.handle, 'never-stored');
      assert.equal(Number(row?.version), 0);
      assert.equal(await rowCount(LOG_TABLE), logs);
    });

    it('beforeUpdate that throws: no UPDATE runs', async () => {
      const a = await Account.objects.create({ email: email() });
      plan.throwIn = 'beforeUpdate';
      plan.error = new Error('beforeUpdate says no');
      a.handle = 'never-stored';
      const { statements } = await countQueries(db(), () => assert.rejects(a.save(), exactly(plan.error!)));
      assert.deepEqual(writes(statements), []);
      assert.notEqual((await rawRow(ACCOUNT_TABLE, a.id))?.handle, 'never-stored');
    });
  });

  describe('delete hooks', () => {
    it('instance.delete() runs beforeDelete and afterDelete in the transaction', async () => {
      const a = await Account.objects.create({ email: email() });
      resetPlan();
      assert.equal(await a.delete(), true);
      assert.deepEqual(events, ['beforeDelete:leaving:tx', 'afterDelete:left:tx']);
      assert.equal(await rawRow(ACCOUNT_TABLE, a.id), undefined);
      assert.equal(a.isPersisted(), false);
    });

    it('objects.delete(pk) runs the delete hooks too; a missing key runs none', async () => {
      const a = await Account.objects.create({ email: email() });
      resetPlan();
      assert.equal(await Account.objects.delete(a.id), true);
      assert.deepEqual(events, ['beforeDelete:leaving:tx', 'afterDelete:left:tx']);
      assert.equal(await rawRow(ACCOUNT_TABLE, a.id), undefined);
      resetPlan();
      assert.equal(await Account.objects.delete(a.id), false);
      assert.deepEqual(events, []);
    });

    it('afterDelete that writes and throws: the row is still there, the write is gone', async () => {
      const a = await Account.objects.create({ email: email() });
      const logs = await rowCount(LOG_TABLE);
      plan.throwIn = 'afterDelete';
      plan.writeLog = true;
      plan.error = new Error('afterDelete says no');
      await assert.rejects(Account.objects.delete(a.id), exactly(plan.error));
      assert.ok(await rawRow(ACCOUNT_TABLE, a.id));
      assert.equal(await rowCount(LOG_TABLE), logs);
      await assert.rejects(a.delete(), exactly(plan.error));
      assert.ok(await rawRow(ACCOUNT_TABLE, a.id));
    });

    it('beforeDelete that throws: no DELETE runs', async () => {
      const a = await Account.objects.create({ email: email() });
      plan.throwIn = 'beforeDelete';
      plan.error = new Error('beforeDelete says no');
      const { statements } = await countQueries(db(), () => assert.rejects(a.delete(), exactly(plan.error!)));
      assert.deepEqual(writes(statements), []);
      assert.ok(await rawRow(ACCOUNT_TABLE, a.id));
      assert.equal(a.isPersisted(), true);
    });
  });

  describe('set-based writes run no instance hooks', () => {
    it('updateWhere, update on a query set, updatePaths, merge, upsert of an existing row, updateMany and deleteWhere', async () => {
      const a = await Account.objects.create({ email: email() });
      resetPlan();
      await Account.objects.updateWhere({ id: a.id }, { handle: 'h1' });
      await Account.objects.where({ id: a.id }).update({ handle: 'h2' });
      await Account.objects.updatePaths(a.id, { handle: 'h3' });
      await Account.objects.merge(a.id, { handle: 'h4' });
      const upserted = await Account.objects.upsert({ handle: 'h4', email: a.email, version: 0 });
      assert.equal(upserted.id, a.id);
      await Account.objects.updateMany([{ key: a.id, changes: { handle: 'h5' } }]);
      assert.deepEqual(events, []);
      const row = await rawRow(ACCOUNT_TABLE, a.id);
      assert.equal(row?.handle, 'h5');
      assert.equal(Number(row?.version), 0, 'beforeUpdate did not bump the version');
      assert.equal(await Account.objects.deleteWhere({ id: a.id }), 1);
      assert.deepEqual(events, []);
      assert.equal(await rawRow(ACCOUNT_TABLE, a.id), undefined);
    });
  });

  describe('inherited hooks', () => {
    it('a base class\'s hooks run first, then the model\'s own; an overridden hook method runs once', async () => {
      const t = await Ticket.objects.create({ title: 'one' });
      assert.deepEqual(events, [
        'beforeInsert:Ticket.baseBeforeInsert:tx',
        'beforeInsert:Ticket.overridden:tx',
        'beforeInsert:Ticket.ownBeforeInsert:tx',
      ]);
      assert.ok(t.createdAt instanceof Date, 'the base\'s @createdAt field is inherited too');
      resetPlan();
      await t.delete();
      assert.deepEqual(events, ['afterDelete:Ticket.baseAfterDelete:tx']);
    });

    it('every model built on the base gets its hooks', async () => {
      const n = await Note.objects.create({ text: 'hello' });
      assert.deepEqual(events, ['beforeInsert:Note.baseBeforeInsert:tx', 'beforeInsert:TrackedBase.overridden:tx']);
      resetPlan();
      assert.equal(await Note.objects.delete(n.id), true);
      assert.deepEqual(events, ['afterDelete:Note.baseAfterDelete:tx']);
    });
  });

  describe('@createdAt and @updatedAt', () => {
    let serialPage = 0;
    async function newPage(): Promise<Page> {
      serialPage += 1;
      const page = await Page.objects.create({ slug: `p${serialPage}`, title: `Page ${serialPage}`, info: { a: 1 } });
      await sleep(15);
      return page;
    }

    /** Asserts updatedAt moved forward from `before` (stored and on `page` when given), createdAt did not. */
    async function assertTouched(id: number, before: { createdAt: number; updatedAt: number }, page?: Page): Promise<void> {
      const now = await storedStamps(id);
      assert.ok(now.updatedAt > before.updatedAt, `updatedAt advanced (${new Date(before.updatedAt).toISOString()} → ${new Date(now.updatedAt).toISOString()})`);
      assert.equal(now.createdAt, before.createdAt, 'createdAt stays');
      if (page) {
        assert.equal(page.updatedAt.getTime(), now.updatedAt);
        assert.equal(page.createdAt.getTime(), now.createdAt);
      }
    }

    it('regression: @createdAt on a property that is not a Date is refused at registration', () => {
      assert.throws(() => {
        @model({ table: uniqueTable('hk_bad_stamp') })
        class BadStamp extends Model<BadStamp>() {
          @primaryKey() id!: number;
          @createdAt created!: string;
        }
        return BadStamp;
      }, (error: unknown) => {
        assert.ok(error instanceof ModelRegistrationError, `expected ModelRegistrationError, got ${String(error)}`);
        assert.match(error.message, /created/);
        return true;
      });
    });

    it('create sets both to the current time', async () => {
      const start = Date.now();
      const page = await Page.objects.create({ slug: 'created', title: 'Created' });
      const end = Date.now();
      assert.ok(page.createdAt instanceof Date);
      assert.ok(page.updatedAt instanceof Date);
      const stored = await storedStamps(page.id);
      for (const t of [stored.createdAt, stored.updatedAt]) assert.ok(t >= start && t <= end, `${new Date(t).toISOString()} is within the create call`);
      assert.equal(page.createdAt.getTime(), stored.createdAt);
    });

    it('save with a change: updatedAt advances, createdAt stays', async () => {
      const page = await newPage();
      const before = await storedStamps(page.id);
      page.title = 'Changed';
      await page.save();
      await assertTouched(page.id, before, page);
    });

    it('an unchanged save changes nothing and runs no query', async () => {
      const page = await newPage();
      const before = await storedStamps(page.id);
      const { count } = await countQueries(db(), () => page.save());
      assert.equal(count, 0);
      assert.deepEqual(await storedStamps(page.id), before);
      const fetched = await Page.objects.require(page.id);
      assert.equal((await countQueries(db(), () => fetched.save())).count, 0);
    });

    it('updateWhere and update on a query set: only the matched rows', async () => {
      const page = await newPage();
      const other = await newPage();
      const before = await storedStamps(page.id);
      const otherBefore = await storedStamps(other.id);
      const [updated] = await Page.objects.updateWhere({ id: page.id }, { title: 'By updateWhere' });
      await assertTouched(page.id, before, updated);
      assert.deepEqual(await storedStamps(other.id), otherBefore);

      await sleep(15);
      const middle = await storedStamps(page.id);
      const [again] = await Page.objects.where({ slug: page.slug }).update({ title: 'By a query set' });
      await assertTouched(page.id, middle, again);
    });

    it('an updatedAt given explicitly is kept', async () => {
      const page = await newPage();
      const when = new Date('2001-02-03T04:05:06.000Z');
      const [updated] = await Page.objects.updateWhere({ id: page.id }, { title: 'Backdated', updatedAt: when });
      assert.equal(updated.updatedAt.getTime(), when.getTime());
      assert.equal((await storedStamps(page.id)).updatedAt, when.getTime());
    });

    it('updatePaths, on the manager and on a query set', async () => {
      const page = await newPage();
      const before = await storedStamps(page.id);
      const updated = await Page.objects.updatePaths(page.id, { 'info.b': 2 });
      await assertTouched(page.id, before, updated);
      await sleep(15);
      const middle = await storedStamps(page.id);
      const [again] = await Page.objects.where({ id: page.id }).updatePaths({ 'info.c': 3 });
      await assertTouched(page.id, middle, again);
      assert.deepEqual(again.info, { a: 1, b: 2, c: 3 });
    });

    it('merge', async () => {
      const page = await newPage();
      const before = await storedStamps(page.id);
      const merged = await Page.objects.merge(page.id, { info: { b: 2 } });
      await assertTouched(page.id, before, merged);
      assert.deepEqual(merged.info, { a: 1, b: 2 });
    });

    it('upsert on conflict, plain and deep', async () => {
      const page = await newPage();
      const before = await storedStamps(page.id);
      const upserted = await Page.objects.upsert({ slug: page.slug, title: 'Upserted' });
      assert.equal(upserted.id, page.id);
      await assertTouched(page.id, before, upserted);

      await sleep(15);
      const middle = await storedStamps(page.id);
      const deep = await Page.objects.upsert({ slug: page.slug, title: 'Deep', info: { z: 26 } }, { merge: 'deep' });
      assert.equal(deep.id, page.id);
      await assertTouched(page.id, middle, deep);
      assert.deepEqual(deep.info, { a: 1, z: 26 });
    });

    it('upsert of an absent row sets both, like create', async () => {
      const start = Date.now();
      const page = await Page.objects.upsert({ slug: 'fresh-deep', title: 'Fresh' }, { merge: 'deep' });
      const stored = await storedStamps(page.id);
      assert.ok(stored.createdAt >= start && stored.updatedAt >= start);
      const plain = await Page.objects.upsert({ slug: 'fresh-plain', title: 'Fresh' });
      const storedPlain = await storedStamps(plain.id);
      assert.ok(storedPlain.createdAt >= start && storedPlain.updatedAt >= start);
    });

    it('updateMany goes through updateWhere, so it stamps too', async () => {
      const page = await newPage();
      const before = await storedStamps(page.id);
      const [updated] = await Page.objects.updateMany([{ key: page.id, changes: { title: 'Many' } }]);
      await assertTouched(page.id, before, updated);
    });
  });
});
