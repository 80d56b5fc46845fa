import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigurationError } from '../errors';

/** What `regista.config.{js,mjs,cjs,json}` may hold. */
export interface CliConfig {
  /** Database URL (overridden by --url, then DATABASE_URL). */
  url?: string;
  /** PostgreSQL schema to work in. */
  schema?: string;
  /** SQLite driver. */
  driver?: 'better-sqlite3' | 'sqlite3';
  /** Globs of modules that define models (compiled JavaScript), relative to the config file. */
  models?: string[];
  /** Globs of modules that call defineEvolution, relative to the config file. */
  evolutions?: string[];
}

const NAMES = ['regista.config.js', 'regista.config.mjs', 'regista.config.cjs', 'regista.config.json'];

/** The config file given, or the first of regista.config.{js,mjs,cjs,json} in `cwd`; {} when none. */
export async function loadConfig(cwd: string, explicit?: string): Promise<{ config: CliConfig; dir: string; file?: string }> {
  const file = explicit ? resolve(cwd, explicit) : NAMES.map((n) => resolve(cwd, n)).find((p) => existsSync(p));
  if (!file) return { config: {}, dir: cwd };
  if (!existsSync(file)) throw new ConfigurationError(`Config file ${file} does not exist.`, { file });
  let loaded: unknown;
  try {
    if (file.endsWith('.json')) loaded = JSON.parse(readFileSync(file, 'utf8'));
    else {
      const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
      loaded = mod.default ?? mod;
    }
  } catch (error) {
    throw new ConfigurationError(`Cannot read config file ${file}: ${(error as Error).message}`, { file }, { cause: error });
  }
  if (!loaded || typeof loaded !== 'object') throw new ConfigurationError(`Config file ${file} must export an object.`, { file });
  const config = loaded as CliConfig;
  for (const key of ['models', 'evolutions'] as const) {
    if (config[key] !== undefined && (!Array.isArray(config[key]) || !config[key]!.every((g) => typeof g === 'string'))) {
      throw new ConfigurationError(`Config "${key}" must be an array of glob strings.`, { file, key });
    }
  }
  return { config, dir: resolve(file, '..'), file };
}
