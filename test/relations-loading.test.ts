/**
 * Relations, reading side: the descriptor classes and defineRelation, lazy loading (`await
 * author.posts`), eager loading (`include`), toJSON of loaded relations and the public types of
 * relations and related(). Writes and filters across relations: relations-writes.test.ts; schema
 * and misconfiguration: relations-config.test.ts.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BelongsTo, ErrorCodes, HasMany, HasManyThrough, InvalidQueryError, ModelRegistrationError, Model, MultipleRecordsFoundError, RegistaError,
  RelatedManager, RelationshipError, belongsTo, defineRelation, field, hasMany, hasManyThrough, model, primaryKey,
} from 'regista';
import { countQueries, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

/** `true` only when X and Y are the same type (not merely assignable). */
type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends (<T>() => T extends Y ? 1 : 2) ? true : false;
/**
 * `true` when X and Y are assignable both ways. related() returns `RelatedManager<Tag & object, ...>`,
 * which is not *identical* to `RelatedManager<Tag, ...>` for Equal (see the report), but is
 * interchangeable with it.
 */
type Same<X, Y> = [X] extends [Y] ? ([Y] extends [X] ? true : false) : false;
/** Compiles only when given `true`. */
function assertType<T extends true>(_proof?: T): void {}

@model({ table: uniqueTable('rl_authors') })
class Author extends Model<Author>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @hasMany(() => Post, { foreignKey: 'authorId' }) posts!: Promise<Post[]>;
  @hasMany(() => Post, { foreignKey: 'editorId' }) edited!: Promise<Post[]>;
}

@model({ table: uniqueTable('rl_posts') })
class Post extends Model<Post>() {
  @primaryKey() id!: number;
  @field() title!: string;
  @field() authorId!: number;
  @field({ type: 'integer', nullable: true }) editorId!: number | null;
  @belongsTo(() => Author, { foreignKey: 'authorId', onDelete: 'cascade' }) author!: Promise<Author | null>;
  @belongsTo(() => Author, { foreignKey: 'editorId', onDelete: 'set null' }) editor!: Promise<Author | null>;
  @hasManyThrough(() => Tag, { through: () => PostTag, sourceKey: 'postId', targetKey: 'tagId' }) tags!: Promise<Tag[]>;
}

@model({ table: uniqueTable('rl_tags') })
class Tag extends Model<Tag>() {
  @primaryKey() id!: number;
  @field() name!: string;
}

/** The join model: no unique constraint, so the same link can be stored twice. */
@model({ table: uniqueTable('rl_post_tags') })
class PostTag extends Model<PostTag>() {
  @primaryKey() id!: number;
  @field() postId!: number;
  @field() tagId!: number;
}

/** An assert.throws/rejects validator: exactly this class and code, and these details. */
function expectError(
  cls: new (...args: never[]) => RegistaError, code: number, details: Record<string, unknown> = {}, message?: RegExp,
): (error: unknown) => true {
  return (error: unknown) => {
    assert.ok(error instanceof cls, `expected ${cls.name}, got ${String(error)}`);
    assert.equal(error.constructor, cls, `expected exactly ${cls.name}, got ${error.constructor.name}`);
    assert.equal(error.code, code);
    for (const [k, v] of Object.entries(details)) assert.deepEqual(error.details[k], v, `details.${k}`);
    if (message) assert.match(error.message, message);
    return true;
  };
}

const titles = (posts: readonly Post[]): string[] => posts.map((p) => p.title);
const names = (items: readonly { name: string }[]): string[] => items.map((i) => i.name);

/** The seeded rows, by name/title. */
const authors: Record<string, Author> = {};
const posts: Record<string, Post> = {};
const tags: Record<string, Tag> = {};

// ann: A1 (editor bob; tags x, y), A2 (tag y); bob: B1 (no tags); cid: no posts. Tag z is unused.
async function seed(): Promise<void> {
  for (const name of ['ann', 'bob', 'cid']) authors[name] = await Author.objects.create({ name });
  for (const name of ['x', 'y', 'z']) tags[name] = await Tag.objects.create({ name });
  posts.A1 = await Post.objects.create({ title: 'A1', authorId: authors.ann.id, editorId: authors.bob.id });
  posts.A2 = await Post.objects.create({ title: 'A2', authorId: authors.ann.id });
  posts.B1 = await Post.objects.create({ title: 'B1', authorId: authors.bob.id });
  for (const [p, t] of [['A1', 'x'], ['A1', 'y'], ['A2', 'y']] as const) {
    await PostTag.objects.create({ postId: posts[p].id, tagId: tags[t].id });
  }
}

