import { Rng } from '@hfq/core';
import type { MarketConfig } from '../config.js';

/** Trading board: main boards have +-10% daily limits, growth boards (ChiNext, STAR) +-20%. */
export type Board = 'main' | 'chinext' | 'star';

/** Centre and scale of log float market cap (yuan) in the cross-section: the size exposure is `(log cap - SIZE_MU) / SIZE_SD`. */
export const SIZE_MU = Math.log(8e9);
export const SIZE_SD = 0.9;
/** Centre and scale of log book-to-price. */
export const VALUE_MU = Math.log(0.45);
export const VALUE_SD = 0.5;
/** Cross-sectional sd of beta around 1. */
export const BETA_SD = 0.25;
/** Per-stock sd of the long-run log turnover around `log(config.turnover)`, and the sd of its slow daily wandering. */
export const LIQ_STOCK_SD = 0.45;
export const LIQ_TIME_SD = 0.3;
export const LIQ_SD = Math.sqrt(LIQ_STOCK_SD ** 2 + LIQ_TIME_SD ** 2);

/** What never changes about a stock (drawn from the stream `(seed, 'static', stock)`). */
export interface StockStatic {
  board: Board;
  exchange: 'SH' | 'SZ';
  /** Daily price limit in percent of the previous close for a non-ST day (10 or 20). */
  limitPct: number;
  industry: number;
  /** Loading on the market factor. */
  beta: number;
  /** Long-run daily idiosyncratic volatility (fraction). */
  idioVol: number;
  /** Price (cents) at the start of the burn-in, or the IPO price for a new listing. */
  price0: number;
  /** Free-float share of total shares. */
  floatRatio: number;
  /** Free-float shares at the start (shares). */
  floatShares0: number;
  /** Long-run log daily turnover. */
  liqMean: number;
  /** Book value per share at the start (yuan). */
  bps0: number;
  /** Median lots per trade at a price of 10 yuan. */
  lotsPerTrade: number;
  /** Typical bid-ask depth scale (lots at the best level). */
  depth: number;
  /** True when the stock is not listed at the start and IPOs inside the span. */
  newListing: boolean;
  /** True when the stock starts under special treatment. */
  st0: boolean;
}

/** Readable names of the first 30 industries (a SW/CITIC-like level-1 split); more get numbered names. */
const INDUSTRY_NAMES = [
  'Banks',
  'Non-bank Finance',
  'Real Estate',
  'Construction',
  'Building Materials',
  'Steel',
  'Non-ferrous Metals',
  'Coal',
  'Oil & Petrochemicals',
  'Basic Chemicals',
  'Power Equipment',
  'Machinery',
  'Defense',
  'Autos',
  'Home Appliances',
  'Textiles & Apparel',
  'Light Manufacturing',
  'Retail',
  'Consumer Services',
  'Food & Beverage',
  'Agriculture',
  'Pharmaceuticals',
  'Utilities',
  'Transportation',
  'Electronics',
  'Computers',
  'Media',
  'Telecom',
  'Environmental',
  'Conglomerates',
];

export function industryNames(n: number): string[] {
  const out: string[] = [];
  for (let k = 0; k < n; k++) out.push(INDUSTRY_NAMES[k] ?? `Industry ${k + 1}`);
  return out;
}

/** Draws stock `i`'s static attributes. Depends only on (seed, i) and the config's distribution knobs. */
export function drawStockStatic(cfg: Readonly<MarketConfig>, i: number): StockStatic {
  const rng = new Rng(cfg.seed, 'static', i);
  const u = rng.uniform();
  const board: Board = u < 0.7 ? 'main' : u < 0.9 ? 'chinext' : 'star';
  const exchange = board === 'star' || (board === 'main' && u < 0.4) ? 'SH' : 'SZ';
  // Industry sizes fall off like 1/(k + 4): a few big industries, many small ones.
  let wsum = 0;
  for (let k = 0; k < cfg.nIndustries; k++) wsum += 1 / (k + 4);
  let pick = rng.uniform() * wsum;
  let industry = cfg.nIndustries - 1;
  for (let k = 0; k < cfg.nIndustries; k++) {
    pick -= 1 / (k + 4);
    if (pick < 0) {
      industry = k;
      break;
    }
  }
  const sizeZ = rng.normal();
  const logCap = SIZE_MU + SIZE_SD * sizeZ;
  const priceYuan = Math.min(400, Math.max(1.5, Math.exp(Math.log(12) + 0.6 * rng.normal())));
  const floatRatio = 0.35 + 0.65 * rng.uniform();
  const beta = Math.min(2, Math.max(0.2, 1 + BETA_SD * rng.normal()));
  const idioVol = cfg.idioVol * Math.exp(-0.12 * sizeZ + 0.25 * rng.normal()) * (board === 'main' ? 1 : 1.2);
  const liqMean = Math.log(cfg.turnover) + LIQ_STOCK_SD * (0.8 * rng.normal() - 0.6 * 0.5 * sizeZ);
  const bp = Math.exp(VALUE_MU + VALUE_SD * rng.normal());
  const lotsPerTrade = cfg.lotsPerTrade * Math.exp(0.35 * rng.normal() + 0.2 * sizeZ);
  const depth = 20 * Math.exp(0.5 * rng.normal() + 0.5 * sizeZ);
  const newListing = rng.uniform() < cfg.newListingFraction;
  const st0 = !newListing && rng.uniform() < cfg.stFraction;
  const price0 = Math.round(priceYuan * 100);
  return {
    board,
    exchange,
    limitPct: board === 'main' ? 10 : 20,
    industry,
    beta,
    idioVol,
    price0,
    floatRatio,
    floatShares0: Math.max(1e6, Math.round(Math.exp(logCap) / (price0 / 100) / 1e4) * 1e4),
    liqMean,
    bps0: bp * (price0 / 100),
    lotsPerTrade,
    depth,
    newListing,
    st0,
  };
}

/** Code ranges per board: [first code, last code]; a board whose range is used up spills into the fallback. */
const CODE_RANGES: Record<string, [number, number, string | null]> = {
  'main.SH': [600000, 609999, 'main.SZ'],
  'main.SZ': [1, 99999, null],
  chinext: [300001, 309999, 'main.SZ'],
  star: [688001, 689999, 'main.SH'],
};

/**
 * Exchange-style ids for the stocks in order: `600000.SH`.. (SH main), `000001.SZ`.. (SZ main),
 * `300001.SZ`.. (ChiNext), `688001.SH`.. (STAR). Stock `i`'s id depends only on stocks `0..i`.
 */
export function assignAssetIds(statics: readonly StockStatic[]): string[] {
  const next = new Map<string, number>();
  const out: string[] = [];
  for (const s of statics) {
    let key: string | null = s.board === 'main' ? `main.${s.exchange}` : s.board;
    for (;;) {
      const range: [number, number, string | null] = CODE_RANGES[key!]!;
      const code = next.get(key!) ?? range[0];
      if (code <= range[1] || range[2] === null) {
        next.set(key!, code + 1);
        const exch = key === 'main.SH' || key === 'star' ? 'SH' : 'SZ';
        out.push(`${String(code).padStart(6, '0')}.${exch}`);
        break;
      }
      key = range[2];
    }
  }
  return out;
}
