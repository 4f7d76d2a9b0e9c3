import { Rng } from '@hfq/core';
import type { MarketConfig } from '../config.js';
import { exponential16, fastExp, fastNormal } from '../random.js';
import type { StockPath } from '../universe/stock-path.js';
import type { StockStatic } from '../universe/stocks.js';

/**
 * Footprint couplings at `footprintStrength = 1` (per unit of the noisy alpha signal the day sees):
 * - `TIMING`: log-slope of the intraday volume profile from the open to the close;
 * - `PRICE_VOLUME`: loading of minute returns (in minute-vol units) on the minute's volume surprise;
 * - `TRADE_SIZE`: log change of the average trade size;
 * - `SHAPE`: drift tilt of the intraday price path (falls then rises), in units of the day's vol;
 * - `BOOK`: log ratio of bid to ask depth in the order book.
 */
export const FOOTPRINT = Object.freeze({
  TIMING: 0.25,
  PRICE_VOLUME: 0.12,
  TRADE_SIZE: 0.12,
  SHAPE: 0.3,
  BOOK: 0.3,
});

/** Continuous minutes (bars 0..236); a local copy keeps hot loops free of module-binding look-ups. */
const CONTINUOUS_MINUTES = 237;
/** 2^-32: turns `nextUint32()` into a uniform on [0, 1). */
const U32 = 2.3283064365386963e-10;

/** Share of the day's volume in the opening and closing call auctions (medians). */
const OPEN_AUCTION_SHARE = 0.008;
const CLOSE_AUCTION_SHARE = 0.04;
/** Sd and AR(1) coefficient of the minute-to-minute log-volume noise (volume clustering). */
const ETA_SD = 0.5;
const ETA_RHO = 0.7;
/** Share of the day's variance realised in continuous trading (the rest is the overnight gap). */
const INTRADAY_VAR_SHARE = 0.75;

/** U-shaped intraday volume profile over the 237 continuous minutes, mean 1. */
export const VOLUME_PROFILE: Float64Array = (() => {
  const p = new Float64Array(CONTINUOUS_MINUTES);
  let sum = 0;
  for (let j = 0; j < CONTINUOUS_MINUTES; j++) {
    let v = 1 + 3.5 * Math.exp(-j / 15) + 1.8 * Math.exp(-(CONTINUOUS_MINUTES - 1 - j) / 15);
    if (j < 120) v += 0.3 * Math.exp(-(119 - j) / 5);
    else v += 0.6 * Math.exp(-(j - 120) / 6);
    p[j] = v;
    sum += v;
  }
  for (let j = 0; j < CONTINUOUS_MINUTES; j++) p[j]! /= sum / CONTINUOUS_MINUTES;
  return p;
})();

/** Time of day of continuous minute j mapped to [-1, 1] (open to close). */
const TIME_AXIS: Float64Array = (() => {
  const t = new Float64Array(CONTINUOUS_MINUTES);
  for (let j = 0; j < CONTINUOUS_MINUTES; j++) t[j] = (2 * j) / (CONTINUOUS_MINUTES - 1) - 1;
  return t;
})();

/**
 * One stock-day of minutes in integer units (cents, lots, yuan), plus the print buckets each
 * continuous minute is made of: up to 4 prices in time order (open, high/low, low/high, close),
 * each with its lots and trades. The tick generator spreads the buckets over the minute's 3 s
 * slots, so minute bars and ticks agree by construction. Reused between stock-days (no allocation).
 */
export class MinuteDay {
  readonly open = new Int32Array(240);
  readonly high = new Int32Array(240);
  readonly low = new Int32Array(240);
  readonly close = new Int32Array(240);
  /** Lots. */
  readonly volume = new Float64Array(240);
  /** Yuan (integers: lots x cents). */
  readonly amount = new Float64Array(240);
  readonly trades = new Float64Array(240);
  /** Buckets of continuous minute j at `4 * j + b`, `b < nb[j]`. */
  readonly nb = new Uint8Array(CONTINUOUS_MINUTES);
  readonly bucketPrice = new Int32Array(4 * CONTINUOUS_MINUTES);
  readonly bucketLots = new Float64Array(4 * CONTINUOUS_MINUTES);
  readonly bucketTrades = new Float64Array(4 * CONTINUOUS_MINUTES);
  /** Opening and closing call auction prints (price cents, lots, trades). */
  openPrice = 0;
  openLots = 0;
  openTrades = 0;
  closePrice = 0;
  closeLots = 0;
  closeTrades = 0;
  upLimit = 0;
  downLimit = 0;
  private readonly eta = new Float64Array(CONTINUOUS_MINUTES);
  private readonly w = new Float64Array(CONTINUOUS_MINUTES);
  private readonly sw = new Float64Array(CONTINUOUS_MINUTES);
  private readonly x = new Float64Array(CONTINUOUS_MINUTES);
  private readonly seq = new Int32Array(4);

