/**
 * Relations: filters across relations (dotted criteria keys become EXISTS semi-joins) and writes
 * through `related(name)`: create, add, remove and count, for HasMany, HasManyThrough and
 * BelongsTo. Loading: relations-loading.test.ts; schema and misconfiguration:
 * relations-config.test.ts.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ErrorCodes, InvalidQueryError, Model, RegistaError, RelationshipError,
  belongsTo, field, hasMany, hasManyThrough, model, primaryKey,
} from 'regista';
import { countQueries, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

@model({ table: uniqueTable('rw_authors') })
class Author extends Model<Author>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @hasMany(() => Post, { foreignKey: 'authorId' }) posts!: Promise<Post[]>;
  @hasMany(() => Draft, { foreignKey: 'authorId' }) drafts!: Promise<Draft[]>;
}

@model({ table: uniqueTable('rw_posts') })
class Post extends Model<Post>() {
  @primaryKey() id!: number;
  @field() title!: string;
  @field() authorId!: number;
  @belongsTo(() => Author, { foreignKey: 'authorId', onDelete: 'cascade' }) author!: Promise<Author | null>;
  @hasManyThrough(() => Tag, { through: () => PostTag, sourceKey: 'postId', targetKey: 'tagId' }) tags!: Promise<Tag[]>;
  @hasMany(() => Comment, { foreignKey: 'postId' }) comments!: Promise<Comment[]>;
}

@model({ table: uniqueTable('rw_tags') })
class Tag extends Model<Tag>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @hasManyThrough(() => Post, { through: () => PostTag, sourceKey: 'tagId', targetKey: 'postId' }) posts!: Promise<Post[]>;
}

/** The join model: no unique constraint, so a link can be stored twice. */
@model({ table: uniqueTable('rw_post_tags') })
class PostTag extends Model<PostTag>() {
  @primaryKey() id!: number;
  @field() postId!: number;
  @field() tagId!: number;
}

@model({ table: uniqueTable('rw_comments') })
class Comment extends Model<Comment>() {
  @primaryKey() id!: number;
  @field() body!: string;
  @field() postId!: number;
  @belongsTo(() => Post, { foreignKey: 'postId', onDelete: 'cascade' }) post!: Promise<Post | null>;
}

/** A nullable foreign key: remove() may unlink a Draft. */
@model({ table: uniqueTable('rw_drafts') })
class Draft extends Model<Draft>() {
  @primaryKey() id!: number;
  @field() title!: string;
  @field({ type: 'integer', nullable: true }) authorId!: number | null;
  @belongsTo(() => Author, { foreignKey: 'authorId', onDelete: 'set null' }) author!: Promise<Author | null>;
}

/** A self-referencing model. */
@model({ table: uniqueTable('rw_categories') })
class Category extends Model<Category>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @field({ type: 'integer', nullable: true }) parentId!: number | null;
  @belongsTo(() => Category, { foreignKey: 'parentId', onDelete: 'cascade' }) parent!: Promise<Category | null>;
  @hasMany(() => Category, { foreignKey: 'parentId' }) children!: Promise<Category[]>;
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

const titles = (items: readonly { title: string }[]): string[] => items.map((p) => p.title).sort();
const names = (items: readonly { name: string }[]): string[] => items.map((i) => i.name).sort();

/** Rows of the join table for a post, as [postId, tagId] pairs read from the database. */
async function linksOf(postId: number): Promise<Array<[number, number]>> {
  const rows = await PostTag.objects.filter({ postId }, { orderBy: ['tagId', 'id'] });
  return rows.map((r) => [r.postId, r.tagId]);
}

const POST_FIELDS = ['id', 'title', 'authorId'];

