/**
 * Part (c) of the real-data study, the daily side: the study's daily factors and qlib's Alpha158 as
 * formulas of the factor language's daily level (`evaluateDaily`), over the daily panels of the
 * dataset; and the point-in-time CSI 300 + CSI 500 universe from the dataset's index.
 */
import type { DailyBars, IndexData } from '@hfq/bars';
import { Panel } from '@hfq/core';
import { ALPHA158, type DailyFactorDef, evaluateDaily } from '@hfq/factor-dsl';
import { dailyReturns } from '@hfq/metrics';

/**
 * Window statistic `op(x, w)` with the study's rule: NaN unless the window is complete (w days of
 * history) and at least 3/4 of its days have a value. `fill_nan(close, 0)` counts days of history,
 * present or not.
 */
const win = (op: string, x: string, w: number) =>
  `if(and(ts_count(fill_nan(close, 0), ${w}) >= ${w}, ts_count(${x}, ${w}) >= ${Math.ceil(0.75 * w)}), ${op}(${x}, ${w}), 0 / 0)`;
/** Traded value (not in the data): volume x (open + high + low + close) / 4, yuan. */
const AMOUNT = 'volume * ((open + high + low + close) / 4)';

/**
 * The daily factors (all known at the close of T). Inputs: `price` = close x adjustment factor,
 * `ret` = daily return of the adjusted close (`@hfq/metrics`' `dailyReturns`: a suspension's move
 * lands on the resumption day), `open`, `high`, `low`, `close`, `volume` (NaN on days without).
 */
export const DAILY_FACTORS: readonly (DailyFactorDef & { meaning: string })[] = [
  {
    name: 'ret5',
    formula: 'price / delay(price, 5) - 1',
    meaning: '5-day return (reversal: expect a negative RankIC)',
  },
  { name: 'ret20', formula: 'price / delay(price, 20) - 1', meaning: '20-day return' },
  {
    name: 'mom_240_20',
    formula: 'delay(price, 20) / delay(price, 240) - 1',
    meaning: '12-month momentum skipping the last month: return T-240 -> T-20',
  },
  { name: 'vol20', formula: win('ts_std', 'ret', 20), meaning: 'std of daily returns over 20 days' },
  {
    name: 'max_ret20',
    formula: win('ts_max', 'ret', 20),
    meaning: 'largest daily return over 20 days (lottery demand)',
  },
  {
    name: 'hl_range20',
    formula: win('ts_mean', '(high - low) / close', 20),
    meaning: 'mean (high - low) / close over 20 days',
  },
  {
    name: 'amihud20',
    formula: `log(${win('ts_mean', `abs(ret) / (${AMOUNT}) * 1e9`, 20)})`,
    meaning: 'log mean |return| / traded value over 20 days (illiquidity)',
  },
  {
    name: 'log_amount20',
    formula: `log(${win('ts_mean', AMOUNT, 20)})`,
    meaning: 'log mean traded value over 20 days (liquidity; a size proxy)',
  },
  {
    name: 'volume_ratio_5_60',
    formula: `log(${win('ts_mean', 'volume', 5)} / ${win('ts_mean', 'volume', 60)})`,
    meaning: 'log mean volume 5 days / 60 days (abnormal volume)',
  },
];

/** Elementwise map of panels on one grid into a new float64 panel. */
function mapPanel(like: Panel, f: (i: number) => number): Panel<Float64Array> {
  const out = Panel.alloc(like.dates, like.assets);
  for (let i = 0; i < out.values.length; i++) out.values[i] = f(i);
  return out;
}

/** The study's daily factor panels (dates x assets of `d`), by name. */
export async function dailyFactorPanels(d: DailyBars): Promise<Record<string, Panel>> {
  const adj = d.adjFactor.values;
  return evaluateDaily(DAILY_FACTORS, {
    price: mapPanel(d.close, (i) => d.close.values[i]! * adj[i]!),
    ret: dailyReturns(d.close, { adjFactor: d.adjFactor }),
    open: d.open,
    high: d.high,
    low: d.low,
    close: d.close,
    volume: mapPanel(d.volume, (i) => (d.volume.values[i]! > 0 ? d.volume.values[i]! : Number.NaN)),
  });
}

