/**
 * @packageDocumentation
 * `@hfq/sim`: A deterministic synthetic A-share market with a planted, known alpha: minute bars, ticks, daily data, industries, styles and a CSI-1000-like index.
 */
export const PACKAGE_NAME = '@hfq/sim';
