import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HfqError, Panel } from '@hfq/core';
import { afterAll, describe, expect, it } from 'vitest';
import { readPanelsParquet, writePanelsParquet } from './panel-parquet.js';

const dir = mkdtempSync(join(tmpdir(), 'hfq-panel-pq-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('panel Parquet', () => {
  const dates = [20250102, 20250103, 20250106];
  const assets = ['600000.SH', '000001.SZ'];
  const score = Panel.fromRows(dates, assets, [
    [0.5, NaN],
    [-1.25, 2],
    [NaN, NaN],
  ]);
  const weight = Panel.fromRows(dates, assets, [
    [0.6, 0.4],
    [0, 1],
    [0.5, 0.5],
  ]);

  it('round-trips values, NaN and all-NaN rows exactly, across row groups', async () => {
    const path = join(dir, 'scores.parquet');
    writePanelsParquet(path, { score, weight }, { rowGroupRows: 4, metadata: { 'hfq.model': 'demo' } });
    const back = await readPanelsParquet(path);
    expect(Object.keys(back)).toEqual(['score', 'weight']);
    expect([...back.score!.dates]).toEqual(dates);
    expect(back.score!.assets).toEqual(assets);
    expect([...back.score!.values]).toEqual([...score.values]);
    expect([...back.weight!.values]).toEqual([...weight.values]);
  });

  it('refuses panels on different assets and key-column names', () => {
    const other = Panel.alloc(dates, ['600000.SH', '600519.SH']);
    expect(() => writePanelsParquet(join(dir, 'x.parquet'), { score, other })).toThrowError(
      /not on the dates/,
    );
    expect(() => writePanelsParquet(join(dir, 'x.parquet'), { date: score })).toThrowError(HfqError);
    expect(() => writePanelsParquet(join(dir, 'x.parquet'), {})).toThrowError(/at least one panel/);
  });

  it('reports missing and unreadable files with typed errors', async () => {
    await expect(readPanelsParquet(join(dir, 'none.parquet'))).rejects.toMatchObject({
      code: 'BARS_FILE_NOT_FOUND',
    });
    const bad = join(dir, 'bad.parquet');
    writeFileSync(bad, 'not parquet at all');
    await expect(readPanelsParquet(bad)).rejects.toMatchObject({ code: 'BARS_FILE_FORMAT' });
  });

  it.each([
    ['below what is stored (a row was dropped)', 0x0a], // zigzag(5)
    ['-1 (an allocation error before)', 0x01], // zigzag(-1)
  ])('rejects a claimed row count %s', async (_, claimed) => {
    const path = join(dir, 'counts.parquet');
    writePanelsParquet(path, { score });
    const bytes = new Uint8Array(readFileSync(path));
    const footerStart = bytes.length - 8 - new DataView(bytes.buffer).getUint32(bytes.length - 8, true);
    // every i64 Thrift field (header 0x16) holding 6 (zigzag 0x0c) in the footer: the file's and
    // the row group's num_rows and each column's num_values
    let patched = 0;
    for (let i = footerStart; i < bytes.length - 9; i++) {
      if (bytes[i] === 0x16 && bytes[i + 1] === 0x0c) {
        bytes[i + 1] = claimed;
        patched++;
      }
    }
    expect(patched).toBeGreaterThanOrEqual(5);
    const bad = join(dir, 'counts-bad.parquet');
    writeFileSync(bad, bytes);
    await expect(readPanelsParquet(bad)).rejects.toMatchObject({
      code: 'BARS_FILE_FORMAT',
      context: { source: bad },
    });
  });
});
