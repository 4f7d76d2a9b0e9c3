import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALPHA158, evaluateDaily } from '@hfq/factor-dsl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateDatasetDailyFactors } from '../daily-factors.js';
import { readFactorOutput } from '../factor-output.js';
import { openDataset } from '../reader.js';
import { exportSimMarket } from '../sim-export.js';
import { captureCli, factorsArgs } from '../test-utils/capture-cli.js';

let root: string;
let ds: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hfq-daily-'));
  ds = join(root, 'ds');
  await exportSimMarket(ds, { config: { nStocks: 4, nDays: 24, seed: 9 }, ticks: false });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('hfq factors --set alpha158 (the daily level)', () => {
  it('writes the 158 columns per date; 3 shards equal one process value for value', async () => {
    const one = join(root, 'one');
    const r = await captureCli(factorsArgs(ds, 'alpha158', one));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/24 dates written/);
    const sharded = join(root, 'sharded');
    for (const s of ['0/3', '1/3', '2/3']) {
      const x = await captureCli([...factorsArgs(ds, 'alpha158', sharded), '--shard', s]);
      expect(x.code, x.err).toBe(0);
    }
    const v = await captureCli(['factors', '--verify', sharded, '--against', one]);
    expect(v.out).toMatch(/equals .* value for value/);
    expect(v.code).toBe(0);

    // The values are evaluateDaily's on the dataset's daily panels (float32, as every factor output).
    const table = await readFactorOutput(one);
    expect(table.factors).toEqual(ALPHA158.map((d) => d.name));
    const daily = await openDataset(ds).daily();
    const want = await evaluateDaily(ALPHA158, { ...daily });
    const cube = await evaluateDatasetDailyFactors(openDataset(ds), ALPHA158, { days: [5, 20] });
    let finite = 0;
    for (const [k, t] of [5, 20].entries()) {
      const m = cube.day(k);
      ALPHA158.forEach((d, f) => {
        for (let a = 0; a < 4; a++) {
          const w = want[d.name]!.values[t * 4 + a]!;
          const g = m[a * ALPHA158.length + f]!;
          if (Number.isNaN(w)) expect(g).toBeNaN();
          else {
            expect(g).toBe(Math.fround(w));
            finite++;
          }
        }
      });
    }
    expect(finite).toBeGreaterThan(158 * 4);
  }, 120_000);

  it('--set daily and a file of daily formulas read industry codes and intraday factors by id', async () => {
    const r = await captureCli([...factorsArgs(ds, 'daily', join(root, 'lib')), '--format', 'csv']);
    expect(r.code, r.err).toBe(0);
    const file = join(root, 'mine.json');
    writeFileSync(
      file,
      JSON.stringify([
        { id: 'mv5', source: 'daily', formula: 'ts_mean(min_vol_first5, 5)' },
        { id: 'ind', source: 'daily', formula: 'industry' },
      ]),
    );
    const out = join(root, 'mine');
    const m = await captureCli([...factorsArgs(ds, file, out), '--format', 'csv']);
    expect(m.code, m.err).toBe(0);
    const dates: number[] = JSON.parse(readFileSync(join(ds, 'dataset.json'), 'utf8')).calendar;
    const csv = readFileSync(join(out, `date=${dates[10]}`, 'part-0.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toBe('date,asset,mv5,ind');
    expect(csv.length).toBe(5);
    for (const line of csv.slice(1)) {
      const [, , mv5, ind] = line.split(',');
      expect(Number(mv5)).toBeGreaterThan(0);
      expect(Number.isInteger(Number(ind))).toBe(true);
    }
    // A mixed file, and an unknown input name, are typed errors (exit 1 with the code).
    writeFileSync(
      file,
      JSON.stringify([
        { id: 'a', source: 'daily', formula: 'close' },
        { id: 'b', source: 'minute', formula: 'ts_mean(close, 3)' },
      ]),
    );
    const mixed = await captureCli(factorsArgs(ds, file, join(root, 'x')));
    expect(mixed.err).toMatch(/DATASET_INPUT.*one level per file/);
    writeFileSync(file, JSON.stringify([{ id: 'a', source: 'daily', formula: 'ts_mean(clsoe, 3)' }]));
    const unknown = await captureCli(factorsArgs(ds, file, join(root, 'y')));
    expect(unknown.err).toMatch(/DSL_.*clsoe/);
  }, 120_000);
});