// Every describe that needs data seeds in its own before(): file-level hooks run concurrently on Node 20.
describe('relations: loading', () => {
  before(seed);

  describe('descriptors', () => {
    it('the decorators create HasMany, BelongsTo and HasManyThrough descriptors with their options', () => {
      const authorRelations = Author.objects.meta.relations;
      const postRelations = Post.objects.meta.relations;
      const postsRel = authorRelations.get('posts');
      assert.ok(postsRel instanceof HasMany);
      assert.equal(postsRel.kind, 'hasMany');
      assert.deepEqual(postsRel.options, { foreignKey: 'authorId' });
      assert.equal(postsRel.target(), Post);
      const authorRel = postRelations.get('author');
      assert.ok(authorRel instanceof BelongsTo);
      assert.equal(authorRel.kind, 'belongsTo');
      assert.deepEqual(authorRel.options, { foreignKey: 'authorId', onDelete: 'cascade' });
      assert.equal(authorRel.target(), Author);
      const tagsRel = postRelations.get('tags');
      assert.ok(tagsRel instanceof HasManyThrough);
      assert.equal(tagsRel.kind, 'hasManyThrough');
      assert.equal(tagsRel.target(), Tag);
      assert.equal(tagsRel.options.through(), PostTag);
      assert.equal(tagsRel.options.sourceKey, 'postId');
      assert.equal(tagsRel.options.targetKey, 'tagId');
      assert.deepEqual([...authorRelations.keys()], ['posts', 'edited']);
      assert.deepEqual([...postRelations.keys()], ['author', 'editor', 'tags']);
    });
  });

  describe('lazy loading', () => {
    it('await author.posts runs exactly one query; a second await runs none and gives the same array', async () => {
      const ann = await Author.objects.require(authors.ann.id);
      const first = await countQueries(db(), async () => {
        const loaded: Post[] = await ann.posts;
        return loaded;
      });
      assert.equal(first.count, 1, first.statements.join('\n'));
      assert.deepEqual(titles(first.result), ['A1', 'A2']);
      assert.ok(first.result.every((p) => p instanceof Post && p.authorId === ann.id && p.isPersisted()));
      const second = await countQueries(db(), () => ann.posts);
      assert.equal(second.count, 0);
      assert.equal(second.result, first.result);
    });

    it('concurrent awaits share one query', async () => {
      const ann = await Author.objects.require(authors.ann.id);
      const { count, result } = await countQueries(db(), () => Promise.all([ann.posts, ann.posts, ann.related('posts').load()]));
      assert.equal(count, 1);
      assert.equal(result[0], result[1]);
      assert.equal(result[0], result[2]);
      assert.deepEqual(titles(result[0]), ['A1', 'A2']);
    });

    it('an author without posts gets [] (one query)', async () => {
      const cid = await Author.objects.require(authors.cid.id);
      const { count, result } = await countQueries(db(), () => cid.posts);
      assert.equal(count, 1);
      assert.deepEqual(result, []);
    });

    it('related(name).reload() runs a query and sees rows added since', async () => {
      const dora = await Author.objects.create({ name: 'dora' });
      const before: Post[] = await dora.posts;
      assert.deepEqual(before, []);
      await Post.objects.create({ title: 'D-new', authorId: dora.id });
      assert.deepEqual(await dora.posts, [], 'the kept value is used until reload');
      const reloaded = await countQueries(db(), () => dora.related('posts').reload());
      assert.equal(reloaded.count, 1);
      assert.deepEqual(titles(reloaded.result), ['D-new']);
      const after = await countQueries(db(), () => dora.posts);
      assert.equal(after.count, 0);
      assert.equal(after.result, reloaded.result);
    });

    it('BelongsTo loads the target with one query, then keeps it', async () => {
      const a1 = await Post.objects.require(posts.A1.id);
      const first = await countQueries(db(), async () => {
        const a: Author | null = await a1.author;
        return a;
      });
      assert.equal(first.count, 1);
      assert.ok(first.result instanceof Author);
      assert.equal(first.result.id, authors.ann.id);
      assert.equal(first.result.name, 'ann');
      const editor = await a1.editor;
      assert.equal(editor?.name, 'bob');
      const again = await countQueries(db(), () => Promise.all([a1.author, a1.editor]));
      assert.equal(again.count, 0);
      assert.equal(again.result[0], first.result);
    });

    it('BelongsTo with a null key resolves to null without a query', async () => {
      const a2 = await Post.objects.require(posts.A2.id);
      assert.equal(a2.editorId, null);
      const { count, result } = await countQueries(db(), () => a2.editor);
      assert.equal(count, 0);
      assert.equal(result, null);
    });

    it('HasManyThrough loads the targets through the join table with one query', async () => {
      const a1 = await Post.objects.require(posts.A1.id);
      const { count, result } = await countQueries(db(), async () => {
        const t: Tag[] = await a1.tags;
        return t;
      });
      assert.equal(count, 1);
      assert.deepEqual(names(result), ['x', 'y']);
      assert.ok(result.every((t) => t instanceof Tag));
      const b1 = await Post.objects.require(posts.B1.id);
      assert.deepEqual(await b1.tags, []);
    });

    it('assigning to a relation property of a stored instance: RelationshipError', async () => {
      const ann = await Author.objects.require(authors.ann.id);
      assert.throws(() => {
        ann.posts = Promise.resolve([]);
      }, expectError(RelationshipError, 1600, { model: 'Author', relation: 'posts' }, /Author\.posts is a relation/));
      const a1 = await Post.objects.require(posts.A1.id);
      assert.throws(() => {
        a1.author = Promise.resolve(null);
      }, expectError(RelationshipError, ErrorCodes.RELATIONSHIP, { model: 'Post', relation: 'author' }));
      // Nothing changed: the relation still loads from the database.
      assert.deepEqual(titles(await ann.posts), ['A1', 'A2']);
      assert.equal((await a1.author)?.name, 'ann');
    });

    it('assigning to a relation property of a new instance: save() refuses with RelationshipError', async () => {
      const fresh = new Author();
      fresh.name = 'eve-assigned';
      fresh.posts = Promise.resolve([]);
      await assert.rejects(fresh.save(), expectError(RelationshipError, 1600, { model: 'Author', relation: 'posts' }));
      assert.equal(fresh.isPersisted(), false);
      assert.equal(await Author.objects.count({ name: 'eve-assigned' }), 0);
    });

    it('a relation key in create data: RelationshipError, nothing inserted', async () => {
      // @ts-expect-error posts is a relation, not a field
      await assert.rejects(Author.objects.create({ name: 'eve-create', posts: Promise.resolve([]) }), expectError(RelationshipError, 1600, { model: 'Author', relation: 'posts' }, /related\('posts'\)/));
      // @ts-expect-error author is a relation, not a field
      await assert.rejects(Post.objects.create({ title: 'P-create', authorId: authors.ann.id, author: Promise.resolve(null) }), expectError(RelationshipError, 1600, { model: 'Post', relation: 'author' }));
      assert.equal(await Author.objects.count({ name: 'eve-create' }), 0);
      assert.equal(await Post.objects.count({ title: 'P-create' }), 0);
    });

    it('relation accessors are not enumerable: Object.keys and spreads hold the fields only', async () => {
      const a1 = await Post.objects.require(posts.A1.id);
      await a1.author;
      assert.deepEqual(Object.keys(a1).sort(), ['authorId', 'editorId', 'id', 'title']);
      assert.deepEqual(Object.keys({ ...a1 }).sort(), ['authorId', 'editorId', 'id', 'title']);
    });

    it('related(name).load() on a new instance: BelongsTo by its key, HasMany and HasManyThrough [] without a query', async () => {
      const draft = new Post();
      draft.title = 'unsaved';
      draft.authorId = authors.ann.id;
      const author = await countQueries(db(), () => draft.related('author').load());
      assert.equal(author.count, 1);
      assert.equal(author.result?.name, 'ann');
      const unsavedAuthor = new Author();
      unsavedAuthor.name = 'unsaved';
      const many = await countQueries(db(), () => Promise.all([unsavedAuthor.related('posts').load(), draft.related('tags').load(), draft.related('editor').load()]));
      assert.equal(many.count, 0);
      assert.deepEqual(many.result, [[], [], null]);
      assert.equal(await Post.objects.count({ title: 'unsaved' }), 0);
    });

    it('refresh() forgets loaded relations', async () => {
      const bob = await Author.objects.require(authors.bob.id);
      assert.deepEqual(titles(await bob.posts), ['B1']);
      const extra = await Post.objects.create({ title: 'B-extra', authorId: bob.id });
      try {
        await bob.refresh();
        const { count, result } = await countQueries(db(), () => bob.posts);
        assert.equal(count, 1);
        assert.deepEqual(titles(result), ['B1', 'B-extra']);
      } finally {
        await extra.delete();
      }
    });
  });

  describe('eager loading (include)', () => {
    it('filter: one query for the authors, one for all their posts; awaiting afterwards runs none', async () => {
      const { count, result } = await countQueries(db(), () =>
        Author.objects.filter({ name: ['ann', 'bob', 'cid'] }, { include: ['posts'], orderBy: 'name' }));
      assert.equal(count, 2);
      assert.deepEqual(names(result), ['ann', 'bob', 'cid']);
      const awaited = await countQueries(db(), () => Promise.all(result.map((a) => a.posts)));
      assert.equal(awaited.count, 0);
      assert.deepEqual(awaited.result.map(titles), [['A1', 'A2'], ['B1'], []]);
    });

    it('all: nested paths load one query per level', async () => {
      const { count, result } = await countQueries(db(), () =>
        Author.objects.all({ include: ['posts', 'posts.tags'], orderBy: 'id' }));
      assert.equal(count, 3, countStatements(count));
      const byName = new Map(result.map((a) => [a.name, a]));
      const ann = byName.get('ann');
      assert.ok(ann);
      const check = await countQueries(db(), async () => {
        const annPosts: Post[] = await ann.posts;
        return Promise.all(annPosts.map(async (p) => [p.title, names(await p.tags)] as const));
      });
      assert.equal(check.count, 0);
      assert.deepEqual(check.result, [['A1', ['x', 'y']], ['A2', ['y']]]);
      const bobPosts = await byName.get('bob')!.posts;
      assert.deepEqual(titles(bobPosts), ['B1']);
      assert.deepEqual(await bobPosts[0].tags, []);
    });

    it("a nested path alone ('posts.tags') loads the intermediate level too", async () => {
      const { count, result } = await countQueries(db(), () => Author.objects.filter({ name: 'ann' }, { include: ['posts.tags'] }));
      assert.equal(count, 3);
      const after = await countQueries(db(), async () => {
        const annPosts = await result[0].posts;
        return Promise.all(annPosts.map(async (p) => names(await p.tags)));
      });
      assert.equal(after.count, 0);
      assert.deepEqual(after.result, [['x', 'y'], ['y']]);
    });

    it('get by primary key and by criteria, and require', async () => {
      const byPk = await countQueries(db(), () => Author.objects.get(authors.ann.id, { include: ['posts'] }));
      assert.equal(byPk.count, 2);
      assert.ok(byPk.result);
      const byCriteria = await countQueries(db(), () => Author.objects.get({ name: 'bob' }, { include: ['posts', 'edited'] }));
      assert.equal(byCriteria.count, 3);
      assert.ok(byCriteria.result);
      const required = await countQueries(db(), () => Author.objects.require(authors.cid.id, { include: ['posts'] }));
      assert.equal(required.count, 2);
      const requiredByCriteria = await countQueries(db(), () => Post.objects.require({ title: 'A1' }, { include: ['author', 'tags'] }));
      assert.equal(requiredByCriteria.count, 3);
      const after = await countQueries(db(), () => Promise.all([
        byPk.result!.posts, byCriteria.result!.posts, byCriteria.result!.edited, required.result.posts,
        requiredByCriteria.result.author, requiredByCriteria.result.tags,
      ]));
      assert.equal(after.count, 0);
      const [annPosts, bobPosts, bobEdited, cidPosts, a1Author, a1Tags] = after.result;
      assert.deepEqual(titles(annPosts), ['A1', 'A2']);
      assert.deepEqual(titles(bobPosts), ['B1']);
      assert.deepEqual(titles(bobEdited), ['A1']);
      assert.deepEqual(cidPosts, []);
      assert.equal(a1Author?.name, 'ann');
      assert.deepEqual(names(a1Tags), ['x', 'y']);
    });

    it('get by criteria matching several rows: MultipleRecordsFoundError before anything is loaded', async () => {
      const { count } = await countQueries(db(), () => assert.rejects(
        Author.objects.get({ name: ['ann', 'bob'] }, { include: ['posts', 'posts.tags'] }),
        expectError(MultipleRecordsFoundError, ErrorCodes.MULTIPLE_RECORDS_FOUND, { model: 'Author' }),
      ));
      assert.equal(count, 1);
      const none = await countQueries(db(), () => Author.objects.get({ name: 'nobody' }, { include: ['posts'] }));
      assert.equal(none.result, null);
      assert.equal(none.count, 1);
    });

    it('first and last', async () => {
      const first = await countQueries(db(), () => Post.objects.first({ authorId: authors.ann.id }, { include: ['author', 'editor'] }));
      assert.equal(first.count, 3);
      assert.equal(first.result?.title, 'A1');
      const last = await countQueries(db(), () => Author.objects.last({ name: ['ann', 'bob'] }, { include: ['posts'] }));
      assert.equal(last.count, 2);
      assert.equal(last.result?.name, 'bob');
      const after = await countQueries(db(), () => Promise.all([first.result!.author, first.result!.editor, last.result!.posts]));
      assert.equal(after.count, 0);
      assert.equal(after.result[0]?.name, 'ann');
      assert.equal(after.result[1]?.name, 'bob');
      assert.deepEqual(titles(after.result[2]), ['B1']);
    });

    it('BelongsTo: several posts share their author; a null key gives null', async () => {
      const { count, result } = await countQueries(db(), () =>
        Post.objects.filter({ title: ['A1', 'A2', 'B1'] }, { include: ['author', 'editor'], orderBy: 'title' }));
      assert.equal(count, 3);
      const after = await countQueries(db(), () => Promise.all(result.map(async (p) => [p.title, (await p.author)?.name, (await p.editor)?.name ?? null])));
      assert.equal(after.count, 0);
      assert.deepEqual(after.result, [['A1', 'ann', 'bob'], ['A2', 'ann', null], ['B1', 'bob', null]]);
      // Both of ann's posts point at one Author instance (one row, one instance).
      assert.equal(await result[0].author, await result[1].author);
    });

    it('parents with no children get [] and null', async () => {
      const { result } = await countQueries(db(), () => Author.objects.filter({ name: 'cid' }, { include: ['posts', 'posts.tags', 'edited'] }));
      assert.equal(result.length, 1);
      const after = await countQueries(db(), () => Promise.all([result[0].posts, result[0].edited]));
      assert.equal(after.count, 0);
      assert.deepEqual(after.result, [[], []]);
      const a2 = await Post.objects.filter({ title: 'A2' }, { include: ['editor'] });
      const editor = await countQueries(db(), () => a2[0].editor);
      assert.equal(editor.count, 0);
      assert.equal(editor.result, null);
    });

    it('an empty result loads nothing else', async () => {
      const { count, result } = await countQueries(db(), () => Author.objects.filter({ name: 'nobody' }, { include: ['posts', 'posts.tags'] }));
      assert.deepEqual(result, []);
      assert.equal(count, 1);
    });

    it('HasManyThrough: one query through the join, duplicate join rows collapsed', async () => {
      const dup = await Post.objects.create({ title: 'DUP', authorId: authors.cid.id });
      await PostTag.objects.create({ postId: dup.id, tagId: tags.x.id });
      await PostTag.objects.create({ postId: dup.id, tagId: tags.x.id });
      await PostTag.objects.create({ postId: dup.id, tagId: tags.z.id });
      try {
        assert.equal(await PostTag.objects.count({ postId: dup.id, tagId: tags.x.id }), 2, 'the link is stored twice');
        const eager = await countQueries(db(), () => Post.objects.filter({ title: ['DUP', 'A1'] }, { include: ['tags'], orderBy: 'title' }));
        assert.equal(eager.count, 2);
        assert.deepEqual(titles(eager.result), ['A1', 'DUP']);
        assert.deepEqual(names(await eager.result[0].tags), ['x', 'y']);
        assert.deepEqual(names(await eager.result[1].tags), ['x', 'z']);
        // Tag x is one instance shared by both posts.
        assert.equal((await eager.result[0].tags)[0], (await eager.result[1].tags)[0]);
        const lazy = await Post.objects.require(dup.id);
        const loaded = await countQueries(db(), () => lazy.tags);
        assert.equal(loaded.count, 1);
        assert.deepEqual(names(loaded.result), ['x', 'z']);
        const viaAuthor = await Author.objects.filter({ name: 'cid' }, { include: ['posts.tags'] });
        const cidPosts = await viaAuthor[0].posts;
        assert.deepEqual(names(await cidPosts[0].tags), ['x', 'z']);
      } finally {
        await PostTag.objects.deleteWhere({ postId: dup.id });
        await dup.delete();
      }
    });

    it('an unknown include name: InvalidQueryError listing the relations, before any query', async () => {
      const unknown = await countQueries(db(), () => assert.rejects(
        Author.objects.filter({}, { include: ['nope'] }),
        expectError(InvalidQueryError, 1200, { model: 'Author', relation: 'nope', path: 'nope', available: ['posts', 'edited'] }, /Relations of Author: posts, edited/),
      ));
      assert.equal(unknown.count, 0);
      await assert.rejects(
        Author.objects.all({ include: ['posts', 'posts.nope'] }),
        expectError(InvalidQueryError, ErrorCodes.INVALID_QUERY, { model: 'Post', relation: 'nope', path: 'posts.nope', available: ['author', 'editor', 'tags'] }),
      );
      await assert.rejects(
        Author.objects.get(authors.ann.id, { include: ['name'] }),
        expectError(InvalidQueryError, 1200, { model: 'Author', relation: 'name', available: ['posts', 'edited'] }),
      );
      await assert.rejects(Post.objects.first({}, { include: ['tags.posts'] }), expectError(InvalidQueryError, 1200, { model: 'Tag', relation: 'posts', available: [] }, /none/));
    });
  });

  describe('toJSON', () => {
    it('includes loaded relations and leaves out the rest', async () => {
      const plain = await Author.objects.require(authors.ann.id);
      assert.deepEqual(plain.toJSON(), { id: authors.ann.id, name: 'ann' });
      const [ann] = await Author.objects.filter({ name: 'ann' }, { include: ['posts'] });
      assert.deepEqual(ann.toJSON(), {
        id: authors.ann.id,
        name: 'ann',
        posts: [
          { id: posts.A1.id, title: 'A1', authorId: authors.ann.id, editorId: authors.bob.id },
          { id: posts.A2.id, title: 'A2', authorId: authors.ann.id, editorId: null },
        ],
      });
      // A lazily loaded relation appears too; a null BelongsTo as null.
      const a2 = await Post.objects.require(posts.A2.id);
      await a2.author;
      await a2.editor;
      assert.deepEqual(a2.toJSON(), {
        id: posts.A2.id, title: 'A2', authorId: authors.ann.id, editorId: null,
        author: { id: authors.ann.id, name: 'ann' },
        editor: null,
      });
      // A load still in flight is not in the output.
      const b1 = await Post.objects.require(posts.B1.id);
      const pending = b1.tags;
      assert.deepEqual(b1.toJSON(), { id: posts.B1.id, title: 'B1', authorId: authors.bob.id, editorId: null });
      await pending;
      assert.deepEqual(b1.toJSON().tags, []);
    });

    it("a circular load (include ['author', 'author.posts']) serialises without recursion", async () => {
      const [a1] = await Post.objects.filter({ title: 'A1' }, { include: ['author', 'author.posts', 'author.posts.author', 'tags'] });
      const text = JSON.stringify(a1);
      const annPlain = { id: authors.ann.id, name: 'ann' };
      const a1Fields = { id: posts.A1.id, title: 'A1', authorId: authors.ann.id, editorId: authors.bob.id };
      const a2Fields = { id: posts.A2.id, title: 'A2', authorId: authors.ann.id, editorId: null };
      assert.deepEqual(JSON.parse(text), {
        ...a1Fields,
        author: {
          ...annPlain,
          posts: [{ ...a1Fields, author: annPlain }, { ...a2Fields, author: annPlain }],
        },
        tags: [{ id: tags.x.id, name: 'x' }, { id: tags.y.id, name: 'y' }],
      });
    });
  });
});

