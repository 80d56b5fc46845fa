/**
 * Transactions: commit and rollback, every call joining the caller's transaction without a
 * handle, isolation (PostgreSQL) and serialisation (SQLite), savepoints, concurrency, use after
 * the end, and auto-create inside transactions that roll back.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import {
  Model, TransactionError, ValidationError, connect, field, model, primaryKey, transaction,
  type Database,
} from 'regista';
import { countQueries, isPostgres, isSqlite, pgUrl, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Rows of a raw query through knex (outside regista; on PostgreSQL a pooled connection of its own). */
async function rawRows(database: Database, sql: string, bindings: readonly Knex.RawBinding[] = []): Promise<Record<string, unknown>[]> {
  const result: unknown = await database.knex.raw(sql, bindings);
  return Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows;
}

/** A promise with its resolve function, to hold a transaction open at a chosen point. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

const accountsTable = uniqueTable('tx_accounts');

@model({ table: accountsTable })
class TxAccount extends Model<TxAccount>() {
  @primaryKey() id!: number;
  @field() owner!: string;
  @field({ default: 0 }) balance!: number;
  @field({ type: 'varchar', length: 40, nullable: true, unique: true }) ref!: string | null;
}

/** The same table seen through a second PostgreSQL connection pool (used on PostgreSQL only). */
@model({ table: accountsTable, database: 'tx_other', autoCreate: false })
class TxAccountElsewhere extends Model<TxAccountElsewhere>() {
  @primaryKey() id!: number;
  @field() owner!: string;
  @field({ default: 0 }) balance!: number;
  @field({ type: 'varchar', length: 40, nullable: true, unique: true }) ref!: string | null;
}

/** Balances of an owner's rows, read back with raw SQL outside regista (never inside a transaction). */
async function balances(owner: string): Promise<number[]> {
  const rows = await rawRows(db(), `SELECT balance FROM "${accountsTable}" WHERE owner = ? ORDER BY id`, [owner]);
  return rows.map((r) => Number(r.balance));
}

/**
 * The table exists before any test opens a transaction (first use inside one is tested on its own).
 * Called from each describe's before hook: Node 20 does not wait for one root-level before hook
 * (useTestDatabase's, which connects the database) before starting the next.
 */
async function accountsReady(): Promise<void> {
  await TxAccount.createSchema();
}

describe('commit and rollback', () => {
  before(accountsReady);

  it('transaction(fn) on the default database commits when fn resolves and returns its result', async () => {
    const result = await transaction(async (txDb) => {
      assert.equal(txDb, db());
      assert.equal(db().inTransaction(), true);
      await TxAccount.objects.create({ owner: 'commit-fn', balance: 10 });
      await TxAccount.objects.create({ owner: 'commit-fn', balance: 20 });
      return 'done';
    });
    assert.equal(result, 'done');
    assert.equal(db().inTransaction(), false);
    assert.deepEqual(await balances('commit-fn'), [10, 20]);
  });

  it('db.transaction(fn) commits too', async () => {
    const created = await db().transaction(async () => TxAccount.objects.create({ owner: 'commit-db', balance: 7 }));
    assert.equal(created.balance, 7);
    assert.equal(created.isPersisted(), true);
    assert.deepEqual(await balances('commit-db'), [7]);
    assert.equal((await TxAccount.objects.require(created.id)).owner, 'commit-db');
  });

  it('rolls back when fn throws; the error propagates unchanged', async () => {
    const boom = new Error('boom');
    await assert.rejects(
      transaction(async () => {
        await TxAccount.objects.create({ owner: 'rollback', balance: 1 });
        assert.equal(await TxAccount.objects.count({ owner: 'rollback' }), 1);
        throw boom;
      }),
      (error) => error === boom,
    );
    const thrown = { not: 'an error' };
    await assert.rejects(
      db().transaction(async () => {
        await TxAccount.objects.create({ owner: 'rollback', balance: 2 });
        throw thrown;
      }),
      (error) => error === thrown,
    );
    assert.deepEqual(await balances('rollback'), []);
    assert.equal(await TxAccount.objects.count({ owner: 'rollback' }), 0);
  });

  it("a regista error thrown inside rolls back the earlier writes and reaches the caller as is", async () => {
    let inner: unknown;
    await assert.rejects(
      db().transaction(async () => {
        await TxAccount.objects.create({ owner: 'rollback-typed', balance: 1 });
        try {
          await TxAccount.objects.create({ balance: 2 });
        } catch (error) {
          inner = error;
          throw error;
        }
      }),
      (error) => error === inner && error instanceof ValidationError && error.code === 1100,
    );
    assert.deepEqual(await balances('rollback-typed'), []);
  });
});

