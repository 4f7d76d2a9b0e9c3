import { HfqError } from '../errors.js';
import type { PreprocessErrorCode } from './errors.js';

/** Throws `DSL_PREPROCESS_OPTION` unless `x` is a finite number > 0. */
export function checkPositive(x: number, field: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) {
    throw new HfqError<PreprocessErrorCode>(
      'DSL_PREPROCESS_OPTION',
      `${field} must be a finite number > 0, got ${String(x)}`,
      { field },
    );
  }
  return x;
}

/** Throws `DSL_PREPROCESS_OPTION` unless `x` is an integer in [min, max]. */
export function checkCount(x: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(x) || x < min || x > max) {
    throw new HfqError<PreprocessErrorCode>(
      'DSL_PREPROCESS_OPTION',
      `${field} must be an integer in [${min}, ${max}], got ${String(x)}`,
      { field },
    );
  }
  return x;
}

/** Throws `DSL_PREPROCESS_SHAPE` unless `actual === expected`. */
export function checkLength(actual: number, expected: number, field: string): void {
  if (actual !== expected) {
    throw new HfqError<PreprocessErrorCode>(
      'DSL_PREPROCESS_SHAPE',
      `${field} has ${actual} entries, expected ${expected}`,
      { field, expected, actual },
    );
  }
}
