/**
 * 09 — Render a report (HTML + Markdown).
 *
 *   node --conditions=source --import tsx examples/09-report.ts [--stocks 200] [--days 300]
 *
 * `@hfq/report` turns results into one self-contained HTML page (inline CSS and SVG charts
 * rendered in Node by vega-lite: no scripts, no network, opens anywhere) and the same document
 * as Markdown. A report is plain data: sections of paragraphs, headline figures, tables and charts.
 *
 * This script runs a small study end to end on a simulated market and reports it:
 *   - three minute-bar factors and the planted alpha: RankIC table, cumulative RankIC chart,
 *     factor correlation table,
 *   - the 10-group backtest of one factor: group table, group NAVs, TOP vs universe, group returns,
 *   - an enhanced-index backtest on that factor: the study's table, calendar years, excess NAV.
 *
 * Writes to out/examples/09-report/:
 *   report.html   open it in a browser
 *   report.md     the same document as Markdown (charts by title)
 */
import { join } from 'node:path';
import { formatYmd } from '@hfq/core';
import { evaluateFactors, type FactorDef } from '@hfq/factor-dsl';
import {
  cumulativeIC,
  dailyReturns,
  factorCorrelation,
  groupBacktest,
  icSummary,
  navSeries,
  rankICSeries,
} from '@hfq/metrics';
import { backtestEnhancedIndex } from '@hfq/optimizer';
import {
  calendarYearTable,
  correlationTable,
  cumulativeICChart,
  enhancedIndexTable,
  excessNavDrawdownChart,
  factorTestTable,
  groupNavChart,
  groupReturnsChart,
  groupTable,
  type ReportDocument,
  renderReport,
  reportMarkdown,
  topRelativeNavChart,
} from '@hfq/report';
import { exampleOutDir, pct, say, shown, startExample, writeText } from './lib/script.js';
import { studyMarket } from './lib/study-market.js';

const { opts, clock, onProgress } = startExample('09-report', 'a small study rendered as HTML and Markdown', {
  stocks: { default: 200, help: 'number of stocks' },
  days: { default: 300, help: 'number of trading days' },
  seed: { default: 7, help: 'market seed' },
});
const out = exampleOutDir('09-report');

// 1. The study in miniature (each step is explained in examples 01, 03, 07 and 08).
const { market, cal, daily, weekly, forward, universe } = studyMarket(opts, { onProgress });
const factors: FactorDef[] = [
  { id: 'late_volume_share', source: 'minute', formula: 'share(between(volume, 1400, 1500), volume)' },
  { id: 'volume_per_trade', source: 'minute', formula: 'log(sum(volume) / sum(trades))' },
  { id: 'return_volume_corr', source: 'minute', formula: 'corr(log_return(close), volume)' },
];
const cube = await evaluateFactors(market, factors, {
  days: Array.from(weekly, (d) => cal.index(d)),
  onProgress,
});
const panels: Record<string, ReturnType<typeof cube.factorPanel>> = Object.fromEntries(
  factors.map((f) => [f.id, cube.factorPanel(f.id)]),
);
panels['planted alpha (oracle)'] = market.truth().alpha.alignTo(cube.dates, cube.assets);
const series = Object.entries(panels).map(([name, p]) => ({
  name,
  ic: rankICSeries(p, forward, { universe, minAssets: 30 }),
}));
const returns = dailyReturns(daily.close, { adjFactor: daily.adjFactor });
const chosen = 'late_volume_share'; // chosen before looking: the simulator's calibration names it
const groups = groupBacktest(panels[chosen]!, returns, { tradable: universe });
const bt = await backtestEnhancedIndex(
  {
    signal: panels[chosen]!,
    market: { daily, index: market.index(), industry: market.industry, styles: market.styles() },
    start: cal.at(60),
  },
  { onProgress },
);
const floor = bt.scenarios.floor80!;
const nav = navSeries({ returns: floor.returns, dates: bt.dates, benchmark: bt.benchmark.returns });
say(`study done in ${clock.lap()}; rendering`);

