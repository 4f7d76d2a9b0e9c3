import { isYmd } from '@hfq/core';
import { simError } from './errors.js';

/**
 * Everything that shapes a synthetic market. All fields have defaults (`DEFAULT_MARKET_CONFIG`);
 * pass a `Partial<MarketConfig>` to `createMarket`. Rates are per trading day unless a name says
 * `...PerYear` (250 trading days); returns and volatilities are fractions (0.02 = 2%), never percent.
 */
export interface MarketConfig {
  /** Seed of every random stream. Same seed and config, same bytes. Default 1. */
  seed: number | string;
  /** Number of stocks. Default 250. */
  nStocks: number;
  /** First calendar day (`yyyymmdd`); the calendar starts at the first trading day on or after it. Default 20200102. */
  startDate: number;
  /** Number of trading days. Default 500 (about two years). */
  nDays: number;
  /**
   * Snapshot cadence of `ticks()` in ms: a multiple of 3000 that divides 60000 (3000, 6000, 12000,
   * 15000, 30000, 60000). The print path is always generated on the 3 s grid; coarser cadences
   * sample it. Default 3000.
   */
  tickIntervalMs: number;
  /** Order-book levels per side in `ticks()`. Default 10. */
  levels: number;
  /** Number of industries (industry return factors). Default 30. */
  nIndustries: number;
  /** Constituents of the CSI-1000-like index. Default `round(0.4 * nStocks)` (100). */
  indexSize: number;
  /** Largest stocks (by float cap) skipped before the index takes its constituents, as CSI 1000 sits below CSI 800. Default `round(0.1 * nStocks)` (25). */
  indexSkipLargest: number;
  /** Months whose last trading day reconstitutes the index (at the close). Default `[6, 12]` (semi-annual). */
  indexReviewMonths: readonly number[];
  /** Non-trading weekdays (`yyyymmdd`). Default: an approximate mainland-China holiday set (see `chinaHolidays`). */
  holidays: readonly number[] | null;

  // ---- the planted alpha ----
  /** AR(1) coefficient of the latent alpha per trading day (0.9: half-life ~6.6 days). Default 0.9. */
  alphaPersistence: number;
  /** Expected idiosyncratic log return per day per unit (1 sd) of yesterday's latent alpha. Default 0.0018. */
  alphaReturn: number;
  /** Multiplies every intraday footprint coupling (0 = no footprints; 2 = twice as visible). Default 1. */
  footprintStrength: number;
  /** Sd of the per-day, per-footprint noise added to alpha before it shapes intraday data (in alpha sd units). Default 2. */
  footprintNoise: number;

  // ---- style premia: expected idiosyncratic log return per day per 1 sd of exposure ----
  /**
   * Short-term reversal: per 1 sd of the exponentially weighted (half-life 5 traded days)
   * idiosyncratic return, sign flipped. Default 0.0016.
   */
  reversalPremium: number;
  /** Per 1 sd of the liquidity (turnover) exposure; negative = illiquid stocks earn more. Default -0.0004. */
  liquidityPremium: number;
  /** Per 1 sd of beta. Default 0.0002. */
  betaPremium: number;
  /** Per 1 sd of value (log book-to-price). Default 0.0002. */
  valuePremium: number;
  /** Per 1 sd of size (log float cap). Default 0. */
  sizePremium: number;
  /** Per 1 sd of 60-day momentum. Default 0. */
  momentumPremium: number;
  /** Per 1 sd of the volatility exposure. Default 0. */
  volatilityPremium: number;

  // ---- risk ----
  /** Daily market factor drift (log return). Default 0.0002. */
  marketDrift: number;
  /** Daily market factor volatility. Default 0.014. */
  marketVol: number;
  /** Daily industry factor volatility. Default 0.007. */
  industryVol: number;
  /** Median long-run daily idiosyncratic volatility. Default 0.02. */
  idioVol: number;
  /** GARCH(1,1) reaction to yesterday's squared shock. Default 0.08. */
  garchAlpha: number;
  /** GARCH(1,1) persistence of variance (`garchAlpha + garchBeta < 1`). Default 0.9. */
  garchBeta: number;
  /** Degrees of freedom of the Student-t shocks (> 2; fat tails). Default 4. */
  tailDf: number;

  // ---- liquidity and microstructure ----
  /** Median daily turnover (volume / float shares, a fraction). Default 0.02. */
  turnover: number;
  /** Median lots (100 shares) per trade for a 10-yuan stock. Default 6. */
  lotsPerTrade: number;

