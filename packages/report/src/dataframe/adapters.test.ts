import { HfqError, Panel } from '@hfq/core';
import { type CorrelationTable, portfolioStats } from '@hfq/metrics';
import { describe, expect, it } from 'vitest';
import { markdownTable } from '../table.js';
import {
  correlationToDataFrame,
  dataFrameToCorrelation,
  dataFrameToPanel,
  dataFrameToReportTable,
  loadDanfo,
  panelToDataFrame,
  portfolioStatsToDataFrame,
  reportTableToDataFrame,
  yearlyToDataFrame,
} from './index.js';

describe('DataFrame adapters (danfojs-node)', () => {
  it('a panel round-trips exactly, NaN included', async () => {
    const p = Panel.fromRows(
      [20240102, 20240103, 20240104],
      ['600000.SH', '000001.SZ'],
      [
        [0.1234567890123, Number.NaN],
        [-1e-12, 2],
        [3, 1 / 3],
      ],
    );
    const df = await panelToDataFrame(p);
    expect(df.shape).toEqual([3, 2]);
    expect(df.columns).toEqual(['600000.SH', '000001.SZ']);
    const back = dataFrameToPanel(df);
    expect(Array.from(back.dates)).toEqual(Array.from(p.dates));
    expect(back.assets).toEqual(p.assets);
    expect(Array.from(back.values)).toEqual(Array.from(p.values));
  }, 30_000);

  it('a correlation table round-trips', async () => {
    const t: CorrelationTable = {
      rows: ['alpha', 'beta'],
      columns: ['size', 'momentum', 'beta'],
      values: Float64Array.from([0.01, -0.2, 0.25, Number.NaN, 0.3, 1 / 7]),
      counts: Int32Array.from([5, 5, 5, 0, 5, 5]),
      method: 'pearson',
    };
    const back = dataFrameToCorrelation(await correlationToDataFrame(t), 'pearson');
    expect(back.rows).toEqual(t.rows);
    expect(back.columns).toEqual(t.columns);
    expect(Array.from(back.values)).toEqual(Array.from(t.values));
    expect(back.method).toBe('pearson');
  });

  it('a formatted report table round-trips to the same Markdown', async () => {
    const table = {
      columns: [{ header: 'factor' }, { header: 'RankIC' }, { header: 'ICIR' }],
      rows: [
        ['composite', '11.64%', '1.16'],
        ['GRU', '8.64%', '1.11'],
      ],
    };
    const back = dataFrameToReportTable(await reportTableToDataFrame(table), 'factor');
    expect(markdownTable(back)).toBe(markdownTable(table));
  });

  it('portfolio statistics and calendar years as numeric frames', async () => {
    const dates = [20231228, 20231229, 20240102, 20240103];
    const stats = portfolioStats({
      returns: [0.01, -0.02, 0.03, 0.01],
      dates,
      benchmark: [0, 0.01, 0, -0.01],
    });
    const df = await portfolioStatsToDataFrame([{ name: 'p', stats }]);
    expect(df.index).toEqual(['p']);
    expect(df.values[0]![df.columns.indexOf('sharpe')]).toBe(stats.sharpe);
    const y = await yearlyToDataFrame(stats);
    expect(y.index).toEqual([2023, 2024]);
    expect(y.values[1]![0]).toBeCloseTo(1.03 * 1.01 - 1, 15);
  });

  it('fails with REPORT_MISSING_DEPENDENCY when danfojs-node cannot be loaded', async () => {
    const missing = () => Promise.reject(new Error("Cannot find package 'danfojs-node'"));
    await expect(loadDanfo(missing)).rejects.toSatisfy(
      (e: unknown) =>
        HfqError.is(e, 'REPORT_MISSING_DEPENDENCY') && /npm install danfojs-node/.test(String(e)),
    );
    await expect(loadDanfo(() => Promise.resolve({}))).rejects.toThrow(/exports no DataFrame/);
  });
});
