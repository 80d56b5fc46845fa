// Deterministic inputs shared by every contender: the same rows, ids and pages for all of them.

/** Timestamps start here, one second apart. */
export const BASE_TIME = Date.UTC(2024, 0, 1);

/** mulberry32: a small seeded PRNG, so every contender gets the same "random" ids and pages. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A permutation of 1..size (a prime stride), so `n` is not correlated with `id` in the read tables. */
export function permuted(i, size) {
  return ((((i - 1) * 7919) % size) + size) % size + 1;
}

/** Row number i (1-based) of the items table: int, text, text, int, timestamp. */
export function item(i, n = i, version = 0) {
  return {
    n,
    name: version ? `name-${i}-v${version}` : `name-${i}`,
    note: `note ${i % 97} lorem ipsum dolor sit amet`,
    score: (i * 7919) % 1000,
    createdAt: new Date(BASE_TIME + i * 1000),
  };
}

/** Rows 1..count. */
export function items(count, version = 0) {
  const out = new Array(count);
  for (let i = 1; i <= count; i++) out[i - 1] = item(i, i, version);
  return out;
}

/** Scenario c: `ops` random primary keys over a table of `size` rows. */
export function randomIds(ops, size, seed = 42) {
  const r = rng(seed);
  const out = new Array(ops);
  for (let i = 0; i < ops; i++) out[i] = 1 + Math.floor(r() * size);
  return out;
}

/** Width of the `n BETWEEN x AND y` window of scenario d, and its page size and page count. */
export const PAGE = { width: 2000, limit: 20, pages: 10 };

/** Scenario d: `ops` queries `{ lo, hi, offset }` over a table of `size` rows (each returns PAGE.limit rows). */
export function pageQueries(ops, size, seed = 7) {
  const r = rng(seed);
  const out = new Array(ops);
  for (let i = 0; i < ops; i++) {
    const lo = 1 + Math.floor(r() * (size - PAGE.width));
    out[i] = { lo, hi: lo + PAGE.width - 1, offset: PAGE.limit * Math.floor(r() * PAGE.pages) };
  }
  return out;
}
