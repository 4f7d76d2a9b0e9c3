/**
 * The predicted return path of the sequence models, kept beside their scores: each model job
 * scores its fold's dates with every horizon of the model (`n x H` raw outputs), the models stage
 * averages the seeds and stitches the folds exactly as it does for the scores (`combinePath`), and
 * the report step writes them to `paths.parquet` beside `scores.parquet`.
 */
import { writePanelsParquet } from '@hfq/bars';
import { HfqError, Panel } from '@hfq/core';
import { type CrossSection, Ensemble, type Predictor } from '@hfq/models';
import type { ModelJobOutput } from './model-jobs.js';

/** The per-horizon outputs of one sequence-model job (a model with more than one output). */
export interface JobPath {
  /** Horizons H (outputs per stock). */
  horizon: number;
  /**
   * Label timing the model was trained on: output k (1-based) predicts the return of close
   * T+entryLag+k-1 -> close T+entryLag+k (trading days after the score date T).
   */
  entryLag: number;
  /** Raw outputs, rows x H row-major; rows as `ModelJobOutput.rows` (all dates concatenated). */
  values: Float32Array;
}

/** A model job's output with its path (sequence models only). */
export type ModelJobOutputWithPath = ModelJobOutput & { path?: JobPath };

/**
 * One sequence model's out-of-sample predicted path: seeds averaged (each seed's horizon-k column
 * z-scored per date, then averaged, as `Ensemble` does for the scores) and folds stitched.
 */
export interface SequencePath {
  /** See `JobPath.entryLag`: `days[k - 1]` predicts the return of day T+entryLag+k. */
  entryLag: number;
  /**
   * H panels (the weekly score dates x the market's assets), standardised scores (not returns);
   * NaN where the stock was not scored.
   */
  days: Panel<Float32Array>[];
}

/**
 * The path of one model from its jobs, or `undefined` when its jobs hold no path (a one-output
 * model). Seeds and folds are combined as `combineModel` combines the scores.
 * @throws HfqError `WORKFLOW_MODEL` when some jobs of the model hold a path and others do not, or
 *   their horizons / label timings differ.
 */
export async function combinePath(
  name: string,
  outputs: readonly ModelJobOutputWithPath[],
  nFolds: number,
  assets: readonly string[],
  features: readonly string[],
  window: number,
): Promise<SequencePath | undefined> {
  const withPath = outputs.filter((o) => o.path !== undefined);
  if (withPath.length === 0) return undefined;
  const first = withPath[0]!.path!;
  for (const o of outputs) {
    const p = o.path;
    if (p === undefined || p.horizon !== first.horizon || p.entryLag !== first.entryLag) {
      throw new HfqError(
        'WORKFLOW_MODEL',
        `${name}: the jobs of a sequence model must all hold a path of the same horizon and label timing (fold ${o.fold} seed ${o.seed} differs; a training cached before paths were kept has none: remove <out>/cache/model-jobs to retrain)`,
        { field: 'models' },
      );
    }
  }
  const h = first.horizon;
  const byFold = Array.from({ length: nFolds }, (_, f) =>
    outputs.filter((o) => o.fold === f).sort((a, b) => a.seed - b.seed),
  );
  const dates = Int32Array.from(byFold.flatMap((f) => Array.from(f[0]!.dates)));
  const days = Array.from({ length: h }, () => Panel.alloc(dates, assets, 'float32'));
  let row = 0;
  for (const members of byFold) {
    const lead = members[0]!;
    let offset = 0;
    for (let k = 0; k < lead.dates.length; k++) {
      const n = lead.counts[k]!;
      const cs = { n, assets: lead.rows.subarray(offset, offset + n) } as unknown as CrossSection;
      for (let s = 0; s < h; s++) {
        const ens = new Ensemble(
          members.map(
            (o): Predictor => ({
              features,
              window,
              score: async () => {
                const col = new Float32Array(n);
                const v = o.path!.values;
                for (let i = 0; i < n; i++) col[i] = v[(offset + i) * h + s]!;
                return col;
              },
            }),
          ),
        );
        const z = await ens.score(cs);
        const out = days[s]!.row(row);
        for (let i = 0; i < n; i++) out[cs.assets[i]!] = z[i]!;
      }
      offset += n;
      row++;
    }
  }
  return { entryLag: first.entryLag, days };
}

/**
 * Writes every model's path to one Parquet file (long format, one column per model and day:
 * `<model>_d<k>`, k = 1..H; `hfq.entryLag.<model>` in the metadata). Nothing is written when
 * `paths` is empty.
 */
export function writeSequencePaths(file: string, paths: Readonly<Record<string, SequencePath>>): void {
  const panels: Record<string, Panel> = {};
  const metadata: Record<string, string> = {
    'hfq.kind': 'out-of-sample predicted daily-return paths (standardised scores per day)',
  };
  for (const [name, p] of Object.entries(paths)) {
    const key = name.replace(/[^A-Za-z0-9_]+/g, '_');
    metadata[`hfq.entryLag.${key}`] = String(p.entryLag);
    p.days.forEach((d, k) => {
      panels[`${key}_d${k + 1}`] = d;
    });
  }
  if (Object.keys(panels).length > 0) writePanelsParquet(file, panels, { metadata });
}