describe('relations: filters across relations', () => {
  const a: Record<string, Author> = {};
  const p: Record<string, Post> = {};
  const t: Record<string, Tag> = {};

  // ann: A1 (x, y), A2 (y), A3 (no tags); bob: B1 (x, linked twice); cid: no posts.
  // Comments: on A1 (2), on B1 (1).
  before(async () => {
    for (const name of ['ann', 'bob', 'cid']) a[name] = await Author.objects.create({ name });
    for (const name of ['x', 'y', 'z']) t[name] = await Tag.objects.create({ name });
    for (const [title, who] of [['A1', 'ann'], ['A2', 'ann'], ['A3', 'ann'], ['B1', 'bob']]) {
      p[title] = await Post.objects.create({ title, authorId: a[who].id });
    }
    for (const [post, tag] of [['A1', 'x'], ['A1', 'y'], ['A2', 'y'], ['B1', 'x'], ['B1', 'x']]) {
      await PostTag.objects.create({ postId: p[post].id, tagId: t[tag].id });
    }
    for (const [body, post] of [['c1', 'A1'], ['c2', 'A1'], ['c3', 'B1']]) {
      await Comment.objects.create({ body, postId: p[post].id });
    }
    const root = await Category.objects.create({ name: 'root', parentId: null });
    const left = await Category.objects.create({ name: 'left', parentId: root.id });
    await Category.objects.create({ name: 'right', parentId: root.id });
    await Category.objects.create({ name: 'leaf', parentId: left.id });
  });

  it("BelongsTo: Post.objects.filter({ 'author.name': 'ann' })", async () => {
    assert.deepEqual(titles(await Post.objects.filter({ 'author.name': 'ann' })), ['A1', 'A2', 'A3']);
    assert.deepEqual(titles(await Post.objects.filter({ 'author.name': ['bob', 'cid'] })), ['B1']);
    assert.deepEqual(await Post.objects.filter({ 'author.name': 'nobody' }), []);
    assert.equal(await Post.objects.count({ 'author.name': 'ann' }), 3);
    assert.equal(await Post.objects.exists({ 'author.name': 'cid' }), false);
  });

  it("is one statement, an EXISTS semi-join", async () => {
    const { count, statements } = await countQueries(db(), () => Post.objects.filter({ 'author.name': 'ann' }));
    assert.equal(count, 1);
    assert.match(statements[0], /EXISTS \(SELECT 1 FROM/);
    assert.doesNotMatch(statements[0], /\bJOIN\b/);
  });

  it("HasMany: Author.objects.filter({ 'posts.title': ... }) never repeats an author", async () => {
    const found = await Author.objects.filter({ 'posts.title': ['A1', 'A2', 'A3'] });
    assert.deepEqual(names(found), ['ann']);
    assert.deepEqual(names(await Author.objects.filter({ 'posts.title': ['A1', 'B1'] })), ['ann', 'bob']);
    assert.equal(await Author.objects.count({ 'posts.title': ['A1', 'A2', 'A3'] }), 1);
    // Every post of ann matches the (empty) inner condition: ann still appears once.
    assert.deepEqual(names(await Author.objects.filter({ 'posts.authorId': a.ann.id })), ['ann']);
  });

  it("HasManyThrough: Post.objects.filter({ 'tags.name': 'x' }), duplicate links collapsed", async () => {
    assert.deepEqual(titles(await Post.objects.filter({ 'tags.name': 'x' })), ['A1', 'B1']);
    assert.deepEqual(titles(await Post.objects.filter({ 'tags.name': 'y' })), ['A1', 'A2']);
    assert.deepEqual(titles(await Post.objects.filter({ 'tags.name': ['x', 'y'] })), ['A1', 'A2', 'B1']);
    assert.deepEqual(await Post.objects.filter({ 'tags.name': 'z' }), []);
    assert.equal(await Post.objects.count({ 'tags.name': 'x' }), 2);
    // The other way round, through the same join model.
    assert.deepEqual(names(await Tag.objects.filter({ 'posts.title': ['A1', 'B1'] })), ['x', 'y']);
  });

  it("nested paths: Comment.objects.filter({ 'post.author.name': 'ann' }) and deeper", async () => {
    const comments = await Comment.objects.filter({ 'post.author.name': 'ann' }, { orderBy: 'body' });
    assert.deepEqual(comments.map((c) => c.body), ['c1', 'c2']);
    assert.deepEqual((await Comment.objects.filter({ 'post.author.name': 'bob' })).map((c) => c.body), ['c3']);
    assert.deepEqual(await Comment.objects.filter({ 'post.author.name': 'cid' }), []);
    assert.deepEqual((await Comment.objects.filter({ 'post.tags.name': 'y' }, { orderBy: 'body' })).map((c) => c.body), ['c1', 'c2']);
    assert.deepEqual(names(await Author.objects.filter({ 'posts.tags.name': 'x' })), ['ann', 'bob']);
    assert.deepEqual(names(await Author.objects.filter({ 'posts.comments.body': 'c3' })), ['bob']);
    assert.deepEqual(names(await Tag.objects.filter({ 'posts.author.name': 'bob' })), ['x']);
  });

  it('combined with plain fields and with several conditions on one relation', async () => {
    assert.deepEqual(titles(await Post.objects.filter({ title: ['A1', 'B1'], 'author.name': 'ann' })), ['A1']);
    assert.deepEqual(titles(await Post.objects.filter({ 'author.name': 'ann', 'tags.name': 'y' })), ['A1', 'A2']);
    assert.deepEqual(titles(await Post.objects.filter({ 'author.name': 'ann', 'author.id': a.ann.id, 'tags.name': 'x' })), ['A1']);
    assert.deepEqual(await Post.objects.filter({ 'author.name': 'ann', 'author.id': a.bob.id }), []);
    assert.deepEqual(titles(await Post.objects.filter({ authorId: a.bob.id, 'tags.name': 'x', 'comments.body': 'c3' })), ['B1']);
    assert.deepEqual(titles(await Post.objects.filter({ 'author.name': 'ann' }, { orderBy: '-title', limit: 2 })), ['A2', 'A3']);
  });

  it('conditions on one relation apply to the same related row', async () => {
    // A1 and A2 are both ann's, but no single post has title A1 and A2's id.
    assert.deepEqual(await Author.objects.filter({ 'posts.title': 'A1', 'posts.id': p.A2.id }), []);
    assert.deepEqual(names(await Author.objects.filter({ 'posts.title': 'A1', 'posts.id': p.A1.id })), ['ann']);
    // Through a join: x is on A1 (ann's) and on B1 (bob's), but not on a post of bob's titled A1.
    assert.deepEqual(await Tag.objects.filter({ 'posts.title': 'A1', 'posts.authorId': a.bob.id }), []);
    assert.deepEqual(names(await Tag.objects.filter({ 'posts.title': 'B1', 'posts.authorId': a.bob.id })), ['x']);
  });

  it('combined with include', async () => {
    const { count, result } = await countQueries(db(), () =>
      Post.objects.filter({ 'tags.name': 'x' }, { include: ['author', 'tags', 'comments'], orderBy: 'title' }));
    assert.equal(count, 4);
    assert.deepEqual(result.map((x) => x.title), ['A1', 'B1']);
    const after = await countQueries(db(), () => Promise.all(result.map(async (post) => [
      (await post.author)?.name, names(await post.tags), (await post.comments).map((c) => c.body).sort(),
    ])));
    assert.equal(after.count, 0);
    assert.deepEqual(after.result, [['ann', ['x', 'y'], ['c1', 'c2']], ['bob', ['x'], ['c3']]]);
    const first = await Author.objects.first({ 'posts.tags.name': 'y' }, { include: ['posts.tags'] });
    assert.equal(first?.name, 'ann');
    assert.deepEqual(titles(await first!.posts), ['A1', 'A2', 'A3']);
  });

  it('in count, exists, updateWhere and deleteWhere', async () => {
    assert.equal(await Comment.objects.count({ 'post.author.name': 'ann' }), 2);
    assert.equal(await Comment.objects.exists({ 'post.tags.name': 'z' }), false);
    const extra = await Comment.objects.create({ body: 'tmp', postId: p.A3.id });
    const updated = await Comment.objects.updateWhere({ body: 'tmp', 'post.author.name': 'ann' }, { body: 'tmp2' });
    assert.deepEqual(updated.map((c) => [c.id, c.body]), [[extra.id, 'tmp2']]);
    assert.equal(await Comment.objects.deleteWhere({ body: 'tmp2', 'post.author.name': 'bob' }), 0);
    assert.equal(await Comment.objects.deleteWhere({ body: 'tmp2', 'post.author.name': 'ann' }), 1);
    assert.equal(await Comment.objects.get(extra.id), null);
  });

  it('a self-referencing relation, both ways', async () => {
    assert.deepEqual(names(await Category.objects.filter({ 'parent.name': 'root' })), ['left', 'right']);
    assert.deepEqual(names(await Category.objects.filter({ 'children.name': 'leaf' })), ['left']);
    assert.deepEqual(names(await Category.objects.filter({ 'children.children.name': 'leaf' })), ['root']);
    assert.deepEqual(names(await Category.objects.filter({ 'parent.parent.name': 'root' })), ['leaf']);
    assert.deepEqual(names(await Category.objects.filter({ name: 'left', 'parent.name': 'root', 'children.name': 'leaf' })), ['left']);
  });

  it('a name that is neither a field nor a relation: InvalidQueryError naming it', async () => {
    await assert.rejects(
      // @ts-expect-error not a field of Post
      Post.objects.filter({ nope: 1 }),
      expectError(InvalidQueryError, 1200, { model: 'Post', field: 'nope', available: POST_FIELDS, relations: ['author', 'tags', 'comments'] }, /Post has no field or relation "nope"/),
    );
    await assert.rejects(
      Post.objects.filter({ 'nope.name': 'x' }),
      expectError(InvalidQueryError, ErrorCodes.INVALID_QUERY, { model: 'Post', field: 'nope', relations: ['author', 'tags', 'comments'] }, /"nope"/),
    );
    await assert.rejects(
      Comment.objects.filter({ 'post.nope': 'x' }),
      expectError(InvalidQueryError, 1200, { model: 'Post', field: 'nope', available: POST_FIELDS }, /Post has no field or relation "nope"/),
    );
    await assert.rejects(
      Comment.objects.count({ 'post.author.nope': 'x' }),
      expectError(InvalidQueryError, 1200, { model: 'Author', field: 'nope', relations: ['posts', 'drafts'] }),
    );
    await assert.rejects(
      Post.objects.filter({ 'tags.nope': 'x' }),
      expectError(InvalidQueryError, 1200, { model: 'Tag', field: 'nope', available: ['id', 'name'], relations: ['posts'] }),
    );
  });

  it('a dotted path on a plain field: InvalidQueryError', async () => {
    await assert.rejects(
      Post.objects.filter({ 'title.x': 'a' }),
      expectError(InvalidQueryError, 1200, { model: 'Post', field: 'title' }, /Post\.title is an? \w+ field\b.*\brelation\b/),
    );
    await assert.rejects(
      Comment.objects.filter({ 'post.authorId.x': 1 }),
      expectError(InvalidQueryError, 1200, { model: 'Post', field: 'authorId' }, /Post\.authorId is an? \w+ field\b.*\brelation\b/),
    );
  });

  it('a value of the wrong type across a relation: InvalidQueryError naming the target field', async () => {
    await assert.rejects(
      Post.objects.filter({ 'author.name': 5 }),
      expectError(InvalidQueryError, 1200, { model: 'Author', field: 'name', value: 5 }),
    );
  });
});

// Models reached only through the relations of a model used first: the first use of FreshAuthor
// must make the tables of its relations ready too, so that filters across them work.
@model({ table: uniqueTable('rw_fresh_authors') })
class FreshAuthor extends Model<FreshAuthor>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @hasMany(() => FreshPost, { foreignKey: 'authorId' }) posts!: Promise<FreshPost[]>;
  @hasManyThrough(() => FreshTag, { through: () => FreshLink, sourceKey: 'authorId', targetKey: 'tagId' }) tags!: Promise<FreshTag[]>;
}

