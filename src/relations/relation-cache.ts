/**
 * Per-instance relation values: loaded ones (eager or lazy) and loads in flight. Kept outside the
 * instance so that class field declarations can neither wipe nor shadow them.
 */
type Slot = { loaded: true; value: unknown } | { loaded: false; pending: Promise<unknown> };

const slots = new WeakMap<object, Map<string, Slot>>();

function slotsOf(instance: object): Map<string, Slot> {
  let map = slots.get(instance);
  if (!map) {
    map = new Map();
    slots.set(instance, map);
  }
  return map;
}

/** Records a loaded relation value. */
export function setLoaded(instance: object, name: string, value: unknown): void {
  slotsOf(instance).set(name, { loaded: true, value });
}

/** Records a load in flight, so that concurrent accesses share one query. */
export function setPending(instance: object, name: string, pending: Promise<unknown>): void {
  slotsOf(instance).set(name, { loaded: false, pending });
}

/** The slot of a relation: loaded value, pending load, or undefined. */
export function slotOf(instance: object, name: string): Slot | undefined {
  return slots.get(instance)?.get(name);
}

/** The loaded relations of an instance (name → value), for toJSON. */
export function loadedRelations(instance: object): Array<[string, unknown]> {
  const map = slots.get(instance);
  if (!map) return [];
  const out: Array<[string, unknown]> = [];
  for (const [name, slot] of map) if (slot.loaded) out.push([name, slot.value]);
  return out;
}

/** Forgets one relation (or all) of an instance, so the next access loads again. */
export function forget(instance: object, name?: string): void {
  if (name === undefined) slots.delete(instance);
  else slots.get(instance)?.delete(name);
}