/** A message for a failed count assertion. */
function countStatements(count: number): string {
  return `expected one query per level, got ${count}`;
}

// ------------------------------------------------------------------------------------------------
// defineRelation: two models that know nothing of each other at declaration time (as with modules
// that import each other), wired up afterwards.

@model({ table: uniqueTable('rl_dr_authors') })
class DrAuthor extends Model<DrAuthor>() {
  @primaryKey() id!: number;
  @field() name!: string;
  posts!: Promise<DrPost[]>;
}

@model({ table: uniqueTable('rl_dr_posts') })
class DrPost extends Model<DrPost>() {
  @primaryKey() id!: number;
  @field() title!: string;
  @field() authorId!: number;
  author!: Promise<DrAuthor | null>;
}

defineRelation(DrAuthor, 'posts', new HasMany(() => DrPost, { foreignKey: 'authorId' }));
defineRelation(DrPost, 'author', new BelongsTo(() => DrAuthor, { foreignKey: 'authorId', onDelete: 'cascade' }));

describe('relations: defineRelation', () => {
  const ids: Record<string, number> = {};
  before(async () => {
    ids.ann = (await DrAuthor.objects.create({ name: 'ann' })).id;
    ids.bob = (await DrAuthor.objects.create({ name: 'bob' })).id;
    for (const [title, who] of [['a1', 'ann'], ['a2', 'ann'], ['b1', 'bob']]) {
      await DrPost.objects.create({ title, authorId: ids[who] });
    }
  });

  it('attaches the descriptors to the models', () => {
    assert.ok(DrAuthor.objects.meta.relations.get('posts') instanceof HasMany);
    assert.ok(DrPost.objects.meta.relations.get('author') instanceof BelongsTo);
  });

  it('works for lazy loading', async () => {
    const ann = await DrAuthor.objects.require(ids.ann);
    const lazy = await countQueries(db(), async () => {
      const loaded: DrPost[] = await ann.posts;
      return loaded;
    });
    assert.equal(lazy.count, 1);
    assert.deepEqual(lazy.result.map((p) => p.title), ['a1', 'a2']);
    const b1 = await DrPost.objects.require({ title: 'b1' });
    const author: DrAuthor | null = await b1.author;
    assert.equal(author?.name, 'bob');
  });

  it('works for eager loading', async () => {
    const { count, result } = await countQueries(db(), () => DrAuthor.objects.all({ include: ['posts', 'posts.author'], orderBy: 'name' }));
    assert.equal(count, 3);
    const after = await countQueries(db(), () => Promise.all(result.map(async (a) => {
      const list = await a.posts;
      return [a.name, await Promise.all(list.map(async (p) => `${p.title}:${(await p.author)?.name}`))];
    })));
    assert.equal(after.count, 0);
    assert.deepEqual(after.result, [['ann', ['a1:ann', 'a2:ann']], ['bob', ['b1:bob']]]);
  });

  it('works for filters across the relation, both ways', async () => {
    const byAuthor = await DrPost.objects.filter({ 'author.name': 'ann' }, { orderBy: 'title' });
    assert.deepEqual(byAuthor.map((p) => p.title), ['a1', 'a2']);
    const byPost = await DrAuthor.objects.filter({ 'posts.title': 'b1' });
    assert.deepEqual(byPost.map((a) => a.name), ['bob']);
  });

  it('refuses a relation named like a field or a method (ModelRegistrationError), and an unregistered class', () => {
    assert.throws(
      () => defineRelation(DrAuthor, 'name', new HasMany(() => DrPost, { foreignKey: 'authorId' })),
      expectError(ModelRegistrationError, ErrorCodes.MODEL_REGISTRATION, { model: 'DrAuthor' }, /"name" is a field/),
    );
    assert.throws(
      () => defineRelation(DrAuthor, 'save', new HasMany(() => DrPost, { foreignKey: 'authorId' })),
      expectError(ModelRegistrationError, 1002, { model: 'DrAuthor' }, /relation "save" collides with a regista method/),
    );
    class NotAModel {}
    assert.throws(
      () => defineRelation(NotAModel, 'posts', new HasMany(() => DrPost, { foreignKey: 'authorId' })),
      expectError(ModelRegistrationError, 1002, { model: 'NotAModel' }),
    );
    assert.deepEqual([...DrAuthor.objects.meta.relations.keys()], ['posts']);
  });
});