@model({ table: uniqueTable('rw_fresh_posts') })
class FreshPost extends Model<FreshPost>() {
  @primaryKey() id!: number;
  @field() title!: string;
  @field() authorId!: number;
  @belongsTo(() => FreshAuthor, { foreignKey: 'authorId' }) author!: Promise<FreshAuthor | null>;
}

@model({ table: uniqueTable('rw_fresh_tags') })
class FreshTag extends Model<FreshTag>() {
  @primaryKey() id!: number;
  @field() name!: string;
}

@model({ table: uniqueTable('rw_fresh_links') })
class FreshLink extends Model<FreshLink>() {
  @primaryKey() id!: number;
  @field() authorId!: number;
  @field() tagId!: number;
}

describe('relations: filters on models not used before', () => {
  // FreshAuthor is used first, then filtered through relations whose models (FreshPost, FreshTag,
  // FreshLink) have never been used themselves.
  it('regression: a HasMany filter whose target table was never used yet', async () => {
    const ann = await FreshAuthor.objects.create({ name: 'ann' });
    assert.deepEqual(await FreshAuthor.objects.filter({ 'posts.title': 'x' }), []);
    await FreshPost.objects.create({ title: 'x', authorId: ann.id });
    assert.deepEqual((await FreshAuthor.objects.filter({ 'posts.title': 'x' })).map((x) => x.name), ['ann']);
  });

  it('regression: a HasManyThrough filter whose join and target tables were never used yet', async () => {
    assert.equal(await FreshAuthor.objects.count({ 'tags.name': 'x' }), 0);
    const [ann] = await FreshAuthor.objects.filter({ name: 'ann' });
    await ann.related('tags').create({ name: 'x' });
    assert.deepEqual((await FreshAuthor.objects.filter({ 'tags.name': 'x' })).map((x) => x.name), ['ann']);
  });
});

