import { HfqError, type Panel, type TaskOptions } from '@hfq/core';
import type { FactorLimits, SourceKind } from '@hfq/factor-dsl';
import {
  type DailyEvaluateOptions,
  evaluateDaily,
  evaluateFactors,
  type FactorDef,
  type FactorMarket,
  type MarketFactory,
  type VolumeBarOptions,
} from '@hfq/factor-dsl';
import type { GenerationSample } from './generate.js';
import type { CheckedCandidate, CheckedFactor } from './language.js';

/** Options of {@link marketSample}. */
export interface MarketSampleOptions {
  /** Where frames come from: `createMarket(...)` of `@hfq/sim`, or a reader of real data. */
  market: FactorMarket;
  /** Calendar indices of the sample days, increasing. */
  days: ArrayLike<number>;
  /** Asset indices of the sample (default: every asset). */
  assets?: ArrayLike<number>;
  /**
   * Forward returns, dates x assets, aligned by date value and asset id (it may cover more than
   * the sample), e.g. `forwardReturns(daily.close, 1, 6, { adjFactor })` from `@hfq/metrics`.
   */
  forward: Panel;
  /** Worker threads for `evaluateFactors` (default 1), and the factory workers build markets with. */
  threads?: number;
  factory?: MarketFactory;
  /** Equal-volume bar settings for `vbar` formulas. */
  vbar?: Partial<VolumeBarOptions>;
  /** The same limits as given to `generateFactors`, when not the defaults. */
  limits?: Partial<FactorLimits>;
}

/** Formula whose value is > 0 exactly when the stock-day has a frame with data (the coverage denominator). */
const PRESENCE: Readonly<Record<SourceKind, string>> = Object.freeze({
  minute: 'count(close)',
  vbar: 'count(close)',
  tick: 'count(last)',
});

/**
 * A `GenerationSample` that evaluates candidates with the package's `evaluateFactors` on the
 * stock-days `days x assets` of a market. Each call evaluates the candidates together with a
 * presence probe (`count(close)`, or `count(last)` for ticks), so coverage is measured over
 * stock-days that have data (a suspended stock is not a gap in the factor). Frames are fetched
 * again on every call (one per generation round): keep the sample small (e.g. 20 days x 300
 * stocks) or give a market that caches.
 */
export function marketSample(options: MarketSampleOptions): GenerationSample {
  let present: Panel | undefined;
  return {
    forward: options.forward,
    get present() {
      return present;
    },
    async evaluate(candidates: readonly CheckedCandidate[], task: TaskOptions): Promise<Panel[]> {
      if (candidates.length === 0) return [];
      if (candidates.some((c) => !('source' in c)))
        throw new HfqError(
          'DSL_INPUT',
          'marketSample evaluates intraday formulas; use dailySample for the daily level',
          {
            field: 'source',
          },
        );
      const factors = candidates as readonly CheckedFactor[];
      const source = factors[0]!.source;
      const defs: FactorDef[] = factors.map((f, i) => ({
        id: `candidate_${i}`,
        source: f.source,
        formula: f.text,
      }));
      defs.push({ id: 'presence', source, formula: PRESENCE[source] });
      const cube = await evaluateFactors(options.market, defs, {
        days: options.days,
        ...(options.assets !== undefined && { assets: options.assets }),
        ...(options.threads !== undefined && { threads: options.threads }),
        ...(options.factory !== undefined && { factory: options.factory }),
        ...(options.vbar !== undefined && { vbar: options.vbar }),
        ...(options.limits !== undefined && { limits: options.limits }),
        ...(task.signal !== undefined && { signal: task.signal }),
        ...(task.onProgress !== undefined && { onProgress: task.onProgress }),
      });
      present ??= cube.factorPanel('presence').map((v) => (v > 0 ? 1 : 0));
      return factors.map((_, i) => cube.factorPanel(i));
    },
  };
}

/** Options of {@link dailySample}. */
export interface DailySampleOptions {
  /**
   * Daily inputs by name, dates x assets, all on the same dates and assets (e.g. a dataset's
   * `daily()` panels): the names a generated formula may read (pass `Object.keys(inputs)` as
   * `generateFactors`' `dailyFields`).
   */
  inputs: Readonly<Record<string, Panel>>;
  /** Forward returns on the inputs' dates and assets (`forwardReturns(close, 1, 6)` of `@hfq/metrics`). */
  forward: Panel;
  /** Stock-days that exist (finite, non-zero): the coverage denominator. Default: every cell. */
  present?: Panel;
  /** `evaluateDaily`'s options (industry groups, minPeriods, workers, limits). */
  evaluate?: DailyEvaluateOptions;
}

/**
 * A `GenerationSample` for `source: 'daily'`: evaluates candidates (checked by `checkDaily`) with
 * `evaluateDaily` over the given daily panels, all of them in one call (shared subexpressions once).
 */
export function dailySample(options: DailySampleOptions): GenerationSample {
  return {
    forward: options.forward,
    ...(options.present !== undefined && { present: options.present }),
    async evaluate(candidates: readonly CheckedCandidate[]): Promise<Panel[]> {
      if (candidates.length === 0) return [];
      const defs = candidates.map((c, i) => ({ name: `candidate_${i}`, formula: c.text }));
      const out = await evaluateDaily(defs, options.inputs, options.evaluate ?? {});
      return defs.map((d) => out[d.name]!);
    },
  };
}
