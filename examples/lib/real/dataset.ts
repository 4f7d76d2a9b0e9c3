/**
 * The real samples as an hfq dataset: imported once by `@hfq/dataset`'s `importFiles` (validated,
 * every rejected or repaired row reported) into a folder under `tmp/`, then read through its
 * `DatasetReader` on every run. The samples themselves are read in place and never copied into
 * the repository; the dataset folder is a derived cache (git-ignored).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CN_15MIN_BARS } from '@hfq/bars';
import type { TaskOptions } from '@hfq/core';
import {
  type DatasetReader,
  IMPORT_REPORT_FILE,
  type ImportReport,
  importFiles,
  MANIFEST_FILE,
  openDataset,
} from '@hfq/dataset';
import type { RealDataPaths } from './paths.js';

/** The index of the study's universe: CSI 300 + CSI 500 members, with the CSI 800 (000906) closes. */
export const UNIVERSE_INDEX = 'CSI300+CSI500';

/**
 * Opens the dataset in `dir`, importing the samples into it first when it is not there (the
 * import goes to `<dir>.partial` and is renamed when complete, so an interrupted run leaves no
 * half dataset). `dailyAssets` restricts the daily stocks (and so every stock of the dataset:
 * 15-minute stock-days of other stocks are rejected as unknown assets, and reported).
 * @returns the reader, the import report (read back from the dataset when cached) and whether it was.
 */
export async function openRealDataset(
  paths: RealDataPaths,
  dir: string,
  options: TaskOptions & { dailyAssets?: readonly string[] } = {},
): Promise<{ reader: DatasetReader; report: ImportReport; cached: boolean }> {
  const cached = existsSync(join(dir, MANIFEST_FILE));
  if (!cached) {
    const partial = `${dir}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    // one membership file for the union (the importer takes one index); a stock in both on the
    // same day (a transfer) is a member once
    const membership = `${dir}.membership.csv`;
    const rows = [paths.csi300, paths.csi500].flatMap((f) =>
      readFileSync(f, 'utf8').trim().split('\n').slice(1),
    );
    writeFileSync(membership, `symbol,start_date,end_date\n${rows.join('\n')}\n`);
    const { onProgress, signal } = options;
    await importFiles(
      partial,
      {
        minute: { files: [paths.fifteenMinute], layout: 'all', mapping: CN_15MIN_BARS },
        daily: {
          file: paths.daily,
          options: { limits: 'board-rules', ...(options.dailyAssets ? { assets: options.dailyAssets } : {}) },
        },
        index: { name: UNIVERSE_INDEX, membership, indexDaily: paths.indexDaily, indexSymbol: 'SH000906' },
      },
      // rejected stock-days are expected (suspended days, stocks without daily bars) and reported
      { mode: 'repair', maxReject: 1, ...(onProgress ? { onProgress } : {}), ...(signal ? { signal } : {}) },
    );
    renameSync(partial, dir);
  }
  const report = JSON.parse(readFileSync(join(dir, IMPORT_REPORT_FILE), 'utf8')) as ImportReport;
  return { reader: openDataset(dir, { cacheDays: 2 }), report, cached };
}

/** Rejected stock-days and repairs of an import report, counted by rule and by file. */
export function importSummary(report: ImportReport): {
  lines: string[];
  rejected: Record<string, number>;
  repaired: number;
} {
  const rejected: Record<string, number> = {};
  let repaired = 0;
  const lines: string[] = [];
  for (const f of report.files) {
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
    lines.push(
      `${f.kind} ${f.file.split('/').at(-1)}: ${f.stockDays} written, ${f.rejected.length} rejected${codes ? ` (${codes})` : ''}, ${f.repaired.length} repaired${f.error ? `; error: ${f.error}` : ''}`,
    );
  }
  return { lines, rejected, repaired };
}
