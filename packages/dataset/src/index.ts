/**
 * @packageDocumentation
 * `@hfq/dataset`: hfq data on disk. A documented layout of Hive-partitioned Parquet
 * (`minute/date=YYYYMMDD/`, `ticks/date=YYYYMMDD/`, `daily/`, `index/`, `meta/`) with a versioned
 * `dataset.json`; its writer; a streaming reader that implements `@hfq/factor-dsl`'s
 * `FactorMarket` one day partition at a time; the built-in market's export; an importer for
 * vendor files; a whole-dataset check; factor runs written per date and shard; and the `hfq`
 * command (`bin/hfq.js`). Layout: `docs/dataset.md`; command: `docs/cli.md`.
 */
export { type CheckDatasetOptions, checkDataset, type DatasetProblem } from './check.js';
export {
  DAILY_FACTOR_SETS,
  type DailyFactorSet,
  type DatasetDailyOptions,
  evaluateDatasetDailyFactors,
  resolveAnyFactorSet,
} from './daily-factors.js';
export type { DatasetError, DatasetErrorCode } from './errors.js';
export { type DatasetEvaluateOptions, evaluateDatasetFactors } from './evaluate.js';
export {
  compareFactorOutputs,
  FACTOR_OUTPUT_MANIFEST,
  FACTOR_SETS,
  type FactorCellDifference,
  type FactorCompareResult,
  type FactorOutputManifest,
  type FactorOutputTable,
  type FactorShardOptions,
  type FactorShardResult,
  type FactorVerifyResult,
  parseShard,
  readFactorDate,
  readFactorOutput,
  readFactorOutputManifest,
  resolveFactorSet,
  type Shard,
  shardDays,
  verifyFactorOutput,
  writeFactorShard,
} from './factor-output.js';
export { FactorOutputSource, type FactorSourceOptions, openFactorSource } from './factor-source.js';
export {
  IMPORT_MAPPINGS,
  IMPORT_TICK_MAPPINGS,
  type ImportFileReport,
  type ImportIssue,
  type ImportLayout,
  type ImportOptions,
  type ImportReport,
  type ImportSources,
  type IntradayImport,
  importDailyFiles,
  importFiles,
  type RejectedStockDay,
} from './import.js';
export {
  DATASET_FORMAT,
  DATASET_VERSION,
  type DatasetManifest,
  type FileInfo,
  IMPORT_REPORT_FILE,
  MANIFEST_FILE,
  type PartitionInfo,
  parseManifest,
  readManifest,
} from './manifest.js';
export {
  type ImportSummary,
  type OpenOrImportResult,
  openOrImport,
  summarizeImport,
} from './open-or-import.js';
export {
  type BacktestMarketOptions,
  type DatasetBacktestMarket,
  DatasetReader,
  type LoadDayOptions,
  type OpenDatasetOptions,
  openDataset,
  type PartitionKind,
} from './reader.js';
export {
  type ResolvedShard,
  type ResolveShardInput,
  resolveShard,
  type ShardEnv,
  type ShardSource,
} from './shard.js';
export { exportSimMarket, type SimExportOptions } from './sim-export.js';
export { type AssetMeta, DatasetWriter, type DatasetWriterOptions } from './writer.js';
