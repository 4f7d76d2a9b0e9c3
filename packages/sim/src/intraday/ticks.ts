import { allocTickSnapshots, type FrameKey, type TickSnapshots } from '@hfq/bars';
import { Rng } from '@hfq/core';
import type { MarketConfig } from '../config.js';
import { exponential16, fastExp, fastNormal } from '../random.js';
import type { StockPath } from '../universe/stock-path.js';
import type { StockStatic } from '../universe/stocks.js';
import {
  CLOSE_AUCTION_SLOT,
  CONTINUOUS_MINUTES,
  minuteFirstSlot,
  N_SLOTS,
  OPEN_AUCTION_SLOT,
  SLOTS_PER_MINUTE,
  slotTime,
} from './grid.js';
import { FOOTPRINT, type MinuteDay } from './minutes.js';

/**
 * The print path of one stock-day on the fine 3 s grid: per slot the lots, trades and price
 * (cents) printed there (0 lots = no print). Built from a `MinuteDay`'s buckets with the stream
 * `(seed, 'prints', i, t)`; independent of the snapshot cadence.
 */
export class PrintPath {
  readonly lots = new Float64Array(N_SLOTS);
  readonly trades = new Float64Array(N_SLOTS);
  readonly price = new Int32Array(N_SLOTS);
  private readonly chosen = new Int32Array(SLOTS_PER_MINUTE);
  private readonly perBucket = new Int32Array(4);
  private readonly wts = new Float64Array(SLOTS_PER_MINUTE);

  build(cfg: Readonly<MarketConfig>, i: number, t: number, day: MinuteDay): this {
    const rng = new Rng(cfg.seed, 'prints', i, t);
    this.lots.fill(0);
    this.trades.fill(0);
    this.price.fill(0);
    this.lots[OPEN_AUCTION_SLOT] = day.openLots;
    this.trades[OPEN_AUCTION_SLOT] = day.openTrades;
    this.price[OPEN_AUCTION_SLOT] = day.openPrice;
    this.lots[CLOSE_AUCTION_SLOT] = day.closeLots;
    this.trades[CLOSE_AUCTION_SLOT] = day.closeTrades;
    this.price[CLOSE_AUCTION_SLOT] = day.closePrice;
    const per = this.perBucket;
    const chosen = this.chosen;
    for (let j = 0; j < CONTINUOUS_MINUTES; j++) {
      const k = day.nb[j]!;
      if (k === 0) continue;
      const maxPer = Math.floor(SLOTS_PER_MINUTE / k);
      let m = 0;
      for (let b = 0; b < k; b++) {
        const v = day.bucketLots[4 * j + b]!;
        const tr = day.bucketTrades[4 * j + b]!;
        const want = Math.max(1, Math.round(tr * (0.3 + 0.7 * (rng.nextUint32() * U32))));
        per[b] = Math.min(v, tr, maxPer, want);
        m += per[b]!;
      }
      // Choose m of the minute's 20 slots (selection sampling keeps them in time order).
      let need = m;
      let c = 0;
      let bits = 0;
      for (let q = 0; q < SLOTS_PER_MINUTE && need > 0; q++) {
        if ((q & 3) === 0) bits = rng.nextUint32();
        // Keep slot q with probability need / (slots left), from 8 random bits (exactly m kept).
        const u8 = (bits >>> ((q & 3) * 8)) & 0xff;
        if (need >= SLOTS_PER_MINUTE - q || u8 * (SLOTS_PER_MINUTE - q) < need * 256) {
          chosen[c++] = q;
          need--;
        }
      }
      const first = minuteFirstSlot(j);
      let cursor = 0;
      for (let b = 0; b < k; b++) {
        const n = per[b]!;
        const price = day.bucketPrice[4 * j + b]!;
        this.spread(rng, day.bucketLots[4 * j + b]!, day.bucketTrades[4 * j + b]!, n, first, cursor, price);
        cursor += n;
      }
    }
    return this;
  }

  /** Spreads `lots` and `trades` of one price over `n` chosen slots, each at least 1 lot and 1 trade. */
  private spread(
    rng: Rng,
    lots: number,
    trades: number,
    n: number,
    first: number,
    cursor: number,
    price: number,
  ): void {
    const w = this.wts;
    let wsum = 0;
    for (let q = 0; q < n; q++) {
      const r = exponential16(rng.nextUint32() >>> 16) + 0.05;
      w[q] = r;
      wsum += r;
    }
    let restLots = lots - n;
    let restTrades = trades - n;
    for (let q = 0; q < n; q++) {
      const slot = first + this.chosen[cursor + q]!;
      let addL: number;
      let addT: number;
      if (q === n - 1) {
        addL = restLots;
        addT = restTrades;
      } else {
        addL = Math.floor(((lots - n) * w[q]!) / wsum);
        addT = Math.floor(((trades - n) * w[q]!) / wsum);
        restLots -= addL;
        restTrades -= addT;
      }
      this.lots[slot] = 1 + addL;
      this.trades[slot] = 1 + addT;
      this.price[slot] = price;
    }
  }
}

