// Sequelize 6 with `sequelize.define` models. On SQLite Sequelize 6 only drives node-sqlite3.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const CHUNK = 1000;

export function describe() {
  return {
    a: { api: `\`Item.bulkCreate(chunk, { transaction })\`, ${CHUNK} rows per chunk, one transaction` },
    b: { api: `\`Item.bulkCreate(chunk, { updateOnDuplicate: [...], conflictAttributes: ['n'], transaction })\`, ${CHUNK} rows per chunk` },
    c: { api: '`Item.findByPk(id)`' },
    d: { api: "`Item.findAll({ where: { n: { [Op.between]: [lo, hi] } }, order: [['id', 'ASC']], limit, offset })`" },
    e: { api: "`Parent.findAll({ include: [{ model: Child, as: 'children' }], order })` (one LEFT JOIN)" },
    f: { na: 'Sequelize 6 has no streaming or cursor API (findAll materialises every row)' },
  };
}

export async function open(target) {
  const { Sequelize, DataTypes, Op } = require('sequelize');
  const sqlite = target.db === 'sqlite';
  const sequelize = sqlite
    ? new Sequelize({ dialect: 'sqlite', storage: target.file, logging: false })
    : new Sequelize(target.url, { dialect: 'postgres', logging: false, pool: { max: 10 } });
  const common = { timestamps: false, ...(sqlite ? {} : { schema: target.schema }) };
  const Item = sequelize.define('Item', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    n: { type: DataTypes.INTEGER, allowNull: false },
    name: { type: DataTypes.TEXT, allowNull: false },
    note: { type: DataTypes.TEXT, allowNull: false },
    score: { type: DataTypes.INTEGER, allowNull: false },
    createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
  }, { tableName: 'bench_items', ...common });
  const Parent = sequelize.define('Parent', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    name: { type: DataTypes.TEXT, allowNull: false },
  }, { tableName: 'bench_parents', ...common });
  const Child = sequelize.define('Child', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    parentId: { type: DataTypes.INTEGER, allowNull: false, field: 'parent_id' },
    title: { type: DataTypes.TEXT, allowNull: false },
    n: { type: DataTypes.INTEGER, allowNull: false },
  }, { tableName: 'bench_children', ...common });
  Parent.hasMany(Child, { as: 'children', foreignKey: 'parentId' });
  await sequelize.authenticate();
  return {
    async insert(rows) {
      await sequelize.transaction(async (transaction) => {
        for (let i = 0; i < rows.length; i += CHUNK) await Item.bulkCreate(rows.slice(i, i + CHUNK), { transaction });
      });
    },
    async upsert(rows) {
      await sequelize.transaction(async (transaction) => {
        for (let i = 0; i < rows.length; i += CHUNK) {
          await Item.bulkCreate(rows.slice(i, i + CHUNK), { updateOnDuplicate: ['name', 'note', 'score'], conflictAttributes: ['n'], transaction });
        }
      });
    },
    get: (id) => Item.findByPk(id),
    page: (lo, hi, limit, offset) => Item.findAll({ where: { n: { [Op.between]: [lo, hi] } }, order: [['id', 'ASC']], limit, offset }),
    loadParents: () => Parent.findAll({ include: [{ model: Child, as: 'children' }], order: [['id', 'ASC']] }),
    countChildren: async (list) => list.reduce((n, p) => n + p.children.length, 0),
    close: () => sequelize.close(),
  };
}