/**
 * qlib's Alpha158 on the daily panels, with qlib's inputs: prices adjusted (x adjustment factor),
 * volume divided by it, no row on a day without volume (a suspension is NaN). The data has no
 * traded value, so `$vwap` is the typical price (open + high + low + close) / 4, adjusted.
 */
export async function alpha158Panels(d: DailyBars): Promise<Record<string, Panel>> {
  const adj = d.adjFactor.values;
  const traded = (i: number) => d.volume.values[i]! > 0;
  const px = (p: Panel) => mapPanel(p, (i) => (traded(i) ? p.values[i]! * adj[i]! : Number.NaN));
  const o = d.open.values;
  const h = d.high.values;
  const l = d.low.values;
  const c = d.close.values;
  return evaluateDaily(ALPHA158, {
    open: px(d.open),
    high: px(d.high),
    low: px(d.low),
    close: px(d.close),
    vwap: mapPanel(d.close, (i) =>
      traded(i) ? ((o[i]! + h[i]! + l[i]! + c[i]!) / 4) * adj[i]! : Number.NaN,
    ),
    volume: mapPanel(d.volume, (i) => (traded(i) ? d.volume.values[i]! / adj[i]! : Number.NaN)),
  });
}

/**
 * Point-in-time membership from the dataset's index, as a 0/1 mask on its dates. The membership
 * files end before the daily data: after `lastKnown` (the last date with any member) the
 * membership of `lastKnown` is carried forward.
 */
export function carriedMembership(index: IndexData): { member: Panel<Float64Array>; lastKnown: number } {
  const c = index.constituent;
  const nA = c.nAssets;
  let last = -1;
  for (let t = 0; t < c.nDates; t++) if (c.row(t).some((v) => v === 1)) last = t;
  const member = mapPanel(c, (i) => {
    const t = Math.floor(i / nA);
    return c.values[Math.min(t, last) * nA + (i % nA)] === 1 ? 1 : 0;
  });
  return { member, lastKnown: c.dates[last]! };
}

/** Elementwise product of two 1/0 masks on the same dates and assets. */
export function andMask(x: Panel, y: Panel): Panel<Float64Array> {
  return mapPanel(x, (i) => (x.values[i] === 1 && y.values[i] === 1 ? 1 : 0));
}

/**
 * Per date up to the end of the membership files: the distinct members of the union of the files
 * (qlib-style `symbol,start_date,end_date` intervals, inclusive) and those that are in `inData`,
 * the daily file's universe. The daily data is survivorship-biased (only stocks listed in 2026):
 * the gap is the members it misses (delisted, or never in the source). The dataset holds only its
 * own assets, so this reads the files themselves.
 */
export function membershipCoverage(
  texts: readonly string[],
  dates: Int32Array,
  inData: ReadonlySet<string>,
  normalize: (s: string) => string,
): { members: Int32Array; membersInData: Int32Array; lastKnown: number } {
  const ymd = (s: string) => Number(s.replaceAll('-', ''));
  const intervals = texts.flatMap((text) =>
    text
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','))
      .map(([s, a, b]) => ({ symbol: normalize(s!), start: ymd(a!), end: ymd(b!) })),
  );
  const lastKnown = Math.max(...intervals.map((i) => i.end));
  const members = new Int32Array(dates.length);
  const membersInData = new Int32Array(dates.length);
  dates.forEach((d, t) => {
    if (d > lastKnown) return;
    const seen = new Set(intervals.filter((i) => d >= i.start && d <= i.end).map((i) => i.symbol));
    members[t] = seen.size;
    membersInData[t] = [...seen].filter((s) => inData.has(s)).length;
  });
  return { members, membersInData, lastKnown };
}
