import { formatYmd, type Panel } from '@hfq/core';
import { metricsError } from '../errors.js';
import { forwardReturns } from '../ic/returns.js';
import { checkIntOption } from '../internal/checks.js';
import {
  checkAligned,
  checkNotPrices,
  checkNumbers,
  checkObject,
  checkPanel,
  describeValue,
  returnWarnings,
} from '../internal/validate.js';
import { type BinSpec, binCrossSection, labelCount } from './quantize.js';

/** Forward returns given directly instead of prices: one panel per horizon of `periods`. */
export interface GivenForwardReturns {
  /**
   * `forwardReturns[i]` holds, at (T, asset), the return from T over `periods[i]` trading days
   * (fractions: 0.012 = 1.2%), paired with the factor by date value and asset id.
   */
  forwardReturns: readonly Panel[];
}

/** Options of {@link alignFactor}. Binning follows alphalens' `quantize_factor`. */
export interface AlignOptions extends BinSpec {
  /** Forward-return horizons in trading days (rows of `prices`), distinct, increasing. Default `[1, 5, 10]`. */
  periods?: readonly number[];
  /** Industry (or any) group of each asset id: a `Map` or a plain object. Rows whose asset has none are dropped and counted. */
  groupBy?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /**
   * Largest share of factor rows that may be dropped (missing forward returns or group, binning
   * failures), in [0, 1]; above it `alignFactor` throws `METRICS_MAX_LOSS`. Default 0.35
   * (alphalens' `max_loss`). 1 never throws.
   */
  maxLoss?: number;
}

/** What {@link alignFactor} dropped, step by step (alphalens prints these; here they are data). */
export interface AlignLoss {
  /** Factor cells that are not NaN (NaN is "no row", as `factor.stack()` in pandas): the base of every share. */
  factorRows: number;
  /** NaN factor cells, not counted as rows (reported for reference). */
  emptyCells: number;
  /** Rows dropped because the factor is +-Infinity. */
  nonFiniteFactor: number;
  /** Rows dropped because a forward return is missing for some horizon (no price on the date or for the asset, NaN price, or the horizon runs past the last date). */
  missingForwardReturn: number;
  /** Rows dropped because `groupBy` has no group for the asset. */
  missingGroup: number;
  /** Rows dropped because their date (or value) could not be binned (ties making quantile edges equal, a value outside explicit edges, an empty side with `zeroAware`). */
  binning: number;
  /** Rows kept. */
  kept: number;
  /** (nonFiniteFactor + missingForwardReturn + missingGroup) / factorRows: alphalens' forward-return loss. */
  forwardReturnLoss: number;
  /** binning / factorRows: alphalens' binning loss. */
  binningLoss: number;
  /** (factorRows - kept) / factorRows: compared with `maxLoss`. */
  totalLoss: number;
}

/**
 * A factor aligned with forward returns, one row per kept (date, asset), sorted by date then by
 * the factor panel's asset order: alphalens' `factor_data` as typed arrays. Build it with
 * {@link alignFactor}; every tear-sheet statistic takes it.
 */
export interface AlignedFactor {
  /** The horizons, in trading days; `forward[i]` belongs to `periods[i]`. */
  readonly periods: readonly number[];
  /** The dates that kept at least one row, increasing (`yyyymmdd`). */
  readonly dates: Int32Array;
  /** Rows of `dates[d]` are `dateStart[d]` up to (not including) `dateStart[d + 1]`; length dates + 1. */
  readonly dateStart: Int32Array;
  /** The factor panel's asset ids; `asset[row]` indexes them. */
  readonly assets: readonly string[];
  readonly asset: Int32Array;
  /** Factor value per row (finite). */
  readonly factor: Float64Array;
  /** Forward return per horizon per row (finite fractions). */
  readonly forward: readonly Float64Array[];
  /** Bucket per row, 1 = lowest, up to `nQuantiles`. */
  readonly quantile: Int32Array;
  /** The largest possible bucket label (e.g. 5 for `quantiles: 5`). */
  readonly nQuantiles: number;
  /** Distinct group names, sorted; `group[row]` indexes them. Absent without `groupBy`. */
  readonly groups?: readonly string[];
  readonly group?: Int32Array;
  readonly loss: AlignLoss;
  /** Things that look wrong but are not errors (e.g. returns of absurd magnitude); never printed. */
  readonly warnings: readonly string[];
}

