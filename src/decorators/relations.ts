import type { DataKeys } from '../manager/types';
import { registry } from '../metadata/registry';
import {
  BelongsTo, HasMany, HasManyThrough, type BelongsToOptions, type Relation,
} from '../metadata/relation-meta';
import { recordOf } from '../metadata/store';

/** A thunk returning a model class whose instances are T. */
type Target<T> = () => new () => T;

function relationDecorator(relation: Relation): PropertyDecorator {
  return (target, key) => {
    recordOf(target.constructor).relations.set(String(key), relation);
  };
}

/**
 * Declares a one-to-many relation: `await author.posts` loads the Posts whose `foreignKey`
 * holds this author's key. Declare the property as `Promise<Target[]>`.
 *
 * @example
 * @hasMany(() => Post, { foreignKey: 'authorId' }) posts!: Promise<Post[]>;
 */
export function hasMany<T>(target: Target<T>, options: { foreignKey: DataKeys<T>; localKey?: string }): PropertyDecorator {
  return relationDecorator(new HasMany(target, options));
}

/**
 * Declares a many-to-one relation through a foreign key field of this model. The table gets a
 * foreign key constraint (with `onDelete`) and an index on the key column.
 *
 * @example
 * @belongsTo(() => Author, { foreignKey: 'authorId', onDelete: 'cascade' }) author!: Promise<Author | null>;
 */
export function belongsTo<T>(target: Target<T>, options: BelongsToOptions & { targetKey?: DataKeys<T> }): PropertyDecorator {
  return relationDecorator(new BelongsTo(target, options));
}

/**
 * Declares a many-to-many relation through a join model whose `sourceKey` holds this model's
 * key and `targetKey` the target's key.
 *
 * @example
 * @hasManyThrough(() => Tag, { through: () => PostTag, sourceKey: 'postId', targetKey: 'tagId' }) tags!: Promise<Tag[]>;
 */
export function hasManyThrough<T, J>(
  target: Target<T>, options: { through: Target<J>; sourceKey: DataKeys<J>; targetKey: DataKeys<J> },
): PropertyDecorator {
  return relationDecorator(new HasManyThrough(target, options));
}

/**
 * Attaches a relation to a model that is already registered: for modules that import each other,
 * where a decorator would see an undefined class.
 *
 * @example
 * defineRelation(Author, 'posts', new HasMany(() => Post, { foreignKey: 'authorId' }));
 */
export function defineRelation(model: Function, name: string, relation: Relation): void {
  registry.defineRelation(model, name, relation);
}