describe('every call joins the current transaction', () => {
  before(accountsReady);

  it('manager and instance calls inside see their own writes, and all roll back together', async () => {
    const kept = await TxAccount.objects.create({ owner: 'join-kept', balance: 100 });
    const doomed = await TxAccount.objects.create({ owner: 'join-doomed', balance: 5 });
    const boom = new Error('undo everything');
    const { events } = await countQueries(db(), () => assert.rejects(db().transaction(async () => {
      const a = await TxAccount.objects.create({ owner: 'join', balance: 1 });
      assert.equal(await TxAccount.objects.count({ owner: 'join' }), 1);
      assert.equal(await TxAccount.objects.exists({ owner: 'join' }), true);
      assert.equal((await TxAccount.objects.get(a.id))?.balance, 1);
      assert.equal((await TxAccount.objects.require({ owner: 'join' })).id, a.id);

      a.balance = 2;
      await a.save();
      assert.deepEqual((await TxAccount.objects.filter({ owner: 'join' })).map((x) => x.balance), [2]);

      await TxAccount.objects.updateWhere({ id: a.id }, { balance: 3 });
      await a.refresh();
      assert.equal(a.balance, 3);

      const up = await TxAccount.objects.upsert({ ref: 'join-ref', owner: 'join', balance: 4 });
      const again = await TxAccount.objects.upsert({ ref: 'join-ref', owner: 'join', balance: 5 });
      assert.equal(again.id, up.id);
      assert.equal((await TxAccount.objects.last({ owner: 'join' }))?.balance, 5);
      assert.equal((await TxAccount.objects.first({ owner: 'join' }))?.id, a.id);

      // Rows that existed before the transaction: changed and deleted inside it.
      kept.balance = 999;
      await kept.save();
      assert.equal(await doomed.delete(), true);
      assert.equal(await TxAccount.objects.get(doomed.id), null);
      assert.equal(await TxAccount.objects.deleteWhere({ ref: 'join-ref' }), 1);
      assert.equal(await TxAccount.objects.delete(a.id), true);
      assert.equal(await TxAccount.objects.count({ owner: 'join' }), 0);
      await TxAccount.objects.create({ owner: 'join', balance: 6 });
      assert.equal((await TxAccount.objects.all()).filter((x) => x.owner === 'join').length, 1);
      throw boom;
    }), (error) => error === boom));

    // Every statement ran between BEGIN and ROLLBACK, on the transaction's connection.
    const sql = events.map((e) => e.sql);
    assert.equal(sql[0], db().dialect.beginSql);
    assert.equal(sql[sql.length - 1], 'ROLLBACK');
    assert.ok(sql.length > 20, `${sql.length} statements`);
    assert.ok(events.every((e) => e.database === 'default' && e.error === undefined));

    assert.deepEqual(await balances('join'), []);
    assert.deepEqual(await balances('join-kept'), [100]);
    assert.deepEqual(await balances('join-doomed'), [5]);
    assert.equal((await TxAccount.objects.require(kept.id)).balance, 100);
  });
});