  // ---- events ----
  /** Probability a trading stock starts a suspension on a day. Default 0.002. */
  suspensionRate: number;
  /** Share of stocks under special treatment (ST, +-5% limits) at the start. Default 0.03. */
  stFraction: number;
  /** Rate at which stocks enter ST, per stock-year. Default 0.03. */
  stPerYear: number;
  /** Share of stocks that are not yet listed at the start and list (IPO) inside the span. Default 0.06. */
  newListingFraction: number;
  /** Rate at which stocks start a delisting (ST for 40 days, then delisted), per stock-year. Default 0.02. */
  delistingPerYear: number;
  /** Cash dividends per stock-year (each moves `adjFactor`). Default 0.8. */
  dividendsPerYear: number;
  /** Bonus-share splits per stock-year. Default 0.08. */
  splitsPerYear: number;

  /**
   * Stocks whose daily paths stay cached (each ~130 bytes per day). Default: as many as fit in
   * 256 MB, at least 64 (all 250 stocks of the default market; ~650 at 3000 days). Intraday
   * access is fastest stock by stock when the market has more stocks than this.
   */
  pathCacheSize: number;
}

/** Defaults of every knob. `indexSize`, `indexSkipLargest` and `pathCacheSize` here are for the default 250 stocks x 500 days. */
export const DEFAULT_MARKET_CONFIG: Readonly<MarketConfig> = Object.freeze({
  seed: 1,
  nStocks: 250,
  startDate: 20200102,
  nDays: 500,
  tickIntervalMs: 3000,
  levels: 10,
  nIndustries: 30,
  indexSize: 100,
  indexSkipLargest: 25,
  indexReviewMonths: Object.freeze([6, 12]),
  holidays: null,
  alphaPersistence: 0.9,
  alphaReturn: 0.0018,
  footprintStrength: 1,
  footprintNoise: 2,
  reversalPremium: 0.0016,
  liquidityPremium: -0.0004,
  betaPremium: 0.0002,
  valuePremium: 0.0002,
  sizePremium: 0,
  momentumPremium: 0,
  volatilityPremium: 0,
  marketDrift: 0.0002,
  marketVol: 0.014,
  industryVol: 0.007,
  idioVol: 0.02,
  garchAlpha: 0.08,
  garchBeta: 0.9,
  tailDf: 4,
  turnover: 0.02,
  lotsPerTrade: 6,
  suspensionRate: 0.002,
  stFraction: 0.03,
  stPerYear: 0.03,
  newListingFraction: 0.06,
  delistingPerYear: 0.02,
  dividendsPerYear: 0.8,
  splitsPerYear: 0.08,
  pathCacheSize: 3938,
});

/** Memory the default path cache may use, and what one stock's path takes per day. */
const PATH_CACHE_BYTES = 256e6;
const PATH_BYTES_PER_DAY = 130;

/** Snapshot cadences (ms) that `tickIntervalMs` may take. */
export const TICK_INTERVALS_MS: readonly number[] = Object.freeze([3000, 6000, 12000, 15000, 30000, 60000]);

type NumericKey = {
  [K in keyof MarketConfig]: MarketConfig[K] extends number ? K : never;
}[keyof MarketConfig];

/** [min, max, integer?] for every numeric knob. */
const RANGES: Record<Exclude<NumericKey, 'startDate'>, [number, number, boolean]> = {
  nStocks: [1, 100_000, true],
  nDays: [1, 100_000, true],
  tickIntervalMs: [3000, 60000, true],
  levels: [1, 50, true],
  nIndustries: [1, 1000, true],
  indexSize: [0, 1_000_000, true],
  indexSkipLargest: [0, 1_000_000, true],
  alphaPersistence: [0, 0.999, false],
  alphaReturn: [-0.05, 0.05, false],
  footprintStrength: [0, 10, false],
  footprintNoise: [0, 100, false],
  reversalPremium: [-0.05, 0.05, false],
  liquidityPremium: [-0.05, 0.05, false],
  betaPremium: [-0.05, 0.05, false],
  valuePremium: [-0.05, 0.05, false],
  sizePremium: [-0.05, 0.05, false],
  momentumPremium: [-0.05, 0.05, false],
  volatilityPremium: [-0.05, 0.05, false],
  marketDrift: [-0.01, 0.01, false],
  marketVol: [0, 0.2, false],
  industryVol: [0, 0.2, false],
  idioVol: [0.0005, 0.2, false],
  garchAlpha: [0, 0.5, false],
  garchBeta: [0, 0.999, false],
  tailDf: [2.1, 1e9, false],
  turnover: [1e-5, 1, false],
  lotsPerTrade: [1, 10_000, false],
  suspensionRate: [0, 0.5, false],
  stFraction: [0, 1, false],
  stPerYear: [0, 50, false],
  newListingFraction: [0, 1, false],
  delistingPerYear: [0, 50, false],
  dividendsPerYear: [0, 50, false],
  splitsPerYear: [0, 50, false],
  pathCacheSize: [1, 10_000_000, true],
};