/**
 * The print path's state at each snapshot: cumulative lots, amount (yuan) and trades, the last
 * price (cents) and the direction of the last price change (+1 up, -1 down, 0 none yet).
 */
export class SnapshotState {
  n = 0;
  readonly cumLots = new Float64Array(N_SLOTS);
  readonly cumAmount = new Float64Array(N_SLOTS);
  readonly cumTrades = new Float64Array(N_SLOTS);
  readonly last = new Int32Array(N_SLOTS);
  readonly dir = new Int8Array(N_SLOTS);

  /** Samples a built print path at `slots`. */
  fromPrints(prints: PrintPath, openPrice: number, slots: Int32Array): this {
    let cumLots = 0;
    let cumAmount = 0;
    let cumTrades = 0;
    let last = openPrice;
    let dir = 0;
    let s0 = 0;
    for (let q = 0; q < slots.length; q++) {
      const slot = slots[q]!;
      for (; s0 <= slot; s0++) {
        const lots = prints.lots[s0]!;
        if (lots === 0) continue;
        const price = prints.price[s0]!;
        cumLots += lots;
        cumAmount += lots * price;
        cumTrades += prints.trades[s0]!;
        if (price !== last) dir = price > last ? 1 : -1;
        last = price;
      }
      this.record(q, cumLots, cumAmount, cumTrades, last, dir);
    }
    this.n = slots.length;
    return this;
  }

  /**
   * The same state straight from the minutes, for cadences whose snapshots all sit at minute ends
   * (60 s): there the print path's state is the minute totals and the minute's close, whatever
   * slots the prints occupy, so it need not be built.
   */
  fromMinutes(day: MinuteDay, slots: Int32Array): this {
    let cumLots = 0;
    let cumAmount = 0;
    let cumTrades = 0;
    let last = day.openPrice;
    let dir = 0;
    let j = 0;
    for (let q = 0; q < slots.length; q++) {
      const slot = slots[q]!;
      if (slot === OPEN_AUCTION_SLOT) {
        cumLots += day.openLots;
        cumAmount += day.openLots * day.openPrice;
        cumTrades += day.openTrades;
      }
      for (; j < CONTINUOUS_MINUTES && minuteFirstSlot(j) + SLOTS_PER_MINUTE - 1 <= slot; j++) {
        for (let b = 0; b < day.nb[j]!; b++) {
          const lots = day.bucketLots[4 * j + b]!;
          const price = day.bucketPrice[4 * j + b]!;
          cumLots += lots;
          cumAmount += lots * price;
          cumTrades += day.bucketTrades[4 * j + b]!;
          if (price !== last) dir = price > last ? 1 : -1;
          last = price;
        }
      }
      if (slot === CLOSE_AUCTION_SLOT) {
        cumLots += day.closeLots;
        cumAmount += day.closeLots * day.closePrice;
        cumTrades += day.closeTrades;
        if (day.closePrice !== last) dir = day.closePrice > last ? 1 : -1;
        last = day.closePrice;
      }
      this.record(q, cumLots, cumAmount, cumTrades, last, dir);
    }
    this.n = slots.length;
    return this;
  }

  private record(q: number, lots: number, amount: number, trades: number, last: number, dir: number): void {
    this.cumLots[q] = lots;
    this.cumAmount[q] = amount;
    this.cumTrades[q] = trades;
    this.last[q] = last;
    this.dir[q] = dir;
  }
}

/** 2^-32: turns `nextUint32()` into a uniform on [0, 1). */
const U32 = 2.3283064365386963e-10;

/** Log-depth noise: sd and AR(1) coefficient between consecutive snapshots. */
const DEPTH_SD = 0.45;
const DEPTH_RHO = 0.85;
/** Depth at the best level as a share of the day's traded lots. */
const DEPTH_SHARE = 0.0015;

/**
 * Turns the print path's state at the snapshot slots into snapshots with a `levels`-deep book: best
 * bid <= last <= best ask with a spread of at least one tick, levels a tick or more apart,
 * nothing beyond the price limits (empty levels are price 0, volume 0, orders 0; at limit-up the
 * ask side is empty and the bid is sealed), depth with persistent noise and a bid/ask imbalance
 * that carries the alpha footprint. Volumes in shares (lots x 100), amounts in yuan.
 */
