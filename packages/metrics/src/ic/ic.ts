import { pearsonCompact, SpearmanWorkspace } from '../correlation/kernels.js';
import { checkSameLength } from '../internal/checks.js';
import { Float64Scratch } from '../internal/scratch.js';
import { checkNumbers } from '../internal/validate.js';

const bufX = new Float64Scratch();
const bufY = new Float64Scratch();
const spearmanWs = new SpearmanWorkspace();

/**
 * Copies the pairs where both `x[i]` and `y[i]` are finite into compact scratch buffers.
 * Returns the number of pairs.
 */
function gatherPairs(x: ArrayLike<number>, y: ArrayLike<number>): [Float64Array, Float64Array, number] {
  const n = x.length;
  const cx = bufX.get(n);
  const cy = bufY.get(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      cx[m] = a;
      cy[m++] = b;
    }
  }
  return [cx, cy, m];
}

/**
 * IC: the Pearson correlation of `x` and `y` over the pairs where both are finite (NaN and
 * +-Infinity drop the pair). A fraction in [-1, 1], not percent.
 *
 * NaN when fewer than 2 pairs remain or either side is constant over those pairs (zero variance).
 * Matches `scipy.stats.pearsonr` on the filtered pairs to ~1e-15. O(n), no allocation.
 *
 * Takes a typed array or a plain `number[]` (read as is, not copied).
 *
 * @throws HfqError `METRICS_LENGTH_MISMATCH` when the lengths differ; `METRICS_BAD_INPUT` when
 *   either side is not an array of numbers (a string element, a nested row), with its index.
 * @example ic(scores, forwardReturnsRow) // 0.0812
 */
export function ic(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkNumbers(x, 'ic(x)');
  checkNumbers(y, 'ic(y)');
  checkSameLength(x, y, 'ic(x, y)');
  const [cx, cy, m] = gatherPairs(x, y);
  return pearsonCompact(cx, cy, m);
}

/**
 * RankIC: the Spearman rank correlation of `x` and `y`, i.e. the Pearson correlation of their
 * average ranks (ties share the mean rank), over the pairs where both are finite. Both sides are
 * ranked among the kept pairs only. A fraction in [-1, 1].
 *
 * NaN when fewer than 2 pairs remain or either side is all ties. Matches
 * `scipy.stats.spearmanr(x[keep], y[keep])` to ~1e-15. O(n log n); reuses internal buffers.
 *
 * Takes a typed array or a plain `number[]` (read as is, not copied).
 *
 * @throws HfqError `METRICS_LENGTH_MISMATCH` when the lengths differ; `METRICS_BAD_INPUT` when
 *   either side is not an array of numbers (a string element, a nested row), with its index.
 */
export function rankIC(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkNumbers(x, 'rankIC(x)');
  checkNumbers(y, 'rankIC(y)');
  checkSameLength(x, y, 'rankIC(x, y)');
  const [cx, cy, m] = gatherPairs(x, y);
  return spearmanWs.spearman(cx, cy, m);
}
