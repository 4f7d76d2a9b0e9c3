import {
  Calendar,
  formatYmd,
  type Panel,
  ProgressReporter,
  RankWorkspace,
  type RebalanceRule,
  rebalanceIndices,
  type TaskOptions,
} from '@hfq/core';
import { metricsError } from '../errors.js';
import { rankIC } from '../ic/ic.js';
import { assetMap } from '../ic/ic-series.js';
import { checkIntOption, checkPositiveOption } from '../internal/checks.js';
import { checkAligned, checkNotPrices, checkPanel } from '../internal/validate.js';
import { portfolioStats } from '../performance/portfolio-stats.js';

/** The rebalance rule and its dates live in `@hfq/core` (one parser, one set of error codes). */

/** Options of {@link groupBacktest}. */
export interface GroupBacktestOptions extends TaskOptions {
  /** Number of equal-count groups; default 10. Group 0 holds the lowest factor values, the last group (TOP) the highest. */
  groups?: number;
  /** Rebalance dates (factor observation dates); default `'weekly'`. */
  rebalance?: RebalanceRule;
  /**
   * Trading days between observing the factor (close of T) and forming the portfolio; default 1:
   * positions are taken at the close of T+1 and earn returns from T+2 on, so a weekly period
   * earns close(T+1) -> close(T'+1), matching the study's T+1..T+6 RankIC return.
   */
  lag?: number;
  /**
   * Tradability mask (dates x assets, aligned by date value and asset id): at rebalance date T a
   * stock may enter a group only where `tradable` is finite and non-zero on T. Build the study's
   * mask (no ST, not suspended / limit-up on T+1) with `tradableMask`. Omit to allow every stock
   * with a finite factor. A rebalance date missing from the mask is an error.
   */
  tradable?: Panel;
  /** Periods per year for annualising; default 252. */
  periodsPerYear?: number;
}

/** TOP-group statistics against the universe equal-weight portfolio (fractions, not percent). */
export interface TopGroupStats {
  /** Geometric annual return of the TOP group. */
  annualReturn: number;
  /** Annualised from the relative NAV TOP / universe (the study's "TOP excess"). */
  excessAnnualReturn: number;
  /** Annualised std of the relative NAV's daily returns. */
  trackingError: number;
  /** excessAnnualReturn / trackingError (the study's "TOP IR"). */
  informationRatio: number;
  /** Share of calendar months in which TOP beat the universe (relative NAV rose) (the study's "TOP win"). */
  monthlyWinRate: number;
  /** Max drawdown of the relative NAV. */
  excessMaxDrawdown: number;
  /** Mean two-sided turnover per rebalance, first formation excluded (the study's "TOP turnover"; 1 = 100%). */
  meanTurnover: number;
}

/** Result of {@link groupBacktest}. Per-group arrays are views into shared buffers (one allocation each). */
export interface GroupBacktestResult {
  groups: number;
  /** The daily calendar (`returns.dates`). */
  dates: Int32Array;
  /** Factor dates of the rebalances that formed portfolios. */
  rebalanceDates: Int32Array;
  /** Dates on which each portfolio was formed (rebalance date + lag). */
  entryDates: Int32Array;
  /** Candidate rebalance dates skipped because fewer than `groups` stocks were eligible (holdings carried on). */
  skippedDates: Int32Array;
  /** Eligible stocks at each performed rebalance. */
  eligible: Int32Array;
  /** `groupSizes[g][k]`: stocks in group g at rebalance k. */
  groupSizes: Int32Array[];
  /** `groupReturns[g][t]`: daily return of group g (NaN up to and including the first entry day). */
  groupReturns: Float64Array[];
  /** `groupNav[g][t]`: NAV, 1 at the close of the first entry day, NaN before. */
  groupNav: Float64Array[];
  /** Daily return of the equal-weight portfolio of all eligible stocks (same conventions). */
  universeReturns: Float64Array;
  universeNav: Float64Array;
  /** `periodReturns[g][k]`: return of group g over holding period k (entry k to entry k+1, or to the end). */
  periodReturns: Float64Array[];
  /** Universe return over each holding period. */
  universePeriodReturns: Float64Array;
  /** `turnover[g][k]`: two-sided turnover of group g at rebalance k, sum of |new - drifted old weight| (NaN at k = 0). */
  turnover: Float64Array[];
  /** Geometric annual return of each group over the backtest. */
  groupAnnualReturn: Float64Array;
  /** Each group's annualised excess over the universe (from the relative NAV). */
  groupExcessAnnualReturn: Float64Array;
  /** Geometric annual return of the universe equal-weight portfolio. */
  universeAnnualReturn: number;
  top: TopGroupStats;
  /** Daily TOP minus bottom-group spread, its NAV and statistics. */
  longShort: {
    returns: Float64Array;
    nav: Float64Array;
    annualReturn: number;
    annualVolatility: number;
    sharpe: number;
    maxDrawdown: number;
  };
  /** Spearman correlation between group number (1 = lowest) and group annual return; 1 = perfectly monotone. */
  monotonicity: number;
}

