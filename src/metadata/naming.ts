/** `createdAt` → `created_at`, `HTTPServer` → `http_server`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** English plural of the last word: `category` → `categories`, `box` → `boxes`, `user` → `users`. */
export function pluralize(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/** Default table name of a model class: snake_case plural (`BlogPost` → `blog_posts`). */
export function defaultTableName(className: string): string {
  return pluralize(snakeCase(className));
}

/** Default column name of a property: snake_case (`createdAt` → `created_at`). */
export function defaultColumnName(property: string): string {
  return snakeCase(property);
}

/** Name of a unique constraint or index over columns of a table. */
export function indexName(table: string, columns: readonly string[], unique: boolean): string {
  return `${table}_${columns.join('_')}_${unique ? 'unique' : 'index'}`;
}
