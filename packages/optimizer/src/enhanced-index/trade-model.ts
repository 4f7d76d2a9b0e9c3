import type { LinearProgram } from '../lp/types.js';
import type { EnhancedIndexProblem, RelaxableLimit } from './problem.js';

/**
 * The limits one LP is built with, after any relaxation. `maxTurnover` is undefined when the
 * turnover row is not in the model (no bound given, or a first purchase from cash).
 */
export interface ActiveLimits {
  maxDeviation: number;
  industryBand: number;
  styleBand: number;
  minConstituentWeight: number | undefined;
  maxTurnover: number | undefined;
}

/** Per-stock weight box after tradability, and the stocks held at w0 outside their band. */
export interface StockBox {
  lo: Float64Array;
  hi: Float64Array;
  /** 1 = cannot trade toward its band: held at w0 (the band is relaxed for this stock only). */
  held: Uint8Array;
}

/**
 * The box [lo_i, hi_i] of each weight: the band [max(0, b - d), b + d], cut by tradability
 * (cannot buy: hi <= w0; cannot sell: lo >= w0). Where the cut leaves nothing (a stock that must
 * be sold but cannot be, or must be bought but cannot be), the stock is held at w0.
 */
export function stockBox(p: EnhancedIndexProblem, maxDeviation: number, out?: StockBox): StockBox {
  const n = p.scores.length;
  const box = out ?? { lo: new Float64Array(n), hi: new Float64Array(n), held: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const b = p.benchmark[i]!;
    const w0 = p.previous[i]!;
    let lo = Math.max(0, b - maxDeviation);
    let hi = b + maxDeviation;
    if (p.canBuy && p.canBuy[i] === 0 && hi > w0) hi = w0;
    if (p.canSell && p.canSell[i] === 0 && lo < w0) lo = w0;
    let held = 0;
    if (lo > hi) {
      lo = w0;
      hi = w0;
      held = 1;
    }
    box.lo[i] = lo;
    box.hi[i] = hi;
    box.held[i] = held;
  }
  return box;
}

/** What to build: the limits, which limit groups get an elastic column, and the objective. */
export interface TradeModelSpec {
  limits: ActiveLimits;
  /** Groups whose rows get one shared elastic (widening) column e >= 0. */
  elastic: readonly RelaxableLimit[];
  /** Minimise this group's elastic column (a relaxation phase); absent = maximise scores . w. */
  minimise?: RelaxableLimit | undefined;
  /**
   * Scores are divided by this in the objective (default 1). The optimiser passes max |score| so
   * that the solver's dual tolerance means the same thing whatever the scale of the signal.
   */
  scoreScale?: number | undefined;
}

/** Row/column layout of the last build, for reading the solution back. */
export interface TradeModelLayout {
  n: number;
  /**
   * Which (side, stock) each LP column is: key = side * n + stock (side 0 buy, 1 sell); elastic
   * columns have keys 2n + their index in `elastic`. The HiGHS engine maps its warm-start basis by
   * these keys when the set of columns changes from one week to the next.
   */
  colKey: Int32Array;
  /** Value of every trade, by key (2n): fixed trades folded out of the LP keep their value here. */
  fixedTrade: Float64Array;
  /** Column index of each elastic group's column. */
  elasticColumn: Partial<Record<RelaxableLimit, number>>;
}

/**
 * Builds the enhanced-index LP in trade variables: w = w0 + buy - sell with buy, sell >= 0, so
 * the per-stock box and tradability become column bounds on the trades and the turnover bound is
 * one row, sum(buy + sell) <= T. Trades whose bounds pin them (lower = upper: a stock not held
 * cannot be sold, an untradable one cannot move) are not LP columns at all: their value is folded
 * into the row bounds. At N = 4000 that halves the matrix (most stocks are not held). Columns: the
 * free buys, the free sells, then elastic columns. Rows: budget, industries, styles, constituent
 * floor, turnover, and (only when the per-stock band is elastic) two band rows per stock.
 *
 * The builder keeps its buffers and grows them only when a bigger model arrives, so a backtest
 * refills the same memory every week.
 */
