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
  /** Column index of each elastic group's column. */
  elasticColumn: Partial<Record<RelaxableLimit, number>>;
}

/**
 * Builds the enhanced-index LP in trade variables: w = w0 + buy - sell with buy, sell >= 0, so
 * the per-stock box and tradability become column bounds on the trades and the turnover bound is
 * one row, sum(buy + sell) <= T. Columns: buy_0..buy_{N-1}, sell_0..sell_{N-1}, then elastic
 * columns. Rows: budget, industries, styles, constituent floor, turnover, and (only when the
 * per-stock band is elastic) two band rows per stock.
 *
 * The builder keeps its buffers and grows them only when a bigger model arrives, so a backtest
 * refills the same memory every week.
 */
export class TradeModelBuilder {
  private colCost = new Float64Array(0);
  private colLower = new Float64Array(0);
  private colUpper = new Float64Array(0);
  private rowLower = new Float64Array(0);
  private rowUpper = new Float64Array(0);
  private starts = new Int32Array(0);
  private indices = new Int32Array(0);
  private values = new Float64Array(0);
  private indOffset = new Float64Array(0);
  private styleOffset = new Float64Array(0);

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

    // Column layout.
    const elasticColumn: Partial<Record<RelaxableLimit, number>> = {};
    let numCols = 2 * n;
    for (const g of spec.elastic) elasticColumn[g] = numCols++;

    let nConstituents = 0;
    for (let i = 0; i < n; i++) nConstituents += p.constituent[i]!;
    const perTrade = 1 + (eInd ? 2 : 1) * 1 + (eSty ? 2 : 1) * nStyles + (hasTurn ? 1 : 0) + (eDev ? 2 : 0);
    const nnzMax =
      2 * n * perTrade +
      (hasFloor ? 2 * nConstituents : 0) +
      (eInd ? 2 * k : 0) +
      (eSty ? 2 * nStyles : 0) +
      (eDev ? 2 * n : 0) +
      2;
    this.reserve(numCols, numRows, nnzMax);
    const { colCost, colLower, colUpper, rowLower, rowUpper, starts, indices, values } = this;

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

    // Columns: trades.
    const scoreObjective = spec.minimise === undefined;
    const inv = 1 / (spec.scoreScale ?? 1);
    let nz = 0;
    for (let side = 0; side < 2; side++) {
      const sign = side === 0 ? 1 : -1;
      for (let i = 0; i < n; i++) {
        const col = side * n + i;
        starts[col] = nz;
        const w0 = p.previous[i]!;
        if (eDev && box.held[i] === 0) {
          // Band moved into rows; the box keeps only w >= 0 and tradability.
          colLower[col] = 0;
          if (side === 0) colUpper[col] = p.canBuy && p.canBuy[i] === 0 ? 0 : Number.POSITIVE_INFINITY;
          else colUpper[col] = p.canSell && p.canSell[i] === 0 ? 0 : w0;
        } else if (side === 0) {
          colLower[col] = Math.max(0, box.lo[i]! - w0);
          colUpper[col] = Math.max(0, box.hi[i]! - w0);
        } else {
          colLower[col] = Math.max(0, w0 - box.hi[i]!);
          colUpper[col] = Math.max(0, w0 - box.lo[i]!);
        }
        colCost[col] = scoreObjective ? sign * p.scores[i]! * inv : 0;
        indices[nz] = 0;
        values[nz++] = sign;
        const ind = p.industry[i]!;
        if (eInd) {
          indices[nz] = rInd + 2 * ind;
          values[nz++] = sign;
          indices[nz] = rInd + 2 * ind + 1;
          values[nz++] = sign;
        } else {
          indices[nz] = rInd + ind;
          values[nz++] = sign;
        }
        for (let s = 0; s < nStyles; s++) {
          const x = sign * p.styles[s]![i]!;
          if (eSty) {
            indices[nz] = rSty + 2 * s;
            values[nz++] = x;
            indices[nz] = rSty + 2 * s + 1;
            values[nz++] = x;
          } else {
            indices[nz] = rSty + s;
            values[nz++] = x;
          }
        }
        if (hasFloor && p.constituent[i] === 1) {
          indices[nz] = rFloor;
          values[nz++] = sign;
        }
        if (hasTurn) {
          indices[nz] = rTurn;
          values[nz++] = 1;
        }
        if (eDev) {
          indices[nz] = rDev + 2 * i;
          values[nz++] = sign;
          indices[nz] = rDev + 2 * i + 1;
          values[nz++] = sign;
        }
      }
    }

    // Columns: elastic widenings, e >= 0, each loosening every row of its group by e.
    for (const g of spec.elastic) {
      const col = elasticColumn[g]!;
      starts[col] = nz;
      colLower[col] = 0;
      colUpper[col] = Number.POSITIVE_INFINITY;
      colCost[col] = spec.minimise === g ? 1 : 0;
      const pairRows = (base: number, count: number) => {
        for (let j = 0; j < count; j++) {
          indices[nz] = base + 2 * j;
          values[nz++] = -1;
          indices[nz] = base + 2 * j + 1;
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
    }
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
    };
    return { lp, layout: { n, elasticColumn } };
  }

  private reserve(cols: number, rows: number, nnz: number): void {
    if (this.colCost.length < cols) {
      const c = Math.ceil(cols * 1.25);
      this.colCost = new Float64Array(c);
      this.colLower = new Float64Array(c);
      this.colUpper = new Float64Array(c);
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

/** Weights from a trade-model solution: w_i = w0_i + buy_i - sell_i (a fresh array). */
export function weightsFromTrades(p: EnhancedIndexProblem, x: Float64Array): Float64Array {
  const n = p.scores.length;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = p.previous[i]! + x[i]! - x[n + i]!;
  return w;
}
