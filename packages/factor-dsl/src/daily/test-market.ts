import { Panel, Rng } from '@hfq/core';

/**
 * A small random daily market for tests: `T` dates x `N` assets of close/open/high/low/vwap/volume/
 * amount/turnover, an intraday factor's daily values (`min_vol_first5`), industry codes (a dates x
 * assets panel), with suspended days and a late listing.
 */
export function testDailyMarket(
  T: number,
  N: number,
  seed = 7,
): { inputs: Record<string, Panel>; industry: Panel } {
  const rng = new Rng(seed, 'daily-market');
  const dates: number[] = [];
  for (let d = new Date(Date.UTC(2023, 0, 2)); dates.length < T; d.setUTCDate(d.getUTCDate() + 1)) {
    dates.push(d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate());
  }
  const assets = Array.from({ length: N }, (_, a) => `A${a}`);
  const make = () => new Float64Array(T * N);
  const f: Record<string, Float64Array> = {};
  for (const k of ['close', 'open', 'high', 'low', 'vwap', 'volume', 'amount', 'turnover', 'min_vol_first5'])
    f[k] = make();
  const industry = make();
  for (let a = 0; a < N; a++) {
    let p = 10 + a;
    for (let t = 0; t < T; t++) {
      const i = t * N + a;
      p *= Math.exp(rng.normal() * 0.02);
      const listed = a !== 1 || t >= 10;
      const suspended = a === 2 && t % 13 === 5;
      const v = listed && !suspended ? Math.round(Math.exp(12 + rng.normal() * 0.5)) : NaN;
      f.close![i] = listed && !suspended ? p : NaN;
      f.open![i] = f.close![i]! * (1 + rng.normal() * 0.005);
      f.high![i] = Math.max(f.open![i]!, f.close![i]!) * (1 + Math.abs(rng.normal()) * 0.01);
      f.low![i] = Math.min(f.open![i]!, f.close![i]!) * (1 - Math.abs(rng.normal()) * 0.01);
      f.vwap![i] = (f.high![i]! + f.low![i]! + f.close![i]!) / 3;
      f.volume![i] = v;
      f.amount![i] = v * f.vwap![i]!;
      f.turnover![i] = v / 1e7;
      f.min_vol_first5![i] = listed && !suspended ? 0.05 + 0.02 * rng.uniform() : NaN;
      industry[i] = a === N - 1 ? -1 : a % 3;
    }
  }
  const inputs: Record<string, Panel> = {};
  for (const [k, v] of Object.entries(f)) inputs[k] = new Panel(dates, assets, v);
  return { inputs, industry: new Panel(dates, assets, industry) };
}