export class TradeModelBuilder {
  private colCost = new Float64Array(0);
  private colLower = new Float64Array(0);
  private colUpper = new Float64Array(0);
  private colKey = new Int32Array(0);
  private rowLower = new Float64Array(0);
  private rowUpper = new Float64Array(0);
  private starts = new Int32Array(0);
  private indices = new Int32Array(0);
  private values = new Float64Array(0);
  private indOffset = new Float64Array(0);
  private styleOffset = new Float64Array(0);
  private tradeLo = new Float64Array(0);
  private tradeHi = new Float64Array(0);

  build(
    p: EnhancedIndexProblem,
    k: number,
    box: StockBox,
    spec: TradeModelSpec,
  ): { lp: LinearProgram; layout: TradeModelLayout } {
    const n = p.scores.length;
    const nStyles = p.styles.length;
    const { limits } = spec;
    const isElastic = (g: RelaxableLimit) => spec.elastic.includes(g);
    const eInd = isElastic('industryBand');
    const eSty = isElastic('styleBand');
    const eDev = isElastic('maxDeviation');
    const hasFloor = limits.minConstituentWeight !== undefined;
    const hasTurn = limits.maxTurnover !== undefined;

    // Row layout.
    const rInd = 1;
    const indRows = eInd ? 2 * k : k;
    const rSty = rInd + indRows;
    const styRows = eSty ? 2 * nStyles : nStyles;
    const rFloor = rSty + styRows;
    const rTurn = rFloor + (hasFloor ? 1 : 0);
    const rDev = rTurn + (hasTurn ? 1 : 0);
    const numRows = rDev + (eDev ? 2 * n : 0);

    // Trade bounds by key (side * n + i), and which trades are LP columns.
    if (this.tradeLo.length < 2 * n) {
      this.tradeLo = new Float64Array(2 * n);
      this.tradeHi = new Float64Array(2 * n);
    }
    const tLo = this.tradeLo;
    const tHi = this.tradeHi;
    const fixedTrade = new Float64Array(2 * n);
    let free = 0;
    for (let i = 0; i < n; i++) {
      const w0 = p.previous[i]!;
      if (eDev && box.held[i] === 0) {
        // Band moved into rows; the box keeps only w >= 0 and tradability.
        tLo[i] = 0;
        tHi[i] = p.canBuy && p.canBuy[i] === 0 ? 0 : Number.POSITIVE_INFINITY;
        tLo[n + i] = 0;
        tHi[n + i] = p.canSell && p.canSell[i] === 0 ? 0 : w0;
      } else {
        tLo[i] = Math.max(0, box.lo[i]! - w0);
        tHi[i] = Math.max(0, box.hi[i]! - w0);
        tLo[n + i] = Math.max(0, w0 - box.hi[i]!);
        tHi[n + i] = Math.max(0, w0 - box.lo[i]!);
      }
      if (tHi[i]! > tLo[i]!) free++;
      else fixedTrade[i] = tLo[i]!;
      if (tHi[n + i]! > tLo[n + i]!) free++;
      else fixedTrade[n + i] = tLo[n + i]!;
    }

    // Column layout.
    const elasticColumn: Partial<Record<RelaxableLimit, number>> = {};
    const numCols = free + spec.elastic.length;
    spec.elastic.forEach((g, j) => {
      elasticColumn[g] = free + j;
    });

    let nConstituents = 0;
    for (let i = 0; i < n; i++) nConstituents += p.constituent[i]!;
    const perTrade = 1 + (eInd ? 2 : 1) * 1 + (eSty ? 2 : 1) * nStyles + (hasTurn ? 1 : 0) + (eDev ? 2 : 0);
    const nnzMax =
      free * perTrade +
      (hasFloor ? 2 * nConstituents : 0) +
      (eInd ? 2 * k : 0) +
      (eSty ? 2 * nStyles : 0) +
      (eDev ? 2 * n : 0) +
      2;
    this.reserve(numCols, numRows, nnzMax);
    const { colCost, colLower, colUpper, colKey, rowLower, rowUpper, starts, indices, values } = this;

    // Offsets: active exposure of the current weights, sum (w0 - b) per industry and per style.
    if (this.indOffset.length < k) this.indOffset = new Float64Array(k);
    if (this.styleOffset.length < nStyles) this.styleOffset = new Float64Array(nStyles);
    const indOffset = this.indOffset.fill(0, 0, k);
    const styleOffset = this.styleOffset.fill(0, 0, nStyles);
    let w0Sum = 0;
    let w0Constituents = 0;
    for (let i = 0; i < n; i++) {
      const w0 = p.previous[i]!;
      const active = w0 - p.benchmark[i]!;
      w0Sum += w0;
      if (p.constituent[i] === 1) w0Constituents += w0;
      indOffset[p.industry[i]!]! += active;
    }
    for (let s = 0; s < nStyles; s++) {
      const x = p.styles[s]!;
      let acc = 0;
      for (let i = 0; i < n; i++) acc += (p.previous[i]! - p.benchmark[i]!) * x[i]!;
      styleOffset[s] = acc;
    }

    // Row bounds.
    rowLower[0] = 1 - w0Sum;
    rowUpper[0] = 1 - w0Sum;
    const setBand = (base: number, j: number, elastic: boolean, band: number, offset: number) => {
      if (elastic) {
        rowLower[base + 2 * j] = Number.NEGATIVE_INFINITY;
        rowUpper[base + 2 * j] = band - offset;
        rowLower[base + 2 * j + 1] = -band - offset;
        rowUpper[base + 2 * j + 1] = Number.POSITIVE_INFINITY;
      } else {
        rowLower[base + j] = -band - offset;
        rowUpper[base + j] = band - offset;
      }
    };
    for (let j = 0; j < k; j++) setBand(rInd, j, eInd, limits.industryBand, indOffset[j]!);
    for (let s = 0; s < nStyles; s++) setBand(rSty, s, eSty, limits.styleBand, styleOffset[s]!);
    if (hasFloor) {
      rowLower[rFloor] = limits.minConstituentWeight! - w0Constituents;
      rowUpper[rFloor] = Number.POSITIVE_INFINITY;
    }
    if (hasTurn) {
      rowLower[rTurn] = Number.NEGATIVE_INFINITY;
      rowUpper[rTurn] = limits.maxTurnover!;
    }
    if (eDev) {
      const d = limits.maxDeviation;
      for (let i = 0; i < n; i++) {
        const r = rDev + 2 * i;
        if (box.held[i] === 1) {
          rowLower[r] = Number.NEGATIVE_INFINITY;
          rowUpper[r] = Number.POSITIVE_INFINITY;
          rowLower[r + 1] = Number.NEGATIVE_INFINITY;
          rowUpper[r + 1] = Number.POSITIVE_INFINITY;
        } else {
          const gap = p.benchmark[i]! - p.previous[i]!;
          rowLower[r] = Number.NEGATIVE_INFINITY;
          rowUpper[r] = gap + d;
          rowLower[r + 1] = gap - d;
          rowUpper[r + 1] = Number.POSITIVE_INFINITY;
        }
      }
    }

    // The entries of trade (side, i): written as a column, or folded into the row bounds.
    let nz = 0;
    const put = (row: number, v: number, fold: number) => {
      if (fold === 0) {
        indices[nz] = row;
        values[nz++] = v;
      } else {
        rowLower[row] = rowLower[row]! - v * fold;
        rowUpper[row] = rowUpper[row]! - v * fold;
      }
    };
    const entries = (side: number, i: number, fold: number) => {
      const sign = side === 0 ? 1 : -1;
      put(0, sign, fold);
      const ind = p.industry[i]!;
      if (eInd) {
        put(rInd + 2 * ind, sign, fold);
        put(rInd + 2 * ind + 1, sign, fold);
      } else put(rInd + ind, sign, fold);
      for (let s = 0; s < nStyles; s++) {
        const x = sign * p.styles[s]![i]!;
        if (eSty) {
          put(rSty + 2 * s, x, fold);
          put(rSty + 2 * s + 1, x, fold);
        } else put(rSty + s, x, fold);
      }
      if (hasFloor && p.constituent[i] === 1) put(rFloor, sign, fold);
      if (hasTurn) put(rTurn, 1, fold);
      if (eDev) {
        put(rDev + 2 * i, sign, fold);
        put(rDev + 2 * i + 1, sign, fold);
      }
    };

    // Columns: free trades (buys, then sells); fixed nonzero trades folded.
    const scoreObjective = spec.minimise === undefined;
    const inv = 1 / (spec.scoreScale ?? 1);
    let col = 0;
    for (let side = 0; side < 2; side++) {
      const sign = side === 0 ? 1 : -1;
      for (let i = 0; i < n; i++) {
        const key = side * n + i;
        const lo = tLo[key]!;
        const hi = tHi[key]!;
        if (!(hi > lo)) {
          if (lo !== 0) entries(side, i, lo);
          continue;
        }
        starts[col] = nz;
        colLower[col] = lo;
        colUpper[col] = hi;
        colKey[col] = key;
        colCost[col] = scoreObjective ? sign * p.scores[i]! * inv : 0;
        entries(side, i, 0);
        col++;
      }
    }

    // Columns: elastic widenings, e >= 0, each loosening every row of its group by e.
    spec.elastic.forEach((g, j) => {
      const c = elasticColumn[g]!;
      starts[c] = nz;
      colLower[c] = 0;
      colUpper[c] = Number.POSITIVE_INFINITY;
      colCost[c] = spec.minimise === g ? 1 : 0;
      colKey[c] = 2 * n + j;
      const pairRows = (base: number, count: number) => {
        for (let r = 0; r < count; r++) {
          indices[nz] = base + 2 * r;
          values[nz++] = -1;
          indices[nz] = base + 2 * r + 1;
          values[nz++] = 1;
        }
      };
      if (g === 'industryBand') pairRows(rInd, k);
      else if (g === 'styleBand') pairRows(rSty, nStyles);
      else if (g === 'maxDeviation') pairRows(rDev, n);
      else if (g === 'minConstituentWeight' && hasFloor) {
        indices[nz] = rFloor;
        values[nz++] = 1;
      } else if (g === 'maxTurnover' && hasTurn) {
        indices[nz] = rTurn;
        values[nz++] = -1;
      }
    });
    starts[numCols] = nz;

    const lp: LinearProgram = {
      sense: scoreObjective ? 'max' : 'min',
      numCols,
      numRows,
      colCost: colCost.subarray(0, numCols),
      colLower: colLower.subarray(0, numCols),
      colUpper: colUpper.subarray(0, numCols),
      rowLower: rowLower.subarray(0, numRows),
      rowUpper: rowUpper.subarray(0, numRows),
      starts: starts.subarray(0, numCols + 1),
      indices: indices.subarray(0, nz),
      values: values.subarray(0, nz),
      colKeys: colKey.subarray(0, numCols),
    };
    return { lp, layout: { n, colKey: lp.colKeys!, fixedTrade, elasticColumn } };
  }

