import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { datasetError } from './errors.js';
import { type ImportOptions, type ImportReport, type ImportSources, importFiles } from './import.js';
import { IMPORT_REPORT_FILE, MANIFEST_FILE } from './manifest.js';
import { type DatasetReader, type OpenDatasetOptions, openDataset } from './reader.js';

/** The result of `openOrImport`. */
export interface OpenOrImportResult {
  /** The dataset, opened with `options.open`. */
  reader: DatasetReader;
  /** The import's report (read back from `import-report.json` when the dataset was there). */
  report: ImportReport;
  /** True when this call imported the dataset; false when it was there already. */
  imported: boolean;
}

/**
 * Opens the dataset in `dir`, importing it first when `dir` holds none: `importFiles` writes into
 * `<dir>.partial` (emptied first), which is renamed to `dir` once the import is complete, so an
 * interrupted run leaves no half dataset and the next run imports again. `sources` may be a
 * function, called only when an import is needed (e.g. to write a derived input file). A dataset
 * already in `dir` is opened as it is (its sources are not compared).
 *
 * @throws as `importFiles` and `openDataset`; `DATASET_NOT_FOUND` when a dataset that was there
 * has no `import-report.json` (it was not made by an import).
 */
export async function openOrImport(
  dir: string,
  sources: ImportSources | (() => ImportSources),
  options: ImportOptions & { open?: OpenDatasetOptions } = {},
): Promise<OpenOrImportResult> {
  const { open, ...importOptions } = options;
  const imported = !existsSync(join(dir, MANIFEST_FILE));
  if (imported) {
    const partial = `${dir}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    await importFiles(partial, typeof sources === 'function' ? sources() : sources, importOptions);
    renameSync(partial, dir);
  }
  const path = join(dir, IMPORT_REPORT_FILE);
  if (!existsSync(path))
    throw datasetError('DATASET_NOT_FOUND', `${dir} holds a dataset without ${IMPORT_REPORT_FILE}`, {
      source: path,
    });
  const report = JSON.parse(readFileSync(path, 'utf8')) as ImportReport;
  return { reader: openDataset(dir, open), report, imported };
}

/** `summarizeImport`'s counts. */
export interface ImportSummary {
  /** A line per file: stock-days written, rejected (counted by the first rule each broke), repaired rows, the file's error. */
  lines: string[];
  /** Rejected stock-days (or rows) by the code of the first rule each broke, over every file. */
  rejected: Record<string, number>;
  /** Repairs over every file. */
  repaired: number;
}

/**
 * An import report in a few lines (for a script's log or a report): per file, e.g.
 * `minute bars.csv.gz: 76879 written, 42981 rejected (42900 DATASET_UNKNOWN_ASSET, 81
 * BARS_NONPOSITIVE_PRICE), 0 repaired`. The report itself keeps every rejection and repair.
 */
export function summarizeImport(report: ImportReport): ImportSummary {
  const rejected: Record<string, number> = {};
  let repaired = 0;
  const lines = report.files.map((f) => {
    const byCode: Record<string, number> = {};
    for (const r of f.rejected) {
      const code = r.issues[0]?.code ?? 'unknown';
      byCode[code] = (byCode[code] ?? 0) + 1;
      rejected[code] = (rejected[code] ?? 0) + 1;
    }
    repaired += f.repaired.length;
    const codes = Object.entries(byCode)
      .map(([c, n]) => `${n} ${c}`)
      .join(', ');
    return `${f.kind} ${f.file.split(/[\\/]/).at(-1)}: ${f.stockDays} written, ${f.rejected.length} rejected${codes ? ` (${codes})` : ''}, ${f.repaired.length} repaired${f.error ? `; error: ${f.error}` : ''}`;
  });
  return { lines, rejected, repaired };
}
