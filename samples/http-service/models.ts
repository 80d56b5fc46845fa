// Models import reflect-metadata before anything else (regista's entry imports it too).
import 'reflect-metadata';
import { Model, belongsTo, field, hasMany, model, primaryKey } from 'regista';

/** The main resource of the service: table `users`, unique email, optional role and JSON profile. */
@model()
export class User extends Model<User>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @field({ unique: true }) email!: string;
  @field({ type: 'text', nullable: true, index: true }) role!: string | null;
  @field({ type: 'json', nullable: true }) profile!: Record<string, unknown> | null;
  @field({ default: () => new Date() }) createdAt!: Date;
  /** The user's posts (Post.authorId): `GET /users/:id/posts`, or `?include=posts`. */
  @hasMany(() => Post, { foreignKey: 'authorId' }) posts!: Promise<Post[]>;
}

/**
 * A post written by a user: table `posts`, whose author_id has a foreign key to users with
 * ON DELETE CASCADE, so deleting a user deletes their posts.
 */
@model()
export class Post extends Model<Post>() {
  @primaryKey() id!: number;
  @field() title!: string;
  @field({ type: 'text', nullable: true }) body!: string | null;
  @field() authorId!: number;
  @field({ default: () => new Date() }) createdAt!: Date;
  @belongsTo(() => User, { foreignKey: 'authorId', onDelete: 'cascade' }) author!: Promise<User | null>;
}

/** The fields a client may set (POST) or change (PATCH); id and createdAt are the server's. */
export const EDITABLE_FIELDS = ['name', 'email', 'role', 'profile'] as const;

/** The editable part of a user. */
export type UserInput = Partial<Pick<User, (typeof EDITABLE_FIELDS)[number]>>;

/** The fields a client may set on a post; the author comes from the URL. */
export const POST_FIELDS = ['title', 'body'] as const;

/** The client-settable part of a post. */
export type PostInput = Partial<Pick<Post, (typeof POST_FIELDS)[number]>>;
