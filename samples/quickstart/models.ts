// Models import reflect-metadata before anything else (regista's entry imports it too).
import 'reflect-metadata';
import { Model, field, model, primaryKey } from 'regista';

/** A user: autoincrement key, a unique email, an optional role and a JSON profile. Table `users`. */
@model()
export class User extends Model<User>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @field({ unique: true }) email!: string;
  @field({ type: 'text', nullable: true }) role!: string | null;
  @field({ type: 'json', nullable: true }) profile!: Record<string, unknown> | null;
  @field({ default: () => new Date() }) createdAt!: Date;
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
