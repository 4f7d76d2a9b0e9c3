import { type CorrelationTable, icSummary } from '@hfq/metrics';
import { describe, expect, it } from 'vitest';
import { formatCount, formatNumber, formatPercent, MISSING } from './format.js';
import { correlationTable, enhancedIndexTable, factorTestTable, icTable } from './study-tables.js';
import { markdownTable } from './table.js';

describe('formatting', () => {
  it('percent of a fraction, with NaN as a dash', () => {
    expect(formatPercent(0.0864)).toBe('8.64%');
    expect(formatPercent(-0.0405)).toBe('-4.05%');
    expect(formatPercent(1.142 / 0.9595 - 1, 1)).toBe('19.0%');
    expect(formatPercent(Number.NaN)).toBe(MISSING);
    expect(formatNumber(0.1908 / 0.0586)).toBe('3.26');
    expect(formatCount(12345)).toBe('12,345');
  });
});

describe('markdownTable', () => {
  it('renders a GitHub table with alignment, escaping and notes', () => {
    const md = markdownTable({
      title: 'T',
      columns: [{ header: 'name' }, { header: 'value' }],
      rows: [
        ['a|b', '1.00%'],
        ['c', '2.00%'],
      ],
      note: 'fractions in percent',
    });
    expect(md).toBe(
      '**T**\n\n| name | value |\n|:---|---:|\n| a\\|b | 1.00% |\n| c | 2.00% |\n\n*fractions in percent*\n',
    );
  });
});

describe('study-shaped tables', () => {
  const s = icSummary([0.1, 0.05, 0.12, -0.02, 0.08]);
  it("the factor test table has the study's columns and percent cells", () => {
    const t = factorTestTable([
      {
        name: 'composite',
        ic: s,
        top: {
          annualReturn: 0.3,
          excessAnnualReturn: 0.2594,
          trackingError: 0.068,
          informationRatio: 3.81,
          monthlyWinRate: 84 / 98,
          excessMaxDrawdown: 0.05,
          meanTurnover: 0.8768,
        },
      },
    ]);
    expect(t.columns.map((c) => c.header)).toEqual([
      'factor',
      'RankIC',
      'RankIC std',
      'ICIR',
      'RankIC>0',
      'TOP excess',
      'TOP IR',
      'TOP win',
      'TOP turnover',
    ]);
    expect(t.rows[0]).toEqual([
      'composite',
      '6.60%',
      '5.46%',
      '1.21',
      '80.00%',
      '25.94%',
      '3.81',
      '85.71%',
      '87.68%',
    ]);
  });

  it('IC table, enhanced-index table (benchmark row blank) and correlation table', () => {
    expect(icTable([{ name: 'x', summary: s }]).rows[0]!.slice(0, 4)).toEqual([
      'x',
      '6.60%',
      '5.46%',
      '1.21',
    ]);
    const base = {
      start: 20170103,
      end: 20250228,
      count: 2000,
      totalReturn: 1,
      annualReturn: -0.0405,
      annualVolatility: 0.2412,
      sharpe: -0.0405 / 0.2412,
      maxDrawdown: 0.5214,
      benchmarkAnnualReturn: Number.NaN,
      excessAnnualReturn: Number.NaN,
      trackingError: Number.NaN,
      excessMaxDrawdown: Number.NaN,
      informationRatio: Number.NaN,
      calmar: -0.0777,
      monthlyWinRate: 0.5,
      months: 98,
      yearly: {
        years: new Int32Array(0),
        returns: new Float64Array(0),
        benchmark: new Float64Array(0),
        excess: new Float64Array(0),
      },
    };
    const row = enhancedIndexTable([{ name: 'CSI 1000 index', stats: base }]).rows[0]!;
    expect(row).toEqual([
      'CSI 1000 index',
      '-4.05%',
      '24.12%',
      '-0.17',
      '52.14%',
      MISSING,
      MISSING,
      MISSING,
      MISSING,
      MISSING,
      MISSING,
      MISSING,
    ]);
    const corr: CorrelationTable = {
      rows: ['a', 'b'],
      columns: ['a', 'b'],
      values: Float64Array.from([1, 0.8, 0.8, 1]),
      counts: Int32Array.from([5, 5, 5, 5]),
      method: 'spearman',
    };
    expect(correlationTable(corr).rows).toEqual([
      ['a', '1.00', '0.80'],
      ['b', '0.80', '1.00'],
    ]);
  });
});
