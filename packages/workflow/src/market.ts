/**
 * Stage 1, the market: the built-in simulated market in memory (`data.sim`) or a dataset
 * directory read through `@hfq/dataset` (`data.dir`). Either way the rest of the study sees the
 * same things: daily bars, the benchmark index, industries, and factors computed over every
 * stock-day; plus, for simulated data (in memory, or exported with `hfq sim export`, which writes
 * the truth to `sim/truth.parquet`), the two yardsticks: the planted alpha and the best achievable
 * score (the simulator's expected label return given the close of T).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DailyBars, type IndexData, readPanelsParquet } from '@hfq/bars';
import { type FactorCube, HfqError, type Panel, type TaskOptions } from '@hfq/core';
import { evaluateDatasetFactors, openDataset } from '@hfq/dataset';
import { evaluateFactors, FACTOR_LIBRARY } from '@hfq/factor-dsl';
import { createMarket, type MarketConfig } from '@hfq/sim';
import type { WorkflowData } from './config.js';

/** What the study reads of its market. */
export interface StudyMarket {
  /** Asset ids, the column order of every panel. */
  assets: readonly string[];
  /** Trading days (yyyymmdd). */
  dates: Int32Array;
  /** Daily panels (dates x assets). */
  daily: DailyBars;
  /** The benchmark index. */
  index: IndexData;
  /** Industry code per asset (0-based). */
  industry: Int32Array;
  /**
   * The planted alpha at the close of T: what the factors were built to find (simulated data
   * only; `null` for real data: no yardstick rows then).
   */
  alpha: Panel | null;
  /**
   * The best achievable score from information at the close of T: the simulator's expected
   * idiosyncratic log return of the label, close T+1 -> close T+6 (`truth().expectedReturn1to6`
   * of `@hfq/sim`). `null` for real data, and for a dataset exported before that panel existed.
   */
  bestAchievable: Panel | null;
  /** Constituents of the index on its last day. */
  indexSize: number;
  /** What identifies the data in cache hashes: the sim config, or the dataset's manifest. */
  identity: unknown;
  /** The 327 factors over every stock-day. */
  computeFactors(threads: number, options: TaskOptions): Promise<FactorCube>;
  /** Releases the dataset reader (nothing for the simulator). */
  close(): Promise<void>;
}

/**
 * The simulator's truth as `hfq sim export` writes it (panels `alpha`, `expectedReturn` and
 * `expectedReturn1to6`).
 */
export const SIM_TRUTH_FILE = 'sim/truth.parquet';
/** The simulator's industry names in code order, as `hfq sim export` writes them. */
export const SIM_MARKET_FILE = 'sim/market.json';

/** Opens the workflow's market (progress: the simulator's `daily`/`index` stages). */
export async function loadMarket(data: WorkflowData, options: TaskOptions = {}): Promise<StudyMarket> {
  if (data.dir !== undefined) return loadDatasetMarket(data.dir);
  const marketConfig: Partial<MarketConfig> = { ...data.sim };
  const market = createMarket(marketConfig);
  const daily = market.daily(options);
  const index = market.index(options);
  return {
    assets: market.assets,
    dates: market.calendar.dates,
    daily,
    index,
    industry: market.industry,
    alpha: market.truth().alpha,
    bestAchievable: market.truth().expectedReturn1to6,
    indexSize: data.sim!.indexSize,
    identity: { sim: data.sim },
    computeFactors: (threads, opts) =>
      evaluateFactors(market, FACTOR_LIBRARY, {
        ...opts,
        threads,
        dailyVolume: market.daily().volume,
        ...(threads > 1
          ? { factory: { module: '@hfq/sim', exportName: 'createMarket', args: [marketConfig] } }
          : {}),
      }),
    close: async () => {},
  };
}

async function loadDatasetMarket(dir: string): Promise<StudyMarket> {
  const ds = openDataset(dir, { loadOnDemand: true });
  const daily = await ds.daily();
  const index = await ds.index();
  const meta = ds.meta();
  // Industry codes: the simulator's order when the dataset says it (so a `hfq sim export` gives
  // the in-memory market's codes), else the names in sorted order.
  let order: string[] | undefined;
  const simMarket = join(dir, SIM_MARKET_FILE);
  if (existsSync(simMarket))
    order = (JSON.parse(readFileSync(simMarket, 'utf8')) as { industryNames: string[] }).industryNames;
  const names = meta.map((m) => m.industry);
  order ??= [...new Set(names.filter((n): n is string => n !== null))].sort();
  const industry = Int32Array.from(names, (n, a) => {
    const code = n === null ? -1 : order!.indexOf(n);
    if (code < 0)
      throw new HfqError('WORKFLOW_DATA', `asset ${meta[a]!.asset} has no known industry (${String(n)})`, {
        asset: meta[a]!.asset,
        field: 'industry',
        source: dir,
      });
    return code;
  });
  let alpha: Panel | null = null;
  let bestAchievable: Panel | null = null;
  const truth = join(dir, SIM_TRUTH_FILE);
  if (existsSync(truth)) {
    const panels = await readPanelsParquet(truth);
    alpha = panels.alpha ?? null;
    bestAchievable = panels.expectedReturn1to6 ?? null;
  }
  const last = index.constituent.nDates - 1;
  let indexSize = 0;
  for (let a = 0; a < index.constituent.nAssets; a++) if (index.constituent.get(last, a) === 1) indexSize++;
  return {
    assets: ds.assets,
    dates: ds.calendar.dates,
    daily,
    index,
    industry,
    alpha,
    bestAchievable,
    indexSize,
    identity: { dataset: ds.manifest },
    computeFactors: (_threads, opts) =>
      evaluateDatasetFactors(ds, FACTOR_LIBRARY, { ...opts, dailyVolume: daily.volume }),
    close: () => ds.close(),
  };
}
