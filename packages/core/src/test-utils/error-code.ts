import { HfqError } from '../errors.js';

/**
 * The `HfqError` code `f` throws, for tests: `'no error'` when it returns, `'not an HfqError: ...'`
 * when it throws something else.
 */
export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return HfqError.is(e) ? e.code : `not an HfqError: ${String(e)}`;
  }
  return 'no error';
}
