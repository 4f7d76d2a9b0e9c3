/**
 * The tiny study the workflow tests run: 25 stocks x 120 days of the simulator, one factor thread,
 * models of seconds (1 epoch, a 5-day window, d_model 4, 4 variable tokens, a retraining every 30
 * days, every stock each date). Each test names its models, seeds and training threads.
 */

/** The simulated market of the tiny study (the demo's start date and 60 s tick cadence). */
export const TINY_SIM = {
  seed: 3,
  nStocks: 25,
  nDays: 120,
  indexSize: 10,
  startDate: 20230103,
  tickIntervalMs: 60_000,
};

/**
 * A workflow config override (as a workflow file holds it) for the tiny study, training
 * `models.include` with `models.seeds` (default 1) on `models.threads` worker threads; `extra`
 * adds top-level sections (e.g. `multiPeriod`).
 */
export function tinyStudy(
  models: { include: string[]; seeds?: number; threads: number },
  extra: Record<string, unknown> = {},
) {
  return {
    checkOracleShare: 0,
    data: { sim: TINY_SIM },
    factors: { threads: 1 },
    models: {
      include: models.include,
      seeds: models.seeds ?? 1,
      epochs: 1,
      window: 5,
      dModel: 4,
      variableTokens: 4,
      retrainEvery: 30,
      maxStocksPerDate: 0,
      threads: models.threads,
    },
    ...extra,
  };
}
