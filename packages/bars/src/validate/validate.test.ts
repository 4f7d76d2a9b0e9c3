import { HfqError, timeOfDay } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { equalVolumeBars } from '../equal-volume/equal-volume-bars.js';
import { MINUTE_BAR_END_TIMES } from '../market/session.js';
import {
  allocMinuteBars,
  allocTickSnapshots,
  type MinuteBars,
  type TickSnapshots,
  type VolumeBars,
} from '../types.js';
import { findMinuteBarIssues, validateMinuteBars } from './minute-bars.js';
import { repairMinuteBars, repairTickSnapshots } from './repair.js';
import { findTickIssues, validateTickSnapshots } from './ticks.js';
import { findVolumeBarIssues, validateVolumeBars } from './volume-bars.js';

function minuteFrame(): MinuteBars {
  const f = allocMinuteBars(4, { asset: '600519.SH', date: 20230201 });
  const rows = [
    [1850, 1852.5, 1849.01, 1851, 300, 555_100],
    [1851, 1851, 1848, 1848.5, 200, 370_000],
    [1848.5, 1849, 1848.5, 1849, 0, 0],
    [1849, 1850, 1847, 1847.5, 100, 184_800],
  ];
  rows.forEach(([o, h, l, c, v, a], i) => {
    f.time[i] = MINUTE_BAR_END_TIMES[i]!;
    f.open[i] = o!;
    f.high[i] = h!;
    f.low[i] = l!;
    f.close[i] = c!;
    f.volume[i] = v!;
    f.amount[i] = a!;
    f.trades[i] = v! / 100;
  });
  return f;
}

function tickFrame(): TickSnapshots {
  const f = allocTickSnapshots(3, 3, { asset: '600000.SH', date: 20230201 });
  const times = [timeOfDay(9, 25), timeOfDay(9, 30, 3), timeOfDay(9, 30, 6)];
  for (let i = 0; i < 3; i++) {
    f.time[i] = times[i]!;
    f.last[i] = (750 + i) / 100;
    f.volume[i] = 1000 * (i + 1);
    f.amount[i] = 7500 * (i + 1);
    f.trades[i] = 3 * (i + 1);
    for (let k = 0; k < 3; k++) {
      f.bidPrice[i * 3 + k] = (749 - k) / 100;
      f.askPrice[i * 3 + k] = (751 + k) / 100;
      f.bidVolume[i * 3 + k] = 100 * (k + 1);
      f.askVolume[i * 3 + k] = 200 * (k + 1);
      f.bidOrders[i * 3 + k] = k + 1;
      f.askOrders[i * 3 + k] = k + 2;
    }
  }
  return f;
}

