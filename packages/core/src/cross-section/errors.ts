/**
 * Error codes thrown by cross-sectional preprocessing. Stable; programs match on them.
 *
 * - `DSL_PREPROCESS_OPTION`: a step or option is malformed (`k <= 0`, unknown `op`, bad `ddof`).
 * - `DSL_PREPROCESS_SHAPE`: an input has the wrong length or other assets than the data it goes with.
 * - `DSL_PREPROCESS_NO_DATE`: an exposure panel (industry, market cap, style) lacks a date being processed.
 * - `DSL_PREPROCESS_MISSING_INPUT`: a step needs data that was not given (industry codes, market cap).
 * - `DSL_PREPROCESS_BAD_EXPOSURE`: an exposure value is impossible (market cap <= 0, a fractional
 *   industry code).
 */
export type PreprocessErrorCode =
  | 'DSL_PREPROCESS_OPTION'
  | 'DSL_PREPROCESS_SHAPE'
  | 'DSL_PREPROCESS_NO_DATE'
  | 'DSL_PREPROCESS_MISSING_INPUT'
  | 'DSL_PREPROCESS_BAD_EXPOSURE';
