/** The small built-in market the Alpha158 fixtures are made from (shared by make_input.ts and the test). */
export const ALPHA158_FIXTURE_MARKET = Object.freeze({ nStocks: 20, nDays: 100, seed: 1 });

/** The daily fields Alpha158 reads (qlib's `$open` ... `$volume`). */
export const ALPHA158_FIELDS = ['open', 'high', 'low', 'close', 'vwap', 'volume'] as const;