export function buildTickSnapshots(
  cfg: Readonly<MarketConfig>,
  i: number,
  t: number,
  s: StockStatic,
  path: StockPath,
  day: MinuteDay,
  state: SnapshotState,
  slots: Int32Array,
  key: FrameKey,
): TickSnapshots {
  const L = cfg.levels;
  const n = slots.length;
  const out = allocTickSnapshots(n, L, key);
  const rng = new Rng(cfg.seed, 'book', i, t);
  const signal = path.alpha[t]! + cfg.footprintNoise * rng.normal();
  const imb = cfg.footprintStrength * FOOTPRINT.BOOK * signal;
  const bidBias = Math.exp(imb / 2);
  const askBias = Math.exp(-imb / 2);
  const up = day.upLimit;
  const down = day.downLimit;
  const V = path.volumeTarget[t]!;
  const depth1 = Math.max(1, DEPTH_SHARE * V);
  const priceYuan = path.preClose[t]! / 100;
  const orderLots = Math.max(1, s.lotsPerTrade * (10 / priceYuan) ** 0.6 * 0.8);
  // Persistent (AR(1) across snapshots) log-depth factor per side; levels add i.i.d. noise.
  let bidNoise = DEPTH_SD * rng.normal();
  let askNoise = DEPTH_SD * rng.normal();
  const noiseC = DEPTH_SD * Math.sqrt(1 - DEPTH_RHO * DEPTH_RHO);

  for (let q = 0; q < n; q++) {
    const last = state.last[q]!;
    const dir = state.dir[q]!;
    out.time[q] = slotTime(slots[q]!);
    out.last[q] = last / 100;
    out.volume[q] = state.cumLots[q]! * 100;
    out.amount[q] = state.cumAmount[q]!;
    out.trades[q] = state.cumTrades[q]!;

    const spreadTicks = Math.max(1, Math.round(last * 0.0008 * (0.6 + 0.8 * (rng.nextUint32() * U32))));
    const gap0 = Math.max(1, Math.round(last * 0.0004));
    const ud = rng.nextUint32() * U32;
    // Last trade at the ask after an uptick, at the bid after a downtick, else anywhere between.
    const offset =
      dir > 0
        ? ud < 0.8
          ? spreadTicks
          : 0
        : dir < 0
          ? ud < 0.8
            ? 0
            : spreadTicks
          : Math.floor(ud * (spreadTicks + 1));
    let bid = last - offset;
    let ask = bid + spreadTicks;
    let bidOpen = true;
    let askOpen = true;
    let sealBid = 1;
    let sealAsk = 1;
    if (last >= up) {
      bid = up;
      askOpen = false;
      sealBid = 20;
    } else if (last <= down) {
      ask = down;
      bidOpen = false;
      sealAsk = 20;
    } else {
      if (ask > up) ask = up;
      if (bid < down) bid = down;
    }
    bidNoise = DEPTH_RHO * bidNoise + noiseC * fastNormal(rng);
    askNoise = DEPTH_RHO * askNoise + noiseC * fastNormal(rng);
    const bidDepth = depth1 * bidBias * sealBid * fastExp(bidNoise);
    const askDepth = depth1 * askBias * sealAsk * fastExp(askNoise);
    const base = q * L;
    let bp = bid;
    let ap = ask;
    for (let k = 0; k < L; k++) {
      // Two 32-bit draws per level: per side 8 bits of depth noise, 8 of order count, 4 of gap.
      const b1 = rng.nextUint32();
      const b2 = rng.nextUint32();
      if (k > 0) {
        bp -= ((b2 >>> 16) & 15) < 3 ? gap0 + 1 : gap0;
        ap += ((b2 >>> 20) & 15) < 3 ? gap0 + 1 : gap0;
      }
      const shape = 1 + 0.15 * k;
      writeLevel(
        out.bidPrice,
        out.bidVolume,
        out.bidOrders,
        base + k,
        bidOpen && bp >= down,
        bp,
        bidDepth * shape,
        b1 & 0xff,
        (b1 >>> 8) & 0xff,
        orderLots,
      );
      writeLevel(
        out.askPrice,
        out.askVolume,
        out.askOrders,
        base + k,
        askOpen && ap <= up,
        ap,
        askDepth * shape,
        (b1 >>> 16) & 0xff,
        b1 >>> 24,
        orderLots,
      );
    }
  }
  return out;
}

/**
 * One side of one book level at index `i`: price `fen / 100` yuan, volume in shares (whole lots
 * of 100, at least one, from `depth` lots and the noise byte `depthByte`), order count (from
 * `orderByte`, between 1 and the lots); all 0 when the level is empty (`open` false).
 */
function writeLevel(
  price: Float64Array,
  volume: Float64Array,
  orders: Float64Array,
  i: number,
  open: boolean,
  fen: number,
  depth: number,
  depthByte: number,
  orderByte: number,
  orderLots: number,
): void {
  if (open) {
    const lots = Math.max(1, Math.round(depth * (0.5 + 0.00390625 * depthByte)));
    const n = Math.round((lots / orderLots) * (0.6 + 0.003125 * orderByte));
    price[i] = fen / 100;
    volume[i] = lots * 100;
    orders[i] = n < 1 ? 1 : Math.min(n, lots);
  } else {
    price[i] = 0;
    volume[i] = 0;
    orders[i] = 0;
  }
}
