import { pathToFileURL } from 'node:url';
import { expandGlobs } from '../util/glob';

/**
 * Imports every file matching the globs (relative to `cwd`), in sorted order, so that their
 * `defineEvolution` (or `@model`) calls run. Returns the files loaded.
 */
export async function loadModules(patterns: readonly string[], cwd: string = process.cwd()): Promise<string[]> {
  const files = expandGlobs(patterns, cwd);
  for (const file of files) await import(pathToFileURL(file).href);
  return files;
}
