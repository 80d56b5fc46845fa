import { createHash } from 'node:crypto';
import type { Database } from '../connection/database';
import { ConfigurationError } from '../errors';

/** One upgrade step (N-1 → N) or the `create` of a package: receives the database it runs on. */
export type EvolutionStep = (db: Database) => unknown;

/** What `defineEvolution` takes. */
export interface EvolutionDefinition {
  /** Package name: `auth`, `billing`, `app`. */
  package: string;
  /** The schema version this code defines (a positive integer). */
  version: number;
  /** Packages whose schema this one needs first. */
  depends?: readonly string[];
  /** Builds the current version from nothing (it may call db.createAll() or createSchema()). */
  create: EvolutionStep;
  /** Step N upgrades version N-1 to N. */
  steps?: Readonly<Record<number, EvolutionStep>>;
}

const definitions = new Map<string, EvolutionDefinition>();

/**
 * Declares (or replaces) the evolution of a package: its schema version, its dependencies, how to
 * create it from nothing and how to upgrade each version to the next.
 *
 * @example
 * defineEvolution({
 *   package: 'billing', version: 3, depends: ['auth'],
 *   create: async (db) => { await Invoice.createSchema(); },
 *   steps: { 2: async (db) => { await Invoice.objects.ensureColumn('note', { type: 'text', nullable: true }); }, 3: async (db) => { ... } },
 * });
 */
export function defineEvolution(definition: EvolutionDefinition): void {
  const problems: string[] = [];
  if (!definition || typeof definition.package !== 'string' || !/^[A-Za-z0-9_.@/-]{1,200}$/.test(definition.package)) {
    problems.push('package must be a non-empty name (letters, digits, _ . @ / -)');
  }
  if (!Number.isSafeInteger(definition?.version) || definition.version < 1) problems.push('version must be a positive integer');
  if (typeof definition?.create !== 'function') problems.push('create must be a function');
  for (const [n, step] of Object.entries(definition?.steps ?? {})) {
    const v = Number(n);
    if (!Number.isSafeInteger(v) || v < 2 || v > definition.version) problems.push(`step ${n} must be an integer from 2 to ${definition.version}`);
    if (typeof step !== 'function') problems.push(`step ${n} must be a function`);
  }
  for (const dep of definition?.depends ?? []) if (typeof dep !== 'string' || dep === '') problems.push('depends must list package names');
  if (problems.length > 0) {
    throw new ConfigurationError(`defineEvolution(${JSON.stringify(definition?.package)}): ${problems.join('; ')}.`, { package: definition?.package, problems });
  }
  definitions.set(definition.package, { ...definition, depends: [...(definition.depends ?? [])], steps: { ...(definition.steps ?? {}) } });
}

/** Every defined package, by name. */
export function evolutionDefinitions(): ReadonlyMap<string, EvolutionDefinition> {
  return definitions;
}

/** Forgets one package, or all (tests). */
export function forgetEvolutions(name?: string): void {
  if (name === undefined) definitions.clear();
  else definitions.delete(name);
}

/** A checksum of a step's source, recorded in the history table. */
export function checksumOf(step: EvolutionStep): string {
  return createHash('sha256').update(step.toString()).digest('hex').slice(0, 16);
}
