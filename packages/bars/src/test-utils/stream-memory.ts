/**
 * Child-process probe for the streaming tests: reads a file with one of the streaming readers and
 * prints the peak growth of live memory (V8 heap + array buffers, after forced GCs) over the
 * baseline. Run with `node --expose-gc --conditions=source --import tsx stream-memory.ts <format> <path>`.
 */
import { readArrowFrames } from '../io/arrow.js';
import { readCsvFrames } from '../io/csv.js';
import { CANONICAL_MINUTE } from '../io/mappings.js';
import { readParquetFrames } from '../io/parquet.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const [format, path] = process.argv.slice(2) as [string, string];
const live = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
gc();
const base = live();
let peak = 0;
let frames = 0;
let rows = 0;
const source =
  format === 'csv'
    ? readCsvFrames(path, CANONICAL_MINUTE)
    : format === 'parquet'
      ? readParquetFrames(path, CANONICAL_MINUTE)
      : readArrowFrames(path);
for await (const f of source) {
  frames++;
  rows += f.time.length;
  if (frames % 25 === 0) {
    gc();
    peak = Math.max(peak, live() - base);
  }
}
gc();
console.log(JSON.stringify({ format, frames, rows, peakGrowthBytes: peak }));
