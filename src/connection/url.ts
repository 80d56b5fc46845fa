import { ConfigurationError } from '../errors';

/** A connection URL taken apart: which kind of database and where. */
export interface ParsedUrl {
  kind: 'sqlite' | 'postgres';
  location: string;
}

const SCHEMES: Record<string, ParsedUrl['kind']> = {
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  postgres: 'postgres',
  postgresql: 'postgres',
};

/**
 * Parses `sqlite::memory:`, `sqlite://relative/path`, `sqlite:///absolute/path` and
 * `postgres://user:pass@host:port/db` URLs.
 */
export function parseUrl(url: string): ParsedUrl {
  const match = /^([a-z0-9]+):(.*)$/i.exec(url.trim());
  const kind = match ? SCHEMES[match[1].toLowerCase()] : undefined;
  if (!match || !kind) {
    throw new ConfigurationError(
      `Cannot read database URL ${JSON.stringify(redact(url))}: expected sqlite::memory:, sqlite://path/to/file.sqlite or postgres://user@host/db.`,
      { url: redact(url) },
    );
  }
  if (kind === 'postgres') return { kind, location: url.trim() };
  const rest = match[2];
  if (rest === ':memory:' || rest === '//:memory:') return { kind, location: ':memory:' };
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  if (path === '') throw new ConfigurationError(`Database URL ${JSON.stringify(url)} names no SQLite file.`, { url });
  return { kind, location: decodeURIComponent(path) };
}

/** A URL with its password replaced by `***`, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
