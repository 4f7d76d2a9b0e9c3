export {
  type ArrowWriteOptions,
  readArrowFrames,
  readMinuteBarsArrow,
  readTickSnapshotsArrow,
  writeArrowFrames,
  writeMinuteBarsArrow,
  writeTickSnapshotsArrow,
} from './arrow.js';
export type { FrameReadOptions } from './assemble.js';
export { normalizeSymbol } from './cells.js';
export {
  collectFrames,
  readCsvFrames,
  readMinuteBarsCsv,
  readTickSnapshotsCsv,
  writeMinuteBarsCsv,
  writeTickSnapshotsCsv,
} from './csv.js';
export { type DailyReadOptions, type IndexReadOptions, readDailyBarsCsv, readIndexData } from './daily.js';
export type { ColumnMapping } from './mapping.js';
export {
  CANONICAL_MINUTE,
  CANONICAL_MINUTE_COLUMNS,
  CANONICAL_TICK,
  CN_15MIN_BARS,
  canonicalTickColumns,
  canonicalTickMapping,
  DERIVED_1MIN_BARS,
  SSE_LEVEL2_SNAPSHOT,
  SZSE_LEVEL2_SNAPSHOT,
  sseNativeSnapshotMapping,
  VENDOR_1MIN_BARS,
} from './mappings.js';
export { readPanelsParquet, writePanelsParquet } from './panel-parquet.js';
export {
  type ParquetWriteOptions,
  readMinuteBarsParquet,
  readParquetFrames,
  readTickSnapshotsParquet,
  writeMinuteBarsParquet,
  writeParquetFrames,
  writeTickSnapshotsParquet,
} from './parquet.js';
