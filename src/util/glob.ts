import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * Files matching glob patterns (`*`, `?`, `**`, `{a,b}`), relative to `cwd`, sorted. Directories
 * named node_modules or starting with a dot are not searched unless a pattern names them.
 */
export function expandGlobs(patterns: readonly string[], cwd: string = process.cwd()): string[] {
  const found = new Set<string>();
  for (const pattern of patterns) {
    const absolute = isAbsolute(pattern) ? pattern : join(cwd, pattern);
    const parts = absolute.split(/[\\/]+/);
    const firstWild = parts.findIndex((p) => /[*?{]/.test(p));
    if (firstWild < 0) {
      try {
        if (statSync(absolute).isFile()) found.add(resolve(absolute));
      } catch {
        // a plain path that does not exist matches nothing
      }
      continue;
    }
    const base = parts.slice(0, firstWild).join(sep) || sep;
    const matcher = globToRegExp(parts.slice(firstWild).join('/'));
    for (const file of walk(base)) {
      if (matcher.test(relative(base, file).split(sep).join('/'))) found.add(file);
    }
  }
  return [...found].sort();
}

function* walk(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      yield* walk(path);
    } else if (entry.isFile()) {
      yield path;
    }
  }
}

/** `src/**\/*.model.js` → a RegExp over '/'-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else {
        re += '[^/]*';
      }
    } else if (ch === '?') re += '[^/]';
    else if (ch === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${glob.slice(i + 1, end).split(',').map(escape).join('|')})`;
        i = end;
      }
    } else re += escape(ch);
  }
  return new RegExp(`^${re}$`);
}

function escape(text: string): string {
  return text.replace(/[.+^$()|[\]\\]/g, '\\$&');
}
