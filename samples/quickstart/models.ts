// Models import reflect-metadata before anything else (regista's entry imports it too).
import 'reflect-metadata';
import { Model, belongsTo, field, hasMany, hasManyThrough, model, primaryKey } from 'regista';

/** A user: autoincrement key, a unique email, an optional role and a JSON profile. Table `users`. */
@model()
export class User extends Model<User>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @field({ unique: true }) email!: string;
  @field({ type: 'text', nullable: true }) role!: string | null;
  @field({ type: 'json', nullable: true }) profile!: Record<string, unknown> | null;
  @field({ default: () => new Date() }) createdAt!: Date;
  /** The posts whose authorId is this user's id. A relation, not a column. */
  @hasMany(() => Post, { foreignKey: 'authorId' }) posts!: Promise<Post[]>;
}

/** A balance owned by a user, for the transaction example. Table `accounts`. */
@model()
export class Account extends Model<Account>() {
  @primaryKey() id!: number;
  @field({ index: true }) ownerId!: number;
  @field({ default: 0 }) balance!: number;
}

/** A key/value setting with a caller-supplied text key, for the upsert example. Table `settings`. */
@model()
export class Setting extends Model<Setting>() {
  @primaryKey() key!: string;
  @field() value!: string;
}

/**
 * A post written by a user, for the relations example. Table `posts`, with a foreign key on
 * author_id: deleting a user deletes their posts (onDelete: 'cascade').
 */
@model()
export class Post extends Model<Post>() {
  @primaryKey() id!: number;
  @field() title!: string;
  @field() authorId!: number;
  @belongsTo(() => User, { foreignKey: 'authorId', onDelete: 'cascade' }) author!: Promise<User | null>;
  /** Many-to-many through the PostTag join model. */
  @hasManyThrough(() => Tag, { through: () => PostTag, sourceKey: 'postId', targetKey: 'tagId' }) tags!: Promise<Tag[]>;
}

/** A tag that posts share. Table `tags`. */
@model()
export class Tag extends Model<Tag>() {
  @primaryKey() id!: number;
  @field({ unique: true }) name!: string;
  @hasManyThrough(() => Post, { through: () => PostTag, sourceKey: 'tagId', targetKey: 'postId' }) posts!: Promise<Post[]>;
}

/** The join model of Post.tags and Tag.posts: one row per link. Table `post_tags`. */
@model({ unique: [['postId', 'tagId']] })
export class PostTag extends Model<PostTag>() {
  @primaryKey() id!: number;
  @field() postId!: number;
  @field() tagId!: number;
  @belongsTo(() => Post, { foreignKey: 'postId', onDelete: 'cascade' }) post!: Promise<Post | null>;
  @belongsTo(() => Tag, { foreignKey: 'tagId', onDelete: 'cascade' }) tag!: Promise<Tag | null>;
}
