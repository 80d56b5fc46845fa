// The regista quickstart: `npm run demo` builds regista and runs this file on an embedded SQLite
// file, ./.tmp/quickstart.sqlite (relative to the directory you run it from), recreated each run.
// It creates, queries, updates and deletes users, runs transactions, works with relations (users,
// posts and tags) and catches typed errors.
import fs from 'node:fs';
import path from 'node:path';
import {
  InvalidQueryError, RegistaError, UniqueConstraintError, ValidationError, connect, disconnectAll, transaction,
} from 'regista';
import { Account, Post, PostTag, Setting, Tag, User } from './models';

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

  // Relations: related() writes through a relation (it sets the foreign key, or adds the join row).
  const hello = await alice2.related('posts').create({ title: 'Hello, regista' });
  const tips = await alice2.related('posts').create({ title: 'Relation tips' });
  const notes = await bob.related('posts').create({ title: 'Notes from Bob' });
  const typescript = await hello.related('tags').create({ name: 'typescript' });
  const sql = await Tag.objects.create({ name: 'sql' });
  await tips.related('tags').add(typescript, sql);
  await notes.related('tags').add(sql);
  say('related', `${await alice2.related('posts').count()} posts by ${alice2.name}; "${tips.title}" has ${await tips.related('tags').count()} tags`);

  // Lazy loading: awaiting a relation runs one query the first time, then the value is kept.
  say('lazy', `"${notes.title}" is by ${(await notes.author)?.name}`);

  // Eager loading: one query for the users, then one per relation and level, however many rows.
  let queries = 0;
  const countQuery = () => { queries += 1; };
  db.on('query', countQuery);
  const users = await User.objects.all({ orderBy: 'id', include: ['posts', 'posts.tags'] });
  for (const u of users) {
    const posts = await u.posts; // loaded already: no query
    const list = await Promise.all(posts.map(async (p) => `"${p.title}" [${(await p.tags).map((t) => t.name).join(', ')}]`));
    say('include', `${u.name}: ${list.join(', ')}`);
  }
  db.off('query', countQuery);
  say('include', `${users.length} users with their posts and tags in ${queries} queries`);

  // Filters across relations: a dotted path is an EXISTS sub-query, so no row comes back twice.
  const sqlWriters = await User.objects.filter({ 'posts.tags.name': 'sql' }, { orderBy: 'id' });
  say('filter', `users with a post tagged sql: ${sqlWriters.map((u) => u.name).join(', ')}`);
  say('filter', `posts by Bob tagged sql: ${(await Post.objects.filter({ 'author.name': 'Bob', 'tags.name': 'sql' })).map((p) => p.title).join(', ')}`);

  // toJSON holds the fields and the loaded relations.
  say('toJSON', JSON.stringify(await Post.objects.require(notes.id, { include: ['tags'] })));

  // The foreign key's ON DELETE CASCADE: deleting Bob deletes his post, and its tag links with it.
  await bob.delete();
  say('cascade', `Bob deleted: ${await Post.objects.count()} posts and ${await PostTag.objects.count()} tag links left`);

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
    await User.objects.all({ include: ['comments'] });
  } catch (error) {
    if (!(error instanceof InvalidQueryError)) throw error;
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
