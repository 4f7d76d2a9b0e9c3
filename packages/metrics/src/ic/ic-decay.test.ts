import { Panel, rebalanceDates, weekdays, ymdWeekday } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { icDecay } from './ic-decay.js';
import { rankICSeries } from './ic-series.js';
import { icSummary } from './ic-summary.js';
import { forwardReturns } from './returns.js';

describe('icDecay', () => {
  const dates = weekdays(20240101, 20240430);
  const assets = Array.from({ length: 30 }, (_, a) => `s${a}`);
  const close = Panel.fromRows(
    dates,
    assets,
    Array.from(dates, (_, t) => assets.map((_, a) => 10 + Math.sin(a * 0.7 + t * 0.21) + 0.01 * t * (a % 5))),
  );
  const factor = Panel.fromRows(
    dates,
    assets,
    Array.from(dates, (_, t) => assets.map((_, a) => Math.cos(a * 0.7 + t * 0.21))),
  );

  it('each horizon equals icSummary(rankICSeries) of the matching forward returns', () => {
    const d = icDecay(factor, close, { method: 'spearman', horizons: [1, 5], mode: 'cumulative' });
    expect(Array.from(d.horizons)).toEqual([1, 5]);
    const direct = icSummary(rankICSeries(factor, forwardReturns(close, 1, 6)));
    expect(d.summaries[1]).toEqual(direct);
    const single = icDecay(factor, close, { method: 'spearman', horizons: [3], mode: 'single' });
    expect(single.mean[0]).toBe(icSummary(rankICSeries(factor, forwardReturns(close, 3, 4))).mean);
  });

  it('samples on given dates (weekly)', () => {
    const weekly = rebalanceDates(dates, 'weekly');
    // Fridays, and the calendar's last day (a Tuesday) closing its partial week.
    expect(Array.from(weekly.subarray(0, -1), ymdWeekday).every((w) => w === 5)).toBe(true);
    expect(weekly.at(-1)).toBe(20240430);
    const d = icDecay(factor, close, { method: 'spearman', horizons: [5], dates: weekly });
    expect(d.summaries[0]!.count).toBeLessThanOrEqual(weekly.length);
    expect(d.summaries[0]!.count).toBeGreaterThan(10);
  });
});