/**
 * Throws `METRICS_BAD_RETURN` at the first return that is infinite or below -1: it cannot be
 * compounded (an infinite return would otherwise be skipped like NaN, one below -100% would
 * turn a holding's value negative). NaN passes: it means missing and counts 0.
 */
function checkReturnsPanel(returns: Panel): void {
  const v = returns.values;
  const nA = returns.nAssets;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (Number.isNaN(x) || (x >= -1 && x !== Number.POSITIVE_INFINITY)) continue;
    const row = Math.floor(i / nA);
    const asset = returns.assets[i - row * nA]!;
    const date = returns.dates[row]!;
    throw metricsError(
      'METRICS_BAD_RETURN',
      `returns of ${asset} on ${formatYmd(date)} is ${x}: a daily return must be finite and >= -1 (NaN for missing)`,
      { field: 'returns', asset, date, row },
    );
  }
}

/**
 * The study's quantile ("10-group") backtest of a factor.
 *
 * At each rebalance date T: the eligible stocks are those of `returns.assets` with a finite factor
 * value on T (factor aligned by date value and asset id) and, when `tradable` is given, tradable on
 * T. They are ranked by factor (average ranks, ties share a rank) and split into `groups`
 * equal-count groups by the midpoint of each rank: group = floor((rank - 1/2) * groups / n). Sizes
 * differ by at most one, leftover stocks are spread evenly rather than dropped (qlib drops
 * them), a block of tied values always lands in one group, and reversing the factor mirrors the
 * groups (but for a stock exactly on a boundary, possible only with an even number of groups and
 * an odd number of stocks: it goes to the upper group). Each group, and the universe of all eligible stocks, is bought in equal weights at the
 * close of T + `lag` and held (weights drift with prices, buy-and-hold) until the next portfolio
 * is formed; the last one is held to the end of `returns`.
 *
 * Missing returns: a NaN daily return of a held stock counts as 0 (the position is frozen at its
 * last value, as qlib does for suspended stocks); use `dailyReturns`, which puts the move over a
 * suspension on the resumption day. A group left empty (possible only when a block of tied values
 * is larger than a group) holds cash for that period: return 0, size 0 in `groupSizes`.
 * A candidate date with fewer than `groups` eligible stocks is
 * skipped and the previous holdings are carried on (listed in `skippedDates`); no costs.
 *
 * Statistics: TOP = the highest-factor group. Its excess return is annualised from the relative
 * NAV TOP / universe, the information ratio divides it by the annualised std of the relative NAV's
 * daily returns, the win rate counts calendar months in which the relative NAV rose (all via
 * `portfolioStats`, daily, `periodsPerYear`), and turnover is two-sided, sum over stocks of
 * |new weight - drifted old weight| (selling everything and buying new names = 2 = 200%), averaged
 * over rebalances after the first. Long-short is the daily TOP - bottom return spread.
 *
 * Cost O(days x held stocks + rebalances x assets log assets); allocates outputs once.
 * Reports progress per day (`stage: 'groupBacktest'`), honours `signal`.
 *
 * @param factor scores, dates x assets (NaN = no score).
 * @param returns daily simple returns, dates x assets (see `dailyReturns`); defines the calendar and the universe.
 * @throws HfqError `METRICS_BAD_RETURN` (with date, asset and row) for an infinite return or one
 *   below -1 (-100%) anywhere in `returns` (NaN is allowed: missing);
 *   `INVALID_ARGUMENT`, `NOT_SORTED`, `NOT_FOUND` (a malformed `rebalance` rule or a rebalance
 *   date not in `returns`; see `@hfq/core` `rebalanceIndices`), `METRICS_INVALID_OPTION`,
 *   `METRICS_BAD_DATE` (tradable dates),
 *   `METRICS_NO_DATA` (no rebalance with at least `groups` eligible stocks),
 *   `METRICS_BAD_INPUT` (an argument that is not a `Panel`), `METRICS_ALIGNMENT` (`factor` shares
 *   no date or no asset id with `returns`; partial overlap is fine), `METRICS_BAD_RETURN` also
 *   when `returns` looks like prices (most |r| > 10), `ABORTED`.
 */
