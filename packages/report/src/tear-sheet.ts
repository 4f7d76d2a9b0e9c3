import { formatYmd } from '@hfq/core';
import { type AlignedFactor, type FactorTearSheet, factorTearSheet } from '@hfq/metrics';
import type { TopLevelSpec } from 'vega-lite';
import { lineChart, type ReportChart } from './charts.js';
import { formatCount, formatNumber, formatPercent } from './format.js';
import { type ReportDocument, renderReport, reportHtml } from './html.js';
import type { ReportTable } from './table.js';
import { renderVegaLite, schemeColors } from './vega.js';

/** Options of {@link renderTearSheet}, {@link writeTearSheet} and {@link tearSheetDocument}. */
export interface TearSheetOptions {
  /** Page title; default `'Factor tear sheet'`. */
  title?: string;
  subtitle?: string;
  /** Shown under the title; default the render time. Pass a fixed string for reproducible files. */
  generatedAt?: string;
  /** Annualisation of alpha (default 252, alphalens'). */
  periodsPerYear?: number;
}

const cols = (...headers: string[]) => headers.map((header) => ({ header }));
const label = (p: number) => `${p}D`;
const bps = (x: number) => formatNumber(x * 10_000, 2);
const FONT = { font: 'Helvetica, Arial, sans-serif', view: { stroke: null } };
const fin = (x: number) => (Number.isFinite(x) ? x : null);

/**
 * The tear sheet's tables (formatted strings; the numbers are `factorTearSheet`'s): alphalens'
 * information table, returns table, turnover table, the alignment loss and, with groups, IC by group.
 */
export function tearSheetTables(sheet: FactorTearSheet): ReportTable[] {
  const P = sheet.periods;
  const per = P.map(label);
  const ic = sheet.ic.stats;
  const tables: ReportTable[] = [
    {
      title: 'Information coefficient (RankIC)',
      columns: cols('', ...per),
      rows: [
        ['IC mean', ...ic.map((s) => formatNumber(s.mean, 4))],
        ['IC std', ...ic.map((s) => formatNumber(s.std, 4))],
        ['Risk-adjusted IC', ...ic.map((s) => formatNumber(s.ir, 4))],
        ['t-stat (IC)', ...ic.map((s) => formatNumber(s.tStat, 4))],
        ['p-value (IC)', ...ic.map((s) => formatNumber(s.pValue, 4))],
        ['IC skew', ...ic.map((s) => formatNumber(s.skew, 4))],
        ['IC kurtosis', ...ic.map((s) => formatNumber(s.kurtosis, 4))],
        ['dates', ...ic.map((s) => formatCount(s.count))],
      ],
      note: 'Per-date Spearman IC of factor and forward return; t-stat and p-value of scipy ttest_1samp(ic, 0); skew and excess kurtosis biased (scipy defaults).',
    },
    {
      title: 'Returns',
      columns: cols('', ...per),
      rows: [
        ['Ann. alpha', ...P.map((_, i) => formatPercent(sheet.alphaBeta.annualAlpha[i]!))],
        ['beta', ...P.map((_, i) => formatNumber(sheet.alphaBeta.beta[i]!, 3))],
        [
          `Mean return top quantile (Q${sheet.spread.top}, bps)`,
          ...P.map((_, i) => bps(sheet.quantileReturns.mean[i]![sheet.spread.top - 1]!)),
        ],
        [
          `Mean return bottom quantile (Q${sheet.spread.bottom}, bps)`,
          ...P.map((_, i) => bps(sheet.quantileReturns.mean[i]![sheet.spread.bottom - 1]!)),
        ],
        ['Mean spread (bps)', ...P.map((_, i) => bps(sheet.spread.mean[i]!))],
      ],
      note: 'Returns per horizon, demeaned by date; alpha and beta from the OLS of factor-weighted returns on the universe mean, alpha annualised as (1 + a)^(252 / period) - 1.',
    },
    {
      title: 'Turnover',
      columns: cols('', ...per),
      rows: [
        ...Array.from({ length: sheet.nQuantiles }, (_, q) => [
          `Quantile ${q + 1} mean turnover`,
          ...P.map((_, i) => formatNumber(sheet.meanTurnover[i]![q]!, 3)),
        ]),
        [
          'Mean factor rank autocorrelation',
          ...P.map((_, i) => formatNumber(sheet.meanAutocorrelation[i]!, 3)),
        ],
      ],
    },
    {
      title: 'Rows kept and dropped',
      columns: cols('step', 'rows', 'share'),
      rows: [
        ['factor rows (non-NaN)', formatCount(sheet.loss.factorRows), formatPercent(1)],
        [
          'infinite factor',
          formatCount(sheet.loss.nonFiniteFactor),
          formatPercent(sheet.loss.nonFiniteFactor / sheet.loss.factorRows),
        ],
        [
          'missing forward return',
          formatCount(sheet.loss.missingForwardReturn),
          formatPercent(sheet.loss.missingForwardReturn / sheet.loss.factorRows),
        ],
        [
          'missing group',
          formatCount(sheet.loss.missingGroup),
          formatPercent(sheet.loss.missingGroup / sheet.loss.factorRows),
        ],
        ['not binnable', formatCount(sheet.loss.binning), formatPercent(sheet.loss.binningLoss)],
        ['kept', formatCount(sheet.loss.kept), formatPercent(1 - sheet.loss.totalLoss)],
      ],
    },
  ];
  const g = sheet.icByGroup;
  if (g) {
    tables.push({
      title: 'Mean IC by group',
      columns: cols('group', ...per),
      rows: g.groups.map((name, k) => [name, ...P.map((_, i) => formatNumber(g.mean[i]![k]!, 4))]),
    });
  }
  return tables;
}