describe('minute-bar validation', () => {
  it('accepts a valid frame (a zero-volume minute, float artefacts within tolerance)', () => {
    const f = minuteFrame();
    f.high[0] = 1852.4999999999998;
    expect(findMinuteBarIssues(f)).toEqual([]);
    expect(validateMinuteBars(f)).toBe(f);
    // a minute without trades may have NaN prices
    for (const k of ['open', 'high', 'low', 'close'] as const) f[k][2] = NaN;
    expect(findMinuteBarIssues(f)).toEqual([]);
  });

  const cases: [string, (f: MinuteBars) => void, string, string, number | undefined][] = [
    ['unsorted time', (f) => (f.time[2] = f.time[0]! - 60_000), 'BARS_UNSORTED_TIME', 'time', 2],
    ['duplicate time', (f) => (f.time[1] = f.time[0]!), 'BARS_DUPLICATE_TIME', 'time', 1],
    ['time outside the day', (f) => (f.time[3] = 90_000_000), 'BARS_INVALID_TIME', 'time', 3],
    [
      'high below low',
      (f) => {
        f.high[1] = 1847;
        f.low[1] = 1848;
        f.open[1] = 1847.5;
        f.close[1] = 1847.5;
      },
      'BARS_HIGH_BELOW_LOW',
      'high',
      1,
    ],
    ['open outside range', (f) => (f.open[0] = 1853), 'BARS_OPEN_OUTSIDE_RANGE', 'open', 0],
    ['close outside range', (f) => (f.close[3] = 1846), 'BARS_CLOSE_OUTSIDE_RANGE', 'close', 3],
    ['negative volume', (f) => (f.volume[1] = -200), 'BARS_NEGATIVE_VOLUME', 'volume', 1],
    ['negative amount', (f) => (f.amount[1] = -1), 'BARS_NEGATIVE_AMOUNT', 'amount', 1],
    ['NaN volume', (f) => (f.volume[0] = NaN), 'BARS_NONFINITE_VOLUME', 'volume', 0],
    ['infinite price', (f) => (f.high[0] = Infinity), 'BARS_NONFINITE_PRICE', 'high', 0],
    ['NaN price with volume', (f) => (f.close[1] = NaN), 'BARS_NONFINITE_PRICE', 'close', 1],
    ['zero price', (f) => (f.low[3] = 0), 'BARS_NONPOSITIVE_PRICE', 'low', 3],
    ['off the tick grid', (f) => (f.close[0] = 1851.005), 'BARS_OFF_TICK_GRID', 'close', 0],
    ['volume in lots', (f) => (f.volume[0] = 3), 'BARS_VWAP_OUTSIDE_RANGE', 'amount', 0],
    ['amount without volume', (f) => (f.amount[2] = 10), 'BARS_VWAP_OUTSIDE_RANGE', 'amount', 2],
    ['negative trades', (f) => (f.trades[0] = -1), 'BARS_NEGATIVE_VOLUME', 'trades', 0],
    [
      'column missing',
      (f) => delete (f as Partial<MinuteBars>).amount,
      'BARS_MISSING_COLUMN',
      'amount',
      undefined,
    ],
    ['column too short', (f) => (f.low = f.low.subarray(1)), 'BARS_LENGTH_MISMATCH', 'low', undefined],
  ];
  it.each(cases)(
    '%s -> its own typed error with field, asset, date and row',
    (_, mutate, code, field, row) => {
      const f = minuteFrame();
      mutate(f);
      const issues = findMinuteBarIssues(f);
      expect(issues[0]).toMatchObject({ code, field, asset: '600519.SH', date: 20230201 });
      expect(issues[0]!.row).toBe(row);
      try {
        validateMinuteBars(f);
        expect.unreachable();
      } catch (e) {
        expect(HfqError.is(e, code)).toBe(true);
        expect((e as HfqError).context).toMatchObject({ field, asset: '600519.SH', date: 20230201 });
      }
    },
  );

  it('honours tickSize: null and a coarser grid', () => {
    const f = minuteFrame();
    f.close[0] = 1851.005;
    expect(findMinuteBarIssues(f, { tickSize: null })).toEqual([]);
    expect(findMinuteBarIssues(minuteFrame(), { tickSize: 0.5 })[0]?.code).toBe('BARS_OFF_TICK_GRID');
    expect(() => findMinuteBarIssues(f, { tickSize: -1 })).toThrowError(/BARS_INVALID_OPTION/);
  });
});