  private reserve(cols: number, rows: number, nnz: number): void {
    if (this.starts.length < cols + 1) {
      const c = Math.ceil(cols * 1.25);
      this.colCost = new Float64Array(c);
      this.colLower = new Float64Array(c);
      this.colUpper = new Float64Array(c);
      this.colKey = new Int32Array(c);
      this.starts = new Int32Array(c + 1);
    }
    if (this.rowLower.length < rows) {
      const r = Math.ceil(rows * 1.25);
      this.rowLower = new Float64Array(r);
      this.rowUpper = new Float64Array(r);
    }
    if (this.indices.length < nnz) {
      const z = Math.ceil(nnz * 1.25);
      this.indices = new Int32Array(z);
      this.values = new Float64Array(z);
    }
  }
}

/**
 * Weights from a trade-model solution: w_i = w0_i + buy_i - sell_i, reading free trades from the
 * LP solution `x` and fixed ones from the layout (a fresh array).
 */
export function weightsFromTrades(
  p: EnhancedIndexProblem,
  x: Float64Array,
  layout: TradeModelLayout,
): Float64Array {
  const n = p.scores.length;
  const trade = layout.fixedTrade.slice();
  for (let c = 0; c < layout.colKey.length; c++) {
    const key = layout.colKey[c]!;
    if (key < 2 * n) trade[key] = x[c]!;
  }
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = p.previous[i]! + trade[i]! - trade[n + i]!;
  return w;
}
