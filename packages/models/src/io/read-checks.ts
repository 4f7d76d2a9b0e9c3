import type { PreprocessSpec } from '../data/features.js';

/**
 * Checks a preprocessing record read back from a file (model file or ONNX metadata): `window` a
 * positive integer, `clip` positive, `maxMissingShare` in [0, 1]. `fail(field, what)` builds the error.
 */
export function checkPreprocess(pre: unknown, fail: (field: string, what: string) => Error): PreprocessSpec {
  const p = (pre ?? {}) as Partial<PreprocessSpec>;
  if (pre === null || typeof pre !== 'object')
    throw fail('preprocess', 'preprocess must be an object or null');
  if (!Number.isInteger(p.window) || p.window! < 1)
    throw fail('preprocess.window', 'preprocess.window must be a positive integer');
  if (typeof p.clip !== 'number' || !(p.clip > 0))
    throw fail('preprocess.clip', 'preprocess.clip must be a positive number');
  if (typeof p.maxMissingShare !== 'number' || !(p.maxMissingShare >= 0 && p.maxMissingShare <= 1)) {
    throw fail('preprocess.maxMissingShare', 'preprocess.maxMissingShare must be in [0, 1]');
  }
  return p as PreprocessSpec;
}
