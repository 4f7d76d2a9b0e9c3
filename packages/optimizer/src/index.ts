/**
 * @packageDocumentation
 * `@hfq/optimizer`: CSI 1000 enhanced-index linear programme (HiGHS or javascript-lp-solver), Barra-like risk exposures and a rebalancing backtest with VWAP fills and costs.
 */
export const PACKAGE_NAME = '@hfq/optimizer';
