import { performance } from 'node:perf_hooks';
import type { Database } from '../connection/database';
import { MigrationError, RegistaError, SchemaNewerThanCodeError } from '../errors';
import { checksumOf, evolutionDefinitions, type EvolutionDefinition } from './definition';
import { evolutionOrder } from './graph';
import { ensureEvolutionTables, readVersion, readVersions, recordVersion } from './version-store';

/** One step of an evolution run: the package's `create`, or the step that reaches `version`. */
export interface EvolutionStepPlan {
  package: string;
  version: number;
  kind: 'create' | 'step';
}

/** Reported before and after each step. */
export interface EvolutionProgress extends EvolutionStepPlan {
  phase: 'start' | 'done';
  durationMs?: number;
}

/** Options of `db.evolve`. */
export interface EvolveOptions {
  /** Packages to bring up to date (with their dependencies). Default: every defined package. */
  packages?: readonly string[];
  /** Return the steps that would run, run nothing. */
  dryRun?: boolean;
  /** Called before and after each step (for progress output). */
  onProgress?: (event: EvolutionProgress) => void;
}

/** Where one package stands. */
export interface EvolutionStatus {
  package: string;
  /** Version recorded in the database, null when the package was never created there. */
  recorded: number | null;
  /** Version the code defines. */
  current: number;
  /** Versions still to apply (for a new package: the current version, by `create`). */
  pending: number[];
  state: 'new' | 'behind' | 'current' | 'newer';
}

/**
 * Brings the database to the code's version of each package, dependencies first. Checks the whole
 * run before starting (missing steps, a newer schema than the code, cycles, unknown packages).
 * Every step runs in its own transaction that takes the schema lock and re-reads the recorded
 * version, so concurrent processes apply each step exactly once, and a failing step leaves its
 * package at the last good version. Returns the steps run (or, with dryRun, the steps to run).
 */
export async function evolve(db: Database, options: EvolveOptions = {}): Promise<EvolutionStepPlan[]> {
  const order = evolutionOrder(evolutionDefinitions(), options.packages);
  if (!options.dryRun) await ensureEvolutionTables(db);
  const recorded = await readVersions(db);
  const plan = order.flatMap((def) => stepsFor(def, recorded.get(def.package) ?? null));
  if (options.dryRun) return plan;
  const ran: EvolutionStepPlan[] = [];
  for (const def of order) {
    for (const step of stepsFor(def, recorded.get(def.package) ?? null)) {
      if (await runStep(db, def, step, options)) ran.push(step);
    }
  }
  return ran;
}

/** Status of every defined package (or the given ones with their dependencies). */
export async function evolutionStatus(db: Database, packages?: readonly string[]): Promise<EvolutionStatus[]> {
  const order = evolutionOrder(evolutionDefinitions(), packages);
  const recorded = await readVersions(db);
  return order.map((def) => {
    const r = recorded.get(def.package) ?? null;
    const pending = r === null ? [def.version] : range(r + 1, def.version);
    const state = r === null ? 'new' : r > def.version ? 'newer' : r < def.version ? 'behind' : 'current';
    return { package: def.package, recorded: r, current: def.version, pending: r !== null && r > def.version ? [] : pending, state };
  });
}

function stepsFor(def: EvolutionDefinition, recorded: number | null): EvolutionStepPlan[] {
  if (recorded === null) return [{ package: def.package, version: def.version, kind: 'create' }];
  if (recorded > def.version) {
    throw new SchemaNewerThanCodeError(
      `The database has ${def.package} at version ${recorded}, newer than this code's version ${def.version}: refusing to run. Deploy the newer code.`,
      { package: def.package, recorded, current: def.version },
    );
  }
  const versions = range(recorded + 1, def.version);
  const missing = versions.filter((v) => typeof def.steps?.[v] !== 'function');
  if (missing.length > 0) {
    throw new MigrationError(
      `${def.package} is at version ${recorded} and the code at ${def.version}, but step${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not defined: nothing was run.`,
      { package: def.package, recorded, current: def.version, missing },
    );
  }
  return versions.map((version) => ({ package: def.package, version, kind: 'step' as const }));
}

/** Runs one step under the lock; false when another process had already applied it. */
async function runStep(db: Database, def: EvolutionDefinition, step: EvolutionStepPlan, options: EvolveOptions): Promise<boolean> {
  const fn = step.kind === 'create' ? def.create : def.steps![step.version];
  try {
    return await db.transaction(async () => {
      await db.runAll(db.dialect.schemaLockSql(`regista:evolve:${def.package}`));
      const now = await readVersion(db, def.package);
      if (now !== null && now > def.version) {
        throw new SchemaNewerThanCodeError(
          `Another process moved ${def.package} to version ${now}, newer than this code's version ${def.version}: stopping.`,
          { package: def.package, recorded: now, current: def.version },
        );
      }
      if (step.kind === 'create' ? now !== null : now === null || now >= step.version) return false;
      options.onProgress?.({ ...step, phase: 'start' });
      const start = performance.now();
      await fn(db);
      const durationMs = performance.now() - start;
      await recordVersion(db, def.package, step.version, step.kind, durationMs, checksumOf(fn));
      options.onProgress?.({ ...step, phase: 'done', durationMs });
      return true;
    }, { locking: true });
  } catch (error) {
    if (error instanceof SchemaNewerThanCodeError) throw error;
    const what = step.kind === 'create' ? `create (version ${step.version})` : `step ${step.version}`;
    const detail = error instanceof RegistaError ? `${error.name} ${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Evolution of ${def.package} failed at ${what}; ${def.package} stays at its last good version. ${detail}`, {
      package: def.package, version: step.version, kind: step.kind,
    }, { cause: error });
  }
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v++) out.push(v);
  return out;
}
