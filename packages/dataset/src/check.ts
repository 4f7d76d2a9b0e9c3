import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidationOptions } from '@hfq/bars';
import { HfqError, ProgressReporter, type TaskOptions, throwIfAborted } from '@hfq/core';
import { DatasetReader } from './reader.js';

/** One problem `checkDataset` found. */
export interface DatasetProblem {
  /** The error code (`DATASET_*` or `BARS_*`). */
  code: string;
  /** The full message (with its context). */
  message: string;
  /** The file concerned (absolute or as given). */
  file: string | null;
  row: number | null;
  field: string | null;
  date: number | null;
}

/** Options of `checkDataset`. */
export interface CheckDatasetOptions extends TaskOptions {
  /** Rules of the validators. */
  validation?: ValidationOptions;
}

function problem(e: HfqError, fallbackFile: string | null): DatasetProblem {
  const c = e.context;
  return {
    code: e.code,
    message: e.message,
    file: typeof c.source === 'string' ? c.source : fallbackFile,
    row: typeof c.row === 'number' ? c.row : null,
    field: typeof c.field === 'string' ? c.field : null,
    date: typeof c.date === 'number' ? c.date : null,
  };
}

/**
 * Validates a whole dataset: the manifest, then every minute and tick partition (every frame
 * through `@hfq/bars`' validators, the partition's date, assets and claimed counts), the daily
 * panels, the index and the metadata, and that no partition directory on disk is left out of the
 * manifest. Does not stop at the first problem: one per broken part, each naming its file and,
 * where known, row, field and date. Memory: one partition at a time.
 *
 * Progress: stage `check`, unit `parts`.
 * @returns every problem found (empty: the dataset is sound). @throws `ABORTED` only.
 */
export async function checkDataset(
  dir: string,
  options: CheckDatasetOptions = {},
): Promise<DatasetProblem[]> {
  const problems: DatasetProblem[] = [];
  let ds: DatasetReader;
  try {
    ds = new DatasetReader(dir, options.validation ? { validation: options.validation } : {});
  } catch (e) {
    if (!HfqError.is(e)) throw e;
    return [problem(e, join(dir, 'dataset.json'))];
  }
  const m = ds.manifest;
  const nParts = m.minute.length + m.ticks.length + 3;
  const progress = new ProgressReporter(options, 'check', nParts, 'parts');
  const attempt = async (file: string | null, f: () => unknown) => {
    throwIfAborted(options.signal, 'check');
    try {
      await f();
    } catch (e) {
      if (!HfqError.is(e) || e.code === 'ABORTED') throw e;
      problems.push(problem(e, file));
    }
    progress.tick();
  };
  for (const kind of ['minute', 'ticks'] as const) {
    const listed = new Set(m[kind].map((p) => `date=${p.date}`));
    const root = join(dir, kind);
    if (existsSync(root)) {
      for (const e of readdirSync(root)) {
        if (!listed.has(e)) {
          problems.push({
            code: 'DATASET_CONTENT',
            message: `[DATASET_CONTENT] ${kind}/${e} is not listed in dataset.json`,
            file: join(root, e),
            row: null,
            field: kind,
            date: null,
          });
        }
      }
    }
    for (const p of m[kind])
      await attempt(join(dir, p.files[0]!), () => ds.readPartition(kind, p.date, { validate: 'always' }));
  }
  await attempt(m.daily ? join(dir, m.daily.file) : null, () => (m.daily ? ds.daily() : undefined));
  await attempt(m.index ? join(dir, m.index.weights.file) : null, () => (m.index ? ds.index() : undefined));
  await attempt(m.meta ? join(dir, m.meta.file) : null, () => (m.meta ? ds.meta() : undefined));
  return problems;
}