export function groupBacktest(
  factor: Panel,
  returns: Panel,
  options: GroupBacktestOptions = {},
): GroupBacktestResult {
  const G = checkIntOption(options.groups ?? 10, 'groups', 2, 1000);
  const lag = checkIntOption(options.lag ?? 1, 'lag', 0);
  const ppy = checkPositiveOption(options.periodsPerYear ?? 252, 'periodsPerYear');
  checkPanel(factor, 'factor');
  checkPanel(returns, 'returns');
  if (options.tradable !== undefined) checkPanel(options.tradable, 'tradable');
  checkAligned(returns, factor, 'returns', 'factor');
  checkNotPrices(returns, 'returns');
  const nD = returns.nDates;
  const nA = returns.nAssets;
  const dates = returns.dates;
  const cal = new Calendar(dates);
  checkReturnsPanel(returns);
  const candidates = rebalanceIndices(cal, options.rebalance ?? 'weekly', 'rebalance');
  const fCols = assetMap(returns.assets, factor);
  const tradable = options.tradable;
  const tCols = tradable ? assetMap(returns.assets, tradable) : undefined;

  // Eligible stocks at rebalance row `row`: fills vals/idx, returns their number.
  const vals = new Float64Array(nA);
  const idx = new Int32Array(nA);
  const gatherEligible = (row: number): number => {
    const date = dates[row]!;
    const fr = factor.dateIndex(date);
    if (fr < 0) return 0;
    let tr = 0;
    if (tradable) {
      tr = tradable.dateIndex(date);
      if (tr < 0) {
        throw metricsError('METRICS_BAD_DATE', `tradable has no row for rebalance date ${formatYmd(date)}`, {
          field: 'tradable',
          date,
        });
      }
    }
    const fBase = fr * factor.nAssets;
    const tBase = tr * (tradable?.nAssets ?? 0);
    let m = 0;
    for (let a = 0; a < nA; a++) {
      const j = fCols[a]!;
      if (j < 0) continue;
      const v = factor.values[fBase + j]!;
      if (!Number.isFinite(v)) continue;
      if (tCols) {
        const c = tCols[a]!;
        const flag = c < 0 ? Number.NaN : tradable!.values[tBase + c]!;
        if (!Number.isFinite(flag) || flag === 0) continue;
      }
      vals[m] = v;
      idx[m++] = a;
    }
    return m;
  };

  // Pass 1: which candidates form portfolios (enough eligible stocks and a day left to hold).
  const performed: number[] = [];
  const skipped: number[] = [];
  const eligibleCounts: number[] = [];
  for (let k = 0; k < candidates.length; k++) {
    const row = candidates[k]!;
    if (row + lag > nD - 2) continue;
    const m = gatherEligible(row);
    if (m < G) {
      skipped.push(dates[row]!);
      continue;
    }
    performed.push(row);
    eligibleCounts.push(m);
  }
  const K = performed.length;
  if (K === 0) {
    throw metricsError(
      'METRICS_NO_DATA',
      `no rebalance date had at least ${G} eligible stocks (finite factor${tradable ? ', tradable' : ''}) with a day left to hold`,
      { field: 'factor', candidates: candidates.length },
    );
  }

  // Outputs: one buffer per kind, views per group.
  const dayBuf = new Float64Array((2 * G + 4) * nD).fill(Number.NaN);
  const view = (slot: number) => dayBuf.subarray(slot * nD, (slot + 1) * nD);
  const groupReturns = Array.from({ length: G }, (_, g) => view(g));
  const groupNav = Array.from({ length: G }, (_, g) => view(G + g));
  const universeReturns = view(2 * G);
  const universeNav = view(2 * G + 1);
  const lsReturns = view(2 * G + 2);
  const lsNav = view(2 * G + 3);
  const perBuf = new Float64Array((2 * G + 1) * K).fill(Number.NaN);
  const periodReturns = Array.from({ length: G }, (_, g) => perBuf.subarray(g * K, (g + 1) * K));
  const turnover = Array.from({ length: G }, (_, g) => perBuf.subarray((G + g) * K, (G + g + 1) * K));
  const universePeriodReturns = perBuf.subarray(2 * G * K);
  const sizeBuf = new Int32Array(G * K);
  const groupSizes = Array.from({ length: G }, (_, g) => sizeBuf.subarray(g * K, (g + 1) * K));

  // Pass 2: simulate day by day. Slot G is the universe.
  const value = new Float64Array(nA); // value of each held stock since the last entry (starts at 1)
  const group = new Int16Array(nA).fill(-1);
  const held = new Int32Array(nA);
  let nHeld = 0;
  const count = new Float64Array(G + 1);
  const sums = new Float64Array(G + 1);
  const prevValue = new Float64Array(G + 1); // slot value (mean of member values) at the previous close
  const navNow = new Float64Array(G + 1);
  const rv = returns.values;
  const ranker = new RankWorkspace(nA);
  const ranks = new Float64Array(nA);
  const assign = new Int16Array(nA);
  const newCount = new Float64Array(G);
  const to = new Float64Array(G);
  const progress = new ProgressReporter(options, 'groupBacktest', nD, 'days');
  let next = 0; // next performed rebalance
  for (let t = 0; t < nD; t++) {
    if (nHeld > 0) {
      sums.fill(0);
      const base = t * nA;
      for (let h = 0; h < nHeld; h++) {
        const a = held[h]!;
        const r = rv[base + a]!;
        if (Number.isFinite(r)) value[a] = value[a]! * (1 + r);
        sums[group[a]!] += value[a]!;
      }
      let total = 0;
      for (let g = 0; g < G; g++) total += sums[g]!;
      sums[G] = total;
      for (let g = 0; g <= G; g++) {
        const v = count[g]! > 0 ? sums[g]! / count[g]! : 1; // an empty group (ties) holds cash
        const ret = v / prevValue[g]! - 1;
        prevValue[g] = v;
        navNow[g] = navNow[g]! * (1 + ret);
        if (g < G) {
          groupReturns[g]![t] = ret;
          groupNav[g]![t] = navNow[g]!;
        } else {
          universeReturns[t] = ret;
          universeNav[t] = navNow[g]!;
        }
      }
    }
    if (next < K && performed[next]! + lag === t) {
      const m = gatherEligible(performed[next]!);
      ranker.rank(vals, m, ranks);
      assign.fill(-1);
      for (let q = 0; q < m; q++) assign[idx[q]!] = Math.min(G - 1, Math.floor(((ranks[q]! - 0.5) * G) / m));
      if (next > 0) {
        // Close the period that ends here, and measure turnover against drifted weights.
        for (let g = 0; g < G; g++) periodReturns[g]![next - 1] = prevValue[g]! - 1;
        universePeriodReturns[next - 1] = prevValue[G]! - 1;
        newCount.fill(0);
        for (let a = 0; a < nA; a++) if (assign[a]! >= 0) newCount[assign[a]!]++;
        to.fill(0);
        for (let a = 0; a < nA; a++) {
          const og = group[a]!;
          const ng = assign[a]!;
          const oldW = og >= 0 ? value[a]! / sums[og]! : 0;
          const newW = ng >= 0 ? 1 / newCount[ng]! : 0;
          if (og === ng) {
            if (og >= 0) to[og] += Math.abs(newW - oldW);
          } else {
            if (og >= 0) to[og] += oldW;
            if (ng >= 0) to[ng] += newW;
          }
        }
        for (let g = 0; g < G; g++) turnover[g]![next] = to[g]!;
      } else {
        for (let g = 0; g <= G; g++) navNow[g] = 1;
        for (let g = 0; g < G; g++) groupNav[g]![t] = 1;
        universeNav[t] = 1;
      }
      nHeld = 0;
      count.fill(0);
      for (let a = 0; a < nA; a++) {
        const g = assign[a]!;
        group[a] = g;
        if (g < 0) continue;
        value[a] = 1;
        held[nHeld++] = a;
        count[g]++;
      }
      count[G] = nHeld;
      for (let g = 0; g < G; g++) groupSizes[g]![next] = count[g]!;
      prevValue.fill(1);
      next++;
    }
    progress.tick();
  }
  for (let g = 0; g < G; g++) periodReturns[g]![K - 1] = prevValue[g]! - 1;
  universePeriodReturns[K - 1] = prevValue[G]! - 1;

  // Statistics.
  const start = performed[0]! + lag; // first entry row; returns are earned from start + 1
  const nHeldDays = nD - 1 - start;
  const groupAnnualReturn = new Float64Array(G);
  const groupExcessAnnualReturn = new Float64Array(G);
  const uEnd = universeNav[nD - 1]!;
  for (let g = 0; g < G; g++) {
    const end = groupNav[g]![nD - 1]!;
    groupAnnualReturn[g] = end ** (ppy / nHeldDays) - 1;
    groupExcessAnnualReturn[g] = (end / uEnd) ** (ppy / nHeldDays) - 1;
  }
  const top = groupReturns[G - 1]!;
  const bottom = groupReturns[0]!;
  lsNav[start] = 1;
  for (let t = start + 1; t < nD; t++) {
    lsReturns[t] = top[t]! - bottom[t]!;
    lsNav[t] = lsNav[t - 1]! * (1 + lsReturns[t]!);
  }
  const topStats = portfolioStats({ returns: top, dates, benchmark: universeReturns, periodsPerYear: ppy });
  const lsStats = portfolioStats({ returns: lsReturns, dates, periodsPerYear: ppy });
  let toSum = 0;
  let toN = 0;
  for (let k = 1; k < K; k++) {
    toSum += turnover[G - 1]![k]!;
    toN++;
  }
  const groupNumbers = Float64Array.from({ length: G }, (_, g) => g + 1);
  return {
    groups: G,
    dates: Int32Array.from(dates),
    rebalanceDates: Int32Array.from(performed, (row) => dates[row]!),
    entryDates: Int32Array.from(performed, (row) => dates[row + lag]!),
    skippedDates: Int32Array.from(skipped),
    eligible: Int32Array.from(eligibleCounts),
    groupSizes,
    groupReturns,
    groupNav,
    universeReturns,
    universeNav,
    periodReturns,
    universePeriodReturns,
    turnover,
    groupAnnualReturn,
    groupExcessAnnualReturn,
    universeAnnualReturn: uEnd ** (ppy / nHeldDays) - 1,
    top: {
      annualReturn: topStats.annualReturn,
      excessAnnualReturn: topStats.excessAnnualReturn,
      trackingError: topStats.trackingError,
      informationRatio: topStats.informationRatio,
      monthlyWinRate: topStats.monthlyWinRate,
      excessMaxDrawdown: topStats.excessMaxDrawdown,
      meanTurnover: toN > 0 ? toSum / toN : Number.NaN,
    },
    longShort: {
      returns: lsReturns,
      nav: lsNav,
      annualReturn: lsStats.annualReturn,
      annualVolatility: lsStats.annualVolatility,
      sharpe: lsStats.sharpe,
      maxDrawdown: lsStats.maxDrawdown,
    },
    monotonicity: rankIC(groupNumbers, groupAnnualReturn),
  };
}
