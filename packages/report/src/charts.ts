import { formatYmd } from '@hfq/core';
import { cumulativeIC, type GroupBacktestResult, type NavSeries } from '@hfq/metrics';
import type { TopLevelSpec } from 'vega-lite';
import { reportError } from './errors.js';
import { renderVegaLite, schemeColors } from './vega.js';

/** A rendered chart: an SVG string and its title. Put it in a report with `{ kind: 'chart', chart }`. */
export interface ReportChart {
  title: string;
  svg: string;
  /** A sentence saying what the chart shows (the HTML figure caption). */
  caption?: string;
}

/** One line (or bar series) of a chart. */
export interface ChartSeries {
  name: string;
  values: ArrayLike<number>;
  /** CSS colour; default from the chart's palette. */
  color?: string;
  /** Draw dashed (e.g. a benchmark). */
  dashed?: boolean;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  title: string;
  /** x values: `yyyymmdd` dates (default) or plain numbers (`xType: 'number'`). */
  x: ArrayLike<number>;
  xType?: 'date' | 'number';
  series: ChartSeries[];
  /** y axis labels as percent of a fraction (`'percent'`) or plain numbers (default). */
  yFormat?: 'percent' | 'number';
  yTitle?: string;
  /** Draw a horizontal rule at this y (e.g. 1 for a NAV, 0 for returns). */
  rule?: number;
  /** `'area'` fills down to zero (drawdowns). Default `'line'`. */
  mark?: 'line' | 'area';
  /** Include 0 in the y scale; default false. */
  zero?: boolean;
  /** Pixels; defaults 720 x 300. */
  width?: number;
  height?: number;
  /** Longest series drawn; longer ones are thinned to every k-th point (first and last kept). Default 1500; 0 = all. */
  maxPoints?: number;
  caption?: string;
}

const DEFAULT_W = 720;
const DEFAULT_H = 300;
const CATEGORY = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

function xValue(x: number, type: 'date' | 'number'): string | number {
  return type === 'date' ? formatYmd(x) : x;
}

/** Indices kept after thinning `n` points to at most `max` (every k-th, plus the last). */
function keptIndices(n: number, max: number): number[] {
  const step = max > 0 && n > max ? Math.ceil(n / max) : 1;
  const out: number[] = [];
  for (let i = 0; i < n; i += step) out.push(i);
  if (n > 0 && out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

function checkLengths(x: ArrayLike<number>, series: ChartSeries[]): void {
  for (const s of series) {
    if (s.values.length !== x.length) {
      throw reportError(
        'REPORT_LENGTH_MISMATCH',
        `series ${s.name} has ${s.values.length} values for ${x.length} x values`,
        {
          field: s.name,
        },
      );
    }
  }
}

/** Vega-Lite for a multi-series line (or area) chart; exported for users who restyle it. */
export function lineChartSpec(o: LineChartOptions): TopLevelSpec {
  checkLengths(o.x, o.series);
  const type = o.xType ?? 'date';
  const rows: Array<{ x: string | number; y: number | null; s: string }> = [];
  for (const s of o.series) {
    for (const i of keptIndices(o.x.length, o.maxPoints ?? 1500)) {
      const v = s.values[i]!;
      rows.push({ x: xValue(o.x[i]!, type), y: Number.isFinite(v) ? v : null, s: s.name });
    }
  }
  const names = o.series.map((s) => s.name);
  const dashed = o.series.map((s) => (s.dashed ? [6, 4] : [1, 0]));
  const yAxis = o.yFormat === 'percent' ? { format: '.0%' } : {};
  const layers: unknown[] = [
    {
      mark:
        o.mark === 'area' ? { type: 'area', opacity: 0.35, line: true } : { type: 'line', strokeWidth: 1.6 },
      encoding: {
        x: {
          field: 'x',
          type: type === 'date' ? 'temporal' : 'quantitative',
          title: null,
          ...(type === 'date'
            ? { scale: { type: 'utc' }, axis: { format: '%Y-%m', labelOverlap: true } }
            : {}),
        },
        y: {
          field: 'y',
          type: 'quantitative',
          title: o.yTitle ?? null,
          scale: { zero: o.zero ?? false },
          axis: yAxis,
        },
        color: seriesColor(o.series),
        ...(o.mark === 'area'
          ? {}
          : {
              strokeDash: {
                field: 's',
                type: 'nominal',
                scale: { domain: names, range: dashed },
                legend: null,
              },
            }),
      },
    },
  ];
  if (o.rule !== undefined) {
    layers.push({
      mark: { type: 'rule', color: '#888', strokeDash: [2, 2] },
      encoding: { y: { datum: o.rule } },
    });
  }
  return {
    ...specHead(o, rows),
    layer: layers,
    config: { font: 'Helvetica, Arial, sans-serif', view: { stroke: null } },
  } as TopLevelSpec;
}

/**
 * A line (or area) chart of one or more series over dates or numbers, rendered to SVG in Node.
 * NaN values leave gaps. The generic helper behind the study charts below.
 */
export async function lineChart(options: LineChartOptions): Promise<ReportChart> {
  return chart(options.title, await renderVegaLite(lineChartSpec(options)), options.caption);
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  title: string;
  categories: string[];
  /** One or more series of values per category (grouped side by side). */
  series: ChartSeries[];
  yFormat?: 'percent' | 'number';
  yTitle?: string;
  width?: number;
  height?: number;
  caption?: string;
}

/** Vega-Lite for a (grouped) bar chart; exported for users who restyle it. */
export function barChartSpec(o: BarChartOptions): TopLevelSpec {
  checkLengths(o.categories as unknown as ArrayLike<number>, o.series);
  const rows = o.series.flatMap((s) =>
    o.categories.map((c, i) => ({ c, y: Number.isFinite(s.values[i]!) ? s.values[i]! : null, s: s.name })),
  );
  const names = o.series.map((s) => s.name);
  return {
    ...specHead(o, rows),
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'c', type: 'nominal', sort: o.categories, title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 's', type: 'nominal', sort: names },
      y: {
        field: 'y',
        type: 'quantitative',
        title: o.yTitle ?? null,
        axis: o.yFormat === 'percent' ? { format: '.0%' } : {},
      },
      color: seriesColor(o.series),
    },
    config: { font: 'Helvetica, Arial, sans-serif', view: { stroke: null } },
  } as TopLevelSpec;
}

