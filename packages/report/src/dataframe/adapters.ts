import { Panel, parseYmd } from '@hfq/core';
import type { CorrelationTable, GroupBacktestResult, PortfolioStats } from '@hfq/metrics';
import { reportError } from '../errors.js';
import type { ReportTable } from '../table.js';

/**
 * The part of a danfojs `DataFrame` these adapters use. Values returned by the adapters are real
 * danfojs DataFrames (all of danfo's methods work on them); this type keeps `danfojs-node` out of
 * the package's type declarations, so users without it still compile.
 */
export interface DataFrameLike {
  readonly columns: string[];
  readonly index: Array<string | number>;
  readonly values: unknown[][];
  readonly shape: number[];
}

type DataFrameCtor = new (
  data: unknown[][] | Record<string, unknown[]>,
  options?: { columns?: string[]; index?: Array<string | number> },
) => DataFrameLike;

interface DanfoModule {
  DataFrame: DataFrameCtor;
}

let cached: Promise<DanfoModule> | undefined;

/**
 * Loads `danfojs-node` once (dynamic `import()`).
 *
 * @param importer how to import it; the default imports `danfojs-node` (tests pass a failing one).
 * @throws HfqError `REPORT_MISSING_DEPENDENCY` with an install hint when it cannot be loaded.
 */
export async function loadDanfo(importer?: () => Promise<unknown>): Promise<DanfoModule> {
  const load = async (): Promise<DanfoModule> => {
    let mod: unknown;
    try {
      mod = await (importer ?? (() => import('danfojs-node')))();
    } catch (e) {
      throw reportError(
        'REPORT_MISSING_DEPENDENCY',
        `the DataFrame adapters need the optional peer dependency danfojs-node (npm install danfojs-node, with the overrides in @hfq/report's README: danfojs-node 1.2.0 pulls @tensorflow/tfjs-node and xlsx from hosts outside the npm registry): ${(e as Error).message}`,
        { field: 'danfojs-node' },
        e,
      );
    }
    const m = mod as { DataFrame?: DataFrameCtor; default?: { DataFrame?: DataFrameCtor } };
    const DataFrame = m.DataFrame ?? m.default?.DataFrame;
    if (typeof DataFrame !== 'function') {
      throw reportError('REPORT_MISSING_DEPENDENCY', 'danfojs-node loaded but exports no DataFrame', {
        field: 'danfojs-node',
      });
    }
    return { DataFrame };
  };
  if (importer) return load();
  cached ??= load().catch((e: unknown) => {
    cached = undefined; // let a later call retry (e.g. after installing)
    throw e;
  });
  return cached;
}

/** NaN and +-Infinity -> NaN; anything not a number (null, undefined, strings) -> NaN. */
function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
}

/**
 * A DataFrame from named columns of equal length (`index` labels the rows). Numbers are copied
 * out of typed arrays; NaN stays NaN.
 */
export async function seriesToDataFrame(
  index: ArrayLike<string | number>,
  columns: Readonly<Record<string, ArrayLike<number>>>,
): Promise<DataFrameLike> {
  const { DataFrame } = await loadDanfo();
  const names = Object.keys(columns);
  for (const n of names) {
    if (columns[n]!.length !== index.length) {
      throw reportError(
        'REPORT_LENGTH_MISMATCH',
        `column ${n} has ${columns[n]!.length} values for ${index.length} rows`,
        {
          field: n,
        },
      );
    }
  }
  const rows = Array.from({ length: index.length }, (_, i) => names.map((n) => columns[n]![i]!));
  return new DataFrame(rows, { columns: names, index: Array.from(index) });
}

/** A panel as a DataFrame: index = dates (`yyyymmdd` numbers), columns = asset ids. */
export async function panelToDataFrame(panel: Panel): Promise<DataFrameLike> {
  const { DataFrame } = await loadDanfo();
  const n = panel.nAssets;
  const rows = Array.from({ length: panel.nDates }, (_, t) =>
    Array.from(panel.values.subarray(t * n, (t + 1) * n)),
  );
  return new DataFrame(rows, { columns: [...panel.assets], index: Array.from(panel.dates) });
}

/**
 * A DataFrame back to a float64 panel. The index must hold trading days (`yyyymmdd` numbers or
 * `YYYY-MM-DD` strings) in increasing order; columns are asset ids; non-numbers become NaN.
 * @throws HfqError `INVALID_ARGUMENT` (from `parseYmd`) / `NOT_SORTED` for a bad index.
 */
