/**
 * @packageDocumentation
 * `@hfq/report/dataframe`: adapters between hfq's typed-array results and danfojs DataFrames,
 * for users who want tables. `danfojs-node` is an optional peer dependency, loaded on first use
 * with a dynamic `import()`; without it every adapter fails with `REPORT_MISSING_DEPENDENCY`.
 */
export {
  correlationToDataFrame,
  type DataFrameLike,
  dataFrameToCorrelation,
  dataFrameToPanel,
  dataFrameToReportTable,
  groupBacktestToDataFrame,
  loadDanfo,
  panelToDataFrame,
  portfolioStatsToDataFrame,
  reportTableToDataFrame,
  seriesToDataFrame,
  yearlyToDataFrame,
} from './adapters.js';