describe('isolation and serialisation', () => {
  let other: Database | undefined;

  before(async () => {
    await accountsReady();
    if (isPostgres()) {
      const [{ schema }] = await rawRows(db(), 'SELECT current_schema() AS schema');
      other = connect(pgUrl(), { name: 'tx_other', schema: String(schema) });
    }
  });

  after(async () => {
    await other?.close();
  });

  it('PostgreSQL: other connections do not see uncommitted rows, and see them after commit', { skip: isSqlite() }, async () => {
    await db().transaction(async () => {
      await TxAccount.objects.create({ owner: 'isolated', balance: 1 });
      assert.equal(await TxAccount.objects.count({ owner: 'isolated' }), 1);
      // knex's pool hands out another connection: outside the transaction.
      assert.deepEqual(await balances('isolated'), []);
      // A second Database (pool) on the same schema, through the public API.
      assert.equal(await TxAccountElsewhere.objects.count({ owner: 'isolated' }), 0);
    });
    assert.deepEqual(await balances('isolated'), [1]);
    assert.equal(await TxAccountElsewhere.objects.count({ owner: 'isolated' }), 1);
  });

  it('PostgreSQL: a call outside the transaction, made while it is open, neither waits for it nor joins it', { skip: isSqlite() }, async () => {
    const hold = deferred();
    const created = deferred();
    const tx = db().transaction(async () => {
      await TxAccount.objects.create({ owner: 'outside-pg', balance: 1 });
      created.resolve();
      await hold.promise;
      throw new Error('roll back');
    });
    tx.catch(() => undefined);
    await created.promise;
    // Started from the test's own async context, not from inside the transaction.
    assert.equal(await TxAccount.objects.count({ owner: 'outside-pg' }), 0);
    await TxAccount.objects.create({ owner: 'outside-pg', balance: 2 });
    hold.resolve();
    await assert.rejects(tx, /roll back/);
    assert.deepEqual(await balances('outside-pg'), [2]);
  });

  it('SQLite: a call outside the transaction waits for it to end and then sees its committed rows', { skip: isPostgres() }, async () => {
    const order: string[] = [];
    const hold = deferred();
    const created = deferred();
    const tx = db().transaction(async () => {
      await TxAccount.objects.create({ owner: 'serial', balance: 1 });
      created.resolve();
      await hold.promise;
      await TxAccount.objects.create({ owner: 'serial', balance: 2 });
      order.push('transaction body done');
    });
    await created.promise;
    const outside = TxAccount.objects.count({ owner: 'serial' }).then((n) => {
      order.push('outside read');
      return n;
    });
    await delay(50);
    assert.deepEqual(order, [], 'the outside read waits while the transaction is open');
    hold.resolve();
    await tx;
    assert.equal(await outside, 2, 'the outside read saw the committed rows');
    assert.deepEqual(order, ['transaction body done', 'outside read']);
  });
});

