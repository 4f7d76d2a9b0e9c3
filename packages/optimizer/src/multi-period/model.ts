import type { ActiveLimits, StockBox } from '../enhanced-index/trade-model.js';
import type { LinearProgram } from '../lp/types.js';

/** What `buildMultiPeriodLp` reads: one plan's inputs, already checked. */
export interface MultiPeriodModelInput {
  n: number;
  k: number;
  /** H rows of N predicted returns (fractions per step). */
  path: readonly Float64Array[];
  benchmark: Float64Array;
  previous: Float64Array;
  constituent: Uint8Array;
  industry: Int32Array;
  styles: readonly Float64Array[];
  /** Box of each step's weights: step 1 cut by tradability, later steps the plain band. */
  boxes: readonly StockBox[];
  /** Limits of each step (step 1 has no turnover row when starting from cash). */
  limits: readonly ActiveLimits[];
  /** Cost per unit of value bought / sold (fractions). */
  costBuy: number;
  costSell: number;
  /** Objective coefficients are divided by this (the largest |return| or cost), for the solver's tolerances. */
  scale: number;
}

/**
 * The multi-period LP in weight and trade columns. Per step h = 1..H, columns w_h (N, bounded by
 * the step's box), buy_h and sell_h (N each, in [0, 1]); rows
 *
 *   w_h - w_{h-1} - buy_h + sell_h = 0         (N link rows; w_0 = previous is a constant)
 *   sum w_h = 1
 *   |sum_{i in k} (w_h,i - b_i)| <= industryBand        (K rows)
 *   |sum_i (w_h,i - b_i) x_is| <= styleBand             (S rows)
 *   sum_{constituents} w_h >= minConstituentWeight      (when set)
 *   sum (buy_h + sell_h) <= maxTurnover                 (when set for that step)
 *
 * maximising sum_h (path_h . w_h - costBuy sum buy_h - costSell sum sell_h) / scale.
 * Columns are ordered step by step: [w_h, buy_h, sell_h]; rows step by step as listed.
 * @internal
 */
export function buildMultiPeriodLp(m: MultiPeriodModelInput): LinearProgram {
  const { n, k, path } = m;
  const h = path.length;
  const nStyles = m.styles.length;
  const inv = 1 / m.scale;

  // Row offsets per step.
  const rowStart: number[] = [];
  let rows = 0;
  for (let s = 0; s < h; s++) {
    rowStart.push(rows);
    rows += n + 1 + k + nStyles;
    if (m.limits[s]!.minConstituentWeight !== undefined) rows++;
    if (m.limits[s]!.maxTurnover !== undefined) rows++;
  }
  const numCols = 3 * n * h;
  const colCost = new Float64Array(numCols);
  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols);
  const rowLower = new Float64Array(rows);
  const rowUpper = new Float64Array(rows);
  const starts = new Int32Array(numCols + 1);
  const idx: number[] = [];
  const val: number[] = [];

  // Benchmark's exposures (constants on the right-hand sides).
  const bInd = new Float64Array(k);
  for (let i = 0; i < n; i++) bInd[m.industry[i]!]! += m.benchmark[i]!;
  const bSty = new Float64Array(nStyles);
  for (let s = 0; s < nStyles; s++) {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += m.benchmark[i]! * m.styles[s]![i]!;
    bSty[s] = acc;
  }

  let col = 0;
  for (let s = 0; s < h; s++) {
    const r0 = rowStart[s]!;
    const lim = m.limits[s]!;
    const rBudget = r0 + n;
    const rInd = rBudget + 1;
    const rSty = rInd + k;
    const rFloor = rSty + nStyles;
    const rTurn = rFloor + (lim.minConstituentWeight !== undefined ? 1 : 0);
    // Row bounds.
    for (let i = 0; i < n; i++) {
      const c = s === 0 ? m.previous[i]! : 0;
      rowLower[r0 + i] = c;
      rowUpper[r0 + i] = c;
    }
    rowLower[rBudget] = 1;
    rowUpper[rBudget] = 1;
    for (let j = 0; j < k; j++) {
      rowLower[rInd + j] = bInd[j]! - lim.industryBand;
      rowUpper[rInd + j] = bInd[j]! + lim.industryBand;
    }
    for (let j = 0; j < nStyles; j++) {
      rowLower[rSty + j] = bSty[j]! - lim.styleBand;
      rowUpper[rSty + j] = bSty[j]! + lim.styleBand;
    }
    if (lim.minConstituentWeight !== undefined) {
      rowLower[rFloor] = lim.minConstituentWeight;
      rowUpper[rFloor] = Number.POSITIVE_INFINITY;
    }
    if (lim.maxTurnover !== undefined) {
      rowLower[rTurn] = Number.NEGATIVE_INFINITY;
      rowUpper[rTurn] = lim.maxTurnover;
    }
    // Weight columns w_h,i: link row of this step (+1), of the next step (-1), budget, industry,
    // styles, floor.
    const box = m.boxes[s]!;
    const ret = path[s]!;
    const nextLink = s + 1 < h ? rowStart[s + 1]! : -1;
    for (let i = 0; i < n; i++) {
      starts[col] = idx.length;
      colLower[col] = box.lo[i]!;
      colUpper[col] = box.hi[i]!;
      colCost[col] = ret[i]! * inv;
      idx.push(r0 + i);
      val.push(1);
      idx.push(rBudget);
      val.push(1);
      idx.push(rInd + m.industry[i]!);
      val.push(1);
      for (let j = 0; j < nStyles; j++) {
        const x = m.styles[j]![i]!;
        if (x !== 0) {
          idx.push(rSty + j);
          val.push(x);
        }
      }
      if (lim.minConstituentWeight !== undefined && m.constituent[i] === 1) {
        idx.push(rFloor);
        val.push(1);
      }
      if (nextLink >= 0) {
        idx.push(nextLink + i);
        val.push(-1);
      }
      col++;
    }
    // Trade columns: buy (-1 in the link row), then sell (+1).
    for (let side = 0; side < 2; side++) {
      const cost = side === 0 ? m.costBuy : m.costSell;
      for (let i = 0; i < n; i++) {
        starts[col] = idx.length;
        colLower[col] = 0;
        colUpper[col] = 1; // |w_h - w_{h-1}| <= 1 for weights in [0, 1]
        colCost[col] = -cost * inv;
        idx.push(r0 + i);
        val.push(side === 0 ? -1 : 1);
        if (lim.maxTurnover !== undefined) {
          idx.push(rTurn);
          val.push(1);
        }
        col++;
      }
    }
  }
  starts[numCols] = idx.length;
  return {
    sense: 'max',
    numCols,
    numRows: rows,
    colCost,
    colLower,
    colUpper,
    rowLower,
    rowUpper,
    starts,
    indices: Int32Array.from(idx),
    values: Float64Array.from(val),
  };
}
