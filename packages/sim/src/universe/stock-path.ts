import { limitPriceCents } from '@hfq/bars';
import { Rng } from '@hfq/core';
import type { MarketConfig } from '../config.js';
import { fastNormal, unitStudentT } from '../random.js';
import { BURN_IN, type CommonFactors } from './factors.js';
import {
  BETA_SD,
  LIQ_SD,
  LIQ_TIME_SD,
  SIZE_MU,
  SIZE_SD,
  type StockStatic,
  VALUE_MU,
  VALUE_SD,
} from './stocks.js';

/** Stock status on a day. */
export const NOT_LISTED = 0;
export const TRADING = 1;
export const SUSPENDED = 2;

/** Half-life (traded days) of the exponentially weighted idiosyncratic return behind the reversal premium. */
export const REVERSAL_HALF_LIFE = 5;
const REV_RHO = 0.5 ** (1 / REVERSAL_HALF_LIFE);

/** Days a delisting stock spends under ST before it leaves the market. */
export const DELISTING_NOTICE_DAYS = 40;
/** Daily hazard of an IPO for a stock that is not yet listed (mean wait 200 trading days). */
export const LISTING_HAZARD = 1 / 200;

/**
 * One stock's daily state over the calendar (index t = 0..nDays-1), the memory-carrying part of
 * the market: prices, limits, lifecycle, latent alpha and styles. Prices are integer cents.
 * Intraday data for (stock, t) is generated from this row plus its own random stream.
 */
export interface StockPath {
  /** First calendar index the stock is listed on; -1 when listed before the calendar; nDays when it never lists inside it. */
  listDay: number;
  /** First calendar index after delisting (not listed from then on); nDays when it stays listed. */
  delistDay: number;
  /** NOT_LISTED, TRADING or SUSPENDED. */
  status: Uint8Array;
  /** 1 under special treatment (+-5% limits). */
  st: Uint8Array;
  /** Exchange reference price (previous close, adjusted for corporate actions on t), cents; 0 unless trading. */
  preClose: Int32Array;
  open: Int32Array;
  close: Int32Array;
  up: Int32Array;
  down: Int32Array;
  /** Last traded close as of t (cents), for valuations on suspended days; 0 when not listed. */
  lastClose: Int32Array;
  /** Cumulative adjustment factor. */
  adj: Float64Array;
  totalShares: Float64Array;
  floatShares: Float64Array;
  /** Book value per share, yuan. */
  bps: Float64Array;
  /** Target traded volume of the day (lots); the minutes realise it with noise. */
  volumeTarget: Float64Array;
  /** Predicted total daily volatility for t (fraction); scales the intraday path. */
  sigma: Float64Array;
  /** Latent alpha at the close of t (unit variance, AR(1)). */
  alpha: Float64Array;
  /** Expected idiosyncratic log return of day t+1 given the state at the close of t. */
  expRet: Float64Array;
  /**
   * Expected idiosyncratic log return from the close of t+1 to the close of t+6 (days t+2..t+6)
   * given the state at the close of t: `expRet` carried forward five days (see `expRet1to6` below).
   */
  expRet1to6: Float64Array;
  /** Style exposures at the close of t (roughly standard normal across stocks). */
  size: Float64Array;
  beta: number;
  momentum: Float64Array;
  volatility: Float64Array;
  liquidity: Float64Array;
  value: Float64Array;
}

/** 2^-32: turns `nextUint32()` into a uniform on [0, 1). */
const U32 = 2.3283064365386963e-10;

const clip4 = (x: number) => (x > 4 ? 4 : Math.max(x, -4));

/**
 * Daily limit price in cents: preClose * (1 +- pct%), rounded half up to the cent (integer
 * arithmetic, never below 1 cent). The exchange rule of `@hfq/bars` (`limitPriceCents`).
 */
export const limitPrice: (preCloseCents: number, pct: number) => number = limitPriceCents;