// 2. The document: sections of blocks. Strings are paragraphs (`code` and **bold** work).
const summaries = series.map((s) => ({ name: s.name, ic: icSummary(s.ic) }));
const doc: ReportDocument = {
  title: 'hfq example report',
  subtitle: `Simulated market: ${opts.stocks} stocks, ${formatYmd(cal.first)} to ${formatYmd(cal.last)} (seed ${opts.seed})`,
  generatedAt: 'examples/09-report.ts',
  sections: [
    {
      title: 'Headline',
      blocks: [
        {
          kind: 'figures',
          items: [
            { label: `${chosen} weekly RankIC`, value: pct(summaries[0]!.ic.mean) },
            { label: 'oracle weekly RankIC', value: pct(summaries.at(-1)!.ic.mean) },
            { label: 'TOP group excess, annualised', value: pct(groups.top.excessAnnualReturn) },
            { label: 'enhanced index excess (80% floor)', value: pct(floor.summary.excessAnnualReturn) },
          ],
        },
        'Factors are evaluated at the close of T; RankIC uses the close T+1 -> close T+6 return on stocks that are not ST and neither suspended nor limit-up on T+1.',
      ],
    },
    {
      title: 'Factors',
      blocks: [
        { kind: 'list', items: factors.map((f) => `\`${f.id}\` = \`${f.formula}\``) },
        {
          kind: 'table',
          table: factorTestTable(
            summaries.map((s) => (s.name === chosen ? { ...s, top: groups } : s)),
            { title: 'Single-factor tests' },
          ),
        },
        {
          kind: 'chart',
          chart: await cumulativeICChart(
            cube.dates,
            series.map((s) => ({ name: s.name, values: cumulativeIC(s.ic) })),
            { title: 'Cumulative weekly RankIC' },
          ),
        },
        {
          kind: 'table',
          table: correlationTable(factorCorrelation(panels, { method: 'spearman' }), {
            title: 'Factor correlations (Spearman, weekly)',
          }),
        },
      ],
    },
    {
      title: `Ten groups by ${chosen}`,
      blocks: [
        { kind: 'table', table: groupTable(groups) },
        { kind: 'chart', chart: await groupNavChart(groups) },
        { kind: 'chart', chart: await topRelativeNavChart(groups) },
        { kind: 'chart', chart: await groupReturnsChart(groups) },
      ],
    },
    {
      title: 'Enhanced index',
      blocks: [
        `Weekly LP on \`${chosen}\`: per-stock deviation <= 0.8%, industry < 2%, style < 0.3 sd, turnover <= 30%, VWAP fills at T+1, 0.4% two-sided cost.`,
        {
          kind: 'table',
          table: enhancedIndexTable([
            { name: '80% constituents', stats: floor.stats, turnover: floor.summary.turnover },
            {
              name: 'no floor',
              stats: bt.scenarios.noFloor!.stats,
              turnover: bt.scenarios.noFloor!.summary.turnover,
            },
            { name: 'index', stats: bt.benchmark.stats },
          ]),
        },
        { kind: 'table', table: calendarYearTable([{ name: '80% constituents', stats: floor.stats }]) },
        {
          kind: 'chart',
          chart: await excessNavDrawdownChart(nav, { title: 'Excess NAV and drawdown (80% constituents)' }),
        },
      ],
    },
  ],
  footer: 'Synthetic data from @hfq/sim; numbers say what the code does, not what markets do.',
};

// 3. Render: one HTML file (atomic write) and the Markdown twin.
const html = await renderReport(join(out, 'report.html'), doc);
writeText(join(out, 'report.md'), reportMarkdown(doc));
const blocks = doc.sections.flatMap((sec) => sec.blocks);
const count = (kind: string) => blocks.filter((b) => typeof b !== 'string' && b.kind === kind).length;
say(
  `wrote ${shown(html.path)} (${Math.round(html.bytes / 1024)} KB, ${count('chart')} charts, ${count('table')} tables) ` +
    `and report.md in ${clock.lap()}`,
);
