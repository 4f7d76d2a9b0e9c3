import { Panel, type Rng } from '@hfq/core';

/** Eight consecutive trading days of January 2024 (`yyyymmdd`). */
const SAMPLE_DATES = [20240102, 20240103, 20240104, 20240105, 20240108, 20240109, 20240110, 20240111];

/**
 * A forward-return panel for tests: the first `nDates` (at most 8) of `SAMPLE_DATES` x assets
 * `S0..S{nAssets-1}`, standard normal values drawn from `rng` row by row.
 */
export function normalForward(nDates: number, nAssets: number, rng: Rng): Panel {
  const dates = SAMPLE_DATES.slice(0, nDates);
  const assets = Array.from({ length: nAssets }, (_, i) => `S${i}`);
  return Panel.fromRows(
    dates,
    assets,
    dates.map(() => assets.map(() => rng.normal())),
  );
}