function checkBinSpec(options: AlignOptions): BinSpec {
  const { quantiles, bins, zeroAware = false } = options;
  if (quantiles !== undefined && bins !== undefined) {
    throw metricsError('METRICS_INVALID_OPTION', 'give either quantiles or bins, not both (as alphalens)', {
      field: 'quantiles',
    });
  }
  if (typeof zeroAware !== 'boolean') {
    throw metricsError('METRICS_BAD_INPUT', `zeroAware must be a boolean, got ${describeValue(zeroAware)}`, {
      field: 'zeroAware',
    });
  }
  const field = bins !== undefined ? 'bins' : 'quantiles';
  const q: unknown = bins ?? quantiles ?? 5;
  if (typeof q === 'number') {
    checkIntOption(q, field, zeroAware ? 2 : 1);
  } else {
    checkNumbers(q, field);
    if (zeroAware) {
      throw metricsError('METRICS_INVALID_OPTION', `zeroAware needs an integer ${field}, not edges`, {
        field,
      });
    }
    if (q.length < 2)
      throw metricsError('METRICS_INVALID_OPTION', `${field} edges need at least 2 values`, { field });
    for (let i = 0; i < q.length; i++) {
      const v = q[i]!;
      const bad =
        !Number.isFinite(v) || (i > 0 && v <= q[i - 1]!) || (field === 'quantiles' && (v < 0 || v > 1));
      if (bad) {
        throw metricsError(
          'METRICS_INVALID_OPTION',
          `${field} edges must be finite and strictly increasing${field === 'quantiles' ? ', within [0, 1]' : ''}; ${field}[${i}] = ${v}`,
          { field, row: i },
        );
      }
    }
  }
  return bins !== undefined
    ? { bins: q as BinSpec['bins'], zeroAware }
    : { quantiles: q as BinSpec['quantiles'], zeroAware };
}

function checkPeriods(periods: unknown): number[] {
  checkNumbers(periods, 'periods');
  if (periods.length === 0)
    throw metricsError('METRICS_INVALID_OPTION', 'periods must not be empty', { field: 'periods' });
  const out: number[] = [];
  for (let i = 0; i < periods.length; i++) {
    const p = checkIntOption(periods[i]!, `periods[${i}]`, 1);
    if (i > 0 && p <= out[i - 1]!) {
      throw metricsError(
        'METRICS_INVALID_OPTION',
        `periods must be strictly increasing: ${out[i - 1]} then ${p}`,
        {
          field: 'periods',
          row: i,
        },
      );
    }
    out.push(p);
  }
  return out;
}

function groupLookup(groupBy: AlignOptions['groupBy']): ((id: string) => string | undefined) | undefined {
  if (groupBy === undefined) return undefined;
  checkObject(groupBy, 'groupBy');
  const get =
    groupBy instanceof Map
      ? (id: string) => (groupBy as ReadonlyMap<string, unknown>).get(id)
      : (id: string) => (Object.hasOwn(groupBy, id) ? (groupBy as Record<string, unknown>)[id] : undefined);
  return (id) => {
    const g = get(id);
    if (g === undefined || g === null) return undefined;
    if (typeof g !== 'string') {
      throw metricsError(
        'METRICS_BAD_INPUT',
        `groupBy[${id}] is ${describeValue(g)}, not a string group name`,
        {
          field: 'groupBy',
          asset: id,
        },
      );
    }
    return g;
  };
}

/**
 * Aligns a factor with forward returns over several horizons at once, bins each date's factor
 * into quantiles (or bins) and counts every row it drops: alphalens'
 * `get_clean_factor_and_forward_returns`, typed, without printing.
 *
 * Rows are the non-NaN cells of `factor` (dates x assets). The second argument is either a price
 * panel (close, adjusted; dates may extend past the factor's) from which the forward return of
 * horizon p at T is `price(T+p) / price(T) - 1`, T+p being p rows later in `prices`' own dates
 * (NaN price or past the end: missing, no forward fill), or `{ forwardReturns }`, one panel per
 * horizon. Both are paired with the factor by date value and asset id. In order, a row is dropped
 * when its factor is +-Infinity, a forward return of any horizon is missing, or `groupBy` has no
 * group for it (together alphalens' forward-return loss); then each date is binned as
 * `quantize_factor` (pandas `qcut` for `quantiles`, `cut` for `bins`, `zeroAware` splitting at 0)
 * and rows of a date that cannot be binned are dropped (binning loss).
 *
 * Given forward returns that look like prices (most |r| > 10) are refused; returns with some
 * |r| > 1 (a 100% move: percent units?) pass with a message in `warnings`.
 *
 * Cost: O(rows x periods + rows log rows); allocates the output columns.
 *
 * @throws HfqError `METRICS_ALIGNMENT` when no factor row has a price (or return) on its date and
 *   asset (the message says how many rows, dates and assets matched: `600000` vs `600000.SH`);
 *   `METRICS_MAX_LOSS` when more than `maxLoss` of the rows are dropped (counts per step in the
 *   message and context); `METRICS_BAD_INPUT` for a non-Panel, a string option or group;
 *   `METRICS_INVALID_OPTION` for bad periods, quantiles, bins or maxLoss; `METRICS_BAD_PRICE` for
 *   a price <= 0; `METRICS_BAD_RETURN` for given returns below -100%, infinite or price-like.
 * @example
 * const aligned = alignFactor(factor, close, { periods: [1, 5, 10], quantiles: 5 });
 * aligned.loss.totalLoss; // 0.04: 4% of the factor rows were dropped
 */
