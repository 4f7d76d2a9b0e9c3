import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSimMarket } from './sim-export.js';

const PROBE = fileURLToPath(new URL('./test-utils/memory-probe.ts', import.meta.url));
const STOCKS = 20;
let root: string;

function probe(dir: string): { blocks: number; maxRssKb: number } {
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--conditions=source', '--import', 'tsx', PROBE, dir, '2'],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  if (r.status !== 0) throw new Error(`probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hfq-mem-'));
  for (const days of [10, 40]) {
    await exportSimMarket(join(root, `d${days}`), {
      config: { nStocks: STOCKS, nDays: days, seed: 2 },
      ticks: false,
    });
  }
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('streaming reader memory', () => {
  it('peak memory for intraday data does not grow with the number of days (10 vs 40 days, measured in child processes)', () => {
    const small = probe(join(root, 'd10'));
    const large = probe(join(root, 'd40'));
    // Keeping every day would retain ~30 more days of minute bars: 30 x 20 stocks x 240 rows x
    // 8 fields x 8 bytes = 9.2 MB (the probe sees that with cacheDays 1000). Streaming must stay
    // far below: a quarter of it at most (measured: under 1 MB).
    const oneDay = STOCKS * 240 * 8 * 8;
    expect(large.blocks - small.blocks).toBeLessThan(0.25 * 30 * oneDay);
    // (loadOnDemand's frames arrive as buffers transferred from its worker thread, which
    // process.memoryUsage() does not count in this thread, so only the RSS bound covers that mode;
    // its cache is the same LRU, checked in dataset.test.ts)
    expect(large.maxRssKb / small.maxRssKb).toBeLessThan(1.25);
  }, 60_000);
});
