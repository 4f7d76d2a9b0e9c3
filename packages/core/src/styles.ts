/**
 * Names of the Barra-like style factors, in the order hfq lists them: the simulator's latent
 * loadings (`@hfq/sim` `styles()`) and the optimizer's estimated exposures (`@hfq/optimizer`
 * `styleExposures`) use these names, so one maps onto the other by name.
 *
 * - `size`: log market cap.
 * - `beta`: market beta.
 * - `momentum`: past idiosyncratic return, skipping the last month.
 * - `residualVolatility`: volatility of the idiosyncratic (residual) return.
 * - `liquidity`: log turnover.
 * - `value`: book-to-price.
 */
export const STYLE_NAMES = Object.freeze([
  'size',
  'beta',
  'momentum',
  'residualVolatility',
  'liquidity',
  'value',
] as const);

/** One of {@link STYLE_NAMES}. */
export type StyleName = (typeof STYLE_NAMES)[number];
