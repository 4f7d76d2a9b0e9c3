import { HfqError } from '@hfq/core';

/** The `HfqError` promise `p` rejects with; rethrows anything else, fails when it resolves. */
export async function failure(p: Promise<unknown>): Promise<HfqError> {
  try {
    await p;
  } catch (e) {
    if (HfqError.is(e)) return e;
    throw e;
  }
  throw new Error('expected a failure');
}
