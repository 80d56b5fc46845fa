import { discoverModel } from '../metadata/discovery';
import type { ModelOptions } from '../metadata/options';
import { registry } from '../metadata/registry';
import { recordOf } from '../metadata/store';

/**
 * Registers a class as a model: resolves its fields, validates them and adds it to the registry.
 *
 * @example
 * @model({ table: 'users', unique: ['email'] })
 * class User extends Model<User>() { ... }
 */
export function model(options: ModelOptions = {}): ClassDecorator {
  return (target) => {
    recordOf(target).modelOptions = options;
    registry.register(discoverModel(target, options));
  };
}
