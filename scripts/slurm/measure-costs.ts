/**
 * Measures the cost per stock-day of `hfq factors` for the minute, equal-volume (vbar) and tick
 * factor sets, reading an exported simulated market from disk exactly as an array task does
 * (`writeFactorShard` on a reader opened with `loadOnDemand`, Parquet output), and prints JSON.
 * The numbers in docs/scale-out.md come from this script:
 *
 *   node --conditions=source --import tsx scripts/slurm/measure-costs.ts [stocks] [days]
 *
 * Process start-up (node + tsx, about 1-2 s per task) is not included: it is paid once per array
 * task, not per stock-day.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSimMarket, openDataset, resolveFactorSet, writeFactorShard } from '@hfq/dataset';

const stocks = Number(process.argv[2] ?? 20);
const days = Number(process.argv[3] ?? 8);
const root = mkdtempSync(join(tmpdir(), 'hfq-cost-'));
try {
  const ds = join(root, 'ds');
  await exportSimMarket(ds, { config: { nStocks: stocks, nDays: days, seed: 1 } });
  const rows: Record<string, unknown>[] = [];
  for (const set of ['minute', 'vbar', 'tick']) {
    const factors = resolveFactorSet(set);
    const reader = openDataset(ds, { loadOnDemand: true });
    const t0 = performance.now();
    await writeFactorShard(reader, factors, join(root, `out-${set}`)).finally(() => reader.close());
    const seconds = (performance.now() - t0) / 1000;
    const stockDays = stocks * days;
    rows.push({
      set,
      factors: factors.length,
      stockDays,
      seconds: Number(seconds.toFixed(2)),
      msPerStockDay: Number(((seconds * 1000) / stockDays).toFixed(2)),
    });
  }
  process.stdout.write(`${JSON.stringify({ stocks, days, node: process.version, rows }, null, 2)}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
