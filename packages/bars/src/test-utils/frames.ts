/** Valid synthetic frames for IO tests (prices on the 0.01 grid, volumes in lots of 100). */
import { Rng, timeOfDay } from '@hfq/core';
import { MINUTE_BAR_END_TIMES } from '../market/session.js';
import { allocMinuteBars, allocTickSnapshots, type MinuteBars, type TickSnapshots } from '../types.js';

const cents = (x: number) => Math.round(x * 100) / 100;

/** One stock-day of `minutes` (<= 240) minute bars; every 17th has no trades (NaN prices, volume 0). */
export function makeMinuteDay(asset: string, date: number, seed = 1, minutes = 240): MinuteBars {
  const rng = new Rng(seed, asset, date);
  const f = allocMinuteBars(minutes, { asset, date });
  let p = 10 + rng.uniform() * 90;
  for (let m = 0; m < minutes; m++) {
    f.time[m] = MINUTE_BAR_END_TIMES[m]!;
    if (m % 17 === 16) {
      f.volume[m] = 0;
      f.amount[m] = 0;
      f.trades[m] = 0;
      continue;
    }
    const o = cents(p);
    p *= Math.exp(rng.normal(0, 0.002));
    const c = cents(p);
    const h = cents(Math.max(o, c) + rng.uniform() * 0.05);
    const l = cents(Math.min(o, c) - rng.uniform() * 0.05);
    const v = 100 * (1 + rng.int(500));
    f.open[m] = o;
    f.high[m] = h;
    f.low[m] = l;
    f.close[m] = c;
    f.volume[m] = v;
    f.amount[m] = Math.round(v * (o + c) * 50) / 100;
    f.trades[m] = m % 5 === 0 ? NaN : 1 + rng.int(50);
  }
  return f;
}

/** One stock-day of `n` snapshots (3 s apart from 09:30) with `levels` levels; the top of the ask book sometimes empty. */
export function makeTickDay(asset: string, date: number, n = 50, levels = 5, seed = 1): TickSnapshots {
  const rng = new Rng(seed, 'ticks', asset, date);
  const t = allocTickSnapshots(n, levels, { asset, date });
  let v = 0;
  let a = 0;
  let k = 0;
  let mid = 1000 + rng.int(1000);
  for (let i = 0; i < n; i++) {
    t.time[i] = timeOfDay(9, 30) + 3000 * i;
    mid += rng.int(3) - 1;
    const draw = rng.int(20);
    const dv = i === 0 ? 0 : 100 * draw; // nothing has traded while last is NaN
    v += dv;
    a += (dv * mid) / 100;
    k += dv > 0 ? 1 : 0;
    t.last[i] = i === 0 ? NaN : mid / 100;
    t.volume[i] = v;
    t.amount[i] = a;
    t.trades[i] = k;
    const emptyAsks = i % 7 === 3 ? 2 : 0; // the deepest ask levels empty now and then
    for (let l = 0; l < levels; l++) {
      t.bidPrice[i * levels + l] = (mid - 1 - l) / 100;
      t.bidVolume[i * levels + l] = 100 * (1 + rng.int(50));
      t.bidOrders[i * levels + l] = 1 + rng.int(9);
      const empty = l >= levels - emptyAsks;
      t.askPrice[i * levels + l] = empty ? 0 : (mid + 1 + l) / 100;
      t.askVolume[i * levels + l] = empty ? 0 : 100 * (1 + rng.int(50));
      t.askOrders[i * levels + l] = empty ? 0 : l === 1 ? NaN : 1 + rng.int(9);
    }
  }
  return t;
}

/** Field-by-field identity of two frames (NaN equals NaN). Returns the first difference or ''. */
export function diffFrames(a: MinuteBars | TickSnapshots, b: MinuteBars | TickSnapshots): string {
  if (a.asset !== b.asset || a.date !== b.date) return `key ${a.asset}/${a.date} vs ${b.asset}/${b.date}`;
  for (const k of Object.keys(a) as (keyof typeof a)[]) {
    const x = a[k] as unknown;
    const y = (b as unknown as Record<string, unknown>)[k as string];
    if (ArrayBuffer.isView(x)) {
      const xa = x as unknown as ArrayLike<number>;
      const ya = y as ArrayLike<number> | undefined;
      if (!ya || ya.length !== xa.length) return `${String(k)} length ${xa.length} vs ${ya?.length}`;
      for (let i = 0; i < xa.length; i++)
        if (!Object.is(xa[i], ya[i])) return `${String(k)}[${i}] ${xa[i]} vs ${ya[i]}`;
    } else if (x !== y) return `${String(k)} ${String(x)} vs ${String(y)}`;
  }
  return '';
}