/** A bar chart over categories, rendered to SVG in Node. */
export async function barChart(options: BarChartOptions): Promise<ReportChart> {
  return chart(options.title, await renderVegaLite(barChartSpec(options)), options.caption);
}

/** The colour encoding of the series field `s`: each series its own colour or the palette's, a legend when there are several. */
function seriesColor(series: readonly ChartSeries[]) {
  const names = series.map((s) => s.name);
  return {
    field: 's',
    type: 'nominal',
    title: null,
    scale: { domain: names, range: series.map((s, i) => s.color ?? CATEGORY[i % CATEGORY.length]!) },
    legend: names.length > 1 ? { orient: 'right' } : null,
  };
}

/** The first keys of every chart spec: schema, title, size (pixels, default 720 x 300) and the data rows. */
function specHead(o: { title: string; width?: number; height?: number }, rows: unknown[]) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title,
    width: o.width ?? DEFAULT_W,
    height: o.height ?? DEFAULT_H,
    data: { values: rows },
  };
}

function chart(title: string, svg: string, caption?: string): ReportChart {
  return caption === undefined ? { title, svg } : { title, svg, caption };
}

/** Rows `[first, end)` of the days on which the backtest held portfolios (from the first entry). */
function heldRange(r: GroupBacktestResult): number {
  const i = r.dates.indexOf(r.entryDates[0]!);
  return Math.max(i, 0);
}

/**
 * Group NAVs of a `groupBacktest`: one line per group (G1 lowest factor, dark, to TOP, light) and
 * the universe equal-weight NAV dashed in black. Fan-out order = monotonic factor.
 */
export async function groupNavChart(
  result: GroupBacktestResult,
  options: { title?: string; width?: number; height?: number } = {},
): Promise<ReportChart> {
  const start = heldRange(result);
  const colors = await schemeColors(result.groups);
  const series: ChartSeries[] = result.groupNav.map((nav, g) => ({
    name: g === result.groups - 1 ? `G${g + 1} (TOP)` : `G${g + 1}`,
    values: nav.subarray(start),
    color: colors[g]!,
  }));
  series.push({ name: 'universe', values: result.universeNav.subarray(start), color: '#000', dashed: true });
  return lineChart({
    title: options.title ?? 'Group NAVs',
    x: result.dates.subarray(start),
    series,
    rule: 1,
    yTitle: 'NAV',
    ...(options.width ? { width: options.width } : {}),
    ...(options.height ? { height: options.height } : {}),
    caption: `${result.groups} equal-count groups by factor value, equal weights, rebalanced ${result.rebalanceDates.length} times; NAV 1 at the first formation.`,
  });
}