describe('tick validation', () => {
  it('accepts a valid frame; auction books may be locked', () => {
    const f = tickFrame();
    f.askPrice[0] = f.bidPrice[0]!; // 09:25 auction: virtual book shows bid = ask
    expect(findTickIssues(f)).toEqual([]);
    expect(validateTickSnapshots(f)).toBe(f);
  });

  const cases: [string, (f: TickSnapshots) => void, string, string, number | undefined][] = [
    ['unsorted time', (f) => (f.time[2] = timeOfDay(9, 30)), 'BARS_UNSORTED_TIME', 'time', 2],
    ['cumulative volume falls', (f) => (f.volume[2] = 1500), 'BARS_CUMULATIVE_DECREASE', 'volume', 2],
    ['cumulative amount falls', (f) => (f.amount[1] = 7000), 'BARS_CUMULATIVE_DECREASE', 'amount', 1],
    ['cumulative trades fall', (f) => (f.trades[2] = 1), 'BARS_CUMULATIVE_DECREASE', 'trades', 2],
    ['crossed book in continuous trading', (f) => (f.bidPrice[3] = 7.52), 'BARS_CROSSED_BOOK', 'bidPrice', 1],
    ['bid levels not falling', (f) => (f.bidPrice[4] = 7.49), 'BARS_LEVEL_ORDER', 'bidPrice', 1],
    [
      'gap between levels',
      (f) => {
        f.askPrice[7] = 0;
        f.askVolume[7] = 0;
      },
      'BARS_LEVEL_ORDER',
      'askPrice',
      2,
    ],
    ['negative book volume', (f) => (f.askVolume[0] = -5), 'BARS_NEGATIVE_VOLUME', 'askVolume', 0],
    ['price off the grid', (f) => (f.last[1] = 7.515), 'BARS_OFF_TICK_GRID', 'last', 1],
    ['zero last price', (f) => (f.last[0] = 0), 'BARS_NONPOSITIVE_PRICE', 'last', 0],
    ['infinite book price', (f) => (f.bidPrice[0] = Infinity), 'BARS_NONFINITE_PRICE', 'bidPrice', 0],
    [
      'wrong level count',
      (f) => (f.bidOrders = new Float64Array(8)),
      'BARS_LEVEL_COUNT',
      'bidOrders',
      undefined,
    ],
    ['NaN cumulative volume', (f) => (f.volume[0] = NaN), 'BARS_NONFINITE_VOLUME', 'volume', 0],
  ];
  it.each(cases)('%s -> its own typed error', (_, mutate, code, field, row) => {
    const f = tickFrame();
    mutate(f);
    const issues = findTickIssues(f);
    expect(issues[0]).toMatchObject({ code, field, asset: '600000.SH' });
    expect(issues[0]!.row).toBe(row);
    expect(() => validateTickSnapshots(f)).toThrowError(new RegExp(code));
  });

  it('checks the shared column rules as minute bars do, then the book columns', () => {
    const f = tickFrame();
    f.volume = f.volume.subarray(1);
    f.askOrders = new Float64Array(3);
    expect(findTickIssues(f).map((i) => [i.code, i.field])).toEqual([
      ['BARS_LENGTH_MISMATCH', 'volume'],
      ['BARS_LEVEL_COUNT', 'askOrders'],
    ]);
    // Times of the wrong type: that one issue, for both kinds of frame.
    const ticks = tickFrame();
    const minutes = minuteFrame();
    (ticks as { time: unknown }).time = Float64Array.from(ticks.time);
    (minutes as { time: unknown }).time = Float64Array.from(minutes.time);
    const timeIssue = { code: 'BARS_MISSING_COLUMN', field: 'time', message: 'time must be an Int32Array' };
    expect(findTickIssues(ticks)).toEqual([{ ...timeIssue, asset: '600000.SH', date: 20230201 }]);
    expect(findMinuteBarIssues(minutes)).toEqual([{ ...timeIssue, asset: '600519.SH', date: 20230201 }]);
  });

  it('reports the level of a per-level issue', () => {
    const f = tickFrame();
    f.bidPrice[5] = 7.475; // snapshot 1, level 3
    expect(findTickIssues(f)[0]).toMatchObject({ code: 'BARS_OFF_TICK_GRID', row: 1, level: 3 });
  });
});