// ------------------------------------------------------------------------------------------------
// Typing: checked by tsc when the suite compiles (a wrong type, or an @ts-expect-error that stops
// being an error, fails the build); the runtime test runs the same calls.

async function typesOnly(post: Post, author: Author): Promise<void> {
  const a: Author | null = await post.author;
  const t: Tag[] = await post.tags;
  const p: Post[] = await author.posts;
  const tagsManager: RelatedManager<Tag, Tag[]> = post.related('tags');
  const authorManager: RelatedManager<Author, Author | null> = post.related('author');
  assertType<Same<ReturnType<typeof post.related<'tags'>>, RelatedManager<Tag, Tag[]>>>();
  assertType<Same<ReturnType<typeof post.related<'author'>>, RelatedManager<Author, Author | null>>>();
  assertType<Same<ReturnType<typeof author.related<'posts'>>, RelatedManager<Post, Post[]>>>();
  // @ts-expect-error the tags manager is not an authors manager
  assertType<Same<ReturnType<typeof post.related<'tags'>>, RelatedManager<Author, Author | null>>>();
  assertType<Equal<Awaited<typeof post.author>, Author | null>>();
  assertType<Equal<Awaited<typeof post.tags>, Tag[]>>();
  assertType<Equal<Awaited<ReturnType<typeof tagsManager.load>>, Tag[]>>();
  assertType<Equal<Awaited<ReturnType<typeof authorManager.reload>>, Author | null>>();
  const created: Tag = await post.related('tags').create({ name: 'x' });
  const count: number = await post.related('tags').count();
  await post.related('tags').add(created);
  await author.related('posts').remove(...p);
  // @ts-expect-error not a relation of Post
  post.related('nope');
  // @ts-expect-error a field is not a relation
  post.related('title');
  // @ts-expect-error Tag has no field "title"
  await post.related('tags').create({ title: 'x' });
  // @ts-expect-error add() takes Tags, not Posts
  await post.related('tags').add(post);
  void [a, t, count];
}
void typesOnly;

