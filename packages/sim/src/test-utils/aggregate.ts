import { type MinuteBars, minuteIndexOf, type TickSnapshots } from '@hfq/bars';

/**
 * An independent tick -> minute aggregation for tests: each snapshot's increment of cumulative
 * volume, amount and trades goes to minute `minuteIndexOf(time)`; a snapshot whose volume grew is
 * a print at its `last` price (open = first, high/low = extremes, close = last print of the
 * minute). Minutes without prints are flat at the last price so far.
 */
export function aggregateTicks(ticks: TickSnapshots): Omit<MinuteBars, 'time'> {
  const f = () => new Float64Array(240);
  const out = {
    open: f().fill(NaN),
    high: f().fill(NaN),
    low: f().fill(NaN),
    close: f().fill(NaN),
    volume: f(),
    amount: f(),
    trades: f(),
  };
  let pv = 0;
  let pa = 0;
  let pt = 0;
  for (let i = 0; i < ticks.time.length; i++) {
    const dv = ticks.volume[i]! - pv;
    const m = minuteIndexOf(ticks.time[i]!);
    if (dv > 0) {
      if (m < 0) throw new Error(`print outside the session at ${ticks.time[i]}`);
      const p = ticks.last[i]!;
      out.volume[m]! += dv;
      out.amount[m]! += ticks.amount[i]! - pa;
      out.trades[m]! += ticks.trades[i]! - pt;
      if (Number.isNaN(out.open[m]!)) {
        out.open[m] = p;
        out.high[m] = p;
        out.low[m] = p;
      }
      if (p > out.high[m]!) out.high[m] = p;
      if (p < out.low[m]!) out.low[m] = p;
      out.close[m] = p;
    }
    pv = ticks.volume[i]!;
    pa = ticks.amount[i]!;
    pt = ticks.trades[i]!;
  }
  let last = ticks.last[0]!;
  for (let m = 0; m < 240; m++) {
    if (Number.isNaN(out.open[m]!)) {
      out.open[m] = out.high[m] = out.low[m] = out.close[m] = last;
    }
    last = out.close[m]!;
  }
  return out;
}
