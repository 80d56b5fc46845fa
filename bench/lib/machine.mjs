// What the numbers were measured on: machine, OS, Node, databases, drivers and ORMs.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

const require = createRequire(import.meta.url);
const ROOT = new URL('../../', import.meta.url).pathname;
const BENCH = new URL('../', import.meta.url).pathname;

function osName() {
  try {
    return /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os.type();
  } catch {
    return os.type();
  }
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGB: Math.round(os.totalmem() / 1024 ** 3),
    os: `${osName()}, Linux ${os.release()}`,
    node: process.version,
  };
}

/** The installed version, read from node_modules directly (some packages do not export package.json). */
function versionOf(dir, name) {
  try {
    return JSON.parse(readFileSync(`${dir}node_modules/${name}/package.json`, 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

function git(args) {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

function distBuilt() {
  try {
    return `${statSync(`${ROOT}dist/cjs/index.js`).mtime.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
  } catch {
    return '?';
  }
}

/** Versions of everything measured (call it when the run starts: HEAD and dist/ may change during a run). Database versions are asked of the databases themselves. */
export async function versions(dbs, pgUrl) {
  const bench = ['better-sqlite3', 'sqlite3', 'pg', 'pg-copy-streams', 'pg-cursor', 'pg-query-stream', 'knex', 'typeorm', 'sequelize', 'drizzle-orm', '@mikro-orm/core', 'kysely'];
  const out = {
    regista: `${JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).version} (HEAD ${git(['rev-parse', '--short', 'HEAD']) || '?'}${git(['status', '--porcelain', 'src']) ? ' with uncommitted changes in src/' : ''}; dist/ built ${distBuilt()})`,
    registaDeps: Object.fromEntries(['better-sqlite3', 'pg', 'knex'].map((n) => [n, versionOf(ROOT, n)])),
    bench: Object.fromEntries(bench.map((n) => [n, versionOf(BENCH, n)])),
  };
  if (dbs.includes('sqlite')) {
    const Database = require('better-sqlite3');
    const db = new Database(':memory:');
    out.sqlite = db.prepare('SELECT sqlite_version() AS v').get().v;
    db.close();
  }
  if (dbs.includes('postgres') && pgUrl) {
    try {
      const pg = require('pg');
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      out.postgres = (await client.query('SHOW server_version')).rows[0].server_version;
      await client.end();
    } catch (error) {
      out.postgres = `unreachable (${error.message})`;
    }
  }
  return out;
}