describe('volume-bar validation', () => {
  const bars = (): VolumeBars => equalVolumeBars(minuteFrame(), 250);
  it('accepts bars built by equalVolumeBars', () => {
    expect(findVolumeBarIssues(bars())).toEqual([]);
    expect(validateVolumeBars(bars()).volume.length).toBe(3);
  });
  const cases: [string, (b: VolumeBars) => void, string][] = [
    ['a bar with no minutes', (b) => (b.minutes[1] = 0), 'BARS_BAR_SPAN'],
    ['overlapping bars', (b) => (b.startTime[1] = b.endTime[0]!), 'BARS_UNSORTED_TIME'],
    ['vwap outside the range', (b) => (b.vwap[0] = 2000), 'BARS_VWAP_OUTSIDE_RANGE'],
    ['bad bar volume', (b) => (b.barVolume = 0), 'BARS_INVALID_BAR_VOLUME'],
    ['high below low', (b) => (b.high[0] = 1840), 'BARS_HIGH_BELOW_LOW'],
  ];
  it.each(cases)('%s -> its typed error', (_, mutate, code) => {
    const b = bars();
    mutate(b);
    expect(findVolumeBarIssues(b).map((i) => i.code)).toContain(code);
    expect(() => validateVolumeBars(b)).toThrowError(new RegExp(code));
  });
});

describe('repair', () => {
  it('sorts, drops exact repeats and snaps float artefacts, reporting each change', () => {
    const f = minuteFrame();
    // rows 0 and 1 swapped, row 3 repeated, a binary artefact on a price
    const swapped = allocMinuteBars(5, { asset: f.asset, date: f.date });
    const order = [1, 0, 2, 3, 3];
    for (const k of ['time', 'open', 'high', 'low', 'close', 'volume', 'amount', 'trades'] as const) {
      order.forEach((src, j) => {
        swapped[k][j] = f[k][src]!;
      });
    }
    swapped.close[2] = 1849.0000000000002;
    const { frame, changes } = repairMinuteBars(swapped);
    expect(Array.from(frame.time)).toEqual(Array.from(f.time));
    expect(Array.from(frame.volume)).toEqual([300, 200, 0, 100]);
    expect(frame.close[2]).toBe(1849);
    expect(changes.map((c) => [c.action, c.row])).toEqual([
      ['sort', 1],
      ['drop-duplicate', 4],
      ['snap-to-grid', 2],
    ]);
    expect(changes[2]).toMatchObject({
      field: 'close',
      before: 1849.0000000000002,
      after: 1849,
      asset: '600519.SH',
    });
    expect(swapped.close[2]).toBe(1849.0000000000002); // input untouched
  });

  it('refuses to guess: two different bars at one time still throw', () => {
    const f = minuteFrame();
    f.time[1] = f.time[0]!;
    expect(() => repairMinuteBars(f)).toThrowError(/BARS_DUPLICATE_TIME/);
    const g = minuteFrame();
    g.high[0] = 1840;
    expect(() => repairMinuteBars(g)).toThrowError(/BARS_/);
  });

  it('repairs ticks: repeated snapshots dropped, order restored, decreasing cumulative volume refused', () => {
    const t = tickFrame();
    const rows = [0, 2, 1, 1];
    const messy = allocTickSnapshots(4, 3, { asset: t.asset, date: t.date });
    for (const k of ['time', 'last', 'volume', 'amount', 'trades'] as const)
      rows.forEach((r, j) => {
        messy[k][j] = t[k][r]!;
      });
    for (const k of ['bidPrice', 'bidVolume', 'bidOrders', 'askPrice', 'askVolume', 'askOrders'] as const) {
      rows.forEach((r, j) => {
        messy[k].set(t[k].subarray(r * 3, r * 3 + 3), j * 3);
      });
    }
    const { frame, changes } = repairTickSnapshots(messy);
    expect(Array.from(frame.volume)).toEqual([1000, 2000, 3000]);
    expect(changes.map((c) => c.action)).toEqual(['sort', 'drop-duplicate']);
    const bad = tickFrame();
    bad.volume[2] = 10;
    bad.time[2] = bad.time[1]!;
    // same time, lower volume: sorting by (time, volume) would reorder, but then the amount falls
    expect(() => repairTickSnapshots(bad)).toThrowError(/BARS_CUMULATIVE_DECREASE/);
  });
});