/**
 * Fills defaults and checks every field. `indexSize` defaults to `round(0.4 * nStocks)` and
 * `indexSkipLargest` to `round(0.1 * nStocks)` unless given.
 * @throws HfqError `SIM_INVALID_CONFIG` naming the field.
 */
export function resolveConfig(partial: Partial<MarketConfig> = {}): Readonly<MarketConfig> {
  for (const key of Object.keys(partial)) {
    if (!(key in DEFAULT_MARKET_CONFIG)) {
      throw simError('SIM_INVALID_CONFIG', `unknown market option ${JSON.stringify(key)}`, { field: key });
    }
  }
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const nStocks = (defined.nStocks as number | undefined) ?? DEFAULT_MARKET_CONFIG.nStocks;
  const nDays = (defined.nDays as number | undefined) ?? DEFAULT_MARKET_CONFIG.nDays;
  const cfg: MarketConfig = {
    ...DEFAULT_MARKET_CONFIG,
    indexSize: Math.round(0.4 * nStocks),
    indexSkipLargest: Math.round(0.1 * nStocks),
    pathCacheSize: Math.max(64, Math.floor(PATH_CACHE_BYTES / (PATH_BYTES_PER_DAY * Math.max(1, nDays)))),
    ...defined,
  };
  if (typeof cfg.seed !== 'string' && !Number.isSafeInteger(cfg.seed)) {
    throw simError('SIM_INVALID_CONFIG', `seed must be a safe integer or a string, got ${String(cfg.seed)}`, {
      field: 'seed',
    });
  }
  if (!isYmd(cfg.startDate)) {
    throw simError('SIM_INVALID_CONFIG', `startDate must be a yyyymmdd day, got ${cfg.startDate}`, {
      field: 'startDate',
    });
  }
  for (const [key, [min, max, integer]] of Object.entries(RANGES)) {
    const v = cfg[key as NumericKey];
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      v < min ||
      v > max ||
      (integer && !Number.isInteger(v))
    ) {
      throw simError(
        'SIM_INVALID_CONFIG',
        `${key} must be ${integer ? 'an integer' : 'a finite number'} in [${min}, ${max}], got ${String(v)}`,
        { field: key },
      );
    }
  }
  if (!TICK_INTERVALS_MS.includes(cfg.tickIntervalMs)) {
    throw simError(
      'SIM_INVALID_CONFIG',
      `tickIntervalMs must be one of ${TICK_INTERVALS_MS.join(', ')} (a multiple of 3000 dividing 60000), got ${cfg.tickIntervalMs}`,
      { field: 'tickIntervalMs' },
    );
  }
  if (cfg.garchAlpha + cfg.garchBeta >= 1) {
    throw simError('SIM_INVALID_CONFIG', 'garchAlpha + garchBeta must be below 1 (stationary variance)', {
      field: 'garchBeta',
    });
  }
  if (cfg.indexSkipLargest + cfg.indexSize > cfg.nStocks) {
    throw simError(
      'SIM_INVALID_CONFIG',
      `indexSkipLargest + indexSize (${cfg.indexSkipLargest} + ${cfg.indexSize}) exceeds nStocks (${cfg.nStocks})`,
      { field: 'indexSize' },
    );
  }
  if (
    !Array.isArray(cfg.indexReviewMonths) ||
    cfg.indexReviewMonths.some((m) => !Number.isInteger(m) || m < 1 || m > 12)
  ) {
    throw simError('SIM_INVALID_CONFIG', 'indexReviewMonths must list months 1..12', {
      field: 'indexReviewMonths',
    });
  }
  if (cfg.holidays !== null) {
    if (!Array.isArray(cfg.holidays) || cfg.holidays.some((d) => !isYmd(d))) {
      throw simError('SIM_INVALID_CONFIG', 'holidays must be null or a list of yyyymmdd days', {
        field: 'holidays',
      });
    }
  }
  return Object.freeze({
    ...cfg,
    indexReviewMonths: Object.freeze([...cfg.indexReviewMonths]),
    holidays: cfg.holidays === null ? null : Object.freeze([...cfg.holidays]),
  });
}
