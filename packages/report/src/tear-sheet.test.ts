import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HfqError, Panel } from '@hfq/core';
import { type AlignedFactor, alignFactor, factorTearSheet } from '@hfq/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../../test-support/chromium.js';
import { formatNumber } from './format.js';
import { renderTearSheet, tearSheetTables, writeTearSheet } from './tear-sheet.js';
import { expectDrawn, shootPage } from './test-utils/screenshot.js';

// The metrics fixture (numpy/scipy, alphalens' definitions): the tables must show its numbers.
const ref = JSON.parse(
  readFileSync(new URL('../../metrics/src/__fixtures__/tear-sheet.json', import.meta.url), 'utf8'),
  (_k, v) => (v === 'NaN' ? Number.NaN : v === 'Infinity' ? Number.POSITIVE_INFINITY : v),
);
const chromium = findChromium();
const dir = mkdtempSync(join(tmpdir(), 'hfq-tear-sheet-'));
let aligned: AlignedFactor;
let html: string;

beforeAll(async () => {
  const factor = new Panel(ref.dates, ref.assets, Float64Array.from(ref.factor));
  const close = new Panel(ref.priceDates, ref.priceAssets, Float64Array.from(ref.close));
  aligned = alignFactor(factor, close, {
    periods: ref.periods,
    quantiles: ref.quantiles,
    groupBy: ref.groups,
    maxLoss: 1,
  });
  html = await renderTearSheet(aligned, { title: 'Test tear sheet', generatedAt: 'fixed' });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tear sheet', () => {
  it('tables show the fixture values (information table, returns, loss, IC by group)', () => {
    const [info, returns, , loss, byGroup] = tearSheetTables(factorTearSheet(aligned));
    const row = (t: typeof info, name: string) => t!.rows.find((r) => r[0] === name)!.slice(1);
    const f4 = (k: string) => ref.icStats.map((s: Record<string, number>) => formatNumber(s[k]!, 4));
    expect(row(info, 'IC mean')).toEqual(f4('mean'));
    expect(row(info, 't-stat (IC)')).toEqual(f4('tStat'));
    expect(row(info, 'p-value (IC)')).toEqual(f4('pValue'));
    expect(row(info, 'IC skew')).toEqual(f4('skew'));
    expect(row(info, 'IC kurtosis')).toEqual(f4('kurtosis'));
    expect(row(returns, 'beta')).toEqual(ref.alphaBeta.map((x: { beta: number }) => formatNumber(x.beta, 3)));
    expect(row(loss, 'kept')[0]).toBe(String(ref.loss.kept));
    expect(byGroup!.rows.map((r) => r[0])).toEqual(ref.groupNames);
    expect(byGroup!.rows.map((r) => r[1])).toEqual(ref.icByGroup[0].map((x: number) => formatNumber(x, 4)));
    for (const t of [info, returns, loss, byGroup]) expect(html).toContain(`<caption>${t!.title}</caption>`);
  });

  it('has every chart with drawn marks: histogram, Q-Q, heat map, quantile bars, cumulative, turnover', () => {
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(8);
    const kinds = [
      'mark-rect',
      'mark-symbol',
      'mark-rect',
      'mark-rect',
      'mark-line',
      'mark-line',
      'mark-line',
      'mark-line',
    ];
    svgs.forEach((svg, i) => {
      const marks =
        svg.match(new RegExp(`<g class="${kinds[i]} role-mark[^"]*"[^>]*>[\\s\\S]*?</g>`, 'g')) ?? [];
      const drawn = marks.join('').match(/<path [^>]*d="M[^"]{6,}"/g) ?? [];
      expect(drawn.length, `chart ${i}`).toBeGreaterThan(i === 1 ? 20 : 0);
    });
    expect(svgs[3]).toContain('mark-rule'); // error bars
    expect(html).not.toMatch(/<script/i);
  });

  it('refuses what is not an AlignedFactor with a typed error', async () => {
    await expect(renderTearSheet({} as AlignedFactor)).rejects.toSatisfy((e: unknown) =>
      HfqError.is(e, 'METRICS_BAD_INPUT'),
    );
  });

  it.runIf(chromium)(
    'renders in headless Chromium: a non-blank screenshot with the charts drawn',
    async () => {
      const path = join(dir, 'tear.html');
      const res = await writeTearSheet(path, aligned, { generatedAt: 'fixed' });
      expect(res.bytes).toBeGreaterThan(10_000);
      const shot = await shootPage(chromium!, path, join(dir, 'tear.png'));
      // drawn, with the histogram bars and Q-Q points (#1f77b4) on screen
      expectDrawn(shot, 2000);
    },
    120_000,
  );
});