/** The TOP group's NAV relative to the universe equal-weight NAV (the study's TOP excess curve). */
export async function topRelativeNavChart(
  result: GroupBacktestResult,
  options: { title?: string; width?: number; height?: number } = {},
): Promise<ReportChart> {
  const start = heldRange(result);
  const top = result.groupNav[result.groups - 1]!;
  const rel = new Float64Array(result.dates.length - start);
  for (let t = 0; t < rel.length; t++) rel[t] = top[start + t]! / result.universeNav[start + t]!;
  return lineChart({
    title: options.title ?? 'TOP group relative NAV (vs universe)',
    x: result.dates.subarray(start),
    series: [{ name: 'TOP / universe', values: rel, color: '#d62728' }],
    rule: 1,
    yTitle: 'relative NAV',
    ...(options.width ? { width: options.width } : {}),
    ...(options.height ? { height: options.height } : {}),
    caption: `Annualised excess ${(100 * result.top.excessAnnualReturn).toFixed(2)}%, IR ${result.top.informationRatio.toFixed(2)}, monthly win rate ${(100 * result.top.monthlyWinRate).toFixed(2)}%.`,
  });
}

/**
 * Cumulative IC (running sum of the per-date values, NaN dates add nothing), optionally for
 * several factors at once: `series` are per-date IC series on the same `dates`.
 */
export async function cumulativeICChart(
  dates: ArrayLike<number>,
  series: ChartSeries[],
  options: { title?: string; label?: string; width?: number; height?: number } = {},
): Promise<ReportChart> {
  const label = options.label ?? 'RankIC';
  return lineChart({
    title: options.title ?? `Cumulative ${label}`,
    x: dates,
    series: series.map((s) => ({ ...s, values: cumulativeIC(s.values) })),
    rule: 0,
    yTitle: `cumulative ${label}`,
    ...(options.width ? { width: options.width } : {}),
    ...(options.height ? { height: options.height } : {}),
    caption: `Running sum of the per-date ${label}: a straight rising line is a steady signal; flat stretches are dates where it stopped working.`,
  });
}

/**
 * Excess NAV (portfolio / benchmark) above and its drawdown below, from `navSeries`.
 * Drawdown is drawn negative, in percent.
 */
export async function excessNavDrawdownChart(
  nav: Pick<NavSeries, 'dates' | 'relativeNav' | 'excessDrawdown'>,
  options: { title?: string; width?: number } = {},
): Promise<ReportChart> {
  const start = nav.relativeNav.findIndex(Number.isFinite);
  if (start < 0) throw reportError('REPORT_NO_DATA', 'relativeNav has no finite value (no benchmark?)', {});
  const dates = nav.dates.subarray(start);
  const dd = nav.excessDrawdown.subarray(start).map((v) => -v);
  const width = options.width ?? DEFAULT_W;
  const top = lineChartSpec({
    title: '',
    x: dates,
    series: [{ name: 'excess NAV', values: nav.relativeNav.subarray(start), color: '#1f77b4' }],
    rule: 1,
    yTitle: 'excess NAV',
    width,
    height: 240,
  });
  const bottom = lineChartSpec({
    title: '',
    x: dates,
    series: [{ name: 'excess drawdown', values: dd, color: '#d62728' }],
    mark: 'area',
    yFormat: 'percent',
    yTitle: 'drawdown',
    zero: true,
    width,
    height: 120,
  });
  const strip = (s: TopLevelSpec) => {
    const { $schema: _s, title: _t, config: _c, ...rest } = s as unknown as Record<string, unknown>;
    return rest;
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? 'Excess NAV and drawdown',
    vconcat: [strip(top), strip(bottom)],
    resolve: { scale: { color: 'independent', strokeDash: 'independent' }, legend: { color: 'independent' } },
    config: { font: 'Helvetica, Arial, sans-serif', view: { stroke: null } },
  } as unknown as TopLevelSpec;
  let worst = 0;
  for (const v of dd) worst = Math.min(worst, v);
  return chart(
    options.title ?? 'Excess NAV and drawdown',
    await renderVegaLite(spec),
    `Relative NAV portfolio / benchmark; excess max drawdown ${(100 * -worst).toFixed(2)}%.`,
  );
}

/** Bar chart of each group's annualised return and excess over the universe (the decile bar chart). */
export async function groupReturnsChart(
  result: GroupBacktestResult,
  options: { title?: string; width?: number; height?: number } = {},
): Promise<ReportChart> {
  const categories = Array.from({ length: result.groups }, (_, g) => `G${g + 1}`);
  return barChart({
    title: options.title ?? 'Annualised return by group',
    categories,
    series: [
      { name: 'annual return', values: result.groupAnnualReturn, color: '#1f77b4' },
      { name: 'excess vs universe', values: result.groupExcessAnnualReturn, color: '#ff7f0e' },
    ],
    yFormat: 'percent',
    ...(options.width ? { width: options.width } : {}),
    ...(options.height ? { height: options.height } : {}),
    caption: `Monotonicity (Spearman of group number vs annual return) ${result.monotonicity.toFixed(2)}.`,
  });
}
