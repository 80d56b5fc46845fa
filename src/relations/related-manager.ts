import { RelationshipError } from '../errors';
import type { Manager } from '../manager/manager';
import { isPersisted } from '../manager/instance-state';
import { readyModel } from '../manager/ready-model';
import type { CreateData } from '../manager/types';
import type { ModelMeta } from '../metadata/model-meta';
import type { ResolvedRelation } from '../metadata/relation-meta';
import { relationNamed, relationValue } from './accessors';
import { forget } from './relation-cache';

type Bag = Record<string, unknown>;

function managerOf(meta: ModelMeta): Manager<Bag> {
  return (meta.cls as unknown as { objects: Manager<Bag> }).objects;
}

/**
 * Reads and writes through one relation of one stored instance: `author.related('posts')`.
 *
 * @example
 * const post = await author.related('posts').create({ title: 'Hello' }); // sets authorId
 * await post.related('tags').add(tag);                                   // a join row
 */
export class RelatedManager<E extends object, V = E[]> {
  private readonly relation: ResolvedRelation;

  constructor(private readonly owner: object, private readonly meta: ModelMeta, private readonly name: string) {
    this.relation = relationNamed(meta, name);
  }

  /** The related value: loaded once, then kept on the instance (same as awaiting the property). */
  load(): Promise<V> {
    return relationValue(this.owner, this.meta, this.name) as Promise<V>;
  }

  /** Forgets the kept value and loads it again. */
  reload(): Promise<V> {
    forget(this.owner, this.name);
    return this.load();
  }

  /** How many related rows there are (one query; nothing is loaded). */
  async count(): Promise<number> {
    const r = this.relation;
    const key = this.ownerKey();
    if (key === null) return 0;
    if (r.kind === 'hasManyThrough') {
      const through = await readyModel(r.through!);
      const source = through.byProperty.get(r.throughSource!.property)!;
      const target = through.byProperty.get(r.throughTarget!.property)!;
      const sql = through.sql(`relcount|${source.property}|${target.property}`, () =>
        `SELECT COUNT(DISTINCT ${target.quoted}) AS n FROM ${through.table} WHERE ${source.quoted} = ${through.dialect.placeholder(1)}`);
      const result = await through.db.run(sql, [source.codec.toDb(key)], true, through.meta);
      return Number(result.rows[0].n);
    }
    return managerOf(r.target).count({ [r.targetField.property]: key });
  }

  /** Creates a related row wired to this instance (sets the foreign key, or adds the join row). */
  async create(data: CreateData<E>): Promise<E> {
    const r = this.relation;
    // A BelongsTo owner only needs to be stored: its key field is what create() fills in.
    const key = r.kind === 'belongsTo' ? this.requireStored() : this.requireOwnerKey();
    const target = managerOf(r.target);
    let created: Bag;
    if (r.kind === 'hasMany') {
      created = await target.create({ ...(data as Bag), [r.targetField.property]: key });
    } else if (r.kind === 'hasManyThrough') {
      created = await target.create(data as Bag);
      await managerOf(r.through!).create({ [r.throughSource!.property]: key, [r.throughTarget!.property]: created[r.targetField.property] });
    } else {
      created = await target.create(data as Bag);
      const owner = this.owner as Bag & { save(): Promise<unknown> };
      owner[r.sourceField.property] = created[r.targetField.property];
      await owner.save();
    }
    forget(this.owner, this.name);
    return created as E;
  }

  /** Links existing rows: a join row each (HasManyThrough) or their foreign key set (HasMany). */
  async add(...items: E[]): Promise<void> {
    const r = this.relation;
    const key = this.requireOwnerKey();
    for (const item of items as Bag[]) {
      const itemKey = this.itemKey(item);
      if (r.kind === 'hasManyThrough') {
        const link = { [r.throughSource!.property]: key, [r.throughTarget!.property]: itemKey };
        if (!(await managerOf(r.through!).exists(link))) await managerOf(r.through!).create(link);
      } else if (r.kind === 'hasMany') {
        item[r.targetField.property] = key;
        await (item as unknown as { save(): Promise<unknown> }).save();
      } else {
        throw this.notForBelongsTo('add');
      }
    }
    forget(this.owner, this.name);
  }

  /** Unlinks rows: deletes their join rows (HasManyThrough) or sets a nullable foreign key to null (HasMany). */
  async remove(...items: E[]): Promise<void> {
    const r = this.relation;
    const key = this.requireOwnerKey();
    for (const item of items as Bag[]) {
      const itemKey = this.itemKey(item);
      if (r.kind === 'hasManyThrough') {
        await managerOf(r.through!).deleteWhere({ [r.throughSource!.property]: key, [r.throughTarget!.property]: itemKey });
      } else if (r.kind === 'hasMany') {
        if (!r.targetField.nullable) {
          throw new RelationshipError(
            `${this.meta.name}.${this.name}: cannot remove a ${r.target.name} because ${r.target.name}.${r.targetField.property} is not nullable; delete it instead.`,
            { model: this.meta.name, relation: this.name },
          );
        }
        if (item[r.targetField.property] === key) {
          item[r.targetField.property] = null;
          await (item as unknown as { save(): Promise<unknown> }).save();
        }
      } else {
        throw this.notForBelongsTo('remove');
      }
    }
    forget(this.owner, this.name);
  }

  private ownerKey(): unknown {
    const value = (this.owner as Bag)[this.relation.sourceField.property];
    return value === undefined ? null : value;
  }

  private requireOwnerKey(): unknown {
    const key = this.ownerKey();
    if (!isPersisted(this.owner) || key === null) {
      throw new RelationshipError(`Save this ${this.meta.name} before writing through its relation "${this.name}".`, { model: this.meta.name, relation: this.name });
    }
    return key;
  }

  /** The primary key of a stored instance of the target model (anything else is refused). */
  private requireStored(): null {
    if (!isPersisted(this.owner)) {
      throw new RelationshipError(`Save this ${this.meta.name} before writing through its relation "${this.name}".`, { model: this.meta.name, relation: this.name });
    }
    return null;
  }

  private itemKey(item: Bag): unknown {
    const target = this.relation.target;
    const key = item instanceof (target.cls as new () => object) ? item[target.primaryKey.property] : undefined;
    if (key === null || key === undefined || !isPersisted(item)) {
      throw new RelationshipError(`${this.meta.name}.${this.name} takes stored ${target.name} instances.`, { model: this.meta.name, relation: this.name });
    }
    return key;
  }

  private notForBelongsTo(method: string): RelationshipError {
    return new RelationshipError(
      `${this.meta.name}.${this.name} is a BelongsTo relation: ${method}() is for HasMany and HasManyThrough. Set ${this.meta.name}.${this.relation.sourceField.property} instead.`,
      { model: this.meta.name, relation: this.name },
    );
  }
}
