import type { Panel, TaskOptions } from '@hfq/core';
import { ProgressReporter } from '@hfq/core';
import { metricsError } from '../errors.js';
import { correlationSeries } from '../ic/ic-series.js';
import { checkMethod } from '../internal/checks.js';
import { checkAligned, checkPanel } from '../internal/validate.js';

/** Named panels: an object `{ name: panel }` (insertion order) or a list of `[name, panel]` pairs. */
export type NamedPanels = Readonly<Record<string, Panel>> | ReadonlyArray<readonly [string, Panel]>;

/** A table of time-averaged cross-sectional correlations (`rows x columns`, row-major). */
export interface CorrelationTable {
  rows: string[];
  columns: string[];
  /** `values[i * columns.length + j]`: mean over dates of the per-date correlation of row i and column j. */
  values: Float64Array;
  /** Number of dates with a defined correlation behind each cell. */
  counts: Int32Array;
  method: 'pearson' | 'spearman';
}

/** Options of {@link factorCorrelation} and {@link riskFactorCorrelation}. */
export interface CorrelationTableOptions extends TaskOptions {
  /**
   * Per-date correlation, required: `'spearman'` (rank, as `rankICSeries`; the study's tables) or
   * `'pearson'` (raw values, as `icSeries`).
   */
  method: 'pearson' | 'spearman';
  /** Fewest finite pairs for a date to count (default 2), as in `icSeries`. */
  minAssets?: number;
}

function entries(p: NamedPanels): Array<readonly [string, Panel]> {
  const list = Array.isArray(p) ? [...(p as ReadonlyArray<readonly [string, Panel]>)] : Object.entries(p);
  const seen = new Set<string>();
  for (const [name, panel] of list) {
    checkPanel(panel, name);
    if (seen.has(name)) {
      throw metricsError('METRICS_INVALID_OPTION', `panel name ${name} appears twice`, { field: name });
    }
    seen.add(name);
  }
  return list;
}

/** Mean of the finite values and their number. */
function finiteMean(s: Float64Array): [number, number] {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  return [n > 0 ? sum / n : Number.NaN, n];
}

function table(
  rows: Array<readonly [string, Panel]>,
  cols: Array<readonly [string, Panel]>,
  options: CorrelationTableOptions,
  symmetric: boolean,
): CorrelationTable {
  const method = checkMethod(options.method);
  const nR = rows.length;
  const nC = cols.length;
  const values = new Float64Array(nR * nC);
  const counts = new Int32Array(nR * nC);
  const cells = symmetric ? (nR * (nR + 1)) / 2 : nR * nC;
  const progress = new ProgressReporter(options, 'correlationTable', cells, 'pairs');
  const icOptions = options.minAssets !== undefined ? { minAssets: options.minAssets } : {};
  for (let i = 0; i < nR; i++) {
    for (let j = symmetric ? i + 1 : 0; j < nC; j++)
      checkAligned(rows[i]![1], cols[j]![1], rows[i]![0], cols[j]![0]);
  }
  for (let i = 0; i < nR; i++) {
    for (let j = symmetric ? i : 0; j < nC; j++) {
      // Dates of the row panel, column panel aligned by date value and asset id (see icSeries).
      const [mean, n] = finiteMean(
        correlationSeries(rows[i]![1], cols[j]![1], icOptions, method, 'correlationTable'),
      );
      values[i * nC + j] = mean;
      counts[i * nC + j] = n;
      if (symmetric) {
        values[j * nC + i] = mean;
        counts[j * nC + i] = n;
      }
      progress.tick();
    }
  }
  return { rows: rows.map((e) => e[0]), columns: cols.map((e) => e[0]), values, counts, method };
}

/**
 * Factor x factor correlation table, as the study's: for each pair, the cross-sectional
 * correlation (`method`: Spearman or Pearson) on every date, averaged over the dates where it is defined.
 * Per date, only assets with both values finite count (dates of the first factor of the pair,
 * the other aligned by date value and asset id). Symmetric; the diagonal is computed (1 wherever
 * a factor varies). Fractions in [-1, 1].
 *
 * Cost: one `icSeries` per pair, K(K+1)/2 for K factors. Progress `stage: 'correlationTable'`.
 *
 * @throws HfqError `METRICS_BAD_INPUT` for an entry that is not a `Panel`; `METRICS_ALIGNMENT`
 *   when two panels share no date or no asset id (partial overlap is fine: NaN dates are not
 *   averaged); `METRICS_INVALID_OPTION` for a repeated name, a bad `method` or `minAssets`.
 */
export function factorCorrelation(factors: NamedPanels, options: CorrelationTableOptions): CorrelationTable {
  const f = entries(factors);
  return table(f, f, options, true);
}

/**
 * Factor x risk factor table (rows = factors, columns = risk factors such as momentum, size,
 * amount, turnover, beta, book-to-price exposures): time averages of per-date cross-sectional
 * correlations, computed like {@link factorCorrelation}. Shows what a factor loads on (the study:
 * reversal, low liquidity, high beta, value, size ~ 0).
 */
export function riskFactorCorrelation(
  factors: NamedPanels,
  riskFactors: NamedPanels,
  options: CorrelationTableOptions,
): CorrelationTable {
  return table(entries(factors), entries(riskFactors), options, false);
}
