import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writePanelsParquet } from '@hfq/bars';
import { ProgressReporter, type TaskOptions, throwIfAborted, writeFileAtomicSync } from '@hfq/core';
import { createMarket, type Market, type MarketConfig } from '@hfq/sim';
import type { DatasetManifest } from './manifest.js';
import { type AssetMeta, DatasetWriter } from './writer.js';

/** Options of `exportSimMarket`. */
export interface SimExportOptions extends TaskOptions {
  /** The market to export (default: `createMarket(config)`). */
  market?: Market;
  /** Simulator config when no `market` is given (stocks, days, seed, ...). */
  config?: Partial<MarketConfig>;
  /** Write only daily data, the index and meta (no minute or tick partitions). Default false. */
  dailyOnly?: boolean;
  /** Write tick partitions too (default true; they are ~20x the minute bars). */
  ticks?: boolean;
  /** Rows per Parquet row group (default: the bars writer's). */
  rowGroupRows?: number;
}

/**
 * Writes the built-in simulated market as a dataset in `dir` (layout: `docs/dataset.md`): one
 * minute and one tick partition per day, the daily panels, the index, and per-asset metadata
 * (industry, board, listing and delisting dates). Read back with `openDataset`, every frame equals
 * the market's own `minuteBars(asset, t)` / `ticks(asset, t)` value for value: the known truth
 * that the dataset code paths are tested on. The simulator's own truth goes to the sim-only part
 * `sim/`: `sim/truth.parquet` (panels `alpha`, the planted signal, `expectedReturn` and
 * `expectedReturn1to6`, the expected return of the T+1 -> T+6 label) and `sim/market.json` (the
 * full simulator config and its industry names in code order), which `@hfq/workflow` reads for
 * its yardstick rows; readers of real data ignore `sim/`.
 *
 * Progress: stage `export`, unit `days`.
 * @throws `DATASET_EXISTS` when `dir` is not empty; `ABORTED`.
 */
export async function exportSimMarket(dir: string, options: SimExportOptions = {}): Promise<DatasetManifest> {
  const market = options.market ?? createMarket(options.config ?? {});
  const cfg = market.config;
  const dates = market.calendar.dates;
  const writer = DatasetWriter.create(dir, {
    calendar: dates,
    assets: market.assets,
    levels: cfg.levels,
    source: `hfq sim export --stocks ${cfg.nStocks} --days ${cfg.nDays} --seed ${String(cfg.seed)}${options.dailyOnly ? ' --daily-only' : ''}`,
    ...(options.rowGroupRows !== undefined ? { rowGroupRows: options.rowGroupRows } : {}),
  });
  const nA = market.assets.length;
  if (!options.dailyOnly) {
    const progress = new ProgressReporter(options, 'export', dates.length, 'days');
    for (let t = 0; t < dates.length; t++) {
      throwIfAborted(options.signal, 'export');
      const date = dates[t]!;
      await writer.writeMinute(date, minuteFrames(market, t, nA));
      if (options.ticks ?? true) await writer.writeTicks(date, tickFrames(market, t, nA));
      progress.tick();
    }
  }
  writer.writeDaily(market.daily());
  writer.writeIndex(market.index());
  const truth = market.truth();
  const dayOf = (i: number) => (i >= 0 && i < dates.length ? dates[i]! : null);
  const meta: AssetMeta[] = market.assets.map((asset, a) => ({
    asset,
    industry: market.industryNames[market.industry[a]!] ?? null,
    board: market.board[a] ?? null,
    listDate: dayOf(truth.listDay[a]!),
    // delistDay is the first index after delisting: the last listed day is the one before it
    delistDate: truth.delistDay[a]! < dates.length ? dayOf(truth.delistDay[a]! - 1) : null,
  }));
  writer.writeMeta(meta);
  const manifest = await writer.finish();
  mkdirSync(join(dir, 'sim'), { recursive: true });
  writePanelsParquet(
    join(dir, 'sim', 'truth.parquet'),
    {
      alpha: truth.alpha,
      expectedReturn: truth.expectedReturn,
      expectedReturn1to6: truth.expectedReturn1to6,
    },
    { metadata: { 'hfq.kind': 'simulator truth' } },
  );
  writeFileAtomicSync(
    join(dir, 'sim', 'market.json'),
    `${JSON.stringify({ config: cfg, industryNames: market.industryNames }, null, 2)}\n`,
  );
  return manifest;
}

function* minuteFrames(market: Market, t: number, nA: number) {
  for (let a = 0; a < nA; a++) {
    const f = market.minuteBars(a, t);
    if (f !== null) yield f;
  }
}

function* tickFrames(market: Market, t: number, nA: number) {
  for (let a = 0; a < nA; a++) {
    const f = market.ticks(a, t);
    if (f !== null) yield f;
  }
}