describe('relations: typing', () => {
  it('related() and relation properties are typed by the model, without casts', async () => {
    // Rows of its own: this suite does not rely on another suite's seed.
    const writer = await Author.objects.create({ name: 'typing-writer' });
    const stored = await Post.objects.create({ title: 'typing', authorId: writer.id });
    const first = await Tag.objects.create({ name: 'typing-1' });
    await PostTag.objects.create({ postId: stored.id, tagId: first.id });
    const post = await Post.objects.require(stored.id);
    const a: Author | null = await post.author;
    assert.equal(a?.name, 'typing-writer');
    const t: Tag[] = await post.tags;
    assert.deepEqual(names(t), ['typing-1']);
    const p: Post[] = await writer.posts;
    assert.deepEqual(titles(p), ['typing']);
    const manager: RelatedManager<Tag, Tag[]> = post.related('tags');
    assert.ok(manager instanceof RelatedManager);
    const created: Tag = await post.related('tags').create({ name: 'typing-2' });
    assert.ok(created instanceof Tag);
    assert.equal(created.name, 'typing-2');
    assert.equal(typeof created.id, 'number');
    const reloaded: Tag[] = await post.related('tags').reload();
    assert.deepEqual(names(reloaded), ['typing-1', 'typing-2']);
    const count: number = await post.related('tags').count();
    assert.equal(count, 2);
    const author: Author | null = await post.related('author').load();
    assert.equal(author?.id, writer.id);
    assert.throws(
      // @ts-expect-error not a relation of Post
      () => post.related('nope'),
      expectError(RelationshipError, 1600, { model: 'Post', relation: 'nope', available: ['author', 'editor', 'tags'] }, /Relations: author, editor, tags/),
    );
  });
});

