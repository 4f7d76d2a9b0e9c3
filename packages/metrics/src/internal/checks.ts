import { isYmd } from '@hfq/core';
import { metricsError } from '../errors.js';

/** Throws `METRICS_LENGTH_MISMATCH` unless `a` and `b` have the same length. */
export function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) {
    throw metricsError('METRICS_LENGTH_MISMATCH', `${what}: lengths differ (${a.length} vs ${b.length})`, {
      field: what,
      expected: a.length,
      actual: b.length,
    });
  }
}

/** Throws `METRICS_INVALID_OPTION` unless `n` is an integer in `[min, max]`. Returns `n`. */
export function checkIntOption(n: number, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw metricsError(
      'METRICS_INVALID_OPTION',
      `${field} must be an integer in [${min}, ${max}], got ${n}`,
      {
        field,
      },
    );
  }
  return n;
}

/** Throws `METRICS_INVALID_OPTION` unless `x` is a finite number `> 0`. Returns `x`. */
export function checkPositiveOption(x: number, field: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) {
    throw metricsError('METRICS_INVALID_OPTION', `${field} must be a finite number > 0, got ${x}`, { field });
  }
  return x;
}

/** Throws `METRICS_BAD_DATE` unless `dates` are `yyyymmdd` days in strictly increasing order. */
export function checkDates(dates: ArrayLike<number>, field = 'dates'): void {
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i]!;
    if (!isYmd(d)) {
      throw metricsError('METRICS_BAD_DATE', `${field}[${i}] is not a yyyymmdd day: ${d}`, { field, row: i });
    }
    if (i > 0 && d <= dates[i - 1]!) {
      throw metricsError(
        'METRICS_BAD_DATE',
        `${field} must be strictly increasing: ${dates[i - 1]} then ${d}`,
        {
          field,
          row: i,
          date: d,
        },
      );
    }
  }
}

/** Throws `METRICS_INVALID_OPTION` unless `method` is `'pearson'` or `'spearman'`. */
export function checkMethod(method: unknown): 'pearson' | 'spearman' {
  if (method === 'pearson' || method === 'spearman') return method;
  throw metricsError(
    'METRICS_INVALID_OPTION',
    `method must be 'pearson' or 'spearman', got ${String(method)}`,
    {
      field: 'method',
    },
  );
}