export function dataFrameToPanel(df: DataFrameLike): Panel<Float64Array> {
  const dates = df.index.map((d, i) => parseYmd(d, `index[${i}]`));
  const nA = df.columns.length;
  const values = new Float64Array(dates.length * nA);
  df.values.forEach((row, t) => {
    for (let a = 0; a < nA; a++) values[t * nA + a] = num(row[a]);
  });
  return new Panel(dates, df.columns, values);
}

/** A correlation table as a DataFrame (index = row names, columns = column names). */
export async function correlationToDataFrame(table: CorrelationTable): Promise<DataFrameLike> {
  const { DataFrame } = await loadDanfo();
  const nC = table.columns.length;
  const rows = table.rows.map((_, i) => Array.from(table.values.subarray(i * nC, (i + 1) * nC)));
  return new DataFrame(rows, { columns: [...table.columns], index: [...table.rows] });
}

/** A DataFrame (e.g. from {@link correlationToDataFrame}) back to a `CorrelationTable`; counts are unknown (-1). */
export function dataFrameToCorrelation(
  df: DataFrameLike,
  method: CorrelationTable['method'] = 'spearman',
): CorrelationTable {
  const nC = df.columns.length;
  const values = new Float64Array(df.index.length * nC);
  df.values.forEach((row, i) => {
    for (let j = 0; j < nC; j++) values[i * nC + j] = num(row[j]);
  });
  return {
    rows: df.index.map(String),
    columns: [...df.columns],
    values,
    counts: new Int32Array(values.length).fill(-1),
    method,
  };
}

/** A formatted `ReportTable` as a DataFrame of strings (index = first column). */
export async function reportTableToDataFrame(table: ReportTable): Promise<DataFrameLike> {
  const { DataFrame } = await loadDanfo();
  const headers = table.columns.map((c) => c.header);
  if (headers.length < 2) {
    throw reportError('REPORT_SHAPE_MISMATCH', 'a table needs a label column and at least one value column', {
      field: 'columns',
    });
  }
  return new DataFrame(
    table.rows.map((r) => headers.slice(1).map((_, j) => r[j + 1] ?? '')),
    { columns: headers.slice(1), index: table.rows.map((r) => r[0] ?? '') },
  );
}

/** A DataFrame of strings back to a `ReportTable` (`indexHeader` names the label column). */
export function dataFrameToReportTable(df: DataFrameLike, indexHeader = ''): ReportTable {
  return {
    columns: [{ header: indexHeader }, ...df.columns.map((header) => ({ header }))],
    rows: df.values.map((row, i) => [String(df.index[i]), ...row.map((v) => (v == null ? '' : String(v)))]),
  };
}

const STAT_KEYS = [
  'annualReturn',
  'annualVolatility',
  'sharpe',
  'maxDrawdown',
  'excessAnnualReturn',
  'trackingError',
  'excessMaxDrawdown',
  'informationRatio',
  'calmar',
  'monthlyWinRate',
  'totalReturn',
  'count',
] as const;

/** Portfolio statistics, one row per portfolio, one numeric column per statistic (fractions). */
export async function portfolioStatsToDataFrame(
  entries: ReadonlyArray<{ name: string; stats: PortfolioStats }>,
): Promise<DataFrameLike> {
  const { DataFrame } = await loadDanfo();
  return new DataFrame(
    entries.map((e) => STAT_KEYS.map((k) => e.stats[k])),
    { columns: [...STAT_KEYS], index: entries.map((e) => e.name) },
  );
}

/** Calendar-year returns of one portfolio: index = years, columns return / benchmark / excess. */
export function yearlyToDataFrame(stats: PortfolioStats): Promise<DataFrameLike> {
  const y = stats.yearly;
  return seriesToDataFrame(Array.from(y.years), {
    return: y.returns,
    benchmark: y.benchmark,
    excess: y.excess,
  });
}

/** Daily group NAVs (or returns) of a `groupBacktest`: index = dates, columns G1..Gn and universe. */
export function groupBacktestToDataFrame(
  result: GroupBacktestResult,
  what: 'nav' | 'returns' = 'nav',
): Promise<DataFrameLike> {
  const src = what === 'nav' ? result.groupNav : result.groupReturns;
  const cols: Record<string, ArrayLike<number>> = {};
  src.forEach((s, g) => {
    cols[`G${g + 1}`] = s;
  });
  cols.universe = what === 'nav' ? result.universeNav : result.universeReturns;
  return seriesToDataFrame(Array.from(result.dates), cols);
}