// ------------------------------------------------------------------------------------------------
// Eager loading at scale: the number of queries does not grow with the number of rows.

@model({ table: uniqueTable('rl_bulk_authors') })
class BulkAuthor extends Model<BulkAuthor>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @hasMany(() => BulkPost, { foreignKey: 'authorId' }) posts!: Promise<BulkPost[]>;
}

@model({ table: uniqueTable('rl_bulk_posts') })
class BulkPost extends Model<BulkPost>() {
  @primaryKey() id!: number;
  @field() title!: string;
  @field() authorId!: number;
  @belongsTo(() => BulkAuthor, { foreignKey: 'authorId', onDelete: 'cascade' }) author!: Promise<BulkAuthor | null>;
  @hasManyThrough(() => BulkTag, { through: () => BulkPostTag, sourceKey: 'postId', targetKey: 'tagId' }) tags!: Promise<BulkTag[]>;
}

@model({ table: uniqueTable('rl_bulk_tags') })
class BulkTag extends Model<BulkTag>() {
  @primaryKey() id!: number;
  @field() name!: string;
}

@model({ table: uniqueTable('rl_bulk_post_tags') })
class BulkPostTag extends Model<BulkPostTag>() {
  @primaryKey() id!: number;
  @field() postId!: number;
  @field() tagId!: number;
}

