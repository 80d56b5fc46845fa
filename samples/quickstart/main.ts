// The regista quickstart: `npm run demo` builds regista and runs this file on an embedded SQLite
// file, ./.tmp/quickstart.sqlite (relative to the directory you run it from), recreated each run.
import fs from 'node:fs';
import path from 'node:path';
import { RegistaError, UniqueConstraintError, ValidationError, connect, disconnectAll, transaction } from 'regista';
import { Account, Setting, User } from './models';

const say = (what: string, text: string) => console.log(`${what.padEnd(12)} ${text}`);
const who = (u: User) => `${u.name} <${u.email}> #${u.id} role=${u.role ?? '-'}`;

/** Moves `amount` between two accounts, all or nothing. */
async function transfer(fromId: number, toId: number, amount: number): Promise<void> {
  await transaction(async () => {
    const from = await Account.objects.require(fromId);
    const to = await Account.objects.require(toId);
    from.balance -= amount;
    to.balance += amount;
    await from.save();
    await to.save();
    if (from.balance < 0) throw new Error(`insufficient funds in account #${fromId}`);
  });
}

async function main(): Promise<void> {
  const file = path.resolve('.tmp', 'quickstart.sqlite');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });

  const db = connect(`sqlite://${file}`);
  console.log(`regista quickstart on ${db.dialect.name} (${path.relative(process.cwd(), file)})\n`);
  db.on('schema', (e) => say('[schema]', `${e.action} ${e.table}${e.column ? `.${e.column}` : ''}`));

  // create: the table is created on first use; the key and createdAt are filled in.
  const alice = await User.objects.create({ name: 'Alice', email: 'alice@example.com', role: 'admin', profile: { theme: 'dark' } });
  const bob = await User.objects.create({ name: 'Bob', email: 'bob@example.com' });
  await User.objects.create({ name: 'Carol', email: 'carol@example.com', role: 'admin' });
  const dave = await User.objects.create({ name: 'Dave', email: 'dave@example.com' });
  say('create', `${who(alice)}, created ${alice.createdAt.toISOString()}`);
  say('create', who(bob));

  // Query: get() is typed Promise<User | null>, filter() Promise<User[]>.
  const found = await User.objects.get(alice.id);
  say('get', found ? `${who(found)} profile=${JSON.stringify(found.profile)}` : 'nothing');
  say('get', `by email: ${(await User.objects.get({ email: 'bob@example.com' }))?.name}`);
  const admins = await User.objects.filter({ role: 'admin' }, { orderBy: '-name' });
  say('filter', `admins, by name descending: ${admins.map((u) => u.name).join(', ')}`);
  say('count', `${await User.objects.count()} users, ${await User.objects.count({ role: null })} without a role`);
  say('first/last', `${(await User.objects.first())?.name} / ${(await User.objects.last())?.name}`);
  say('exists', `erin@example.com? ${await User.objects.exists({ email: 'erin@example.com' })}`);

  // upsert: insert, or update the fields given when the key (or a unique field) exists.
  await Setting.objects.upsert({ key: 'theme', value: 'light' });
  const theme = await Setting.objects.upsert({ key: 'theme', value: 'dark' });
  say('upsert', `settings: ${await Setting.objects.count()} row, theme=${theme.value}`);
  const alice2 = await User.objects.upsert({ email: 'alice@example.com', name: 'Alice Liddell' });
  say('upsert', `on the unique email: ${who(alice2)} (same id: ${alice2.id === alice.id})`);

  // Update: an instance's save() writes only the changed fields; updateWhere() many rows at once.
  bob.role = 'editor';
  await bob.save();
  say('save', who(await User.objects.require(bob.id)));
  const demoted = await User.objects.updateWhere({ role: 'admin', name: 'Carol' }, { role: 'viewer' });
  say('updateWhere', `${demoted.length} changed: ${demoted.map(who).join(', ')}`);

  // Delete: an instance, every row matching criteria, or by key.
  say('delete', `Dave: ${await dave.delete()}; viewers: ${await User.objects.deleteWhere({ role: 'viewer' })} row(s)`);
  say('delete', `key #999: ${await User.objects.delete(999)}; ${await User.objects.count()} users left`);

  // Transactions: everything inside transaction() joins it, and a throw rolls it all back.
  const a = await Account.objects.create({ ownerId: alice.id, balance: 100 });
  const b = await Account.objects.create({ ownerId: bob.id });
  await transfer(a.id, b.id, 30);
  const balances = async () => (await Account.objects.all({ orderBy: 'id' })).map((x) => x.balance).join(' / ');
  say('transaction', `moved 30: balances ${await balances()}`);
  try {
    await transfer(a.id, b.id, 500);
  } catch (error) {
    say('transaction', `rolled back (${(error as Error).message}): balances ${await balances()}`);
  }

  // Typed errors: a class per failure, a stable numeric code, details naming the fields.
  try {
    await User.objects.create({ name: 'Alice again', email: 'alice@example.com' });
  } catch (error) {
    if (!(error instanceof UniqueConstraintError)) throw error;
    say('error', `${error.name} code=${error.code} fields=${JSON.stringify(error.details.fields)}: ${error.message}`);
  }
  try {
    await User.objects.create({ email: 'eve@example.com' });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    say('error', `${error.name} code=${error.code}: ${error.message}`);
  }
  try {
    await User.objects.require(12345);
  } catch (error) {
    if (!(error instanceof RegistaError)) throw error;
    say('error', `${error.name} code=${error.code}: ${error.message}`);
  }

  await disconnectAll();
  console.log('\ndone.');
}

main().catch(async (error: unknown) => {
  console.error(error);
  await disconnectAll();
  process.exitCode = 1;
});
