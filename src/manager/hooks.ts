import type { HookEvent } from '../metadata/hook-meta';
import type { ModelMeta } from '../metadata/model-meta';

/** Whether the model has any hook for these events. */
export function hasHooks(meta: ModelMeta, ...events: HookEvent[]): boolean {
  return events.some((e) => (meta.hooks.get(e)?.length ?? 0) > 0);
}

/** Runs the model's hook methods for an event on an instance, in declaration order. */
export async function runHooks(meta: ModelMeta, event: HookEvent, instance: object): Promise<void> {
  const names = meta.hooks.get(event);
  if (!names) return;
  for (const name of names) {
    const method = (instance as Record<string, unknown>)[name];
    if (typeof method === 'function') await (method as () => unknown).call(instance);
  }
}

/** The model's `@updatedAt` field, if any. */
export function updatedAtField(meta: ModelMeta): string | undefined {
  return meta.fields.find((f) => f.auto === 'updatedAt')?.property;
}
