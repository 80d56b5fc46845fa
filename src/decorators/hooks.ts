import { recordOf } from '../metadata/store';
import type { HookEvent } from '../metadata/hook-meta';

function hook(event: HookEvent): MethodDecorator {
  return (target, key) => {
    const hooks = recordOf(target.constructor).hooks;
    const list = hooks.get(event) ?? [];
    list.push(String(key));
    hooks.set(event, list);
  };
}

/**
 * Runs the method before an instance is inserted (before validation), inside the insert's
 * transaction; a throw aborts the insert.
 *
 * @example
 * @beforeInsert normalise() { this.email = this.email.toLowerCase(); }
 */
export const beforeInsert: MethodDecorator = hook('beforeInsert');
/** Runs the method after an instance was inserted, inside the same transaction (a throw rolls it back). */
export const afterInsert: MethodDecorator = hook('afterInsert');
/** Runs the method before a stored instance is saved, inside the update's transaction. */
export const beforeUpdate: MethodDecorator = hook('beforeUpdate');
/** Runs the method after a stored instance was saved, inside the same transaction. */
export const afterUpdate: MethodDecorator = hook('afterUpdate');
/** Runs the method before an instance is deleted, inside the delete's transaction. */
export const beforeDelete: MethodDecorator = hook('beforeDelete');
/** Runs the method after an instance was deleted, inside the same transaction. */
export const afterDelete: MethodDecorator = hook('afterDelete');
