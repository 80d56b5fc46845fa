// Every contender: which module implements it, on which databases, and how it is labelled.
// `raw` marks the raw driver's best path, the reference every ratio is computed against.

export const CONTENDERS = {
  'raw-pg': { label: 'pg (raw best path)', module: 'raw-pg.mjs', dbs: ['postgres'], raw: true, pkg: 'pg' },
  'raw-better-sqlite3': { label: 'better-sqlite3 (raw best path)', module: 'raw-better-sqlite3.mjs', dbs: ['sqlite'], raw: true, pkg: 'better-sqlite3' },
  'raw-sqlite3': { label: 'sqlite3 (raw)', module: 'raw-sqlite3.mjs', dbs: ['sqlite'], pkg: 'sqlite3' },
  regista: { label: 'regista', module: 'regista.mjs', dbs: ['sqlite', 'postgres'], options: { validate: false }, regista: true },
  'regista-validated': {
    label: 'regista (validate: true)', module: 'regista.mjs', dbs: ['sqlite', 'postgres'], options: { validate: true }, scenarios: ['a', 'b'], regista: true,
  },
  knex: { label: 'knex', module: 'knex.mjs', dbs: ['sqlite', 'postgres'], pkg: 'knex' },
  typeorm: { label: 'TypeORM', module: 'typeorm.mjs', dbs: ['sqlite', 'postgres'], pkg: 'typeorm' },
  sequelize: { label: 'Sequelize', module: 'sequelize.mjs', dbs: ['sqlite', 'postgres'], pkg: 'sequelize' },
  drizzle: { label: 'Drizzle', module: 'drizzle.mjs', dbs: ['sqlite', 'postgres'], pkg: 'drizzle-orm' },
  mikroorm: { label: 'MikroORM', module: 'mikroorm.mjs', dbs: ['sqlite', 'postgres'], pkg: '@mikro-orm/core' },
  kysely: { label: 'Kysely', module: 'kysely.mjs', dbs: ['sqlite', 'postgres'], pkg: 'kysely' },
};

/** The contender whose rate is 1.00× on each database. */
export const RAW_BEST = { sqlite: 'raw-better-sqlite3', postgres: 'raw-pg' };

/** Contenders regista must beat by 5× on bulk writes. */
export const ORM_TARGETS = ['typeorm', 'sequelize', 'drizzle'];
