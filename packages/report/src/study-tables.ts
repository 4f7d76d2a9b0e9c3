import { formatYmd } from '@hfq/core';
import type {
  CorrelationTable,
  GroupBacktestResult,
  IcSummary,
  PortfolioStats,
  TopGroupStats,
} from '@hfq/metrics';
import { formatCount, formatNumber, formatPercent, MISSING } from './format.js';
import type { ReportTable } from './table.js';

const cols = (...headers: string[]) => headers.map((header) => ({ header }));

/**
 * IC table: one row per factor with mean, std, IR (mean/std, not annualised), share > 0,
 * t-statistic and the number of dates. `label` names the measure (default `'RankIC'`).
 */
export function icTable(
  entries: ReadonlyArray<{ name: string; summary: IcSummary }>,
  options: { label?: string; title?: string } = {},
): ReportTable {
  const l = options.label ?? 'RankIC';
  return {
    ...(options.title ? { title: options.title } : {}),
    columns: cols('factor', l, `${l} std`, `${l}IR`, `${l}>0`, 't-stat', 'dates'),
    rows: entries.map(({ name, summary: s }) => [
      name,
      formatPercent(s.mean),
      formatPercent(s.std),
      formatNumber(s.ir),
      formatPercent(s.positiveRatio),
      formatNumber(s.tStat),
      formatCount(s.count),
    ]),
    note: `${l} mean and std in percent; ${l}IR = mean / std (not annualised); ${l}>0 = share of dates with a positive value.`,
  };
}

/**
 * The study's single-factor test table (section 4): RankIC, RankIC std, ICIR, RankIC>0, then TOP
 * excess, TOP IR, TOP win (monthly) and TOP two-sided turnover from a `groupBacktest`.
 */
export function factorTestTable(
  entries: ReadonlyArray<{ name: string; ic: IcSummary; top?: TopGroupStats | GroupBacktestResult }>,
  options: { title?: string } = {},
): ReportTable {
  return {
    ...(options.title ? { title: options.title } : {}),
    columns: cols(
      'factor',
      'RankIC',
      'RankIC std',
      'ICIR',
      'RankIC>0',
      'TOP excess',
      'TOP IR',
      'TOP win',
      'TOP turnover',
    ),
    rows: entries.map(({ name, ic, top }) => {
      const t = top && 'top' in top ? top.top : top;
      return [
        name,
        formatPercent(ic.mean),
        formatPercent(ic.std),
        formatNumber(ic.ir),
        formatPercent(ic.positiveRatio),
        t ? formatPercent(t.excessAnnualReturn) : MISSING,
        t ? formatNumber(t.informationRatio) : MISSING,
        t ? formatPercent(t.monthlyWinRate) : MISSING,
        t ? formatPercent(t.meanTurnover) : MISSING,
      ];
    }),
    note: 'TOP = highest-factor group; excess annualised from the TOP / universe NAV; win = share of calendar months TOP beat the universe; turnover two-sided per rebalance (200% = full replacement).',
  };
}

function mean(a: ArrayLike<number>, from = 0): number {
  let s = 0;
  let n = 0;
  for (let i = from; i < a.length; i++) {
    if (Number.isFinite(a[i]!)) {
      s += a[i]!;
      n++;
    }
  }
  return n > 0 ? s / n : Number.NaN;
}

/**
 * Group table of one `groupBacktest`: a row per group (G1 = lowest factor values, the last = TOP),
 * then the universe and long-short: annual return, annual excess over the universe, mean return
 * per holding period, mean two-sided turnover, mean group size.
 */
export function groupTable(result: GroupBacktestResult, options: { title?: string } = {}): ReportTable {
  const G = result.groups;
  const rows: string[][] = [];
  for (let g = 0; g < G; g++) {
    rows.push([
      g === G - 1 ? `G${g + 1} (TOP)` : `G${g + 1}`,
      formatPercent(result.groupAnnualReturn[g]!),
      formatPercent(result.groupExcessAnnualReturn[g]!),
      formatPercent(mean(result.periodReturns[g]!)),
      formatPercent(mean(result.turnover[g]!, 1)),
      formatNumber(mean(result.groupSizes[g]!), 1),
    ]);
  }
  rows.push([
    'universe',
    formatPercent(result.universeAnnualReturn),
    formatPercent(0),
    formatPercent(mean(result.universePeriodReturns)),
    MISSING,
    formatNumber(mean(result.eligible), 1),
  ]);
  rows.push(['long-short', formatPercent(result.longShort.annualReturn), MISSING, MISSING, MISSING, MISSING]);
  return {
    ...(options.title ? { title: options.title } : {}),
    columns: cols('group', 'annual return', 'excess', 'per period', 'turnover', 'stocks'),
    rows,
    note: `${result.rebalanceDates.length} rebalances ${formatYmd(result.rebalanceDates[0]!)} to ${formatYmd(
      result.rebalanceDates[result.rebalanceDates.length - 1]!,
    )}; monotonicity (Spearman of group number vs annual return) ${formatNumber(result.monotonicity)}.`,
  };
}

