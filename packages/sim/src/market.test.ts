import { createHash } from 'node:crypto';
import type { MinuteBars, TickSnapshots } from '@hfq/bars';
import { HfqError } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MARKET_CONFIG } from './config.js';
import { createMarket, STYLE_NAMES } from './market.js';

/** SHA-256 of every typed-array field of a frame (in key order), for bit-exact comparisons. */
function bytes(f: MinuteBars | TickSnapshots | null): string {
  if (!f) return 'null';
  const h = createHash('sha256');
  for (const [k, v] of Object.entries(f).sort(([x], [y]) => (x < y ? -1 : 1))) {
    h.update(k);
    if (ArrayBuffer.isView(v)) h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    else h.update(String(v));
  }
  return h.digest('hex');
}

function firstTraded(m: ReturnType<typeof createMarket>, a: number, from = 0): number {
  for (let t = from; t < m.calendar.length; t++) if (m.minuteBars(a, t)) return t;
  throw new Error('no traded day');
}

describe('createMarket', () => {
  it('uses documented defaults: 250 stocks, 500 days, 30 industries, a 100-stock index', () => {
    const m = createMarket();
    expect(m.config).toMatchObject({ nStocks: 250, nDays: 500, nIndustries: 30, indexSize: 100, levels: 10 });
    expect(m.config.tickIntervalMs).toBe(3000);
    expect(m.assets.length).toBe(250);
    expect(m.calendar.length).toBe(500);
    expect(m.calendar.first).toBe(20200102);
    expect(m.industryNames.length).toBe(30);
    expect(Math.max(...m.industry)).toBeLessThan(30);
    expect(new Set(m.assets).size).toBe(250);
    for (const [i, id] of m.assets.entries()) {
      const prefix = id.slice(0, 3);
      const board = m.board[i];
      if (board === 'chinext') expect(prefix).toBe('300');
      else if (board === 'star') expect(prefix).toBe('688');
      else expect(id.startsWith('60') || id.startsWith('00')).toBe(true);
      expect(id).toMatch(/^\d{6}\.(SH|SZ)$/);
    }
    expect(m.assetIndex(m.assets[17]!)).toBe(17);
    // No weekends, no National Day.
    for (const d of m.calendar.dates) {
      const wd = new Date(
        Date.UTC(Math.floor(d / 10000), (Math.floor(d / 100) % 100) - 1, d % 100),
      ).getUTCDay();
      expect(wd === 0 || wd === 6).toBe(false);
      expect(d % 10000 >= 1001 && d % 10000 <= 1007).toBe(false);
    }
  });

  it('rejects bad configs and bad indices with SIM_ codes naming the field', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return HfqError.is(e)
          ? `${e.code}:${String(e.context.field ?? e.context.index ?? e.context.asset)}`
          : 'other';
      }
      return 'none';
    };
    expect(code(() => createMarket({ nStocks: 0 }))).toBe('SIM_INVALID_CONFIG:nStocks');
    expect(code(() => createMarket({ tickIntervalMs: 5000 }))).toBe('SIM_INVALID_CONFIG:tickIntervalMs');
    expect(code(() => createMarket({ startDate: 20200231 }))).toBe('SIM_INVALID_CONFIG:startDate');
    expect(code(() => createMarket({ garchAlpha: 0.2, garchBeta: 0.85 }))).toBe(
      'SIM_INVALID_CONFIG:garchBeta',
    );
    expect(code(() => createMarket({ nStocks: 10, indexSize: 10 }))).toBe('SIM_INVALID_CONFIG:indexSize');
    expect(code(() => createMarket({ alphaPersistence: Number.NaN }))).toBe(
      'SIM_INVALID_CONFIG:alphaPersistence',
    );
    expect(code(() => createMarket({ nope: 1 } as never))).toBe('SIM_INVALID_CONFIG:nope');
    const m = createMarket({ nStocks: 5, nDays: 5 });
    expect(code(() => m.minuteBars(5, 0))).toBe('SIM_ASSET_OUT_OF_RANGE:5');
    expect(code(() => m.ticks(0, 5))).toBe('SIM_DAY_OUT_OF_RANGE:5');
    expect(code(() => m.assetIndex('999999.SH'))).toBe('SIM_ASSET_OUT_OF_RANGE:999999.SH');
    expect(DEFAULT_MARKET_CONFIG.nStocks).toBe(250);
  });
});

