/**
 * Streaming in and out: bulkCreate / bulkUpsert consume (async) iterables chunk by chunk without
 * materialising them (200,000 rows, heap measured), and `iterate` reads a table in primary-key
 * order one batch per query (keyset pagination): every row once, with criteria, text filters,
 * query sets and includes, while rows are inserted and deleted meanwhile.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  ErrorCodes, InvalidQueryError, Model, belongsTo, field, hasMany, model, primaryKey,
} from 'regista';
import { countQueries, uniqueTable, useTestDatabase } from './support/database';

const db = useTestDatabase();

// A full collection before each heap sample, so that only what is still referenced is counted.
v8.setFlagsFromString('--expose-gc');
const gc: () => void = vm.runInNewContext('gc');

/** A small row, many times. */
@model({ table: uniqueTable('st_events') })
class SEvent extends Model<SEvent>() {
  @primaryKey() id!: number;
  @field({ unique: true }) seq!: number;
  @field() tag!: string;
  @field() ok!: boolean;
}

@model({ table: uniqueTable('st_bins') })
class SBin extends Model<SBin>() {
  @primaryKey() id!: number;
  @field() name!: string;
  @hasMany(() => SItem, { foreignKey: 'binId' }) items!: Promise<SItem[]>;
}

@model({ table: uniqueTable('st_items') })
class SItem extends Model<SItem>() {
  @primaryKey() id!: number;
  @field() seq!: number;
  @field() grp!: string;
  @field({ type: 'integer', nullable: true }) binId!: number | null;
  @belongsTo(() => SBin, { foreignKey: 'binId', onDelete: 'set null' }) bin!: Promise<SBin | null>;
}

/** A caller-supplied text key, to iterate in key order on something else than an integer. */
@model({ table: uniqueTable('st_codes') })
class SCode extends Model<SCode>() {
  @primaryKey({ autoincrement: false }) code!: string;
  @field() n!: number;
}

const N = 200_000;
/** Rows of the bulkUpsert and iterate runs: enough for 20 chunks, and quicker on a busy machine. */
const M = 100_000;
const CHUNK = 5_000;

function eventRow(seq: number) {
  return { seq, tag: `t${seq}`, ok: seq % 2 === 0 };
}

