// Models import reflect-metadata before anything else (regista's entry imports it too).
import 'reflect-metadata';
import { Model, field, model, primaryKey } from 'regista';

/** The one resource of the service: table `users`, unique email, optional role and JSON profile. */
@model()
export class User extends Model<User>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @field({ unique: true }) email!: string;
  @field({ type: 'text', nullable: true, index: true }) role!: string | null;
  @field({ type: 'json', nullable: true }) profile!: Record<string, unknown> | null;
  @field({ default: () => new Date() }) createdAt!: Date;
}

/** The fields a client may set (POST) or change (PATCH); id and createdAt are the server's. */
export const EDITABLE_FIELDS = ['name', 'email', 'role', 'profile'] as const;

/** The editable part of a user. */
export type UserInput = Partial<Pick<User, (typeof EDITABLE_FIELDS)[number]>>;
