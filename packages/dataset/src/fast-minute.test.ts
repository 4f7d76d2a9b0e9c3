import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CANONICAL_MINUTE, type MinuteBars, readMinuteBarsParquet, writeMinuteBarsParquet } from '@hfq/bars';
import { createMarket } from '@hfq/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCanonicalMinute } from './fast-minute.js';
import { openDataset } from './reader.js';
import { exportSimMarket } from './sim-export.js';

let root: string;
let dir: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hfq-fast-minute-'));
  dir = join(root, 'ds');
  await exportSimMarket(dir, { market: createMarket({ nStocks: 5, nDays: 3, seed: 3 }), ticks: false });
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('readCanonicalMinute', () => {
  it("gives the general reader's frames value for value", async () => {
    const ds = openDataset(dir);
    const assets = new Map(ds.assets.map((a, i) => [a, i]));
    let frames = 0;
    for (const p of ds.manifest.minute) {
      const path = join(dir, p.files[0]!);
      const fast = await readCanonicalMinute(readFileSync(path), p.date, assets, undefined);
      const general: MinuteBars[] = [];
      for await (const f of readMinuteBarsParquet(path, CANONICAL_MINUTE, { validate: 'throw' }))
        general.push(f);
      expect(fast).not.toBeNull();
      expect(fast!.length).toBe(general.length);
      fast!.forEach((f, k) => {
        expect(f).toEqual(general[k]);
        expect(f.time).toBeInstanceOf(Int32Array);
        expect(f.close).toBeInstanceOf(Float64Array);
      });
      frames += fast!.length;
    }
    expect(frames).toBe(15);
  });

  it('decodes several row groups and pages, snappy or uncompressed, as the general reader does', async () => {
    const ds = openDataset(dir);
    const assets = new Map(ds.assets.map((a, i) => [a, i]));
    const p = ds.manifest.minute[2]!;
    const general: MinuteBars[] = [];
    for await (const f of readMinuteBarsParquet(join(dir, p.files[0]!), CANONICAL_MINUTE)) general.push(f);
    for (const codec of ['SNAPPY', 'UNCOMPRESSED'] as const) {
      // 97 rows a group: groups end inside stock-days, and each holds its own dictionaries
      const path = join(root, `groups-${codec}.parquet`);
      await writeMinuteBarsParquet(path, general, { codec, rowGroupRows: 97 });
      const fast = await readCanonicalMinute(readFileSync(path), p.date, assets, undefined);
      expect(fast).not.toBeNull();
      expect(fast).toEqual(general);
    }
  });

  it('declines (null) what it does not expect, so the general reader names the problem', async () => {
    const ds = openDataset(dir);
    const p = ds.manifest.minute[0]!;
    const path = join(dir, p.files[0]!);
    const assets = new Map(ds.assets.map((a, i) => [a, i]));
    const bytes = readFileSync(path);
    // another date than the partition's, an asset outside the dataset, bytes that are not Parquet
    expect(await readCanonicalMinute(bytes, p.date + 1, assets, undefined)).toBeNull();
    expect(await readCanonicalMinute(bytes, p.date, new Map([[ds.assets[0]!, 0]]), undefined)).toBeNull();
    expect(await readCanonicalMinute(new Uint8Array([1, 2, 3]), p.date, assets, undefined)).toBeNull();
    // a frame that breaks a validation rule (every price must be on a 1-yuan grid here)
    expect(await readCanonicalMinute(bytes, p.date, assets, { tickSize: 1 })).toBeNull();
    // ... unless trusted (the caller checked the writer's checksum): then no validation
    expect(await readCanonicalMinute(bytes, p.date, assets, { tickSize: 1 }, true)).toHaveLength(5);
  });
});

describe('the validated checksum', () => {
  it('is recorded for every partition the writer validated, and a changed file is validated again', async () => {
    const ds = openDataset(dir);
    for (const p of [...ds.manifest.minute, ...ds.manifest.ticks])
      expect(p.validatedSha256?.[0]).toMatch(/^[0-9a-f]{64}$/);
    // a file changed after writing (a bar broken: high < low) no longer matches its checksum, so
    // it is validated again and the broken frame is found
    const p = ds.manifest.minute[1]!;
    const path = join(dir, p.files[0]!);
    const frames: MinuteBars[] = [];
    for await (const f of readMinuteBarsParquet(path, CANONICAL_MINUTE)) frames.push(f);
    const original = readFileSync(path);
    const broken = { ...frames[0]!, high: frames[0]!.high.slice() };
    broken.high[3] = frames[0]!.low[3]! - 1;
    await writeMinuteBarsParquet(path, [broken, ...frames.slice(1)]);
    await expect(openDataset(dir).readPartition('minute', p.date)).rejects.toMatchObject({
      code: 'BARS_HIGH_BELOW_LOW',
    });
    writeFileSync(path, original);
  });
});
