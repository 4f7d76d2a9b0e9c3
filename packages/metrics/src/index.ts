/**
 * @packageDocumentation
 * `@hfq/metrics`: IC, RankIC, group backtests, performance statistics, correlation tables and HTML/Markdown/SVG reports for factor research.
 */
export const PACKAGE_NAME = '@hfq/metrics';
