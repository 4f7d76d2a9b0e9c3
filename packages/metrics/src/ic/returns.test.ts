import { HfqError, Panel } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { expectAllClose, reference } from '../test-utils/reference.js';
import { dailyReturns, forwardReturns } from './returns.js';

const ref = reference.returns;
const close = new Panel(ref.dates, ref.assets, Float64Array.from(ref.close));
const adjFactor = new Panel(ref.dates, ref.assets, Float64Array.from(ref.adjFactor));

describe('forwardReturns / dailyReturns match numpy', () => {
  for (const c of ref.forward) {
    it(`from ${c.from} to ${c.to}`, () => {
      expectAllClose(forwardReturns(close, c.from, c.to).values, c.raw, 1e-12, 'raw');
      expectAllClose(
        forwardReturns(close, c.from, c.to, { adjFactor }).values,
        c.adjusted,
        1e-12,
        'adjusted',
      );
    });
  }
  it('daily returns bridge gaps from the last price', () => {
    expectAllClose(dailyReturns(close).values, ref.daily.raw, 1e-12, 'raw');
    expectAllClose(dailyReturns(close, { adjFactor }).values, ref.daily.adjusted, 1e-12, 'adjusted');
  });
});

describe('forward and daily returns: rules', () => {
  const dates = [20240102, 20240103, 20240104, 20240105];
  const p = Panel.fromRows(dates, ['x'], [[10], [11], [12.1], [Number.NaN]]);

  it('close(T+to)/close(T+from) - 1, NaN past the end or where a price is missing', () => {
    const r = forwardReturns(p, 0, 1).column(0);
    expect(r[0]).toBeCloseTo(0.1, 15);
    expect(r[1]).toBeCloseTo(0.1, 15);
    expect(r[2]).toBeNaN(); // price of T+1 missing
    expect(r[3]).toBeNaN(); // past the end
  });

  it('the value at T depends only on prices T+from..T+to', () => {
    const base = forwardReturns(p, 1, 2).column(0);
    const q = p.clone();
    q.set(0, 0, 99); // price at T=0 is not used by out[0] with from = 1
    expect(forwardReturns(q, 1, 2).column(0)).toEqual(base);
  });

  it('dailyReturns has no look-ahead: later prices do not change earlier returns', () => {
    const base = dailyReturns(p).values;
    const q = p.clone();
    q.set(3, 0, 50);
    expect(Array.from(dailyReturns(q).values.subarray(0, 3))).toEqual(Array.from(base.subarray(0, 3)));
  });

  it('rejects non-positive or infinite prices with the asset and date', () => {
    const bad = Panel.fromRows(
      dates,
      ['x', 'y'],
      [
        [1, 2],
        [1, 0],
        [1, 2],
        [1, 2],
      ],
    );
    try {
      forwardReturns(bad, 0, 1);
      expect.unreachable();
    } catch (e) {
      expect(HfqError.is(e, 'METRICS_BAD_PRICE')).toBe(true);
      expect((e as HfqError).context).toMatchObject({ asset: 'y', date: 20240103 });
    }
    const inf = Panel.fromRows(dates, ['x'], [[1], [Number.POSITIVE_INFINITY], [1], [1]]);
    expect(() => dailyReturns(inf)).toThrow(/METRICS_BAD_PRICE/);
  });

  it('rejects bad offsets and a mismatched adjFactor', () => {
    expect(() => forwardReturns(p, 2, 2)).toThrow(/to must be/);
    expect(() => forwardReturns(p, -1, 2)).toThrow(/from must be/);
    const other = Panel.fromRows(dates, ['z'], [[1], [1], [1], [1]]);
    expect(() => forwardReturns(p, 0, 1, { adjFactor: other })).toThrow(/METRICS_SHAPE_MISMATCH/);
  });
});