function spec(o: Record<string, unknown>): TopLevelSpec {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: FONT, ...o } as TopLevelSpec;
}

async function rendered(title: string, s: TopLevelSpec, caption: string): Promise<ReportChart> {
  return { title, svg: await renderVegaLite({ title, ...s } as TopLevelSpec), caption };
}

/**
 * The tear sheet's charts, rendered to SVG: IC histogram and normal Q-Q plot per horizon, the
 * monthly mean IC heat map, mean return by quantile with standard-error bars, cumulative returns
 * by quantile and of the factor-weighted long-short portfolio (first horizon), top and bottom
 * quantile turnover and the factor rank autocorrelation.
 */
export async function tearSheetCharts(sheet: FactorTearSheet): Promise<ReportChart[]> {
  const P = sheet.periods;
  const width = Math.max(160, Math.floor(660 / P.length));
  const histRows = P.flatMap((p, i) =>
    Array.from(sheet.ic.series[i]!)
      .filter(Number.isFinite)
      .map((v) => ({ ic: v, period: label(p) })),
  );
  const qqRows = P.flatMap((p, i) =>
    Array.from(sheet.ic.qq[i]!.sample, (v, k) => ({
      sample: v,
      normal: sheet.ic.qq[i]!.theoretical[k]!,
      period: label(p),
    })),
  );
  const heatRows = P.flatMap((p, i) =>
    Array.from(sheet.ic.months, (m, k) => ({
      year: String(Math.floor(m / 100)),
      month: m % 100,
      ic: fin(sheet.ic.monthlyMean[i]![k]!),
      period: label(p),
    })),
  );
  const qRows = P.flatMap((p, i) =>
    Array.from(sheet.quantileReturns.mean[i]!, (m, q) => {
      const se = sheet.quantileReturns.stdErr[i]![q]!;
      return { q: `Q${q + 1}`, period: label(p), mean: fin(m), lo: fin(m - se), hi: fin(m + se) };
    }),
  );
  const colors = await schemeColors(sheet.nQuantiles);
  const p0 = sheet.cumulative.period;
  const charts = [
    await rendered(
      'IC distribution',
      spec({
        data: { values: histRows },
        facet: { column: { field: 'period', type: 'nominal', sort: P.map(label), title: null } },
        spec: {
          width,
          height: 200,
          mark: { type: 'bar', color: '#1f77b4' },
          encoding: {
            x: { field: 'ic', type: 'quantitative', bin: { maxbins: 20 }, title: 'IC' },
            y: { aggregate: 'count', type: 'quantitative', title: 'dates' },
          },
        },
      }),
      'Histogram of the per-date RankIC, one panel per horizon.',
    ),
    await rendered(
      'IC normal Q-Q',
      spec({
        data: { values: qqRows },
        facet: { column: { field: 'period', type: 'nominal', sort: P.map(label), title: null } },
        spec: {
          width,
          height: 200,
          layer: [
            {
              mark: { type: 'point', filled: true, size: 18, color: '#1f77b4' },
              encoding: {
                x: { field: 'normal', type: 'quantitative', title: 'normal quantile' },
                y: { field: 'sample', type: 'quantitative', title: 'standardised IC' },
              },
            },
            {
              mark: { type: 'line', color: '#d62728', strokeDash: [4, 3] },
              encoding: {
                x: { field: 'normal', type: 'quantitative' },
                y: { field: 'normal', type: 'quantitative' },
              },
            },
          ],
        },
      }),
      'Sorted standardised IC against normal quantiles at i / (n + 1); the dashed line is y = x.',
    ),
    await rendered(
      'Monthly mean IC',
      spec({
        data: { values: heatRows },
        facet: { column: { field: 'period', type: 'nominal', sort: P.map(label), title: null } },
        spec: {
          width,
          height: { step: 22 },
          mark: { type: 'rect' },
          encoding: {
            x: { field: 'month', type: 'ordinal', title: 'month' },
            y: { field: 'year', type: 'ordinal', title: null },
            color: {
              field: 'ic',
              type: 'quantitative',
              scale: { scheme: 'redblue', domainMid: 0 },
              title: 'IC',
            },
          },
        },
      }),
      'Mean RankIC of each calendar month (red below zero, blue above).',
    ),
    await rendered(
      'Mean return by quantile',
      spec({
        width: 660,
        height: 260,
        data: { values: qRows },
        layer: [
          {
            mark: { type: 'bar' },
            encoding: {
              x: { field: 'q', type: 'nominal', title: null, axis: { labelAngle: 0 } },
              xOffset: { field: 'period', type: 'nominal', sort: P.map(label) },
              y: {
                field: 'mean',
                type: 'quantitative',
                title: 'mean return (demeaned)',
                axis: { format: '.2%' },
              },
              color: {
                field: 'period',
                type: 'nominal',
                sort: P.map(label),
                title: null,
                scale: { range: ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b'] },
              },
            },
          },
          {
            mark: { type: 'rule', color: '#333' },
            encoding: {
              x: { field: 'q', type: 'nominal' },
              xOffset: { field: 'period', type: 'nominal', sort: P.map(label) },
              y: { field: 'lo', type: 'quantitative' },
              y2: { field: 'hi' },
            },
          },
        ],
      }),
      "Mean over dates of each quantile's mean forward return (demeaned by date); bars show +- one standard error.",
    ),
  ];
  const x = sheet.dates;
  charts.push(
    await lineChart({
      title: `Cumulative return by quantile (${label(p0)})`,
      x,
      series: sheet.cumulative.quantiles.map((values, q) => ({
        name: `Q${q + 1}`,
        values,
        color: colors[q]!,
      })),
      rule: 1,
      caption:
        'Growth of 1 in each quantile, demeaned by date; multi-day returns compounded at their daily rate.',
    }),
    await lineChart({
      title: `Factor-weighted long-short cumulative return (${label(p0)})`,
      x,
      series: [{ name: 'long-short', values: sheet.cumulative.longShort, color: '#2ca02c' }],
      rule: 1,
      caption: 'Weights: factor demeaned by date, absolute sum 1.',
    }),
    await lineChart({
      title: `Top and bottom quantile turnover (${label(P[0]!)})`,
      x,
      series: [
        { name: `Q${sheet.spread.top}`, values: sheet.turnover[0]![sheet.spread.top - 1]!, color: '#1f77b4' },
        {
          name: `Q${sheet.spread.bottom}`,
          values: sheet.turnover[0]![sheet.spread.bottom - 1]!,
          color: '#d62728',
        },
      ],
      yFormat: 'percent',
      zero: true,
      caption: "Share of the quantile's assets that were not in it one period earlier.",
    }),
    await lineChart({
      title: `Factor rank autocorrelation (${label(P[0]!)})`,
      x,
      series: [{ name: 'autocorrelation', values: sheet.autocorrelation[0]!, color: '#9467bd' }],
      caption: 'Pearson correlation of factor ranks with their ranks one period earlier.',
    }),
  );
  return charts;
}

/** The tear sheet as a `ReportDocument` (to add sections or render as Markdown). */
export async function tearSheetDocument(
  sheet: FactorTearSheet,
  options: TearSheetOptions = {},
): Promise<ReportDocument> {
  const tables = tearSheetTables(sheet);
  const charts = await tearSheetCharts(sheet);
  const first = formatYmd(sheet.dates[0]!);
  const last = formatYmd(sheet.dates[sheet.dates.length - 1]!);
  return {
    title: options.title ?? 'Factor tear sheet',
    subtitle:
      options.subtitle ??
      `${first} to ${last}, ${sheet.dates.length} dates, ${sheet.loss.kept} rows, ${sheet.nQuantiles} quantiles, horizons ${sheet.periods.map(label).join(', ')}`,
    ...(options.generatedAt !== undefined ? { generatedAt: options.generatedAt } : {}),
    sections: [
      {
        title: 'Summary',
        blocks: [
          ...sheet.warnings.map((w) => ({ kind: 'paragraph' as const, text: `Warning: ${w}` })),
          { kind: 'table', table: tables[3]! },
          { kind: 'table', table: tables[0]! },
          { kind: 'table', table: tables[1]! },
        ],
      },
      {
        title: 'Information coefficient',
        blocks: [
          { kind: 'chart', chart: charts[0]! },
          { kind: 'chart', chart: charts[1]! },
          { kind: 'chart', chart: charts[2]! },
          ...tables.slice(4).map((table) => ({ kind: 'table' as const, table })),
        ],
      },
      {
        title: 'Returns',
        blocks: [
          { kind: 'chart', chart: charts[3]! },
          { kind: 'chart', chart: charts[4]! },
          { kind: 'chart', chart: charts[5]! },
        ],
      },
      {
        title: 'Turnover',
        blocks: [
          { kind: 'table', table: tables[2]! },
          { kind: 'chart', chart: charts[6]! },
          { kind: 'chart', chart: charts[7]! },
        ],
      },
    ],
    footer:
      'Statistics follow alphalens (get_clean_factor_and_forward_returns, performance.py); computed by @hfq/metrics.',
  };
}

/**
 * alphalens' full tear sheet from one call: `factorTearSheet(aligned)` rendered as one
 * self-contained HTML page (inline SVG charts, no scripts or network). Use {@link writeTearSheet}
 * to write it to a file.
 *
 * @throws HfqError `METRICS_BAD_INPUT` when `aligned` is not an `AlignedFactor`; `REPORT_RENDER` when a chart fails.
 * @example
 * const html = await renderTearSheet(alignFactor(factor, close, { periods: [1, 5] }));
 */
export async function renderTearSheet(
  aligned: AlignedFactor,
  options: TearSheetOptions = {},
): Promise<string> {
  const sheet = factorTearSheet(
    aligned,
    options.periodsPerYear === undefined ? {} : { periodsPerYear: options.periodsPerYear },
  );
  return reportHtml(await tearSheetDocument(sheet, options));
}

/**
 * Writes the tear sheet of `aligned` to `path` (atomically, creating the directory), as
 * {@link renderTearSheet}. Returns the absolute path and size in bytes.
 *
 * @throws HfqError like {@link renderTearSheet}; `REPORT_RENDER` when the file cannot be written.
 */
export async function writeTearSheet(
  path: string,
  aligned: AlignedFactor,
  options: TearSheetOptions = {},
): Promise<{ path: string; bytes: number }> {
  const sheet = factorTearSheet(
    aligned,
    options.periodsPerYear === undefined ? {} : { periodsPerYear: options.periodsPerYear },
  );
  return renderReport(path, await tearSheetDocument(sheet, options));
}