/** The column of a field, from the model's metadata. */
function columnOf(meta: { fieldsByProperty: ReadonlyMap<string, { column: string }> }, property: string): string {
  const found = meta.fieldsByProperty.get(property);
  if (!found) throw new Error(`no field ${property}`);
  return found.column;
}

describe('relations: eager loading of 1,000 authors', () => {
  const AUTHORS = 1000;
  const POSTS_PER_AUTHOR = 10;
  const TAGS = 30;
  /** post id → the names of its tags, as seeded. */
  const expectedTags = new Map<number, string[]>();

  before(async () => {
    // First use creates the tables (parents first).
    await Promise.all([BulkAuthor.objects.count(), BulkTag.objects.count()]);
    await Promise.all([BulkPost.objects.count(), BulkPostTag.objects.count()]);
    const a = BulkAuthor.objects.meta;
    const p = BulkPost.objects.meta;
    const t = BulkTag.objects.meta;
    const j = BulkPostTag.objects.meta;
    const authorId = columnOf(p, 'authorId');
    await db().knex.transaction(async (trx) => {
      const authorRows = Array.from({ length: AUTHORS }, (_, i) => ({ [columnOf(a, 'name')]: `ba${String(i).padStart(4, '0')}` }));
      await db().knex.batchInsert(a.table, authorRows, 250).transacting(trx);
      const authorIds: number[] = (await trx(a.table).select('id').orderBy('id')).map((r: { id: number | string }) => Number(r.id));
      const postRows = authorIds.flatMap((id) => Array.from({ length: POSTS_PER_AUTHOR }, (_, n) => ({ title: `bp-${id}-${n}`, [authorId]: id })));
      await db().knex.batchInsert(p.table, postRows, 250).transacting(trx);
      const tagRows = Array.from({ length: TAGS }, (_, i) => ({ name: `bt${String(i).padStart(2, '0')}` }));
      await db().knex.batchInsert(t.table, tagRows, 250).transacting(trx);
      const tagList: Array<{ id: number; name: string }> = (await trx(t.table).select('id', 'name').orderBy('id'))
        .map((r: { id: number | string; name: string }) => ({ id: Number(r.id), name: r.name }));
      const postIds: number[] = (await trx(p.table).select('id').orderBy('id')).map((r: { id: number | string }) => Number(r.id));
      const links: Array<Record<string, number>> = [];
      postIds.forEach((postId, k) => {
        const chosen = [k % TAGS, (k + 7) % TAGS, (k + 19) % TAGS].sort((x, y) => x - y).map((i) => tagList[i]);
        expectedTags.set(postId, chosen.map((tag) => tag.name));
        for (const tag of chosen) links.push({ [columnOf(j, 'postId')]: postId, [columnOf(j, 'tagId')]: tag.id });
      });
      await db().knex.batchInsert(j.table, links, 250).transacting(trx);
    });
    assert.equal(await BulkPostTag.objects.count(), AUTHORS * POSTS_PER_AUTHOR * 3);
  });

  it("include ['posts', 'posts.tags'] runs exactly 3 queries", async () => {
    const { count, result, statements } = await countQueries(db(), () => BulkAuthor.objects.all({ include: ['posts', 'posts.tags'] }));
    assert.equal(count, 3, statements.join('\n'));
    assert.equal(result.length, AUTHORS);
    const checked = await countQueries(db(), async () => {
      let postCount = 0;
      let linkCount = 0;
      for (const author of result) {
        const list: BulkPost[] = await author.posts;
        assert.equal(list.length, POSTS_PER_AUTHOR, `posts of ${author.name}`);
        for (const post of list) {
          assert.equal(post.authorId, author.id);
          const postTags: BulkTag[] = await post.tags;
          assert.equal(postTags.length, 3, `tags of ${post.title}`);
          assert.deepEqual(postTags.map((tag) => tag.name), expectedTags.get(post.id));
          linkCount += postTags.length;
        }
        postCount += list.length;
      }
      return { postCount, linkCount };
    });
    assert.equal(checked.count, 0, 'everything was loaded eagerly');
    assert.deepEqual(checked.result, { postCount: AUTHORS * POSTS_PER_AUTHOR, linkCount: AUTHORS * POSTS_PER_AUTHOR * 3 });
  });
});
