import { averageRank, HfqError, neutralize, winsorize, zscore } from '@hfq/core';
import { csStandardize } from './risk-kernels.js';

/**
 * Cross-sectional and group kernels of the daily level: one date's row (all assets) in, the
 * operator's row out. The maths is `@hfq/core`'s cross-section functions (zscore, averageRank,
 * winsorize, neutralize); this file only gathers rows and groups.
 */

/** Per-date inputs of a cross-sectional kernel. */
export interface CsRow {
  /** The date's values of the first argument. */
  x: Float64Array;
  /** The second argument's values (`cs_neutralize_by`, `cs_resid`). */
  y?: Float64Array;
  /** Industry codes of the date (integers >= 0; NaN or negative unknown). */
  industry?: ArrayLike<number>;
  params: readonly number[];
  out: Float64Array;
  /** Row index and date, for error context. */
  date: number;
}

const finite = (v: number) => v - v === 0;

function pctRank(x: ArrayLike<number>, out: Float64Array): void {
  const r = averageRank(x);
  let n = 0;
  for (let i = 0; i < r.length; i++) if (finite(r[i]!)) n++;
  for (let i = 0; i < r.length; i++) out[i] = r[i]! / n;
}

function demean(x: Float64Array, out: Float64Array): void {
  let s = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (finite(v)) {
      s += v;
      n++;
    }
  }
  const mu = s / n;
  for (let i = 0; i < x.length; i++) out[i] = finite(x[i]!) ? x[i]! - mu : NaN;
}

/** Dense group index per asset (-1 unknown), and the number of groups. */
function groupsOf(codes: ArrayLike<number>, g: Int32Array, date: number): number {
  const seen = new Map<number, number>();
  for (let i = 0; i < g.length; i++) {
    const c = codes[i]!;
    if (!(c >= 0)) {
      g[i] = -1;
      continue;
    }
    if (!Number.isInteger(c)) {
      throw new HfqError(
        'DSL_INPUT',
        `industry codes must be integers >= 0 (NaN or negative = unknown), got ${c}`,
        {
          field: 'industry',
          asset: i,
          date,
        },
      );
    }
    let k = seen.get(c);
    if (k === undefined) {
      k = seen.size;
      seen.set(c, k);
    }
    g[i] = k;
  }
  return seen.size;
}

/** Applies `f` to each industry's members (gathered), scattering the result; unknown industry -> NaN. */
function perGroup(row: CsRow, f: (vals: Float64Array, out: Float64Array) => void): void {
  const { x, out } = row;
  const n = x.length;
  const g = new Int32Array(n);
  const k = groupsOf(row.industry!, g, row.date);
  // Members of each group, contiguous (counting sort).
  const start = new Int32Array(k + 1);
  for (let i = 0; i < n; i++) if (g[i]! >= 0) start[g[i]! + 1]!++;
  for (let j = 0; j < k; j++) start[j + 1]! += start[j]!;
  const fill = start.slice(0, k);
  const idx = new Int32Array(start[k]!);
  for (let i = 0; i < n; i++) if (g[i]! >= 0) idx[fill[g[i]!]!++] = i;
  out.fill(NaN);
  for (let j = 0; j < k; j++) {
    const m = start[j + 1]! - start[j]!;
    const vals = new Float64Array(m);
    for (let u = 0; u < m; u++) vals[u] = x[idx[start[j]! + u]!]!;
    const res = new Float64Array(m);
    f(vals, res);
    for (let u = 0; u < m; u++) out[idx[start[j]! + u]!] = res[u]!;
  }
}

/** The cross-sectional and group kernels by canonical operator name. */
export const CS_KERNELS: ReadonlyMap<string, (row: CsRow) => void> = new Map<string, (row: CsRow) => void>([
  ['cs_rank', (r) => pctRank(r.x, r.out)],
  ['cs_zscore', (r) => zscore(r.x, {}, r.out)],
  ['cs_demean', (r) => demean(r.x, r.out)],
  ['cs_winsorize', (r) => winsorize(r.x, { k: r.params[0]! }, r.out)],
  ['cs_neutralize', (r) => neutralize(r.x, { industry: r.industry! }, r.out)],
  ['cs_neutralize_by', (r) => neutralize(r.x, { industry: r.industry!, covariates: [r.y!] }, r.out)],
  ['cs_resid', (r) => neutralize(r.x, { covariates: [r.y!] }, r.out)],
  [
    'group_mean',
    (r) =>
      perGroup(r, (v, o) => {
        demean(v, o);
        for (let i = 0; i < v.length; i++) o[i] = finite(v[i]!) ? v[i]! - o[i]! : NaN;
      }),
  ],
  ['group_demean', (r) => perGroup(r, demean)],
  ['group_rank', (r) => perGroup(r, pctRank)],
  ['group_zscore', (r) => perGroup(r, (v, o) => zscore(v, {}, o))],
  ['cs_standardize', csStandardize],
]);
