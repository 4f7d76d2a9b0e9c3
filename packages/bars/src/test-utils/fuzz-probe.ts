/**
 * Child-process probe for the reader fuzz tests: reads every case of a JSON case list and prints
 * one JSON line per case (`rows` + a checksum of the values read, or the error `code`, or `crash`
 * for anything that is not an `HfqError`), with its wall time, then the peak RSS. Run under
 * `--max-old-space-size` so a runaway allocation kills only this process:
 * `node --conditions=source --import tsx fuzz-probe.ts <cases.json>`.
 */
import { readFileSync } from 'node:fs';
import { HfqError } from '@hfq/core';
import { readArrowFrames } from '../io/arrow.js';
import { collectFrames, readMinuteBarsCsv } from '../io/csv.js';
import type { ColumnMapping } from '../io/mapping.js';
import { CANONICAL_MINUTE } from '../io/mappings.js';
import { readParquetFrames } from '../io/parquet.js';
import type { MinuteBars } from '../types.js';

export interface FuzzCase {
  name: string;
  reader: 'csv' | 'parquet' | 'arrow';
  path: string;
  timeNumbers?: 'ms' | 'hhmmss' | 'seconds';
}

const cases = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as FuzzCase[];
for (const c of cases) {
  const mapping: ColumnMapping = c.timeNumbers
    ? { ...CANONICAL_MINUTE, timeNumbers: c.timeNumbers }
    : CANONICAL_MINUTE;
  const t0 = performance.now();
  let out: Record<string, unknown>;
  try {
    const frames = (await collectFrames(
      c.reader === 'csv'
        ? readMinuteBarsCsv(c.path, mapping)
        : c.reader === 'parquet'
          ? readParquetFrames(c.path, mapping)
          : readArrowFrames(c.path, mapping),
    )) as MinuteBars[];
    let rows = 0;
    let sum = 0;
    for (const f of frames) {
      rows += f.time.length;
      for (let i = 0; i < f.time.length; i++) sum += f.time[i]! + f.close[i]! * 7 + f.volume[i]!;
    }
    out = { rows, sum: Number.isNaN(sum) ? 'NaN' : sum, assets: [...new Set(frames.map((f) => f.asset))] };
  } catch (e) {
    out = HfqError.is(e) ? { code: e.code } : { crash: String((e as Error)?.stack ?? e) };
  }
  process.stdout.write(`${JSON.stringify({ name: c.name, ms: performance.now() - t0, ...out })}\n`);
}
process.stdout.write(`${JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
