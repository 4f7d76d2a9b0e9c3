import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { writeFileAtomic } from '@hfq/core';
import type { ReportChart } from './charts.js';
import { reportError } from './errors.js';
import { columnAlign, markdownTable, type ReportTable } from './table.js';

/** One piece of a report section. Plain strings are paragraphs. */
export type ReportBlock =
  | string
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; table: ReportTable }
  | { kind: 'chart'; chart: ReportChart }
  /** Headline figures shown as cards (e.g. RankIC 11.18%, TOP excess 25.51%). */
  | { kind: 'figures'; items: Array<{ label: string; value: string }> }
  | { kind: 'code'; text: string }
  /** Trusted HTML inserted as is (your responsibility: no scripts or remote resources). */
  | { kind: 'html'; html: string };

/** A titled section; `sections` nest one level (rendered as h3). */
export interface ReportSection {
  title: string;
  blocks: ReportBlock[];
  sections?: ReportSection[];
}

/** A whole report page. */
export interface ReportDocument {
  title: string;
  subtitle?: string;
  /** Shown under the title; default: the render time (ISO). Pass a fixed string for reproducible files. */
  generatedAt?: string;
  sections: ReportSection[];
  /** Small print at the bottom (data sources, disclaimers). */
  footer?: string;
}

const CSS = `
:root{--fg:#1d2430;--muted:#5b6472;--line:#d9dee5;--accent:#1f77b4;--bg:#fff;--band:#f5f7fa}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.55 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif}
main{max-width:1080px;margin:0 auto;padding:32px 28px 64px}
header{border-bottom:3px solid var(--accent);margin-bottom:24px;padding-bottom:12px}
h1{font-size:28px;margin:0 0 4px}
.subtitle{color:var(--muted);font-size:17px;margin:0}
.generated{color:var(--muted);font-size:12px;margin-top:6px}
nav.toc{background:var(--band);border:1px solid var(--line);border-radius:6px;padding:10px 16px;margin:0 0 28px}
nav.toc ol{margin:4px 0;padding-left:20px}
nav.toc a{color:var(--accent);text-decoration:none}
h2{font-size:21px;margin:36px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:17px;margin:24px 0 8px}
p{margin:8px 0}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
pre{background:var(--band);border:1px solid var(--line);border-radius:4px;padding:10px;overflow-x:auto}
.table-wrap{overflow-x:auto;margin:12px 0 18px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:13.5px}
caption{caption-side:top;text-align:left;font-weight:600;padding:0 0 6px}
th,td{padding:5px 10px;border-bottom:1px solid var(--line);white-space:nowrap}
thead th{background:var(--band);border-bottom:2px solid #b8c0cc;font-weight:600}
tbody tr:nth-child(even){background:#fafbfc}
.note{color:var(--muted);font-size:12.5px;margin:4px 0 0}
figure{margin:18px 0 26px;padding:0}
figure .chart{overflow-x:auto}
figure svg{max-width:100%;height:auto}
figcaption{color:var(--muted);font-size:13px;margin-top:4px}
.figures{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0 18px}
.figure-card{border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:150px;background:var(--band)}
.figure-card .value{font-size:22px;font-weight:600}
.figure-card .label{color:var(--muted);font-size:12.5px}
footer{margin-top:48px;padding-top:10px;border-top:1px solid var(--line);color:var(--muted);font-size:12px}
`;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Escaped text with `inline code` and **bold** turned into tags. */
function inline(s: string): string {
  return escapeHtml(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

function slug(title: string, used: Set<string>): string {
  const base =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'section';
  let s = base;
  for (let i = 2; used.has(s); i++) s = `${base}-${i}`;
  used.add(s);
  return s;
}

/** A `ReportTable` as an HTML table (caption = title, note below). */
export function htmlTable(t: ReportTable): string {
  const align = (j: number) => `text-align:${columnAlign(t, j)}`;
  const head = t.columns.map((c, j) => `<th style="${align(j)}">${escapeHtml(c.header)}</th>`).join('');
  const body = t.rows
    .map(
      (r) =>
        `<tr>${t.columns.map((_, j) => `<td style="${align(j)}">${escapeHtml(r[j] ?? '')}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<div class="table-wrap"><table>${t.title ? `<caption>${escapeHtml(t.title)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${
    t.note ? `<p class="note">${escapeHtml(t.note)}</p>` : ''
  }</div>`;
}

/** Removes what must not be in an inline chart: scripts, event handlers, remote references. */
function safeSvg(svg: string, title: string): string {
  const s = svg.trim();
  if (!s.startsWith('<svg')) {
    throw reportError('REPORT_RENDER', `chart "${title}" is not an SVG document`, { field: title });
  }
  return s
    .replace(/<script[\s\S]*?<\/script>/gi, '')
    .replace(/\son[a-z]+\s*=\s*("[^"]*"|'[^']*')/gi, '')
    .replace(/(href\s*=\s*["'])\s*(?:https?:|javascript:)[^"']*(["'])/gi, '$1#$2');
}

function block(b: ReportBlock): string {
  if (typeof b === 'string') return `<p>${inline(b)}</p>`;
  switch (b.kind) {
    case 'paragraph':
      return `<p>${inline(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`;
    case 'table':
      return htmlTable(b.table);
    case 'chart':
      return `<figure><div class="chart" role="img" aria-label="${escapeHtml(b.chart.title)}">${safeSvg(
        b.chart.svg,
        b.chart.title,
      )}</div>${b.chart.caption ? `<figcaption>${inline(b.chart.caption)}</figcaption>` : ''}</figure>`;
    case 'figures':
      return `<div class="figures">${b.items
        .map(
          (i) =>
            `<div class="figure-card"><div class="value">${escapeHtml(i.value)}</div><div class="label">${escapeHtml(i.label)}</div></div>`,
        )
        .join('')}</div>`;
    case 'code':
      return `<pre><code>${escapeHtml(b.text)}</code></pre>`;
    case 'html':
      return b.html;
    default:
      throw reportError('REPORT_RENDER', `unknown report block kind ${(b as { kind: string }).kind}`, {
        field: 'kind',
      });
  }
}

/**
 * The report as one self-contained HTML string: inline CSS and SVG, no scripts, no network
 * references. Sections get anchors and a table of contents. Text is HTML-escaped (with
 * `code` and **bold**), except `{ kind: 'html' }` blocks.
 */
export function reportHtml(doc: ReportDocument): string {
  const used = new Set<string>();
  const toc: string[] = [];
  const parts: string[] = [];
  for (const section of doc.sections) {
    const id = slug(section.title, used);
    toc.push(`<li><a href="#${id}">${escapeHtml(section.title)}</a></li>`);
    parts.push(`<section id="${id}"><h2>${escapeHtml(section.title)}</h2>`);
    parts.push(...section.blocks.map(block));
    for (const sub of section.sections ?? []) {
      parts.push(`<h3 id="${slug(sub.title, used)}">${escapeHtml(sub.title)}</h3>`);
      parts.push(...sub.blocks.map(block));
    }
    parts.push('</section>');
  }
  const generated = doc.generatedAt ?? new Date().toISOString();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="@hfq/report renderReport">
<title>${escapeHtml(doc.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header><h1>${escapeHtml(doc.title)}</h1>${doc.subtitle ? `<p class="subtitle">${inline(doc.subtitle)}</p>` : ''}<div class="generated">Generated ${escapeHtml(generated)}</div></header>
${doc.sections.length > 1 ? `<nav class="toc"><strong>Contents</strong><ol>${toc.join('')}</ol></nav>` : ''}
${parts.join('\n')}
${doc.footer ? `<footer>${inline(doc.footer)}</footer>` : ''}
</main>
</body>
</html>
`;
}

/**
 * Writes the report to `path` as one self-contained HTML file (see {@link reportHtml}),
 * atomically: into a temporary file beside it, then renamed over `path`, so a reader never sees a
 * half-written page. Creates the directory.
 *
 * @returns the absolute path and size in bytes.
 * @throws HfqError `REPORT_RENDER` when the file cannot be written (the temporary file is removed).
 */
export async function renderReport(
  path: string,
  doc: ReportDocument,
): Promise<{ path: string; bytes: number }> {
  const html = reportHtml(doc);
  const abs = resolve(path);
  try {
    await mkdir(dirname(abs), { recursive: true });
    await writeFileAtomic(abs, html);
  } catch (e) {
    throw reportError('REPORT_RENDER', `could not write report: ${(e as Error).message}`, { source: abs }, e);
  }
  return { path: abs, bytes: Buffer.byteLength(html) };
}

/**
 * The same document as Markdown (tables as GitHub tables, charts as their titles and captions,
 * since Markdown cannot hold inline SVG portably), e.g. for a README or a PR comment.
 */
export function reportMarkdown(doc: ReportDocument): string {
  const out: string[] = [`# ${doc.title}`, ''];
  if (doc.subtitle) out.push(doc.subtitle, '');
  const md = (b: ReportBlock): string => {
    if (typeof b === 'string') return b;
    switch (b.kind) {
      case 'paragraph':
        return b.text;
      case 'list':
        return b.items.map((i) => `- ${i}`).join('\n');
      case 'table':
        return markdownTable(b.table).trimEnd();
      case 'chart':
        return `*Chart: ${b.chart.title}*${b.chart.caption ? ` (${b.chart.caption})` : ''}`;
      case 'figures':
        return b.items.map((i) => `- **${i.label}**: ${i.value}`).join('\n');
      case 'code':
        return `\`\`\`\n${b.text}\n\`\`\``;
      case 'html':
        return '';
      default:
        return '';
    }
  };
  for (const s of doc.sections) {
    out.push(`## ${s.title}`, '');
    for (const b of s.blocks) out.push(md(b), '');
    for (const sub of s.sections ?? []) {
      out.push(`### ${sub.title}`, '');
      for (const b of sub.blocks) out.push(md(b), '');
    }
  }
  if (doc.footer) out.push('---', doc.footer, '');
  return out.join('\n');
}
