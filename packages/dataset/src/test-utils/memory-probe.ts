/**
 * Child-process probe of the streaming reader's memory. Evaluates minute factors over every day of
 * a dataset through `evaluateDatasetFactors`, a day at a time on one reader (blocks loaded by
 * `loadDay`), and records the peak memory still in use after a full GC between days (JS heap plus
 * array buffers, where typed arrays live): what the reader retains. Then evaluates them again with
 * `loadOnDemand` (whose buffers come from a worker thread and are not counted by
 * `process.memoryUsage()` here). Prints JSON: `{ blocks, days, maxRssKb }`, RSS over both runs.
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
{
  const ds = openDataset(process.argv[2]!, { cacheDays });
  await evaluateDatasetFactors(ds, factors, { days: [0] }); // compile and warm up once
  const base = await used();
  let peak = 0;
  for (let t = 1; t < ds.calendar.dates.length; t++) {
    await evaluateDatasetFactors(ds, factors, { days: [t] });
    peak = Math.max(peak, (await used()) - base);
  }
  out.blocks = peak;
  out.days = ds.calendar.dates.length;
}
{
  // loadOnDemand over every day in one call (counted in the RSS only, see above)
  const ds = openDataset(process.argv[2]!, { cacheDays, loadOnDemand: true });
  await evaluateDatasetFactors(ds, factors);
  await ds.close();
}
process.stdout.write(`${JSON.stringify({ ...out, maxRssKb: process.resourceUsage().maxRSS })}\n`);
