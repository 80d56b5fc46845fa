/**
 * The shapes `parseFilter` produces: regista's criteria object language, in one canonical form.
 *
 * - every comparison is `{ [field]: { [operator]: value } }`, one field and one operator, with
 *   `eq` spelled out (a bare value is never emitted);
 * - `x = null` / `x IS NULL` is `{ x: { isNull: true } }`, `x != null` / `x IS NOT NULL` is
 *   `{ x: { isNull: false } }`: null is never a comparison value;
 * - `NOT IN` is `notIn`; `NOT LIKE`, `NOT ILIKE` and `NOT BETWEEN` are `{ NOT: comparison }`;
 * - `{ AND: [...] }` / `{ OR: [...] }` hold two or more items and never an item of their own
 *   kind (`a AND (b AND c)` is one AND of three); a lone condition is never wrapped.
 *
 * AND, OR and NOT are keywords of the filter language, so a field key can never collide with a
 * combinator key. Field keys may be dotted paths (`author.name`, `profile.vip`, `items.0.sku`);
 * the criteria compiler resolves and validates them against the model.
 */

/** A comparison value: what a literal or a parameter can put into the criteria object. */
export type FilterValue = string | number | bigint | boolean | Date;

/** The operators `parseFilter` emits, each with the value it carries. */
export type FilterOperators = {
  eq?: FilterValue;
  ne?: FilterValue;
  gt?: FilterValue;
  gte?: FilterValue;
  lt?: FilterValue;
  lte?: FilterValue;
  in?: FilterValue[];
  notIn?: FilterValue[];
  between?: [FilterValue, FilterValue];
  like?: string;
  ilike?: string;
  isNull?: boolean;
};

/** The name of one operator: `eq`, `gte`, `notIn`, `isNull`... */
export type FilterOperator = keyof FilterOperators;

/**
 * One comparison: `{ age: { gte: 18 } }`, `{ 'author.name': { like: 'A%' } }`.
 * Exactly one key, whose value holds exactly one operator.
 */
export type FieldComparison = { [field: string]: FilterOperators };

/**
 * A parsed filter in criteria object form: a comparison, or AND / OR / NOT of criteria.
 *
 * @example
 * const c: CriteriaObject = { OR: [{ role: { eq: 'admin' } }, { NOT: { age: { lt: 18 } } }] };
 */
export type CriteriaObject =
  | { AND: CriteriaObject[] }
  | { OR: CriteriaObject[] }
  | { NOT: CriteriaObject }
  | FieldComparison;
