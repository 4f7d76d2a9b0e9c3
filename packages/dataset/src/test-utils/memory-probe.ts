/**
 * Child-process probe of the streaming reader's memory: evaluates minute factors over every day
 * of a dataset through `evaluateDatasetFactors`, a day at a time on one reader, in both reading modes (blocks
 * loaded by `loadDay`, and `loadOnDemand`, whose buffers come from a worker thread and are not
 * counted here), and prints, as JSON, for each the peak memory still in use (JS heap plus array buffers, where typed arrays live) after a
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
const factors = MINUTE_FACTORS.slice(0, 4);
const cacheDays = Number(process.argv[3] ?? 2);
const out: Record<string, number> = {};
for (const mode of ['blocks', 'onDemand'] as const) {
  const ds = openDataset(process.argv[2]!, { cacheDays, loadOnDemand: mode === 'onDemand' });
  await evaluateDatasetFactors(ds, factors, { days: [0] }); // compile and warm up once
  const base = await used();
  let peak = 0;
  for (let t = 1; t < ds.calendar.dates.length; t++) {
    await evaluateDatasetFactors(ds, factors, { days: [t] });
    peak = Math.max(peak, (await used()) - base);
  }
  await ds.close();
  out[mode] = peak;
  out.days = ds.calendar.dates.length;
}
process.stdout.write(`${JSON.stringify({ ...out, maxRssKb: process.resourceUsage().maxRSS })}\n`);