export function alignFactor(
  factor: Panel,
  pricesOrReturns: Panel | GivenForwardReturns,
  options: AlignOptions = {},
): AlignedFactor {
  checkPanel(factor, 'factor');
  checkObject(pricesOrReturns, 'pricesOrReturns');
  checkObject(options, 'options');
  const periods = checkPeriods(options.periods ?? [1, 5, 10]);
  const spec = checkBinSpec(options);
  const maxLoss = options.maxLoss ?? 0.35;
  if (typeof maxLoss !== 'number' || !(maxLoss >= 0 && maxLoss <= 1)) {
    throw metricsError(
      'METRICS_INVALID_OPTION',
      `maxLoss must be a number in [0, 1], got ${describeValue(maxLoss)}`,
      {
        field: 'maxLoss',
      },
    );
  }
  const groupOf = groupLookup(options.groupBy);
  const warnings: string[] = [];

  // One forward-return panel per horizon, and the panel that decides which (date, asset) exist.
  let fwd: Panel[];
  let sourceName: string;
  if ('forwardReturns' in pricesOrReturns && !('values' in pricesOrReturns)) {
    const given = pricesOrReturns.forwardReturns;
    if (!Array.isArray(given) || given.length !== periods.length) {
      throw metricsError(
        'METRICS_BAD_INPUT',
        `forwardReturns must be an array of ${periods.length} panels, one per period (${periods.join(', ')})`,
        { field: 'forwardReturns', expected: periods.length },
      );
    }
    given.forEach((p, i) => {
      checkPanel(p, `forwardReturns[${i}]`);
      checkNotPrices(p, `forwardReturns[${i}]`);
      warnings.push(...returnWarnings(p, `forwardReturns[${i}] (${periods[i]}-day)`));
    });
    fwd = [...given];
    sourceName = 'forwardReturns[0]';
  } else {
    const prices = pricesOrReturns as Panel;
    checkPanel(prices, 'prices');
    fwd = periods.map((p) => forwardReturns(prices, 0, p));
    sourceName = 'prices';
  }

  // Column maps: factor asset -> column of each forward panel; factor date -> row.
  const nD = factor.nDates;
  const nA = factor.nAssets;
  const cols = fwd.map((p) => Int32Array.from(factor.assets, (id) => p.assetIndex(id)));
  const rowsOf = fwd.map((p) => Int32Array.from(factor.dates, (d) => p.dateIndex(d)));
  const fv = factor.values;

  const loss = { factorRows: 0, emptyCells: 0, nonFiniteFactor: 0, missingForwardReturn: 0, missingGroup: 0 };
  let matched = 0;
  const keepT: number[] = [];
  const keepA: number[] = [];
  const keepGroup: string[] = [];
  for (let t = 0; t < nD; t++) {
    for (let a = 0; a < nA; a++) {
      const x = fv[t * nA + a]!;
      if (Number.isNaN(x)) {
        loss.emptyCells++;
        continue;
      }
      loss.factorRows++;
      if (rowsOf[0]![t]! >= 0 && cols[0]![a]! >= 0) matched++;
      if (!Number.isFinite(x)) {
        loss.nonFiniteFactor++;
        continue;
      }
      let ok = true;
      for (let i = 0; i < fwd.length && ok; i++) {
        const r = rowsOf[i]![t]!;
        const c = cols[i]![a]!;
        if (r < 0 || c < 0) {
          ok = false;
          break;
        }
        const v = fwd[i]!.values[r * fwd[i]!.nAssets + c]!;
        if (Number.isNaN(v)) ok = false;
        else if (!Number.isFinite(v) || v < -1) {
          throw metricsError(
            'METRICS_BAD_RETURN',
            `forwardReturns[${i}] is ${v} for ${factor.assets[a]} on ${formatYmd(factor.dates[t]!)}: a return must be finite and >= -1 (NaN = missing)`,
            { field: `forwardReturns[${i}]`, asset: factor.assets[a], date: factor.dates[t]!, row: t },
          );
        }
      }
      if (!ok) {
        loss.missingForwardReturn++;
        continue;
      }
      if (groupOf) {
        const g = groupOf(factor.assets[a]!);
        if (g === undefined) {
          loss.missingGroup++;
          continue;
        }
        keepGroup.push(g);
      }
      keepT.push(t);
      keepA.push(a);
    }
  }
  if (loss.factorRows > 0 && matched === 0) {
    const detail = `0 of ${loss.factorRows} factor rows have a ${sourceName === 'prices' ? 'price' : 'forward return'} on their date and asset`;
    checkAligned(factor, fwd[0]!, 'factor', sourceName, detail);
    throw metricsError(
      'METRICS_ALIGNMENT',
      `factor and ${sourceName} do not line up: ${detail} (the shared dates and assets never meet on a non-NaN factor cell)`,
      { field: sourceName, matchedRows: 0, rows: loss.factorRows },
    );
  }

  // Bin each date's cross-section.
  const n0 = keepT.length;
  const x0 = Float64Array.from(keepA, (a, k) => fv[keepT[k]! * nA + a]!);
  const label = new Int32Array(n0);
  let binning = 0;
  for (let s = 0; s < n0; ) {
    let e = s;
    while (e < n0 && keepT[e] === keepT[s]) e++;
    const idx: number[] = [];
    for (let k = s; k < e; k++) idx.push(k);
    binCrossSection(x0, idx, spec, label);
    s = e;
  }
  for (let k = 0; k < n0; k++) if (label[k] === 0) binning++;

  const kept = n0 - binning;
  const share = (x: number) => (loss.factorRows > 0 ? x / loss.factorRows : 0);
  const fullLoss: AlignLoss = {
    ...loss,
    binning,
    kept,
    forwardReturnLoss: share(loss.nonFiniteFactor + loss.missingForwardReturn + loss.missingGroup),
    binningLoss: share(binning),
    totalLoss: share(loss.factorRows - kept),
  };
  if (fullLoss.totalLoss > maxLoss) {
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    throw metricsError(
      'METRICS_MAX_LOSS',
      `alignFactor dropped ${loss.factorRows - kept} of ${loss.factorRows} factor rows (${pct(fullLoss.totalLoss)}), ` +
        `more than maxLoss ${pct(maxLoss)}: ${loss.nonFiniteFactor} infinite factor, ${loss.missingForwardReturn} ` +
        `without a forward return for every period (${periods.join(', ')}), ${loss.missingGroup} without a group, ` +
        `${binning} not binnable; check the date range and ids, or raise maxLoss`,
      { field: 'maxLoss', expected: maxLoss, actual: fullLoss.totalLoss, ...fullLoss },
    );
  }
  if (kept === 0) {
    throw metricsError('METRICS_NO_DATA', 'alignFactor kept no row', { field: 'factor', ...fullLoss });
  }

  const factorOut = new Float64Array(kept);
  const assetOut = new Int32Array(kept);
  const quantile = new Int32Array(kept);
  const forward = periods.map(() => new Float64Array(kept));
  const groupNames = groupOf ? [...new Set(keepGroup)].sort() : undefined;
  const groupIndex = groupNames ? new Map(groupNames.map((g, i) => [g, i])) : undefined;
  const group = groupNames ? new Int32Array(kept) : undefined;
  const dates: number[] = [];
  const dateStart: number[] = [];
  let j = 0;
  for (let k = 0; k < n0; k++) {
    if (label[k] === 0) continue;
    const t = keepT[k]!;
    const a = keepA[k]!;
    if (dates.length === 0 || dates[dates.length - 1] !== factor.dates[t]) {
      dates.push(factor.dates[t]!);
      dateStart.push(j);
    }
    factorOut[j] = x0[k]!;
    assetOut[j] = a;
    quantile[j] = label[k]!;
    for (let i = 0; i < periods.length; i++) {
      const p = fwd[i]!;
      forward[i]![j] = p.values[rowsOf[i]![t]! * p.nAssets + cols[i]![a]!]!;
    }
    if (group) group[j] = groupIndex!.get(keepGroup[k]!)!;
    j++;
  }
  dateStart.push(kept);
  return {
    periods,
    dates: Int32Array.from(dates),
    dateStart: Int32Array.from(dateStart),
    assets: factor.assets,
    asset: assetOut,
    factor: factorOut,
    forward,
    quantile,
    nQuantiles: labelCount(spec),
    ...(groupNames ? { groups: groupNames, group } : {}),
    loss: fullLoss,
    warnings,
  };
}
