/** Instance lifecycle events a model method can hook into. */
export type HookEvent = 'beforeInsert' | 'afterInsert' | 'beforeUpdate' | 'afterUpdate' | 'beforeDelete' | 'afterDelete';

/** Method names per event, in declaration order (ancestors first). */
export type HookMap = ReadonlyMap<HookEvent, readonly string[]>;