describe('relations: writes through related()', () => {
  const a: Record<string, Author> = {};
  const t: Record<string, Tag> = {};

  before(async () => {
    for (const name of ['wan', 'wbo', 'wcy']) a[name] = await Author.objects.create({ name });
    for (const name of ['wx', 'wy', 'wz']) t[name] = await Tag.objects.create({ name });
  });

  describe('HasMany', () => {
    it('create() sets the foreign key; the next load and reload see the new row', async () => {
      const author = await Author.objects.require(a.wan.id);
      assert.deepEqual(await author.posts, []);
      const created: Post = await author.related('posts').create({ title: 'W1' });
      assert.ok(created instanceof Post);
      assert.equal(created.isPersisted(), true);
      assert.equal(created.authorId, author.id);
      assert.equal(created.title, 'W1');
      const stored = await Post.objects.require(created.id);
      assert.equal(stored.authorId, author.id);
      const row = await db().knex(Post.objects.meta.table).where({ id: created.id }).first();
      assert.equal(Number(row.author_id), author.id);
      // create() forgot the kept (empty) value: the next await loads again.
      const next = await countQueries(db(), () => author.posts);
      assert.equal(next.count, 1);
      assert.deepEqual(titles(next.result), ['W1']);
      await author.related('posts').create({ title: 'W2' });
      assert.deepEqual(titles(await author.related('posts').reload()), ['W1', 'W2']);
      assert.deepEqual(titles(await Post.objects.filter({ authorId: author.id })), ['W1', 'W2']);
    });

    it('create() ignores a foreign key given in the data', async () => {
      const author = await Author.objects.require(a.wan.id);
      const created = await author.related('posts').create({ title: 'W-own', authorId: a.wbo.id });
      assert.equal(created.authorId, author.id);
      assert.equal((await Post.objects.require(created.id)).authorId, author.id);
      await created.delete();
    });

    it('count() counts the rows with one query, loading nothing', async () => {
      const author = await Author.objects.require(a.wan.id);
      const { count, result } = await countQueries(db(), () => author.related('posts').count());
      assert.equal(count, 1);
      assert.equal(result, await Post.objects.count({ authorId: author.id }));
      assert.equal(result, 2);
      assert.equal(await (await Author.objects.require(a.wcy.id)).related('posts').count(), 0);
    });

    it('add() sets the foreign key of an existing post', async () => {
      const wbo = await Author.objects.require(a.wbo.id);
      const wan = await Author.objects.require(a.wan.id);
      const post = await wbo.related('posts').create({ title: 'moved' });
      assert.deepEqual(titles(await wan.posts), ['W1', 'W2']);
      await wan.related('posts').add(post);
      assert.equal(post.authorId, wan.id);
      assert.equal((await Post.objects.require(post.id)).authorId, wan.id);
      assert.deepEqual(titles(await wan.posts), ['W1', 'W2', 'moved']);
      assert.deepEqual(await wbo.related('posts').reload(), []);
      assert.equal(await wan.related('posts').count(), 3);
      await post.delete();
    });

    it('remove() with a non-nullable foreign key: RelationshipError, nothing changed', async () => {
      const wan = await Author.objects.require(a.wan.id);
      const [w1] = await Post.objects.filter({ title: 'W1' });
      await assert.rejects(
        wan.related('posts').remove(w1),
        expectError(RelationshipError, 1600, { model: 'Author', relation: 'posts' }, /Post\.authorId is not nullable/),
      );
      assert.equal((await Post.objects.require(w1.id)).authorId, wan.id);
      assert.equal(w1.authorId, wan.id);
    });

    it('remove() with a nullable foreign key sets it to null', async () => {
      const wan = await Author.objects.require(a.wan.id);
      const d1 = await wan.related('drafts').create({ title: 'd1' });
      const d2 = await wan.related('drafts').create({ title: 'd2' });
      assert.equal(d1.authorId, wan.id);
      assert.deepEqual(titles(await wan.drafts), ['d1', 'd2']);
      await wan.related('drafts').remove(d1);
      assert.equal(d1.authorId, null);
      assert.equal((await Draft.objects.require(d1.id)).authorId, null);
      assert.equal((await Draft.objects.require(d2.id)).authorId, wan.id);
      assert.deepEqual(titles(await wan.drafts), ['d2']);
      assert.equal(await wan.related('drafts').count(), 1);
      // Adding it back sets the key again.
      await wan.related('drafts').add(d1);
      assert.equal((await Draft.objects.require(d1.id)).authorId, wan.id);
      assert.deepEqual(titles(await wan.drafts), ['d1', 'd2']);
    });

    it('a draft of another author is left alone by remove()', async () => {
      const wan = await Author.objects.require(a.wan.id);
      const other = await Draft.objects.create({ title: 'other', authorId: a.wbo.id });
      await wan.related('drafts').remove(other);
      assert.equal((await Draft.objects.require(other.id)).authorId, a.wbo.id);
    });
  });

  describe('HasManyThrough', () => {
    it('add() creates join rows; adding an existing link does not duplicate it', async () => {
      const post = await Post.objects.create({ title: 'T1', authorId: a.wan.id });
      assert.deepEqual(await post.tags, []);
      await post.related('tags').add(t.wx, t.wy);
      assert.deepEqual(await linksOf(post.id), [[post.id, t.wx.id], [post.id, t.wy.id]]);
      assert.deepEqual(names(await post.tags), ['wx', 'wy'], 'add() forgot the kept value');
      await post.related('tags').add(t.wx);
      await post.related('tags').add(t.wy, t.wy);
      assert.deepEqual(await linksOf(post.id), [[post.id, t.wx.id], [post.id, t.wy.id]]);
      assert.equal(await post.related('tags').count(), 2);
      assert.deepEqual(titles(await (await Tag.objects.require(t.wx.id)).posts), ['T1']);
    });

    it('remove() deletes the join rows (every copy), not the tags', async () => {
      const post = await Post.objects.create({ title: 'T2', authorId: a.wan.id });
      await post.related('tags').add(t.wx, t.wy, t.wz);
      await PostTag.objects.create({ postId: post.id, tagId: t.wx.id }); // a second copy of one link
      assert.deepEqual(names(await post.tags), ['wx', 'wy', 'wz']);
      await post.related('tags').remove(t.wx, t.wz);
      assert.deepEqual(await linksOf(post.id), [[post.id, t.wy.id]]);
      assert.deepEqual(names(await post.tags), ['wy'], 'remove() forgot the kept value');
      assert.deepEqual(names(await Tag.objects.filter({ id: [t.wx.id, t.wy.id, t.wz.id] })), ['wx', 'wy', 'wz']);
      // Removing a tag that is not linked changes nothing.
      await post.related('tags').remove(t.wz);
      assert.deepEqual(await linksOf(post.id), [[post.id, t.wy.id]]);
    });

    it('create() inserts the target and the join row', async () => {
      const post = await Post.objects.create({ title: 'T3', authorId: a.wan.id });
      const created: Tag = await post.related('tags').create({ name: 'fresh' });
      assert.ok(created instanceof Tag);
      assert.equal(created.isPersisted(), true);
      assert.equal((await Tag.objects.require(created.id)).name, 'fresh');
      assert.deepEqual(await linksOf(post.id), [[post.id, created.id]]);
      assert.deepEqual(names(await post.tags), ['fresh']);
    });

    it('count() counts distinct targets with one query, duplicate links included once', async () => {
      const post = await Post.objects.create({ title: 'T4', authorId: a.wan.id });
      assert.equal(await post.related('tags').count(), 0);
      await post.related('tags').add(t.wx, t.wy);
      await PostTag.objects.create({ postId: post.id, tagId: t.wx.id });
      assert.equal(await PostTag.objects.count({ postId: post.id }), 3);
      const { count, result } = await countQueries(db(), () => post.related('tags').count());
      assert.equal(count, 1);
      assert.equal(result, 2);
    });
  });

  describe('BelongsTo', () => {
    it('create() inserts the target and points this row at it', async () => {
      const post = await Post.objects.create({ title: 'B-create', authorId: a.wcy.id });
      const created: Author = await post.related('author').create({ name: 'new-author' });
      assert.equal(post.authorId, created.id);
      assert.equal((await Post.objects.require(post.id)).authorId, created.id);
      assert.equal((await post.author)?.name, 'new-author');
    });

    it('create() on a stored instance whose key is still null sets the key and saves', async () => {
      const draft = await Draft.objects.create({ title: 'no-author', authorId: null });
      assert.equal(await draft.author, null);
      const created: Author = await draft.related('author').create({ name: 'draft-author' });
      assert.equal(draft.authorId, created.id);
      assert.equal((await Draft.objects.require(draft.id)).authorId, created.id);
      assert.equal((await draft.author)?.name, 'draft-author', 'the kept null was forgotten');
    });

    it('add() and remove() are for HasMany and HasManyThrough: RelationshipError', async () => {
      const post = await Post.objects.create({ title: 'B-add', authorId: a.wcy.id });
      const wan = await Author.objects.require(a.wan.id);
      await assert.rejects(post.related('author').add(wan), expectError(RelationshipError, 1600, { model: 'Post', relation: 'author' }, /BelongsTo relation: add\(\)/));
      await assert.rejects(post.related('author').remove(wan), expectError(RelationshipError, 1600, { model: 'Post', relation: 'author' }, /remove\(\)/));
      assert.equal((await Post.objects.require(post.id)).authorId, a.wcy.id);
    });

    it('count() is 1 or 0', async () => {
      const post = await Post.objects.create({ title: 'B-count', authorId: a.wcy.id });
      assert.equal(await post.related('author').count(), 1);
      const draft = await Draft.objects.create({ title: 'orphan', authorId: null });
      assert.equal(await draft.related('author').count(), 0);
    });

    it('regression: after its key is changed and saved, a BelongsTo relation loads the new target', async () => {
      const post = await Post.objects.create({ title: 'B-move', authorId: a.wan.id });
      assert.equal((await post.author)?.name, 'wan');
      post.authorId = a.wbo.id;
      await post.save();
      assert.equal((await Post.objects.require(post.id)).authorId, a.wbo.id);
      assert.equal((await post.author)?.name, 'wbo');
    });
  });

  describe('misuse', () => {
    it('writing through an unsaved instance: RelationshipError, nothing written', async () => {
      const unsaved = new Author();
      unsaved.name = 'unsaved';
      const before = await Post.objects.count();
      const refused = expectError(RelationshipError, 1600, { model: 'Author', relation: 'posts' }, /Save this Author before writing through its relation "posts"/);
      await assert.rejects(unsaved.related('posts').create({ title: 'never' }), refused);
      const [w1] = await Post.objects.filter({ title: 'W1' });
      await assert.rejects(unsaved.related('posts').add(w1), refused);
      await assert.rejects(unsaved.related('drafts').remove(...await Draft.objects.all()), expectError(RelationshipError, 1600, { model: 'Author', relation: 'drafts' }));
      const unsavedPost = new Post();
      unsavedPost.title = 'unsaved';
      await assert.rejects(unsavedPost.related('tags').add(t.wx), expectError(RelationshipError, 1600, { model: 'Post', relation: 'tags' }, /Save this Post/));
      await assert.rejects(unsavedPost.related('tags').create({ name: 'never' }), expectError(RelationshipError, 1600, { model: 'Post', relation: 'tags' }));
      assert.equal(await Post.objects.count(), before);
      assert.equal(await Tag.objects.count({ name: 'never' }), 0);
      assert.equal((await Post.objects.require(w1.id)).authorId, a.wan.id);
      // A deleted instance is no longer stored either.
      const gone = await Author.objects.create({ name: 'gone' });
      await gone.delete();
      await assert.rejects(gone.related('posts').create({ title: 'never' }), expectError(RelationshipError, 1600, { model: 'Author', relation: 'posts' }));
      assert.equal(await Post.objects.count({ title: 'never' }), 0);
    });

    it('adding an unsaved target, or an instance of another model: RelationshipError', async () => {
      const post = await Post.objects.create({ title: 'M1', authorId: a.wan.id });
      const unsavedTag = new Tag();
      unsavedTag.name = 'unsaved';
      await assert.rejects(post.related('tags').add(unsavedTag), expectError(RelationshipError, 1600, { model: 'Post', relation: 'tags' }, /takes stored Tag instances/));
      assert.deepEqual(await linksOf(post.id), []);
      const wan = await Author.objects.require(a.wan.id);
      const draftAsPost = await Draft.objects.create({ title: 'not a post', authorId: null });
      // @ts-expect-error add() takes Posts
      await assert.rejects(wan.related('posts').add(draftAsPost), expectError(RelationshipError, 1600, { model: 'Author', relation: 'posts' }));
      assert.equal((await Draft.objects.require(draftAsPost.id)).authorId, null);
    });

    it('related() of an unknown relation: RelationshipError listing the relations', async () => {
      const wan = await Author.objects.require(a.wan.id);
      assert.throws(
        // @ts-expect-error not a relation of Author
        () => wan.related('comments'),
        expectError(RelationshipError, 1600, { model: 'Author', relation: 'comments', available: ['posts', 'drafts'] }),
      );
    });
  });
});
