/**
 * Where the real samples are. They are not redistributable (see their PROVENANCE.md files): the
 * scripts read them in place and never copy them into the repository.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SHARED_DIR } from '../../../test-support/shared-data.js';

/** The files the real-data study reads, under one `data/real` folder. */
export interface RealDataPaths {
  root: string;
  daily: string;
  indexDaily: string;
  csi300: string;
  csi500: string;
  fifteenMinute: string;
  l2: string;
}

/**
 * The real-data folder: `dataDir` (the `--data` option) if given, else `$HFQ_SHARED_DIR/data/real`,
 * else `../shared/data/real` beside the repository. `available` is false when it is not there.
 */
export function realDataPaths(dataDir?: string): { paths: RealDataPaths; available: boolean } {
  // SHARED_DIR is $HFQ_SHARED_DIR, else ../shared beside the checkout (the one place that says so).
  const root = dataDir ? resolve(dataDir) : join(SHARED_DIR, 'data', 'real');
  const u = join(root, 'cn-daily-universe');
  const paths: RealDataPaths = {
    root,
    daily: join(u, 'daily_core_20200102-20260508.csv.gz'),
    indexDaily: join(u, 'index_daily_20100104-20260508.csv.gz'),
    csi300: join(u, 'membership', 'csi300.csv'),
    csi500: join(u, 'membership', 'csi500.csv'),
    fifteenMinute: join(root, 'cn-intraday-15min', 'bars15m_400stocks_20250102-20260401.csv.gz'),
    l2: join(root, 'cn-l2-dolphindb'),
  };
  const available = [paths.daily, paths.csi300, paths.csi500, paths.fifteenMinute, paths.l2].every((p) =>
    existsSync(p),
  );
  return { paths, available };
}
