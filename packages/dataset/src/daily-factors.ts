import { existsSync, readFileSync } from 'node:fs';
import { DAILY_FIELDS } from '@hfq/bars';
import { FactorCube, Panel, type TaskOptions } from '@hfq/core';
import {
  ALPHA158,
  checkDaily,
  DAILY_LIBRARY,
  type DailyFactorDef,
  evaluateDaily,
  FACTOR_LIBRARY,
  type FactorAst,
  type FactorDef,
} from '@hfq/factor-dsl';
import { datasetError } from './errors.js';
import { checkedDays, evaluateDatasetFactors } from './evaluate.js';
import { resolveFactorSet } from './factor-output.js';
import type { DatasetReader } from './reader.js';

/** The daily-level factor sets `hfq factors --set <name>` knows, by name. */
export const DAILY_FACTOR_SETS: Readonly<Record<string, readonly DailyFactorDef[]>> = Object.freeze({
  alpha158: ALPHA158,
  daily: DAILY_LIBRARY.map((f) => ({ name: f.name, formula: f.formula })),
});

/** A set of daily-level factors for `writeFactorShard` (the intraday sets are plain `FactorDef` arrays). */
export interface DailyFactorSet {
  readonly level: 'daily';
  readonly defs: readonly DailyFactorDef[];
}

/**
 * A factor set by name or file, of either level: `alpha158` and `daily` (`DAILY_LIBRARY`) are
 * daily sets, as is a JSON file whose entries all have `source: "daily"` (`[{id, source: "daily",
 * formula}]`, formulas of the daily level); anything else is `resolveFactorSet`'s (intraday).
 * @throws `DATASET_INPUT` naming the entry and field that is wrong (a file mixing daily and
 * intraday entries among them), and `resolveFactorSet`'s errors.
 */
export function resolveAnyFactorSet(nameOrFile: string): readonly FactorDef[] | DailyFactorSet {
  if (Object.hasOwn(DAILY_FACTOR_SETS, nameOrFile)) {
    return { level: 'daily', defs: DAILY_FACTOR_SETS[nameOrFile]! };
  }
  if (existsSync(nameOrFile)) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(nameOrFile, 'utf8'));
    } catch {
      json = undefined; // resolveFactorSet reports it
    }
    if (Array.isArray(json) && json.some((d) => (d as { source?: unknown })?.source === 'daily')) {
      return {
        level: 'daily',
        defs: json.map((d: Record<string, unknown>, i) => {
          for (const k of ['id', 'source', 'formula'] as const) {
            if (typeof d?.[k] !== 'string')
              throw datasetError('DATASET_INPUT', `entry ${i} needs a string ${k}`, {
                source: nameOrFile,
                row: i,
                field: k,
              });
          }
          if (d.source !== 'daily')
            throw datasetError(
              'DATASET_INPUT',
              `entry ${i}: source ${String(d.source)} in a file of daily formulas (one level per file)`,
              { source: nameOrFile, row: i, field: 'source' },
            );
          return { name: d.id as string, formula: d.formula as string };
        }),
      };
    }
  }
  return resolveFactorSet(nameOrFile);
}

/** Options of `evaluateDatasetDailyFactors`. */
export interface DatasetDailyOptions extends TaskOptions {
  /** Calendar indices of the days to return, increasing (default: every day). */
  days?: ArrayLike<number>;
  /** Threads for `evaluateDaily` (default 1). */
  workers?: number;
}

function fieldsOf(ast: FactorAst, into: Set<string>): void {
  if (ast.kind === 'field') into.add(ast.name);
  else if (ast.kind === 'call') for (const a of ast.args) fieldsOf(a, into);
}

