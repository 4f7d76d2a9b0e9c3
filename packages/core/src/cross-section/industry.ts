import { HfqError, type HfqErrorContext } from '../errors.js';
import type { PreprocessErrorCode } from './errors.js';

/**
 * Writes a dense group index (0..g-1, in order of first appearance) per asset into `out` for the
 * industry `codes` of one day, and returns `g`. Codes are integers >= 0; NaN or a negative code
 * means "industry unknown" (-1 in `out`).
 *
 * @throws `DSL_PREPROCESS_BAD_EXPOSURE` for a fractional or infinite code.
 * @internal
 */
export function denseGroups(
  codes: ArrayLike<number>,
  out: Int32Array,
  context: HfqErrorContext = {},
): number {
  const seen = new Map<number, number>();
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (Number.isNaN(c) || c < 0) {
      out[i] = -1;
      continue;
    }
    if (!Number.isInteger(c)) {
      throw new HfqError<PreprocessErrorCode>(
        'DSL_PREPROCESS_BAD_EXPOSURE',
        `industry codes must be integers >= 0 (NaN or negative = unknown), got ${c}`,
        { ...context, field: 'industry', asset: i },
      );
    }
    let g = seen.get(c);
    if (g === undefined) {
      g = seen.size;
      seen.set(c, g);
    }
    out[i] = g;
  }
  return seen.size;
}

/**
 * Integer industry codes for string labels (e.g. `['bank', 'tech', 'bank', '']` -> `[0, 1, 0, NaN]`),
 * codes in order of first appearance, empty/undefined labels NaN (unknown). Use it to turn a
 * classification table into the numeric codes that {@link fillMissing}, {@link neutralize} and
 * the panel pipeline take.
 */
export function industryCodes(labels: readonly (string | null | undefined)[]): Float64Array {
  const seen = new Map<string, number>();
  const out = new Float64Array(labels.length);
  labels.forEach((l, i) => {
    if (l === undefined || l === null || l === '') {
      out[i] = NaN;
      return;
    }
    let c = seen.get(l);
    if (c === undefined) {
      c = seen.size;
      seen.set(l, c);
    }
    out[i] = c;
  });
  return out;
}
