import { HfqError, Panel } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { expectAllClose, panelOf, reference } from '../test-utils/reference.js';
import { ic, rankIC } from './ic.js';
import { cumulativeIC, icSeries, rankICSeries } from './ic-series.js';

const ref = reference.icSeries;
const factor = panelOf(ref.factor);
const forward = panelOf(ref.forward);

describe('icSeries matches the scipy reference (dates by value, assets by id)', () => {
  it('spearman (rankICSeries)', () =>
    expectAllClose(rankICSeries(factor, forward), ref.spearman, 1e-9, 'spearman'));
  it('pearson (icSeries)', () => expectAllClose(icSeries(factor, forward), ref.pearson, 1e-9, 'pearson'));
  it('minAssets 5', () =>
    expectAllClose(rankICSeries(factor, forward, { minAssets: 5 }), ref.spearmanMin5, 1e-9));
  it('universe mask', () =>
    expectAllClose(
      rankICSeries(factor, forward, { universe: panelOf(ref.universe) }),
      ref.spearmanUniverse,
      1e-9,
    ));
  it('the fixture exercises NaN dates (constant, too few pairs, missing forward row)', () => {
    const s = rankICSeries(factor, forward);
    expect(Number.isNaN(s[3]!) && Number.isNaN(s[5]!) && Number.isNaN(s[7]!)).toBe(true);
    expect(Number.isFinite(s[4]!)).toBe(true); // exactly two pairs
  });
});

describe('rankICSeries / icSeries behaviour', () => {
  const dates = [20240102, 20240103, 20240104, 20240105, 20240108];
  const assets = ['a', 'b', 'c', 'd', 'e', 'f'];
  const f = Panel.fromRows(
    dates,
    assets,
    dates.map((_, t) => assets.map((_, a) => Math.sin(7 * t + 3 * a))),
  );
  const y = Panel.fromRows(
    dates,
    assets,
    dates.map((_, t) => assets.map((_, a) => Math.cos(5 * t + 2 * a))),
  );

  it('equals rankIC of each date row', () => {
    const s = rankICSeries(f, y);
    for (let t = 0; t < dates.length; t++) expect(s[t]).toBe(rankIC(f.row(t), y.row(t)));
  });

  it('has no look-ahead: changing later factor rows leaves earlier values bit-identical', () => {
    const before = rankICSeries(f, y);
    const g = f.clone();
    for (let a = 0; a < assets.length; a++) {
      g.set(3, a, 100 - a);
      g.set(4, a, Number.NaN);
    }
    const after = rankICSeries(g, y);
    expect(Array.from(after.subarray(0, 3))).toEqual(Array.from(before.subarray(0, 3)));
    expect(after[3]).not.toBe(before[3]);
  });

  it('reports progress and stops on abort', () => {
    const events: number[] = [];
    rankICSeries(f, y, { onProgress: (e) => events.push(e.done) });
    expect(events.at(-1)).toBe(dates.length);
    const ctl = new AbortController();
    ctl.abort();
    expect(() => rankICSeries(f, y, { signal: ctl.signal })).toThrow(HfqError);
  });

  it('rejects bad options', () => {
    expect(() => rankICSeries(f, y, { minAssets: 1 })).toThrow(/minAssets/);
    // biome-ignore lint/suspicious/noExplicitAny: testing a runtime check
    expect(() => icSeries(f, y, { method: 'kendall' } as any)).toThrow(/method/);
  });

  it('refuses the former method option instead of silently ignoring it', () => {
    // biome-ignore lint/suspicious/noExplicitAny: the pre-split API, called from untyped code
    const old = { method: 'spearman' } as any;
    expect(() => icSeries(f, y, old)).toThrow(/icSeries is Pearson, rankICSeries is Spearman/);
    expect(() => rankICSeries(f, y, old)).toThrow(HfqError);
  });

  it('icSeries is Pearson: equals ic of each date row', () => {
    const s = icSeries(f, y);
    for (let t = 0; t < dates.length; t++) expect(s[t]).toBe(ic(f.row(t), y.row(t)));
  });

  it('cumulativeIC sums finite values and holds flat over NaN', () => {
    expect(Array.from(cumulativeIC([0.1, Number.NaN, 0.2, -0.05]))).toEqual([
      0.1,
      0.1,
      0.1 + 0.2,
      0.1 + 0.2 - 0.05,
    ]);
  });
});

describe('icSeries at extreme but finite scales', () => {
  it('equals the unscaled series for factors near 1e200 and returns near 1e-200', () => {
    const dates = [20240102, 20240103, 20240104];
    const assets = ['a', 'b', 'c', 'd', 'e'];
    const rows = (k: number, s: number) => dates.map((_, t) => assets.map((_, a) => s * Math.sin(k * t + a)));
    const f = Panel.fromRows(dates, assets, rows(3, 1));
    const y = Panel.fromRows(dates, assets, rows(5, 1));
    const plain = icSeries(f, y);
    const big = icSeries(
      Panel.fromRows(dates, assets, rows(3, 1e200)),
      Panel.fromRows(dates, assets, rows(5, 1e-200)),
    );
    for (let t = 0; t < dates.length; t++) {
      expect(Number.isFinite(plain[t]!)).toBe(true);
      expect(big[t]).toBeCloseTo(plain[t]!, 14);
    }
  });
});