/**
 * Evaluates daily-level factors (`evaluateDaily` of `@hfq/factor-dsl`) over a dataset's daily
 * panels and returns the asked days as a `FactorCube` (float32, as every factor output).
 *
 * Inputs a formula may read: every `DailyBars` field of the dataset (`open`, `close`, `vwap`,
 * `volume`, `turnover`, ...), `industry` (one code per asset: the position of its industry name
 * among the metadata's distinct names, sorted; NaN for an asset without one; only when the dataset
 * has metadata), and any factor of `FACTOR_LIBRARY` by id (an intraday factor, evaluated from the
 * dataset's partitions; its per-day values become a daily series).
 *
 * Days: windows look back, so the evaluation always starts at the dataset's first day and runs to
 * the last asked day; only the asked days are returned. Starting from day 0 (rather than the
 * formulas' static lookback before the first asked day) is what makes a shard's values equal the
 * whole run's exactly: running sums are re-summed on a schedule counted from the series' start and
 * `ema` remembers every earlier day. Daily panels are small, so this costs little.
 *
 * @throws `DATASET_INPUT` for bad days; `DATASET_NOT_FOUND` when the dataset has no daily data;
 * the `DSL_*` errors of `checkDaily` (an unknown input name names the ones there are).
 */
export async function evaluateDatasetDailyFactors(
  ds: DatasetReader,
  defs: readonly DailyFactorDef[],
  options: DatasetDailyOptions = {},
): Promise<FactorCube> {
  const nDays = ds.calendar.dates.length;
  const days = checkedDays(nDays, options.days);
  const ids = defs.map((d) => d.name);
  if (days.length === 0) return new FactorCube([], [...ds.assets], ids, []);
  const end = days[days.length - 1]! + 1;
  const daily = await ds.daily();
  const dates = ds.calendar.dates.slice(0, end);
  const nA = ds.assets.length;
  const head = (p: Panel) => new Panel(dates, ds.assets, p.values.slice(0, end * nA));
  const inputs: Record<string, Panel> = {};
  for (const f of DAILY_FIELDS) inputs[f] = head(daily[f]);
  const intraday = new Map(FACTOR_LIBRARY.map((f) => [f.id, f]));
  let industryNames: readonly string[] | null = null;
  if (ds.manifest.meta !== null) {
    const names = ds.meta().map((m) => m.industry ?? null);
    industryNames = [...new Set(names.filter((n): n is string => n !== null))].sort();
    const code = new Map(industryNames.map((n, i) => [n, i]));
    const row = Float64Array.from(names, (n) => (n === null ? NaN : code.get(n)!));
    const v = new Float64Array(end * nA);
    for (let t = 0; t < end; t++) v.set(row, t * nA);
    inputs.industry = new Panel(dates, ds.assets, v);
  }
  // Which names the formulas read (checked against everything that could be supplied).
  const known = [...Object.keys(inputs), ...intraday.keys()];
  const used = new Set<string>();
  for (const d of defs) fieldsOf(checkDaily(d.formula, known).ast, used);
  const needed: FactorDef[] = [...used].filter((n) => !(n in inputs)).map((n) => intraday.get(n)!);
  if (needed.length > 0) {
    const cube = await evaluateDatasetFactors(ds, needed, {
      days: Array.from({ length: end }, (_, t) => t),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
    needed.forEach((f, k) => {
      const v = new Float64Array(end * nA);
      for (let t = 0; t < end; t++) {
        const m = cube.day(t);
        for (let a = 0; a < nA; a++) v[t * nA + a] = m[a * needed.length + k]!;
      }
      inputs[f.id] = new Panel(dates, ds.assets, v);
    });
  }
  const out = await evaluateDaily(defs, inputs, { workers: options.workers ?? 1 });
  const matrices = days.map((t) => {
    const m = new Float32Array(nA * defs.length);
    defs.forEach((d, k) => {
      const v = out[d.name]!.values;
      for (let a = 0; a < nA; a++) m[a * defs.length + k] = v[t * nA + a]!;
    });
    return m;
  });
  return new FactorCube(
    Int32Array.from(days, (t) => ds.calendar.dates[t]!),
    [...ds.assets],
    ids,
    matrices,
  );
}
