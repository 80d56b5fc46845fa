import { ConfigurationError } from '../errors';
import { dialectKindForScheme, type DialectKind } from './index';

/** A connection URL taken apart: which database and where. */
export interface ParsedUrl {
  kind: DialectKind;
  /** What the dialect's knexConfig takes: a file path, `:memory:`, or the server URL itself. */
  location: string;
}

/** File-based databases read a path out of the URL; server databases keep the URL whole. */
const LOCATION: Record<DialectKind, (rest: string, url: string) => string> = {
  sqlite: sqliteLocation,
  postgres: (_rest, url) => url,
};

/**
 * Parses `sqlite::memory:`, `sqlite://relative/path`, `sqlite:///absolute/path` and
 * `postgres://user:pass@host:port/db` URLs.
 */
export function parseUrl(url: string): ParsedUrl {
  const trimmed = url.trim();
  const match = /^([a-z0-9]+):(.*)$/i.exec(trimmed);
  const kind = match ? dialectKindForScheme(match[1]) : undefined;
  if (!match || !kind) {
    throw new ConfigurationError(
      `Cannot read database URL ${JSON.stringify(redact(url))}: expected sqlite::memory:, sqlite://path/to/file.sqlite or postgres://user@host/db.`,
      { url: redact(url) },
    );
  }
  return { kind, location: LOCATION[kind](match[2], trimmed) };
}

function sqliteLocation(rest: string, url: string): string {
  if (rest === ':memory:' || rest === '//:memory:') return ':memory:';
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  if (path === '') throw new ConfigurationError(`Database URL ${JSON.stringify(url)} names no SQLite file.`, { url });
  return decodeURIComponent(path);
}

/** A URL with its password replaced by `***`, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
