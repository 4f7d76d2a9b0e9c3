/**
 * Child-process probe of the streaming reader's memory: evaluates minute factors over every day
 * of a dataset through `evaluateDatasetFactors`, a day at a time on one reader, and prints, as
 * JSON, the peak memory still in use (JS heap plus array buffers, where typed arrays live) after a
 * full GC between days (what the reader retains), and the process's peak RSS.
 *
 *   node --expose-gc --conditions=source --import tsx memory-probe.ts <dataset-dir> [cacheDays=2]
 */
import { MINUTE_FACTORS } from '@hfq/factor-dsl';
import { evaluateDatasetFactors } from '../evaluate.js';
import { openDataset } from '../reader.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const used = async () => {
  // backing stores of freed array buffers are released after the GC, on a later turn
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const ds = openDataset(process.argv[2]!, { cacheDays: Number(process.argv[3] ?? 2) });
const factors = MINUTE_FACTORS.slice(0, 4);
await evaluateDatasetFactors(ds, factors, { days: [0] }); // compile and warm up once
const base = await used();
let peak = 0;
for (let t = 1; t < ds.calendar.dates.length; t++) {
  await evaluateDatasetFactors(ds, factors, { days: [t] });
  peak = Math.max(peak, (await used()) - base);
}
process.stdout.write(
  `${JSON.stringify({ days: ds.calendar.dates.length, peakRetained: peak, maxRssKb: process.resourceUsage().maxRSS })}\n`,
);
