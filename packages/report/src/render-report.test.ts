import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HfqError } from '@hfq/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../../test-support/chromium.js';
import { type ReportDocument, renderReport, reportHtml, reportMarkdown } from './html.js';
import { sampleReport } from './test-utils/sample-report.js';
import { expectDrawn, shootPage } from './test-utils/screenshot.js';

const chromium = findChromium();
const dir = mkdtempSync(join(tmpdir(), 'hfq-metrics-report-'));
let doc: ReportDocument;
let counts: { tables: number; charts: number };
let html: string;

beforeAll(async () => {
  const r = await sampleReport();
  doc = r.doc;
  counts = { tables: r.tables, charts: r.charts };
  html = reportHtml(doc);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The inline SVG documents of the page. */
function svgs(page: string): string[] {
  return page.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
}

describe('report HTML', () => {
  it('has every table with its rows', () => {
    expect(html.match(/<table>/g)?.length).toBe(counts.tables);
    expect(html).toContain('<caption>Single-factor tests</caption>');
    for (const h of [
      'RankIC',
      'TOP excess',
      'TOP IR',
      'TOP win',
      'TOP turnover',
      'excess MDD',
      'Calmar',
      'month win',
    ]) {
      expect(html).toContain(`>${h}</th>`);
    }
    expect(html).toMatch(/<td style="text-align:left">G10 \(TOP\)<\/td>/);
  });

  it('has one SVG per chart, each with drawn marks', () => {
    const list = svgs(html);
    expect(list.length).toBe(counts.charts);
    for (const svg of list) {
      const marks = svg.match(/<g class="mark-(line|area|rect) role-mark[^"]*"[^>]*>[\s\S]*?<\/g>/g) ?? [];
      const drawn = marks.filter((g) => /d="M[^"]{40,}"/.test(g));
      expect(drawn.length, svg.slice(0, 200)).toBeGreaterThan(0);
    }
  });

  it('is self-contained: no scripts, no remote resources', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
  });

  it('escapes text and keeps inline code and bold', () => {
    const page = reportHtml({
      title: 'a <b> & "c"',
      generatedAt: 'x',
      sections: [{ title: 'S', blocks: ['use `rankIC` **now** <script>alert(1)</script>'] }],
    });
    expect(page).toContain('<title>a &lt;b&gt; &amp; &quot;c&quot;</title>');
    expect(page).toContain('<code>rankIC</code> <strong>now</strong> &lt;script&gt;');
    expect(page).not.toContain('<script>');
  });

  it('Markdown rendering lists the same tables', () => {
    const md = reportMarkdown(doc);
    expect(md.match(/^\| ---|^\|:---/gm)?.length).toBe(counts.tables);
    expect(md).toContain('## Group backtest');
    expect(md).toContain('*Chart: Group NAVs*');
  });
});

describe('renderReport', () => {
  it('writes the page atomically and leaves no temporary file', async () => {
    const path = join(dir, 'out', 'report.html');
    const res = await renderReport(path, doc);
    expect(res.path).toBe(path);
    expect(readFileSync(path, 'utf8')).toBe(html);
    writeFileSync(path, 'old');
    await renderReport(path, doc); // replaces an existing file
    expect(readFileSync(path, 'utf8').startsWith('<!doctype html>')).toBe(true);
    expect(readdirSync(join(dir, 'out'))).toEqual(['report.html']);
  });

  it('fails with REPORT_RENDER when the path cannot be written', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    await expect(renderReport(join(blocker, 'r.html'), doc)).rejects.toSatisfy(
      (e: unknown) =>
        HfqError.is(e, 'REPORT_RENDER') && String((e as HfqError).context.source).endsWith('r.html'),
    );
  });

  it.runIf(chromium)(
    'looks right in headless Chromium: a non-blank screenshot with chart colours',
    async () => {
      const path = join(dir, 'shot', 'report.html');
      await renderReport(path, doc);
      const shot = await shootPage(chromium!, path, join(dir, 'shot', 'report.png'));
      expect([shot.img.width, shot.img.height]).toEqual([1200, 3000]);
      // Drawn, with the IC chart's blue line (#1f77b4) on screen.
      expectDrawn(shot, 200);
    },
    120_000,
  );
});
