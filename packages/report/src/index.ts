/**
 * @packageDocumentation
 * `@hfq/report`: turns `@hfq/metrics` results into the study's tables (`ReportTable`, Markdown),
 * SVG charts rendered headless with vega-lite, and one self-contained HTML page or a Markdown
 * document. Numbers are formatted here only (fractions print as percent; NaN and +-Infinity print
 * as {@link MISSING}). DataFrame adapters live in the `@hfq/report/dataframe` subpath.
 */

export {
  type BarChartOptions,
  barChart,
  barChartSpec,
  type ChartSeries,
  cumulativeICChart,
  excessNavDrawdownChart,
  groupNavChart,
  groupReturnsChart,
  type LineChartOptions,
  lineChart,
  lineChartSpec,
  type ReportChart,
  topRelativeNavChart,
} from './charts.js';
export type { ReportErrorCode } from './errors.js';
export { formatCount, formatNumber, formatPercent, MISSING } from './format.js';
export {
  type ReportBlock,
  type ReportDocument,
  type ReportSection,
  renderReport,
  reportHtml,
  reportMarkdown,
} from './html.js';
export {
  calendarYearTable,
  correlationTable,
  enhancedIndexTable,
  factorTestTable,
  groupTable,
  icTable,
} from './study-tables.js';
export { markdownTable, type ReportColumn, type ReportTable } from './table.js';
export {
  renderTearSheet,
  type TearSheetOptions,
  tearSheetCharts,
  tearSheetDocument,
  tearSheetTables,
  writeTearSheet,
} from './tear-sheet.js';
export { renderVegaLite } from './vega.js';