describe('nested transactions are savepoints', () => {
  before(accountsReady);

  it('an inner failure caught by the outer transaction undoes only the inner work', async () => {
    const innerBoom = new Error('inner');
    const { statements } = await countQueries(db(), () => db().transaction(async () => {
      await TxAccount.objects.create({ owner: 'nest', balance: 1 });
      await assert.rejects(db().transaction(async () => {
        await TxAccount.objects.create({ owner: 'nest', balance: 2 });
        assert.equal(await TxAccount.objects.count({ owner: 'nest' }), 2);
        throw innerBoom;
      }), (error) => error === innerBoom);
      assert.deepEqual((await TxAccount.objects.filter({ owner: 'nest' })).map((a) => a.balance), [1]);
      // transaction() of the default database nests the same way.
      await transaction(async () => {
        await TxAccount.objects.create({ owner: 'nest', balance: 3 });
      });
      await TxAccount.objects.create({ owner: 'nest', balance: 4 });
    }));
    assert.deepEqual(await balances('nest'), [1, 3, 4]);
    assert.ok(statements.some((s) => /^SAVEPOINT /i.test(s)), statements.join('\n'));
    assert.ok(statements.some((s) => /^ROLLBACK TO SAVEPOINT /i.test(s)), statements.join('\n'));
    assert.ok(statements.some((s) => /^RELEASE SAVEPOINT /i.test(s)), statements.join('\n'));
    assert.equal(statements.filter((s) => s === db().dialect.beginSql).length, 1);
    assert.equal(statements.filter((s) => s === 'COMMIT').length, 1);
  });

  it('inner work that succeeded is still undone when the outer transaction fails', async () => {
    await assert.rejects(db().transaction(async () => {
      await db().transaction(async () => {
        await TxAccount.objects.create({ owner: 'nest-outer-fails', balance: 1 });
      });
      assert.equal(await TxAccount.objects.count({ owner: 'nest-outer-fails' }), 1);
      throw new Error('outer');
    }), /outer/);
    assert.deepEqual(await balances('nest-outer-fails'), []);
  });

  it('three levels: a failure at the third level is caught at the second, which goes on', async () => {
    await db().transaction(async () => {
      await TxAccount.objects.create({ owner: 'nest3', balance: 1 });
      await db().transaction(async () => {
        await TxAccount.objects.create({ owner: 'nest3', balance: 2 });
        await assert.rejects(db().transaction(async () => {
          await TxAccount.objects.create({ owner: 'nest3', balance: 3 });
          throw new Error('third');
        }), /third/);
        await TxAccount.objects.create({ owner: 'nest3', balance: 4 });
      });
    });
    assert.deepEqual(await balances('nest3'), [1, 2, 4]);
  });
});

describe('concurrency', () => {
  before(accountsReady);

  it('concurrent transactions each keep to their own work (half of them roll back)', async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => db().transaction(async () => {
      const owner = `conc-${i}`;
      for (let n = 0; n < 3; n++) {
        await TxAccount.objects.create({ owner, balance: n });
        await delay(1);
      }
      assert.equal(await TxAccount.objects.count({ owner }), 3);
      if (i % 2 === 1) throw new Error(`odd ${i}`);
      return i;
    })));
    for (let i = 0; i < 10; i++) {
      const r = results[i];
      if (i % 2 === 0) assert.deepEqual(r, { status: 'fulfilled', value: i });
      else assert.ok(r.status === 'rejected' && String(r.reason).includes(`odd ${i}`), JSON.stringify(r));
      assert.deepEqual(await balances(`conc-${i}`), i % 2 === 0 ? [0, 1, 2] : [], `conc-${i}`);
    }
  });

  it('calls running next to a transaction do not join it (they survive its rollback)', async () => {
    const tx = db().transaction(async () => {
      await TxAccount.objects.create({ owner: 'mix-tx', balance: 1 });
      await delay(20);
      await TxAccount.objects.create({ owner: 'mix-tx', balance: 2 });
      throw new Error('mix rollback');
    });
    const outside = Promise.all([1, 2, 3].map((n) => TxAccount.objects.create({ owner: 'mix-out', balance: n })));
    await assert.rejects(tx, /mix rollback/);
    assert.equal((await outside).length, 3);
    assert.deepEqual(await balances('mix-tx'), []);
    assert.deepEqual((await balances('mix-out')).sort(), [1, 2, 3]);
  });
});

