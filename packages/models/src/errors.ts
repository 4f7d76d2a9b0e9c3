import { HfqError, type HfqErrorContext } from '@hfq/core';

/**
 * Error codes thrown by `@hfq/models` (stable; programs match on them).
 *
 * - `MODELS_CONFIG`: a model or training option is out of range or inconsistent.
 * - `MODELS_SHAPE`: an input tensor or array has the wrong shape (stocks, window, features).
 * - `MODELS_FEATURES`: a feature list or feature count does not match the model's.
 * - `MODELS_DATA`: the factor source and the returns do not line up (dates, assets), or a sample
 *   has no usable stocks.
 * - `MODELS_LABEL`: the requested label cannot be built from the returns given (e.g. the sequence
 *   label from a forward-return panel).
 * - `MODELS_BACKEND`: a tensor backend could not be loaded or initialised.
 * - `MODELS_CHECKPOINT`: a checkpoint belongs to another model/options, or is corrupt.
 * - `MODELS_FORMAT`: a weights or ONNX file is not in the expected format.
 * - `MODELS_ONNX`: ONNX export or ONNX Runtime inference failed.
 * - `MODELS_DIVERGED`: training produced a non-finite loss or weight (context: epoch, step, date
 *   or the parameter); training stops rather than return a model trained through NaN.
 */
export type ModelsErrorCode =
  | 'MODELS_CONFIG'
  | 'MODELS_SHAPE'
  | 'MODELS_FEATURES'
  | 'MODELS_DATA'
  | 'MODELS_LABEL'
  | 'MODELS_BACKEND'
  | 'MODELS_CHECKPOINT'
  | 'MODELS_FORMAT'
  | 'MODELS_ONNX'
  | 'MODELS_DIVERGED';

/** Builds an `HfqError` with one of this package's codes. */
export function modelsError(
  code: ModelsErrorCode,
  message: string,
  context?: HfqErrorContext,
  cause?: unknown,
): HfqError<ModelsErrorCode> {
  return new HfqError(code, message, context, cause === undefined ? undefined : { cause });
}

/** Throws `MODELS_CONFIG` unless `n` is an integer in `[min, max]`. */
export function checkIntOption(
  n: unknown,
  field: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw modelsError('MODELS_CONFIG', `${field} must be an integer in [${min}, ${max}], got ${String(n)}`, {
      field,
    });
  }
  return n;
}

/** Throws `MODELS_CONFIG` unless `x` is a finite number in `[min, max]`. */
export function checkNumOption(
  x: unknown,
  field: string,
  min: number,
  max = Number.POSITIVE_INFINITY,
): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < min || x > max) {
    throw modelsError(
      'MODELS_CONFIG',
      `${field} must be a finite number in [${min}, ${max}], got ${String(x)}`,
      {
        field,
      },
    );
  }
  return x;
}