const SPLIT_RATIOS = [1.2, 1.3, 1.5, 2];

/**
 * Simulates stock `i` over `-BURN_IN .. nDays-1` from the sequential stream `(seed, 'path', i)`.
 * Day t uses only draws of days <= t, so the first days never depend on `nDays`.
 */
export function simulateStockPath(
  cfg: Readonly<MarketConfig>,
  i: number,
  s: StockStatic,
  common: CommonFactors,
): StockPath {
  const D = cfg.nDays;
  const K = cfg.nIndustries;
  const nan = () => new Float64Array(D).fill(NaN);
  const p: StockPath = {
    listDay: s.newListing ? D : -1,
    delistDay: D,
    status: new Uint8Array(D),
    st: new Uint8Array(D),
    preClose: new Int32Array(D),
    open: new Int32Array(D),
    close: new Int32Array(D),
    up: new Int32Array(D),
    down: new Int32Array(D),
    lastClose: new Int32Array(D),
    adj: nan(),
    totalShares: nan(),
    floatShares: nan(),
    bps: nan(),
    volumeTarget: new Float64Array(D),
    sigma: nan(),
    alpha: nan(),
    expRet: nan(),
    expRet1to6: nan(),
    size: nan(),
    beta: (s.beta - 1) / BETA_SD,
    momentum: nan(),
    volatility: nan(),
    liquidity: nan(),
    value: nan(),
  };
  const rng = new Rng(cfg.seed, 'path', i);
  const phi = cfg.alphaPersistence;
  const phiC = Math.sqrt(1 - phi * phi);
  const ga = cfg.garchAlpha;
  const gb = cfg.garchBeta;
  const omega = s.idioVol * s.idioVol * (1 - ga - gb);
  const liqPhi = 0.97;
  const liqC = LIQ_TIME_SD * Math.sqrt(1 - liqPhi * liqPhi);
  const refVol = cfg.idioVol;
  const mom60 = new Float64Array(60);
  let revSum = 0;
  let momSum = 0;
  let nRet = 0;

  let a = rng.normal();
  let h = s.idioVol * s.idioVol;
  let e = 0;
  let liq = s.liqMean + LIQ_TIME_SD * rng.normal();
  let listed = !s.newListing;
  let delisted = false;
  let delistLeft = -1;
  let stLeft = s.st0 ? 1 + Math.floor(rng.uniform() * 300) : 0;
  let suspLeft = 0;
  let carry = 0;
  let priceC = s.price0; // last traded close (cents)
  let adj = 1;
  let floatShares = s.floatShares0;
  let totalShares = Math.round(floatShares / s.floatRatio / 1e4) * 1e4;
  let bps = s.bps0;
  let mu = 0; // expected idiosyncratic return of the current day, set at the previous close
  // Expected idiosyncratic log return of days d+2..d+6 given the close of d (mu0 = that of d+1):
  // the alpha decays by phi a day; the reversal state takes each day's expected return
  // (revSum' = REV_RHO revSum + E idio); the other styles stay at their value at d (they move
  // slowly and their premia are small). Future shocks enter at their mean 0, so the clipped
  // reversal term is projected, not averaged over paths (its Jensen gap is ignored).
  const revScale = Math.sqrt(1 - REV_RHO * REV_RHO) / refVol;
  const expectedAhead = (mu0: number, a0: number, rev0: number, revZ0: number): number => {
    const styles = mu0 - cfg.alphaReturn * a0 - cfg.reversalPremium * clip4(revZ0);
    let m = mu0;
    let aj = a0;
    let rs = rev0;
    let total = 0;
    for (let j = 1; j <= 5; j++) {
      rs = REV_RHO * rs + m;
      aj *= phi;
      m = cfg.alphaReturn * aj + cfg.reversalPremium * clip4(-rs * revScale) + styles;
      total += m;
    }
    return total;
  };

  for (let d = -BURN_IN; d < D; d++) {
    const c = d + BURN_IN;
    // Fixed set of draws per day, whatever the state.
    const zA = rng.normal();
    const shock = unitStudentT(rng, cfg.tailDf);
    // Cheaper draws where tails and resolution do not matter (32-bit uniforms for the hazards).
    const zL = fastNormal(rng);
    const zV = fastNormal(rng);
    const zG = fastNormal(rng);
    const zB = fastNormal(rng);
    const uList = rng.nextUint32() * U32;
    const uDelist = rng.nextUint32() * U32;
    const uSt = rng.nextUint32() * U32;
    const uStLen = rng.nextUint32() * U32;
    const uSusp = rng.nextUint32() * U32;
    const uSuspLen = rng.nextUint32() * U32;
    const uDiv = rng.nextUint32() * U32;
    const uDivY = rng.nextUint32() * U32;
    const uSplit = rng.nextUint32() * U32;
    const uSplitR = rng.nextUint32() * U32;

    // Latent processes (evolve whether or not the stock trades).
    a = phi * a + phiC * zA;
    h = omega + ga * e * e + gb * h;
    e = Math.sqrt(h) * shock;
    liq = s.liqMean + liqPhi * (liq - s.liqMean) + liqC * zL;
    const m = common.market[c]!;
    const g = common.industry[c * K + s.industry]!;
    const r = s.beta * m + g + mu + e;

    // Lifecycle.
    let listingToday = false;
    if (!listed && !delisted && s.newListing && d >= 0 && uList < LISTING_HAZARD) {
      listed = true;
      listingToday = true;
      p.listDay = d;
      carry = 0;
    }
    if (listed && delistLeft === 0) {
      listed = false;
      delisted = true;
      p.delistDay = d;
    }
    if (delistLeft > 0) delistLeft--;
    if (listed && delistLeft < 0 && d >= 0 && uDelist < cfg.delistingPerYear / 250) {
      delistLeft = DELISTING_NOTICE_DAYS - 1;
      stLeft = Math.max(stLeft, DELISTING_NOTICE_DAYS + 1);
    }
    let st = false;
    if (listed) {
      if (stLeft > 0) {
        st = true;
        stLeft--;
      } else if (uSt < cfg.stPerYear / 250) {
        st = true;
        stLeft = 120 + Math.floor(uStLen * 250);
      }
    }
    let suspended = false;
    if (listed) {
      if (suspLeft > 0) {
        suspended = true;
        suspLeft--;
      } else if (!listingToday && uSusp < cfg.suspensionRate) {
        suspended = true;
        suspLeft =
          uSuspLen < 0.85
            ? Math.floor((uSuspLen / 0.85) * 4)
            : 4 + Math.floor(((uSuspLen - 0.85) / 0.15) * 40);
      }
    }

    let status = NOT_LISTED;
    let preC = 0;
    let openC = 0;
    let closeC = 0;
    let upC = 0;
    let downC = 0;
    let volTarget = 0;
    if (listed && !suspended) {
      status = TRADING;
      preC = priceC;
      if (!listingToday) {
        // Corporate actions on the ex-date move the reference price and the adjustment factor.
        if (uDiv < cfg.dividendsPerYear / 250) {
          const div = Math.max(1, Math.round(priceC * (0.005 + 0.025 * uDivY)));
          if (div < priceC / 2) {
            preC = priceC - div;
            bps = Math.max(0.01, bps - div / 100);
          }
        }
        const splitBoost = priceC > 3000 ? 3 : 1;
        if (uSplit < (cfg.splitsPerYear / 250) * splitBoost && preC >= 200) {
          const ratio = SPLIT_RATIOS[Math.floor(uSplitR * SPLIT_RATIOS.length)]!;
          const before = preC;
          preC = Math.max(1, Math.round(preC / ratio));
          floatShares = Math.round((floatShares * ratio) / 100) * 100;
          totalShares = Math.round((totalShares * ratio) / 100) * 100;
          bps /= before / preC;
        }
        adj *= priceC / preC;
      }
      // The simulator's own rule, kept for bit-identical output: ST is +-5 % on every board. The
      // exchanges' rule (`priceLimitPct` in @hfq/bars) gives ChiNext ST 20 % from 2020-08-24,
      // STAR ST 20 % always, and main-board ST 10 % from 2025-07-07.
      const pct = st ? 5 : s.limitPct;
      upC = limitPrice(preC, pct);
      downC = limitPrice(preC, -pct);
      const total = r + carry;
      const target = Math.round(preC * Math.exp(total));
      closeC = target > upC ? upC : Math.max(target, downC);
      carry = total - Math.log(closeC / preC);
      const gap = 0.3 * total + 0.25 * Math.sqrt(h) * zG;
      const o = Math.round(preC * Math.exp(gap));
      openC = o > upC ? upC : Math.max(o, downC);
      let lt = liq + 0.35 * (Math.abs(shock) - 0.8) + 0.2 * zV;
      if (listingToday) lt += 2;
      volTarget = (Math.exp(lt) * floatShares) / 100;
      // Realised idiosyncratic return feeds reversal and momentum.
      const idio = Math.log(closeC / preC) - s.beta * m - g;
      revSum = REV_RHO * revSum + idio;
      momSum += idio - mom60[nRet % 60]!;
      mom60[nRet % 60] = idio;
      nRet++;
      priceC = closeC;
    } else if (listed) {
      status = SUSPENDED;
      carry += r; // news during a suspension is released when trading resumes
    }
    if (listed) bps *= Math.exp(0.0002 + 0.003 * zB);

    // Exposures at the close of d and the expected idiosyncratic return of d + 1.
    const sizeZ = (Math.log((priceC / 100) * floatShares) - SIZE_MU) / SIZE_SD;
    const betaZ = p.beta;
    const momZ = momSum / (refVol * Math.sqrt(60));
    const volZ = Math.log(Math.sqrt(h) / refVol) / 0.35;
    const liqZ = (liq - Math.log(cfg.turnover)) / LIQ_SD;
    const valueZ = (Math.log(bps / (priceC / 100)) - VALUE_MU) / VALUE_SD;
    const revZ = (-revSum * Math.sqrt(1 - REV_RHO * REV_RHO)) / refVol;
    mu =
      cfg.alphaReturn * a +
      cfg.reversalPremium * clip4(revZ) +
      cfg.liquidityPremium * clip4(liqZ) +
      cfg.betaPremium * clip4(betaZ) +
      cfg.valuePremium * clip4(valueZ) +
      cfg.sizePremium * clip4(sizeZ) +
      cfg.momentumPremium * clip4(momZ) +
      cfg.volatilityPremium * clip4(volZ);

    if (d < 0) continue;
    p.status[d] = status;
    p.st[d] = st ? 1 : 0;
    if (!listed) continue;
    p.preClose[d] = preC;
    p.open[d] = openC;
    p.close[d] = closeC;
    p.up[d] = upC;
    p.down[d] = downC;
    p.lastClose[d] = priceC;
    p.adj[d] = adj;
    p.totalShares[d] = totalShares;
    p.floatShares[d] = floatShares;
    p.bps[d] = bps;
    p.volumeTarget[d] = volTarget;
    p.sigma[d] = Math.sqrt(h + s.beta * s.beta * common.marketVar[c]! + cfg.industryVol * cfg.industryVol);
    p.alpha[d] = a;
    p.expRet[d] = mu;
    p.expRet1to6[d] = expectedAhead(mu, a, revSum, revZ);
    p.size[d] = sizeZ;
    p.momentum[d] = momZ;
    p.volatility[d] = volZ;
    p.liquidity[d] = liqZ;
    p.value[d] = valueZ;
  }
  return p;
}
