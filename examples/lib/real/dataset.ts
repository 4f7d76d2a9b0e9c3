/**
 * The real samples as an hfq dataset: imported once by `@hfq/dataset`'s `openOrImport` (validated,
 * every rejected or repaired row reported) into a folder under `tmp/`, then read through its
 * `DatasetReader` on every run. The samples themselves are read in place and never copied into
 * the repository; the dataset folder is a derived cache (git-ignored).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CN_15MIN_BARS } from '@hfq/bars';
import type { TaskOptions } from '@hfq/core';
import { type OpenOrImportResult, openOrImport } from '@hfq/dataset';
import type { RealDataPaths } from './paths.js';

/** The index of the study's universe: CSI 300 + CSI 500 members, with the CSI 800 (000906) closes. */
export const UNIVERSE_INDEX = 'CSI300+CSI500';

/**
 * The 15-minute bars, daily bars and index membership as a dataset in `dir` (imported on the first
 * run). `dailyAssets` restricts the daily stocks (and so every stock of the dataset: 15-minute
 * stock-days of other stocks are rejected as unknown assets, and reported).
 */
export function openRealDataset(
  paths: RealDataPaths,
  dir: string,
  options: TaskOptions & { dailyAssets?: readonly string[] } = {},
): Promise<OpenOrImportResult> {
  const { onProgress, signal } = options;
  return openOrImport(
    dir,
    () => {
      // one membership file for the union (the importer takes one index); a stock in both on the
      // same day (a transfer) is a member once
      const membership = `${dir}.membership.csv`;
      const rows = [paths.csi300, paths.csi500].flatMap((f) =>
        readFileSync(f, 'utf8').trim().split('\n').slice(1),
      );
      writeFileSync(membership, `symbol,start_date,end_date\n${rows.join('\n')}\n`);
      return {
        minute: { files: [paths.fifteenMinute], layout: 'all', mapping: CN_15MIN_BARS },
        daily: {
          file: paths.daily,
          options: { limits: 'board-rules', ...(options.dailyAssets ? { assets: options.dailyAssets } : {}) },
        },
        index: { name: UNIVERSE_INDEX, membership, indexDaily: paths.indexDaily, indexSymbol: 'SH000906' },
      };
    },
    // rejected stock-days are expected (suspended days, stocks without daily bars) and reported
    {
      mode: 'repair',
      maxReject: 1,
      open: { cacheDays: 2 },
      ...(onProgress ? { onProgress } : {}),
      ...(signal ? { signal } : {}),
    },
  );
}
