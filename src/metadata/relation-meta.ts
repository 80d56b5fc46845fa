import type { FieldMeta } from './field-meta';
import type { ModelMeta } from './model-meta';

/** What happens to rows that point at a deleted row. */
export type OnDelete = 'cascade' | 'set null' | 'restrict' | 'no action';

/** A lazy reference to a model class, so that models may refer to each other in any order. */
export type ModelThunk = () => Function;

/** Options of a HasMany relation. */
export interface HasManyOptions {
  /** The field of the target model that holds this model's key (`authorId` on Post). */
  foreignKey: string;
  /** The field of this model it refers to. Default: the primary key. */
  localKey?: string;
}

/** Options of a BelongsTo relation. */
export interface BelongsToOptions {
  /** The field of this model that holds the target's key (`authorId` on Post). */
  foreignKey: string;
  /** The field of the target it refers to. Default: the target's primary key. */
  targetKey?: string;
  /** What the database does with this row when the target row is deleted. Default `no action`. */
  onDelete?: OnDelete;
}

/** Options of a HasManyThrough relation (many-to-many through a join model). */
export interface HasManyThroughOptions {
  /** The join model (`PostTag`). */
  through: ModelThunk;
  /** The field of the join model that holds this model's key (`postId`). */
  sourceKey: string;
  /** The field of the join model that holds the target's key (`tagId`). */
  targetKey: string;
}

/**
 * One model has many rows of another, which point back with a foreign key.
 *
 * @example
 * defineRelation(Author, 'posts', new HasMany(() => Post, { foreignKey: 'authorId' }));
 */
export class HasMany {
  readonly kind = 'hasMany' as const;
  constructor(readonly target: ModelThunk, readonly options: HasManyOptions) {}
}

/**
 * This model points at one row of another through a foreign key field.
 *
 * @example
 * defineRelation(Post, 'author', new BelongsTo(() => Author, { foreignKey: 'authorId', onDelete: 'cascade' }));
 */
export class BelongsTo {
  readonly kind = 'belongsTo' as const;
  constructor(readonly target: ModelThunk, readonly options: BelongsToOptions) {}
}

/**
 * Many-to-many: rows of another model reached through rows of a join model.
 *
 * @example
 * defineRelation(Post, 'tags', new HasManyThrough(() => Tag, { through: () => PostTag, sourceKey: 'postId', targetKey: 'tagId' }));
 */
export class HasManyThrough {
  readonly kind = 'hasManyThrough' as const;
  constructor(readonly target: ModelThunk, readonly options: HasManyThroughOptions) {}
}

/** Any relation descriptor. */
export type Relation = HasMany | BelongsTo | HasManyThrough;

/**
 * A relation with its models and key fields resolved (after every class exists).
 * - hasMany: rows of `target` whose `targetField` equals the source's `sourceField`.
 * - belongsTo: the row of `target` whose `targetField` equals the source's `sourceField`.
 * - hasManyThrough: rows of `target` (by `targetField`, its key) linked by rows of `through`
 *   whose `throughSource` equals the source's `sourceField` and `throughTarget` the target's key.
 */
export interface ResolvedRelation {
  readonly name: string;
  readonly kind: Relation['kind'];
  readonly source: ModelMeta;
  readonly target: ModelMeta;
  readonly sourceField: FieldMeta;
  readonly targetField: FieldMeta;
  readonly through?: ModelMeta;
  readonly throughSource?: FieldMeta;
  readonly throughTarget?: FieldMeta;
  /** True for hasMany and hasManyThrough: the value is an array. */
  readonly many: boolean;
}

/** A foreign key constraint a BelongsTo relation puts on its model's table. */
export interface ForeignKeyMeta {
  readonly name: string;
  readonly column: string;
  readonly referencedTable: string;
  readonly referencedColumn: string;
  readonly onDelete: OnDelete;
  /** Name of the index on the key column. */
  readonly indexName: string;
}
