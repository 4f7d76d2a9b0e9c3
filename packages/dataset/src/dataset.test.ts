import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HfqError } from '@hfq/core';
import { evaluateFactors, MINUTE_FACTORS, TICK_FACTORS, VBAR_FACTORS } from '@hfq/factor-dsl';
import { createMarket } from '@hfq/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateDatasetFactors } from './evaluate.js';
import { parseManifest, readManifest } from './manifest.js';
import { openDataset } from './reader.js';
import { exportSimMarket } from './sim-export.js';
import { DatasetWriter } from './writer.js';

const market = createMarket({ nStocks: 4, nDays: 4, seed: 11 });
let root: string;
let dir: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hfq-dataset-'));
  dir = join(root, 'ds');
  await exportSimMarket(dir, { market });
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe('sim export read back', () => {
  it('minute bars equal market.minuteBars value for value, every stock-day', async () => {
    const ds = openDataset(dir);
    expect(ds.assets).toEqual(market.assets);
    expect([...ds.calendar.dates]).toEqual([...market.calendar.dates]);
    let compared = 0;
    for (let t = 0; t < 4; t++) {
      await ds.loadDay(t);
      for (let a = 0; a < 4; a++) {
        const want = market.minuteBars(a, t);
        const got = ds.minuteBars(a, t);
        if (want === null) {
          expect(got).toBeNull();
          continue;
        }
        expect(got!.asset).toBe(want.asset);
        expect(got!.date).toBe(want.date);
        for (const f of ['time', 'open', 'high', 'low', 'close', 'volume', 'amount', 'trades'] as const) {
          expect(sameArray(got![f], want[f]), `${f} of ${want.asset} on ${want.date}`).toBe(true);
        }
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(10);
  });

  it('ticks equal market.ticks value for value', async () => {
    const ds = openDataset(dir);
    await ds.loadDay(1, { minute: false, ticks: true });
    for (let a = 0; a < 4; a++) {
      const want = market.ticks(a, 1);
      const got = ds.ticks(a, 1);
      if (want === null) {
        expect(got).toBeNull();
        continue;
      }
      expect(got!.levels).toBe(want.levels);
      for (const f of [
        'time',
        'last',
        'volume',
        'amount',
        'trades',
        'bidPrice',
        'bidVolume',
        'askPrice',
        'askVolume',
      ] as const) {
        expect(sameArray(got![f], want[f]), f).toBe(true);
      }
    }
  });

  it('daily panels, index and meta equal the market', async () => {
    const ds = openDataset(dir);
    const daily = await ds.daily();
    const want = market.daily();
    for (const f of ['close', 'volume', 'adjFactor', 'st', 'listed', 'floatMarketCap'] as const) {
      expect(sameArray(daily[f].values, want[f].values), f).toBe(true);
    }
    const index = await ds.index();
    const wi = market.index();
    expect(index.name).toBe(wi.name);
    expect(sameArray(index.weight.values, wi.weight.values)).toBe(true);
    expect(sameArray(index.close, wi.close)).toBe(true);
    expect(sameArray(index.ret, wi.ret)).toBe(true);
    const meta = ds.meta();
    expect(meta.map((m) => m.asset)).toEqual(market.assets);
    expect(meta[0]!.industry).toBe(market.industryNames[market.industry[0]!]);
    expect(meta[0]!.board).toBe(market.board[0]);
  });

  it('factors through the dataset equal those on the in-memory market (minute, vbar, tick)', async () => {
    const defs = [...MINUTE_FACTORS.slice(0, 3), ...VBAR_FACTORS.slice(0, 2), ...TICK_FACTORS.slice(0, 2)];
    const want = await evaluateFactors(market, defs, { dailyVolume: market.daily().volume });
    const got = await evaluateDatasetFactors(openDataset(dir), defs);
    const onDemand = openDataset(dir, { loadOnDemand: true });
    const got2 = await evaluateDatasetFactors(onDemand, defs);
    await onDemand.close();
    expect(got.factors).toEqual(want.factors);
    let finite = 0;
    for (let t = 0; t < 4; t++) {
      expect(sameArray(got.day(t), want.day(t)), `day ${t}`).toBe(true);
      expect(sameArray(got2.day(t), want.day(t)), `day ${t}, loadOnDemand`).toBe(true);
      finite += want.day(t).filter(Number.isFinite).length;
    }
    expect(finite).toBeGreaterThan(20);
  });

  it('days out of order or outside the calendar are DATASET_INPUT before any work', async () => {
    const ds = openDataset(dir);
    await expect(
      evaluateDatasetFactors(ds, MINUTE_FACTORS.slice(0, 1), { days: [2, 1] }),
    ).rejects.toMatchObject({
      code: 'DATASET_INPUT',
      context: { field: 'days', row: 1 },
    });
    await expect(evaluateDatasetFactors(ds, MINUTE_FACTORS.slice(0, 1), { days: [4] })).rejects.toMatchObject(
      { code: 'DATASET_INPUT' },
    );
    expect(ds.cachedDays('minute')).toEqual([]);
  });
});

describe('streaming reader', () => {
  it('holds at most cacheDays partitions and names a day that is not loaded', async () => {
    const ds = openDataset(dir, { cacheDays: 2 });
    for (const t of [0, 1, 2]) await ds.loadDay(t);
    expect(ds.cachedDays('minute')).toEqual([1, 2]);
    expect(() => ds.minuteBars(0, 0)).toThrow(/not loaded/);
    try {
      ds.minuteBars(0, 0);
    } catch (e) {
      expect(HfqError.is(e, 'DATASET_NOT_LOADED')).toBe(true);
      expect((e as HfqError).context.date).toBe(market.calendar.dates[0]);
    }
    expect(ds.minuteBars(0, 2)).not.toBeNull();
  });

  it('prefetchDay reads the files ahead: the same frames, and a file gone meanwhile is still named', async () => {
    const ds = openDataset(dir);
    ds.prefetchDay(1);
    await ds.loadDay(1);
    for (let a = 0; a < market.assets.length; a++)
      expect(sameArray(ds.minuteBars(a, 1)!.close, market.minuteBars(a, 1)!.close)).toBe(true);
    // a prefetch of a file that then disappears: loadDay reports it missing, nothing unhandled
    const copy = join(root, 'prefetch');
    cpSync(dir, copy, { recursive: true });
    const gone = openDataset(copy);
    const file = gone.manifest.minute[3]!.files[0]!;
    rmSync(join(copy, file));
    gone.prefetchDay(3);
    await expect(gone.loadDay(3)).rejects.toMatchObject({
      code: 'DATASET_MISSING_PARTITION',
      context: { source: join(copy, file) },
    });
  });
});

describe('loadOnDemand', () => {
  it('answers minuteBars synchronously for any day, keeps cacheDays days, and passes read errors through typed', async () => {
    const ds = openDataset(dir, { cacheDays: 2, loadOnDemand: true });
    try {
      for (let t = 0; t < 4; t++) {
        const want = market.minuteBars(0, t);
        const got = ds.minuteBars(0, t);
        expect(got === null ? null : [...got.close]).toEqual(want === null ? null : [...want.close]);
      }
      expect(ds.cachedDays('minute')).toEqual([2, 3]);
      // out of order: day 0 again (its prefetch of day 1 is outstanding), then day 3, then 1
      for (const t of [0, 3, 1]) {
        const want = market.minuteBars(1, t);
        const got = ds.minuteBars(1, t);
        expect(got === null ? null : [...got.open]).toEqual(want === null ? null : [...want.open]);
      }
      expect(ds.cachedDays('minute')).toEqual([0, 1]);
    } finally {
      await ds.close();
    }
    const copy = join(root, 'ondemand-broken');
    cpSync(dir, copy, { recursive: true });
    const m = readManifest(copy);
    rmSync(join(copy, m.minute[1]!.files[0]!));
    const broken = openDataset(copy, { loadOnDemand: true });
    try {
      expect(() => broken.minuteBars(0, 1)).toThrow(
        expect.objectContaining({
          code: 'DATASET_MISSING_PARTITION',
          context: expect.objectContaining({ date: m.minute[1]!.date }),
        }),
      );
    } finally {
      await broken.close();
    }
  });
});

describe('dataset.json claims are checked before they are trusted', () => {
  const manifest = () => JSON.parse(readFileSync(join(dir, 'dataset.json'), 'utf8'));

  it('an unknown version is DATASET_VERSION', () => {
    expect(() => parseManifest({ ...manifest(), version: 2 }, 'x')).toThrow(
      expect.objectContaining({ code: 'DATASET_VERSION' }),
    );
  });

  it('a count that is not a count, a path outside the dataset, an unsorted calendar are DATASET_MANIFEST naming the field', () => {
    const m1 = manifest();
    m1.minute[0].rows = -1;
    expect(() => parseManifest(m1, 'x')).toThrow(
      expect.objectContaining({
        code: 'DATASET_MANIFEST',
        context: expect.objectContaining({ field: 'minute[0].rows' }),
      }),
    );
    const m2 = manifest();
    m2.minute[1].files = ['../../etc/passwd'];
    expect(() => parseManifest(m2, 'x')).toThrow(
      expect.objectContaining({ context: expect.objectContaining({ field: 'minute[1].files[0]' }) }),
    );
    const m3 = manifest();
    m3.calendar = [...m3.calendar].reverse();
    expect(() => parseManifest(m3, 'x')).toThrow(expect.objectContaining({ code: 'DATASET_MANIFEST' }));
    const m4 = manifest();
    m4.minute[0].stockDays = 99;
    expect(() => parseManifest(m4, 'x')).toThrow(/exceeds the 4 assets/);
    const m5 = manifest();
    m5.daily.rows = 1e12;
    expect(() => parseManifest(m5, 'x')).toThrow(
      expect.objectContaining({ context: expect.objectContaining({ field: 'daily.rows' }) }),
    );
  });

  it('a partition holding other counts than claimed is DATASET_COUNT_MISMATCH naming the file', async () => {
    const copy = join(root, 'count');
    cpSync(dir, copy, { recursive: true });
    const m = manifest();
    m.minute[2].rows += 1;
    writeFileSync(join(copy, 'dataset.json'), JSON.stringify(m));
    const ds = openDataset(copy);
    await expect(ds.loadDay(2)).rejects.toMatchObject({
      code: 'DATASET_COUNT_MISMATCH',
      context: { source: join(copy, m.minute[2].files[0]), date: m.minute[2].date },
    });
    expect(readManifest(copy).minute[2]!.rows).toBe(m.minute[2].rows);
  });
});

describe('DatasetWriter', () => {
  it('refuses a non-empty directory, an asset outside the dataset and out-of-order partitions', async () => {
    expect(() => DatasetWriter.create(dir, { calendar: [20240102], assets: ['600000.SH'] })).toThrow(
      expect.objectContaining({ code: 'DATASET_EXISTS' }),
    );
    const w = DatasetWriter.create(join(root, 'w'), {
      calendar: market.calendar.dates,
      assets: market.assets.slice(0, 1),
    });
    const t = 1;
    await expect(
      w.writeMinute(
        market.calendar.dates[t]!,
        [market.minuteBars(0, t)!, market.minuteBars(1, t)!].filter((f) => f !== null),
      ),
    ).rejects.toMatchObject({
      code: 'DATASET_CONTENT',
    });
    const w2 = DatasetWriter.create(join(root, 'w2'), {
      calendar: market.calendar.dates,
      assets: market.assets,
    });
    await w2.writeMinute(market.calendar.dates[2]!, []);
    await expect(w2.writeMinute(market.calendar.dates[1]!, [])).rejects.toMatchObject({
      code: 'DATASET_INPUT',
    });
  });
});
