import { Panel } from '@hfq/core';
import { metricsError } from '../errors.js';
import { checkIntOption } from '../internal/checks.js';
import { checkObject, checkPanel } from '../internal/validate.js';

/** Flags (1 = flagged) that make a stock untradable in the study's universe. */
export interface TradabilityFlags {
  /** 1 when the stock is under special treatment on T (excluded on T itself). */
  st?: Panel;
  /** 1 when the stock is suspended on a day (excluded when suspended on T + lag). */
  suspended?: Panel;
  /** 1 when the stock closes limit-up on a day (excluded when limit-up on T + lag: it cannot be bought). */
  limitUp?: Panel;
}

/**
 * The study's universe filter as a mask for `groupBacktest` / `icSeries`: `mask[T] = 1` when the
 * stock is not ST on T and neither suspended nor limit-up on T + `lag` (default 1, the trading
 * day), else 0. Any flag panel may be omitted; a flag counts only where it equals 1 (NaN = not
 * flagged). The last `lag` dates are 0 (no next day to trade on). All panels must share dates and
 * assets (as the fields of `DailyBars` do).
 *
 * The mask for T reads flags of T + lag: that is a universe definition known when trading, not a
 * factor input; never feed it to a model.
 *
 * @throws HfqError `METRICS_SHAPE_MISMATCH`, `METRICS_INVALID_OPTION` (no flags, bad lag),
 *   `METRICS_BAD_INPUT` (a flag that is not a `Panel`).
 */
export function tradableMask(flags: TradabilityFlags, lag = 1): Panel<Float64Array> {
  checkObject(flags, 'flags');
  checkIntOption(lag, 'lag', 0);
  const panels = [flags.st, flags.suspended, flags.limitUp].filter((p): p is Panel => p !== undefined);
  if (panels.length === 0) {
    throw metricsError(
      'METRICS_INVALID_OPTION',
      'tradableMask needs at least one of st, suspended, limitUp',
      {
        field: 'flags',
      },
    );
  }
  for (const [k, p] of Object.entries(flags)) if (p !== undefined) checkPanel(p, `flags.${k}`);
  const ref = panels[0]!;
  for (const p of panels) {
    const same =
      p.nDates === ref.nDates &&
      p.nAssets === ref.nAssets &&
      p.dates.every((d, i) => d === ref.dates[i]) &&
      p.assets.every((id, i) => id === ref.assets[i]);
    if (!same) {
      throw metricsError('METRICS_SHAPE_MISMATCH', 'tradability flags must share dates and assets', {
        field: 'flags',
      });
    }
  }
  const nD = ref.nDates;
  const nA = ref.nAssets;
  const out = new Float64Array(nD * nA);
  for (let t = 0; t + lag < nD; t++) {
    const o = t * nA;
    const n = (t + lag) * nA;
    for (let a = 0; a < nA; a++) {
      const bad =
        flags.st?.values[o + a] === 1 ||
        flags.suspended?.values[n + a] === 1 ||
        flags.limitUp?.values[n + a] === 1;
      out[o + a] = bad ? 0 : 1;
    }
  }
  return new Panel(ref.dates, ref.assets, out);
}