describe('using a transaction after it ended', () => {
  before(accountsReady);

  it('a manager call leaked out of the transaction: TransactionError, nothing written', async () => {
    let late: Promise<unknown> | undefined;
    await db().transaction(async () => {
      late = delay(20).then(() => TxAccount.objects.create({ owner: 'late', balance: 1 }));
      late.catch(() => undefined);
    });
    assert.ok(late);
    await assert.rejects(late, (error) => error instanceof TransactionError && error.code === 1700 && error.details.database === 'default');
    assert.deepEqual(await balances('late'), []);
  });

  it('an instance call leaked out of the transaction: TransactionError, nothing changed', async () => {
    const row = await TxAccount.objects.create({ owner: 'late-save', balance: 1 });
    let late: Promise<unknown> | undefined;
    await db().transaction(async () => {
      late = delay(20).then(() => {
        row.balance = 2;
        return row.save();
      });
      late.catch(() => undefined);
    });
    assert.ok(late);
    await assert.rejects(late, (error) => error instanceof TransactionError && error.code === 1700);
    assert.deepEqual(await balances('late-save'), [1]);
  });

  it('a nested transaction leaked out of the transaction: TransactionError, no statement sent', async () => {
    let late: Promise<unknown> | undefined;
    await db().transaction(async () => {
      late = delay(20).then(() => db().transaction(async () => 'ran'));
      late.catch(() => undefined);
    });
    assert.ok(late);
    const { statements } = await countQueries(db(), async () => {
      await assert.rejects(late!, (error) => error instanceof TransactionError && error.code === 1700);
    });
    assert.deepEqual(statements, [], 'nothing may run on a connection that went back to the pool');
  });
});

describe('auto-create inside transactions', () => {
  @model({ table: uniqueTable('tx_fresh') })
  class TxFresh extends Model<TxFresh>() {
    @primaryKey() id!: number;
    @field() label!: string;
  }

  @model({ table: uniqueTable('tx_fresh_sp') })
  class TxFreshSavepoint extends Model<TxFreshSavepoint>() {
    @primaryKey() id!: number;
    @field() label!: string;
  }

  @model({ table: uniqueTable('tx_fresh_commit') })
  class TxFreshCommit extends Model<TxFreshCommit>() {
    @primaryKey() id!: number;
    @field() label!: string;
  }

  it('first use inside a transaction that rolls back: the next use (outside) still works', async () => {
    const boom = new Error('undo the table');
    await assert.rejects(db().transaction(async () => {
      await TxFresh.objects.create({ label: 'a' });
      assert.equal(await TxFresh.objects.count(), 1);
      throw boom;
    }), (error) => error === boom);
    if (db().dialect.capabilities.transactionalDdl) assert.equal(await TxFresh.schemaExists(), false);
    const b = await TxFresh.objects.create({ label: 'b' });
    assert.deepEqual((await TxFresh.objects.all()).map((r) => r.label), ['b']);
    assert.equal(b.isPersisted(), true);
    assert.equal(await TxFresh.schemaExists(), true);
  });

  it('first use inside a savepoint that rolls back: the next use in the same outer transaction still works', async () => {
    await db().transaction(async () => {
      await assert.rejects(db().transaction(async () => {
        await TxFreshSavepoint.objects.create({ label: 'a' });
        throw new Error('undo the savepoint');
      }), /undo the savepoint/);
      await TxFreshSavepoint.objects.create({ label: 'b' });
      assert.equal(await TxFreshSavepoint.objects.count(), 1);
    });
    assert.deepEqual((await TxFreshSavepoint.objects.all()).map((r) => r.label), ['b']);
  });

  it('first use inside a committed transaction: later uses do not check the table again', async () => {
    await db().transaction(async () => {
      await TxFreshCommit.objects.create({ label: 'a' });
    });
    assert.equal(await TxFreshCommit.schemaExists(), true);
    const { statements } = await countQueries(db(), () => TxFreshCommit.objects.count());
    assert.equal(statements.length, 1, statements.join('\n'));
    assert.match(statements[0], /^SELECT COUNT/);
  });
});

describe('regression: db.knex inside a transaction', () => {
  it('a knex query awaited inside transaction() returns instead of waiting for the connection forever', async () => {
    const result = await db().transaction(async () => {
      await db().knex.raw('SELECT 1 AS one');
      return 'done';
    });
    assert.equal(result, 'done');
    // the connection is free again afterwards, for regista and for knex
    await db().knex.raw('SELECT 1 AS one');
    await db().transaction(async () => 'again');
  });
});