/**
 * The study's enhanced-index table (section 5): return, volatility, Sharpe, max drawdown, excess,
 * tracking error, excess max drawdown, IR, Calmar, monthly win rate, turnover. A benchmark row
 * (stats without a benchmark) shows {@link MISSING} in the relative columns.
 */
export function enhancedIndexTable(
  entries: ReadonlyArray<{ name: string; stats: PortfolioStats; turnover?: number }>,
  options: { title?: string } = {},
): ReportTable {
  return {
    ...(options.title ? { title: options.title } : {}),
    columns: cols(
      'portfolio',
      'return',
      'vol',
      'Sharpe',
      'MDD',
      'excess',
      'TE',
      'excess MDD',
      'IR',
      'Calmar',
      'month win',
      'turnover',
    ),
    rows: entries.map(({ name, stats: s, turnover }) => {
      const rel = Number.isFinite(s.excessAnnualReturn);
      return [
        name,
        formatPercent(s.annualReturn),
        formatPercent(s.annualVolatility),
        formatNumber(s.sharpe),
        formatPercent(s.maxDrawdown),
        formatPercent(s.excessAnnualReturn),
        formatPercent(s.trackingError),
        formatPercent(s.excessMaxDrawdown),
        formatNumber(s.informationRatio),
        rel ? formatNumber(s.calmar) : MISSING,
        rel ? formatPercent(s.monthlyWinRate) : MISSING,
        turnover === undefined ? MISSING : formatPercent(turnover),
      ];
    }),
    note: 'Annualised; Sharpe = return / vol (no risk-free rate); excess from the relative NAV portfolio / benchmark; IR = excess / TE; Calmar = excess / excess MDD.',
  };
}

/**
 * Calendar-year returns: a row per year, a column per portfolio, then the benchmark (from the
 * first entry that has one) and each portfolio's excess `(1 + r) / (1 + b) - 1`.
 */
export function calendarYearTable(
  entries: ReadonlyArray<{ name: string; stats: PortfolioStats }>,
  options: { title?: string; benchmarkName?: string } = {},
): ReportTable {
  const years = [...new Set(entries.flatMap((e) => Array.from(e.stats.yearly.years)))].sort((a, b) => a - b);
  const withBench = entries.find((e) => e.stats.yearly.benchmark.some(Number.isFinite));
  const excessCols = entries.filter((e) => e.stats.yearly.excess.some(Number.isFinite));
  const cell = (y: YearArrays, year: number, key: 'returns' | 'benchmark' | 'excess') => {
    const i = Array.prototype.indexOf.call(y.years, year) as number;
    return i < 0 ? MISSING : formatPercent(y[key][i]!);
  };
  return {
    ...(options.title ? { title: options.title } : {}),
    columns: cols(
      'year',
      ...entries.map((e) => e.name),
      ...(withBench ? [options.benchmarkName ?? 'benchmark'] : []),
      ...excessCols.map((e) => `${e.name} excess`),
    ),
    rows: years.map((year) => [
      String(year),
      ...entries.map((e) => cell(e.stats.yearly, year, 'returns')),
      ...(withBench ? [cell(withBench.stats.yearly, year, 'benchmark')] : []),
      ...excessCols.map((e) => cell(e.stats.yearly, year, 'excess')),
    ]),
    note: 'Calendar-year returns (a partial first or last year covers only its dates); excess = (1 + r) / (1 + b) - 1.',
  };
}
type YearArrays = PortfolioStats['yearly'];

/** A correlation table (factor x factor or factor x risk) with `digits` decimals (default 2). */
export function correlationTable(
  table: CorrelationTable,
  options: { title?: string; digits?: number } = {},
): ReportTable {
  const d = options.digits ?? 2;
  const nC = table.columns.length;
  return {
    ...(options.title ? { title: options.title } : {}),
    columns: cols('', ...table.columns),
    rows: table.rows.map((r, i) => [
      r,
      ...table.columns.map((_, j) => formatNumber(table.values[i * nC + j]!, d)),
    ]),
    note: `Time average of per-date cross-sectional ${table.method === 'spearman' ? 'Spearman' : 'Pearson'} correlations.`,
  };
}
