import type { Database } from '../connection/database';

/** Table of recorded versions, one row per package. */
export const VERSIONS_TABLE = 'regista_evolutions';
/** Table of every step applied: when, how long, and a checksum of its source. */
export const HISTORY_TABLE = 'regista_evolution_history';

/** Creates the two tables when missing (portable DDL; serialised by the dialect's schema lock). */
export async function ensureEvolutionTables(db: Database): Promise<void> {
  const q = (s: string) => db.dialect.quote(s);
  await db.transaction(async () => {
    await db.runAll(db.dialect.schemaLockSql('regista:evolutions'));
    await db.run(`CREATE TABLE IF NOT EXISTS ${q(VERSIONS_TABLE)} (${q('package')} VARCHAR(200) NOT NULL PRIMARY KEY, ${q('version')} INTEGER NOT NULL, ${q('updated_at')} VARCHAR(40) NOT NULL)`, [], false);
    await db.run(`CREATE TABLE IF NOT EXISTS ${q(HISTORY_TABLE)} (${q('package')} VARCHAR(200) NOT NULL, ${q('version')} INTEGER NOT NULL, ${q('kind')} VARCHAR(10) NOT NULL, ${q('applied_at')} VARCHAR(40) NOT NULL, ${q('duration_ms')} INTEGER NOT NULL, ${q('checksum')} VARCHAR(64) NOT NULL)`, [], false);
  }, { locking: true });
}

/** Recorded versions by package (none when the table does not exist yet: reading creates nothing). */
export async function readVersions(db: Database): Promise<Map<string, number>> {
  const q = (s: string) => db.dialect.quote(s);
  if (!(await db.dialect.tableExists((sql, b, rows = true) => db.run(sql, b, rows), VERSIONS_TABLE))) return new Map();
  const result = await db.run(`SELECT ${q('package')} AS p, ${q('version')} AS v FROM ${q(VERSIONS_TABLE)}`);
  return new Map(result.rows.map((r) => [String(r.p), Number(r.v)] as const));
}

/** The recorded version of one package (null when none), read inside the caller's transaction. */
export async function readVersion(db: Database, name: string): Promise<number | null> {
  const q = (s: string) => db.dialect.quote(s);
  const result = await db.run(`SELECT ${q('version')} AS v FROM ${q(VERSIONS_TABLE)} WHERE ${q('package')} = ${db.dialect.placeholder(1)}`, [name]);
  return result.rows.length === 0 ? null : Number(result.rows[0].v);
}

/** Records a package's version and the step that brought it there. */
export async function recordVersion(
  db: Database, name: string, version: number, kind: 'create' | 'step', durationMs: number, checksum: string,
): Promise<void> {
  const d = db.dialect;
  const q = (s: string) => d.quote(s);
  const now = new Date().toISOString();
  await db.run(
    `INSERT INTO ${q(VERSIONS_TABLE)} (${q('package')}, ${q('version')}, ${q('updated_at')}) VALUES (${d.placeholder(1)}, ${d.placeholder(2)}, ${d.placeholder(3)}) ` +
      d.upsertClause(['package'], ['version', 'updated_at']),
    [name, version, now], false,
  );
  await db.run(
    `INSERT INTO ${q(HISTORY_TABLE)} (${q('package')}, ${q('version')}, ${q('kind')}, ${q('applied_at')}, ${q('duration_ms')}, ${q('checksum')}) VALUES (${[1, 2, 3, 4, 5, 6].map((i) => d.placeholder(i)).join(', ')})`,
    [name, version, kind, now, Math.round(durationMs), checksum], false,
  );
}