/** Heap in use after a full collection. */
function heapNow(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/** Tracks the growth of the live heap over a baseline, sampled when asked. */
function heapWatch() {
  const base = heapNow();
  let peak = 0;
  let samples = 0;
  return {
    sample(): void {
      samples += 1;
      peak = Math.max(peak, heapNow() - base);
    },
    get peak(): number {
      return peak;
    },
    get samples(): number {
      return samples;
    },
  };
}

const MB = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

describe('bulk calls stream (async) iterables without materialising them', () => {
  /** What holding all N rows at once costs: the yardstick for "near the data size". */
  let materialised = 0;

  before(async () => {
    await SEvent.createSchema();
    const base = heapNow();
    const all = Array.from({ length: N }, (_, i) => eventRow(i));
    materialised = heapNow() - base;
    assert.equal(all.length, N);
  });

  it(`bulkCreate from an async generator of ${N} rows: read chunk by chunk, the heap stays far below the data size`, async (t) => {
    let produced = 0;
    async function* rows() {
      for (let i = 0; i < N; i++) {
        produced += 1;
        yield eventRow(i);
      }
    }
    const heap = heapWatch();
    let ahead = 0;
    const result = await SEvent.objects.bulkCreate(rows(), {
      validate: false,
      chunkSize: CHUNK,
      onProgress: (processed) => {
        ahead = Math.max(ahead, produced - processed);
        heap.sample();
      },
    });
    t.diagnostic(`live heap growth ${MB(heap.peak)}, the rows held at once ${MB(materialised)}`);
    assert.deepEqual(result, { inserted: N, updated: 0, ignored: 0, keys: undefined });
    assert.equal(heap.samples, N / CHUNK);
    assert.ok(ahead <= CHUNK, `the source was read ${ahead} rows ahead of what was written`);
    assert.ok(
      heap.peak < materialised / 3,
      `live heap grew by ${MB(heap.peak)} while streaming; holding the rows takes ${MB(materialised)}`,
    );
    assert.equal(await SEvent.objects.count(), N);
    const [sums] = await SEvent.objects.where({ ok: true }).aggregate({ n: { count: '*' }, total: { sum: 'seq' } });
    assert.deepEqual(sums, { n: N / 2, total: (N / 2) * (N - 2) / 2 });
    const last = await SEvent.objects.last();
    assert.deepEqual(last && [last.id, last.seq, last.tag, last.ok], [N, N - 1, `t${N - 1}`, false]);
  });

  it(`bulkUpsert from a sync generator of ${M} rows, half of them existing: exact counts, bounded heap`, async (t) => {
    let produced = 0;
    const from = N - M / 2;
    function* rows() {
      for (let i = from; i < from + M; i++) {
        produced += 1;
        yield { ...eventRow(i), tag: `u${i}` };
      }
    }
    const heap = heapWatch();
    let ahead = 0;
    const result = await SEvent.objects.bulkUpsert(rows(), {
      validate: false,
      chunkSize: CHUNK,
      onProgress: (processed) => {
        ahead = Math.max(ahead, produced - processed);
        heap.sample();
      },
    });
    const sourceSize = (materialised * M) / N;
    t.diagnostic(`live heap growth ${MB(heap.peak)}, the rows held at once ${MB(sourceSize)}`);
    assert.deepEqual(result, { inserted: M / 2, updated: M / 2, ignored: 0 });
    assert.equal(heap.samples, M / CHUNK);
    assert.ok(ahead <= CHUNK, `the source was read ${ahead} rows ahead of what was written`);
    assert.ok(heap.peak < sourceSize / 2, `live heap grew by ${MB(heap.peak)}; holding the rows takes ${MB(sourceSize)}`);
    assert.equal(await SEvent.objects.count(), N + M / 2);
    assert.equal(await SEvent.objects.count({ tag: { startsWith: 'u' } }), M);
    assert.equal((await SEvent.objects.require({ seq: from - 1 })).tag, `t${from - 1}`);
    assert.equal((await SEvent.objects.require({ seq: from })).tag, `u${from}`);
    assert.equal((await SEvent.objects.require({ seq: N + M / 2 - 1 })).tag, `u${N + M / 2 - 1}`);
  });

  it(`iterate with criteria over ${M} of those rows: every row once, in key order, with a flat heap`, async (t) => {
    const heap = heapWatch();
    let seen = 0;
    let previous = 0;
    let ordered = true;
    const { count } = await countQueries(db(), async () => {
      for await (const event of SEvent.objects.iterate({ seq: { lt: M } }, { batchSize: CHUNK })) {
        if (event.id <= previous || event.seq >= M) ordered = false;
        previous = event.id;
        seen += 1;
        if (seen % CHUNK === 0) heap.sample();
      }
    });
    t.diagnostic(`live heap growth ${MB(heap.peak)}, ${N} plain rows held at once ${MB(materialised)}`);
    assert.equal(seen, M);
    assert.ok(ordered, 'ids strictly increase, and only matching rows come');
    assert.equal(count, M / CHUNK + 1);
    assert.ok(heap.peak < materialised / 3, `live heap grew by ${MB(heap.peak)}; holding the rows takes ${MB(materialised)}`);
  });
});

// ---------------------------------------------------------------------------------------------

describe('iterate', () => {
  const bins: SBin[] = [];

  before(async () => {
    bins.push(await SBin.objects.create({ name: 'b0' }), await SBin.objects.create({ name: 'b1' }));
    // 23 items: grp a/b/c in turn, every third without a bin.
    for (let i = 0; i < 23; i++) {
      await SItem.objects.create({ seq: i, grp: 'abc'[i % 3], binId: i % 3 === 2 ? null : bins[i % 2].id });
    }
  });

  /** Every id the iteration yields, and how many statements it sent. */
  async function ids(source: () => AsyncIterable<SItem>): Promise<{ ids: number[]; count: number }> {
    const { result, count } = await countQueries(db(), async () => {
      const out: number[] = [];
      for await (const item of source()) out.push(item.id);
      return out;
    });
    return { ids: result, count };
  }

  it('yields every row once in primary-key order across batches; one query per batch (+1 when the last batch is full)', async () => {
    const all = (await SItem.objects.all({ orderBy: 'id' })).map((i) => i.id);
    assert.equal(all.length, 23);
    for (const batchSize of [1, 4, 5, 22, 23, 24, 1000]) {
      const { ids: got, count } = await ids(() => SItem.objects.iterate(undefined, { batchSize }));
      assert.deepEqual(got, all, `batchSize ${batchSize}`);
      assert.equal(count, Math.floor(23 / batchSize) + 1, `batchSize ${batchSize}`);
      assert.ok(count <= Math.ceil(23 / batchSize) + 1);
    }
    // The default batch size reads these in one query.
    assert.deepEqual(await ids(() => SItem.objects.iterate()), { ids: all, count: 1 });
  });

  it('with criteria, and with a text filter and parameters', async () => {
    const expected = (await SItem.objects.filter({ grp: ['a', 'c'], seq: { gte: 4 } }, { orderBy: 'id' })).map((i) => i.id);
    assert.equal(expected.length, 12);
    const byCriteria = await ids(() => SItem.objects.iterate({ grp: ['a', 'c'], seq: { gte: 4 } }, { batchSize: 5 }));
    assert.deepEqual(byCriteria.ids, expected);
    assert.equal(byCriteria.count, 3);
    const byText = await ids(() => SItem.objects.iterate("(grp = 'a' OR grp = :g) AND seq >= :min", { params: { g: 'c', min: 4 }, batchSize: 4 }));
    assert.deepEqual(byText.ids, expected);
    // Criteria on the key itself combine with the keyset condition.
    const byKey = await ids(() => SItem.objects.iterate({ id: { gt: expected[5] }, grp: 'a' }, { batchSize: 2 }));
    assert.deepEqual(byKey.ids, (await SItem.objects.filter({ id: { gt: expected[5] }, grp: 'a' }, { orderBy: 'id' })).map((i) => i.id));
    // Nothing matches: one query, nothing yielded.
    assert.deepEqual(await ids(() => SItem.objects.iterate({ grp: 'z' }, { batchSize: 3 })), { ids: [], count: 1 });
  });

  it('on a query set: its criteria, and its includes (one query per relation per batch)', async () => {
    const expected = (await SItem.objects.filter({ grp: 'b', seq: { lt: 20 } }, { orderBy: 'id' })).map((i) => i.id);
    const qs = SItem.objects.where({ grp: 'b' }).where('seq < :max', { max: 20 });
    const plain = await ids(() => qs.iterate({ batchSize: 3 }));
    assert.deepEqual(plain.ids, expected);
    assert.equal(plain.count, Math.floor(expected.length / 3) + 1);

    const withBin = await countQueries(db(), async () => {
      const out: SItem[] = [];
      for await (const item of qs.include('bin').iterate({ batchSize: 3 })) out.push(item);
      return out;
    });
    const batches = Math.floor(expected.length / 3) + 1;
    // The last (empty) batch loads nothing.
    assert.equal(withBin.count, batches + Math.ceil(expected.length / 3));
    const loaded = await countQueries(db(), () => Promise.all(withBin.result.map(async (item) => (await item.bin)?.name ?? null)));
    assert.equal(loaded.count, 0, 'the relation was loaded with each batch');
    assert.deepEqual(loaded.result, withBin.result.map((item) => (item.binId === bins[0].id ? 'b0' : item.binId === bins[1].id ? 'b1' : null)));
  });

  it('include on the manager: has-many loaded per batch', async () => {
    const { result, count } = await countQueries(db(), async () => {
      const out: Array<[string, number[]]> = [];
      for await (const bin of SBin.objects.iterate(undefined, { batchSize: 1, include: ['items'] })) {
        out.push([bin.name, (await bin.items).map((i) => i.seq)]);
      }
      return out;
    });
    const expected = await Promise.all(bins.map(async (b) =>
      [b.name, (await SItem.objects.filter({ binId: b.id }, { orderBy: 'id' })).map((i) => i.seq)] as [string, number[]]));
    assert.deepEqual(result, expected);
    assert.equal(count, 2 * 2 + 1, 'two batches of a bin and its items, then the empty batch');
  });

  it('rows inserted during the iteration (larger keys) are seen at the end; deleted ones are not; none repeat', async () => {
    const start = (await SItem.objects.all({ orderBy: 'id' })).map((i) => i.id);
    const seen: number[] = [];
    const added: number[] = [];
    let deleted = 0;
    for await (const item of SItem.objects.iterate(undefined, { batchSize: 5 })) {
      seen.push(item.id);
      if (seen.length === 3) {
        // Ahead of the cursor: a later row goes, an earlier-seen row changes (its key stays).
        deleted = start[10];
        await SItem.objects.delete(deleted);
        await SItem.objects.updateWhere({ id: start[0] }, { seq: 1000 });
      }
      // Behind the cursor's next batch, so it is read before the iteration ends.
      if (seen.length === 3 || seen.length === 8) added.push((await SItem.objects.create({ seq: 500 + seen.length, grp: 'n' })).id);
    }
    assert.equal(new Set(seen).size, seen.length, 'no row repeats');
    assert.deepEqual(seen, [...start.filter((id) => id !== deleted), ...added]);
    assert.equal(added.length, 2);
  });

  it('stops querying when the loop stops', async () => {
    const { result, count } = await countQueries(db(), async () => {
      const out: number[] = [];
      for await (const item of SItem.objects.iterate(undefined, { batchSize: 2 })) {
        out.push(item.seq);
        if (out.length === 3) break;
      }
      return out;
    });
    assert.equal(result.length, 3);
    assert.equal(count, 2);
  });

  it('a text primary key: rows in key order', async () => {
    const codes = Array.from({ length: 17 }, (_, i) => `code-${String((i * 7) % 17).padStart(2, '0')}`);
    await SCode.objects.bulkCreate(codes.map((code, n) => ({ code, n })));
    const got: string[] = [];
    for await (const row of SCode.objects.iterate(undefined, { batchSize: 4 })) got.push(row.code);
    assert.deepEqual(got, [...codes].sort());
  });

  it('a batch size that is not a positive integer: InvalidQueryError', async () => {
    for (const batchSize of [0, -5, 2.5]) {
      await assert.rejects(SItem.objects.iterate(undefined, { batchSize }).next(), (error: unknown) => {
        assert.ok(error instanceof InvalidQueryError, String(error));
        assert.equal(error.code, ErrorCodes.INVALID_QUERY);
        assert.equal(error.details.batchSize, batchSize);
        return true;
      });
    }
  });
});