describe('determinism', () => {
  it('same seed, stock and day give the same bytes whatever was generated before', () => {
    const a = createMarket({ seed: 'det', nStocks: 20, nDays: 30 });
    const b = createMarket({ seed: 'det', nStocks: 20, nDays: 30 });
    const t = firstTraded(a, 13, 20);
    const first = [bytes(a.minuteBars(13, t)), bytes(a.ticks(13, t))];
    // b generates lots of other things first, in reverse order, then the same stock-day.
    b.daily();
    for (let s = 19; s >= 0; s -= 5) for (let u = 29; u >= 0; u -= 10) b.ticks(s, u);
    b.truth();
    expect(bytes(b.minuteBars(13, t))).toEqual(first[0]);
    expect(bytes(b.ticks(13, t))).toEqual(first[1]);
    // ...and a again after everything else.
    a.index();
    expect(bytes(a.minuteBars(13, t))).toEqual(first[0]);
    expect(a.daily().close.values).toEqual(b.daily().close.values);
    expect(a.daily().amount.values).toEqual(b.daily().amount.values);
    expect(a.index().close).toEqual(b.index().close);
  });

  it('does not depend on the number of stocks: a stock keeps its id, path and intraday data', () => {
    const small = createMarket({ seed: 4, nStocks: 15, nDays: 20 });
    const big = createMarket({ seed: 4, nStocks: 40, nDays: 20 });
    expect(big.assets.slice(0, 15)).toEqual(small.assets);
    const t = firstTraded(small, 7);
    expect(bytes(big.minuteBars(7, t))).toEqual(bytes(small.minuteBars(7, t)));
    expect(bytes(big.ticks(7, t))).toEqual(bytes(small.ticks(7, t)));
  });

  it('a tiny path cache (paths evicted and re-simulated) changes nothing', () => {
    const full = createMarket({ seed: 6, nStocks: 12, nDays: 30 });
    const tiny = createMarket({ seed: 6, nStocks: 12, nDays: 30, pathCacheSize: 1 });
    expect(tiny.config.pathCacheSize).toBe(1);
    expect(full.config.pathCacheSize).toBeGreaterThan(1000);
    // Interleaved access forces an eviction on every call.
    for (let t = 0; t < 30; t += 4) {
      for (let a = 0; a < 12; a += 5)
        expect(bytes(tiny.minuteBars(a, t))).toEqual(bytes(full.minuteBars(a, t)));
    }
    expect(tiny.daily().vwap.values).toEqual(full.daily().vwap.values);
    expect(tiny.truth().listDay).toEqual(full.truth().listDay);
    expect(tiny.index().weight.values).toEqual(full.index().weight.values);
  });

  it('different seeds give different markets', () => {
    const a = createMarket({ seed: 1, nStocks: 10, nDays: 10 });
    const b = createMarket({ seed: 2, nStocks: 10, nDays: 10 });
    expect(a.daily().close.values).not.toEqual(b.daily().close.values);
    expect(a.truth().alpha.values).not.toEqual(b.truth().alpha.values);
  });
});

describe('no look-ahead', () => {
  it('everything at T is bit-identical when the market runs longer (different draws after T)', () => {
    const short = createMarket({ seed: 77, nStocks: 25, nDays: 60 });
    const long = createMarket({ seed: 77, nStocks: 25, nDays: 90 });
    const T = 60;
    expect(Array.from(long.calendar.dates.subarray(0, T))).toEqual(Array.from(short.calendar.dates));
    const n = 25 * T;
    const prefix = (v: Float64Array) => Array.from(v.subarray(0, n));
    const st = short.truth();
    const lt = long.truth();
    expect(prefix(lt.alpha.values)).toEqual(prefix(st.alpha.values));
    expect(prefix(lt.expectedReturn.values)).toEqual(prefix(st.expectedReturn.values));
    for (const name of STYLE_NAMES) {
      expect(prefix(long.styles()[name].values)).toEqual(prefix(short.styles()[name].values));
    }
    const sd = short.daily();
    const ld = long.daily();
    for (const f of Object.keys(sd) as (keyof typeof sd)[]) {
      expect(prefix(ld[f].values), f).toEqual(prefix(sd[f].values));
    }
    expect(prefix(long.index().weight.values)).toEqual(prefix(short.index().weight.values));
    expect(Array.from(long.index().close.subarray(0, T))).toEqual(Array.from(short.index().close));
    // Intraday footprints of the last common day.
    for (let a = 0; a < 25; a += 6) {
      expect(bytes(long.minuteBars(a, T - 1))).toEqual(bytes(short.minuteBars(a, T - 1)));
      expect(bytes(long.ticks(a, T - 1))).toEqual(bytes(short.ticks(a, T - 1)));
    }
  });
});

describe('truth and styles', () => {
  it('alpha is a unit-variance AR(1) with the configured persistence', () => {
    const m = createMarket({ seed: 8, nStocks: 80, nDays: 250 });
    const alpha = m.truth().alpha;
    let sxx = 0;
    let sxy = 0;
    let n = 0;
    let ss = 0;
    for (let t = 1; t < 250; t++) {
      for (let a = 0; a < 80; a++) {
        const x = alpha.get(t - 1, a);
        const y = alpha.get(t, a);
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        sxx += x * x;
        sxy += x * y;
        ss += y * y;
        n++;
      }
    }
    expect(sxy / sxx).toBeGreaterThan(0.87);
    expect(sxy / sxx).toBeLessThan(0.93);
    expect(Math.sqrt(ss / n)).toBeGreaterThan(0.85);
    expect(Math.sqrt(ss / n)).toBeLessThan(1.15);
  });

  it('styles are roughly standardised, NaN where not listed, and size tracks float cap', () => {
    const m = createMarket({ seed: 8, nStocks: 80, nDays: 40 });
    const styles = m.styles();
    const daily = m.daily();
    expect(styles.names).toEqual(['size', 'beta', 'momentum', 'residualVolatility', 'liquidity', 'value']);
    for (const name of styles.names) {
      const row = Array.from(styles[name].row(39)).filter(Number.isFinite);
      const mu = row.reduce((x, y) => x + y, 0) / row.length;
      const sd = Math.sqrt(row.reduce((x, y) => x + (y - mu) ** 2, 0) / row.length);
      expect(Math.abs(mu), name).toBeLessThan(0.8);
      expect(sd, name).toBeGreaterThan(0.4);
      expect(sd, name).toBeLessThan(2);
    }
    for (let a = 0; a < 80; a++) {
      if (daily.listed.get(39, a) === 0) expect(styles.size.get(39, a)).toBeNaN();
      else
        expect(styles.size.get(39, a)).toBeCloseTo(
          (Math.log(daily.floatMarketCap.get(39, a)) - Math.log(8e9)) / 0.9,
          9,
        );
    }
  });
});