  /**
   * Generates stock `i`, day `t` (which must be a trading day of `path`) from the stream
   * `(seed, 'minutes', i, t)` and the day's state in `path`. Overwrites this object.
   */
  generate(cfg: Readonly<MarketConfig>, i: number, t: number, s: StockStatic, path: StockPath): this {
    const rng = new Rng(cfg.seed, 'minutes', i, t);
    const F = cfg.footprintStrength;
    const a = path.alpha[t]!;
    const nz = cfg.footprintNoise;
    const sTiming = a + nz * rng.normal();
    const sPv = a + nz * rng.normal();
    const sSize = a + nz * rng.normal();
    const sShape = a + nz * rng.normal();
    const dayNoise = rng.normal();
    const auctionNoiseA = rng.normal();
    const auctionNoiseZ = rng.normal();

    const openC = path.open[t]!;
    const closeC = path.close[t]!;
    const up = path.up[t]!;
    const down = path.down[t]!;
    this.upLimit = up;
    this.downLimit = down;
    const V = path.volumeTarget[t]!;
    const priceYuan = path.preClose[t]! / 100;
    const lpt = Math.max(
      1,
      s.lotsPerTrade * (10 / priceYuan) ** 0.6 * Math.exp(F * FOOTPRINT.TRADE_SIZE * sSize + 0.15 * dayNoise),
    );

    // Opening and closing call auctions.
    this.openPrice = openC;
    this.openLots = Math.max(1, Math.round(V * OPEN_AUCTION_SHARE * Math.exp(0.5 * auctionNoiseA)));
    this.openTrades = Math.max(
      1,
      Math.min(this.openLots, Math.floor(this.openLots / (1.5 * lpt) + rng.nextUint32() * U32)),
    );
    this.closePrice = closeC;
    this.closeLots = Math.max(1, Math.round(V * CLOSE_AUCTION_SHARE * Math.exp(0.5 * auctionNoiseZ)));
    this.closeTrades = Math.max(
      1,
      Math.min(this.closeLots, Math.floor(this.closeLots / (1.5 * lpt) + rng.nextUint32() * U32)),
    );

    // Volume intensities: U-shaped profile, tilted toward the close by the timing footprint,
    // with AR(1) log noise (volume clustering).
    const eta = this.eta;
    const w = this.w;
    const tilt = F * FOOTPRINT.TIMING * sTiming;
    const etaC = ETA_SD * Math.sqrt(1 - ETA_RHO * ETA_RHO);
    let e = ETA_SD * fastNormal(rng);
    let wsum = 0;
    for (let j = 0; j < CONTINUOUS_MINUTES; j++) {
      if (j > 0) e = ETA_RHO * e + etaC * fastNormal(rng);
      eta[j] = e;
      const wj = VOLUME_PROFILE[j]! * fastExp(tilt * TIME_AXIS[j]! + e);
      w[j] = wj;
      wsum += wj;
    }
    const vCont = V * (1 - OPEN_AUCTION_SHARE - CLOSE_AUCTION_SHARE);

    // Minute log returns: variance follows volume; the price-volume footprint loads returns on
    // the volume surprise; the shape footprint tilts the drift; a Brownian bridge pins the end.
    const x = this.x;
    const sw = this.sw;
    const sigIntra = path.sigma[t]! * Math.sqrt(INTRADAY_VAR_SHARE);
    const sigScale = sigIntra / Math.sqrt(wsum);
    const pv = (F * FOOTPRINT.PRICE_VOLUME * sPv) / ETA_SD;
    const shape = (F * FOOTPRINT.SHAPE * sShape * sigIntra * 2) / CONTINUOUS_MINUTES;
    let xsum = 0;
    for (let j = 0; j < CONTINUOUS_MINUTES; j++) {
      const swj = Math.sqrt(w[j]!);
      sw[j] = swj;
      const xj = sigScale * swj * (fastNormal(rng) + pv * eta[j]!) + shape * TIME_AXIS[j]!;
      x[j] = xj;
      xsum += xj;
    }
    const fix = (Math.log(closeC / openC) - xsum) / wsum; // variance weights are w / wsum
    let price = openC; // latent (unrounded) price in cents
    let prevClose = openC;
    const seq = this.seq;
    const open = this.open;
    const high = this.high;
    const low = this.low;
    const close = this.close;
    const volume = this.volume;
    const amountOut = this.amount;
    const tradesOut = this.trades;
    const nb = this.nb;
    const bPrice = this.bucketPrice;
    const bLots = this.bucketLots;
    const bTrades = this.bucketTrades;
    const excScale = 0.6 * sigScale;
    for (let j = 0; j < CONTINUOUS_MINUTES; j++) {
      // exp of the small minute increment by its Taylor series (|dx| < 0.02: error < 3e-11).
      const dx = x[j]! + fix * w[j]!;
      price *= dx > -0.02 && dx < 0.02 ? 1 + dx * (1 + dx * (0.5 + dx * (1 / 6 + dx / 24))) : Math.exp(dx);
      // One 32-bit draw: 16 bits round the volume, 2 pick the bounce, 1 the print order.
      const r0 = rng.nextUint32();
      const lots = Math.floor((vCont * w[j]!) / wsum + (r0 & 0xffff) * 1.52587890625e-5);
      volume[j] = lots;
      nb[j] = 0;
      if (lots === 0) {
        open[j] = high[j] = low[j] = close[j] = prevClose;
        amountOut[j] = 0;
        tradesOut[j] = 0;
        continue;
      }
      // One 32-bit draw: two 16-bit uniforms for the excursions above and below.
      const r1 = rng.nextUint32();
      const eUp = exponential16(r1 >>> 16);
      const eDn = exponential16(r1 & 0xffff);
      let c = Math.round(price);
      c = c > up ? up : Math.max(c, down);
      const bounce = (r0 >>> 16) & 3;
      let o = j === 0 ? openC : prevClose + (bounce === 0 ? -1 : bounce === 1 ? 1 : 0);
      o = o > up ? up : Math.max(o, down);
      // Excursions beyond open/close, in ticks, scale with the minute's volatility.
      const exc = excScale * sw[j]! * c;
      let hi = Math.max(o, c) + Math.floor(eUp * exc);
      let lo = Math.min(o, c) - Math.floor(eDn * exc);
      hi = Math.min(hi, up);
      lo = Math.max(lo, down);
      // Print order: open, then high and low (either order), then close; merge repeats.
      let k = 0;
      seq[k++] = o;
      const highFirst = (r0 & 0x40000) !== 0;
      const x1 = highFirst ? hi : lo;
      const x2 = highFirst ? lo : hi;
      if (x1 !== seq[k - 1]) seq[k++] = x1;
      if (x2 !== seq[k - 1]) seq[k++] = x2;
      if (c !== seq[k - 1]) seq[k++] = c;
      if (lots < k) {
        // Too few lots to print every price: keep open and close only (or one price).
        if (lots >= 2 && o !== c) {
          seq[0] = o;
          seq[1] = c;
          k = 2;
        } else {
          seq[0] = c;
          k = 1;
        }
      }
      // Split lots over the k prices (each at least 1 lot; 8-bit weights) and trades likewise.
      const r2 = rng.nextUint32();
      let wtot = 0;
      for (let b = 0; b < k; b++) wtot += 80 + ((r2 >>> (8 * b)) & 0xff);
      const nTrades = Math.max(k, Math.min(lots, Math.floor(lots / lpt + rng.nextUint32() * U32)));
      let rest = lots - k;
      const tradesPerLot = nTrades / lots;
      let amount = 0;
      let trades = 0;
      let hiP = seq[0]!;
      let loP = seq[0]!;
      const base = 4 * j;
      for (let b = 0; b < k; b++) {
        let extra = rest;
        if (b < k - 1) {
          extra = Math.floor(((lots - k) * (80 + ((r2 >>> (8 * b)) & 0xff))) / wtot);
          rest -= extra;
        }
        const v = 1 + extra;
        const tr = Math.max(1, Math.min(v, Math.round(tradesPerLot * v)));
        const p = seq[b]!;
        bPrice[base + b] = p;
        bLots[base + b] = v;
        bTrades[base + b] = tr;
        amount += v * p;
        trades += tr;
        if (p > hiP) hiP = p;
        if (p < loP) loP = p;
      }
      nb[j] = k;
      open[j] = seq[0]!;
      high[j] = hiP;
      low[j] = loP;
      close[j] = seq[k - 1]!;
      amountOut[j] = amount;
      tradesOut[j] = trades;
      prevClose = seq[k - 1]!;
    }
    // Minute 0 also holds the opening auction print (its open).
    if (this.volume[0] === 0) {
      this.open[0] = this.high[0] = this.low[0] = this.close[0] = openC;
    } else {
      this.open[0] = openC;
      if (openC > this.high[0]!) this.high[0] = openC;
      if (openC < this.low[0]!) this.low[0] = openC;
    }
    this.volume[0]! += this.openLots;
    this.amount[0]! += this.openLots * openC;
    this.trades[0]! += this.openTrades;
    // 14:57-15:00 is the closing call auction: no prints until the 15:00 match.
    const last = this.close[CONTINUOUS_MINUTES - 1]!;
    for (let j = CONTINUOUS_MINUTES; j < 239; j++) {
      this.open[j] = this.high[j] = this.low[j] = this.close[j] = last;
      this.volume[j] = 0;
      this.amount[j] = 0;
      this.trades[j] = 0;
    }
    this.open[239] = this.high[239] = this.low[239] = this.close[239] = closeC;
    this.volume[239] = this.closeLots;
    this.amount[239] = this.closeLots * closeC;
    this.trades[239] = this.closeTrades;
    return this;
  }
}
