import { HfqError, type Panel } from '@hfq/core';

/**
 * Throws `OPT_BAD_INPUT` (context: `field`) unless panel `p` is `nT` dates x `n` assets. An absent
 * (undefined) panel passes: callers decide which are required.
 * @internal
 */
export function checkPanelShape(p: Panel | undefined, field: string, nT: number, n: number): void {
  if (p && (p.nDates !== nT || p.nAssets !== n)) {
    throw new HfqError('OPT_BAD_INPUT', `${field} is ${p.nDates} x ${p.nAssets}, expected ${nT} x ${n}`, {
      field,
    });
  }
}

/**
 * Throws `OPT_BAD_INPUT` (context: `field`) unless the index's daily returns `index.ret` hold one
 * value per date (`nT`).
 * @internal
 */
export function checkIndexReturns(ret: ArrayLike<number>, nT: number, field: string): void {
  if (ret.length !== nT) {
    throw new HfqError('OPT_BAD_INPUT', `index.ret has ${ret.length} days, expected ${nT}`, { field });
  }
}
