import { CircularDependencyError, MigrationError } from '../errors';
import type { EvolutionDefinition } from './definition';

/**
 * The packages to evolve, dependencies first, each once, in a deterministic order: a depth-first
 * walk from the requested packages in alphabetical order, visiting each one's dependencies (also
 * alphabetically) before it. Unknown packages or dependencies are a
 * MigrationError naming them; a cycle is a CircularDependencyError whose details give its path.
 */
export function evolutionOrder(definitions: ReadonlyMap<string, EvolutionDefinition>, roots?: readonly string[]): EvolutionDefinition[] {
  const wanted = roots && roots.length > 0 ? [...roots] : [...definitions.keys()].sort();
  for (const name of wanted) {
    if (!definitions.has(name)) {
      throw new MigrationError(`No evolution is defined for package "${name}". Defined: ${[...definitions.keys()].sort().join(', ') || 'none'}.`, { package: name });
    }
  }
  const out: EvolutionDefinition[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (name: string, from?: string) => {
    if (done.has(name)) return;
    const at = path.indexOf(name);
    if (at >= 0) {
      const cycle = [...path.slice(at), name];
      throw new CircularDependencyError(`Evolution packages depend on each other in a cycle: ${cycle.join(' -> ')}.`, { cycle });
    }
    const def = definitions.get(name);
    if (!def) {
      throw new MigrationError(`Package "${from}" depends on "${name}", which has no evolution defined.`, { package: from, dependency: name });
    }
    path.push(name);
    for (const dep of [...(def.depends ?? [])].sort()) visit(dep, name);
    path.pop();
    done.add(name);
    out.push(def);
  };
  for (const name of [...wanted].sort()) visit(name);
  return out;
}
