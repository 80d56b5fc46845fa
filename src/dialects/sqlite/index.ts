/** SQLite dialect: better-sqlite3 (default) or sqlite3. */
export { SqliteDialect, SQLITE_DRIVERS, type SqliteDriverName } from './sqlite-dialect';
export { betterSqlite3Driver } from './better-sqlite3-driver';
export { sqlite3Driver } from './sqlite3-driver';
export { classifySqliteError } from './classify-error';
