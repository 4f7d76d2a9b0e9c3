/** One column of a {@link ReportTable}. */
export interface ReportColumn {
  header: string;
  /** Default: `'right'` for every column but the first, which is `'left'`. */
  align?: 'left' | 'right' | 'center';
}

/**
 * A formatted table, the one shape every report table takes: Markdown (`markdownTable`) and HTML
 * (`renderReport`) both render it. Cells are already strings (see `formatPercent`).
 */
export interface ReportTable {
  title?: string;
  columns: ReportColumn[];
  rows: string[][];
  /** A line under the table: units, definitions, sample period. */
  note?: string;
}

/** Alignment of column `j`, applying the default. */
export function columnAlign(table: ReportTable, j: number): 'left' | 'right' | 'center' {
  return table.columns[j]?.align ?? (j === 0 ? 'left' : 'right');
}

function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * A GitHub-flavoured Markdown table (title as a bold line above, note in italics below). Pipes
 * and backslashes in cells are escaped, newlines become spaces.
 */
export function markdownTable(table: ReportTable): string {
  const lines: string[] = [];
  if (table.title) lines.push(`**${mdCell(table.title)}**`, '');
  lines.push(`| ${table.columns.map((c) => mdCell(c.header)).join(' | ')} |`);
  lines.push(
    `|${table.columns
      .map((_, j) => {
        const a = columnAlign(table, j);
        return a === 'right' ? '---:' : a === 'center' ? ':---:' : ':---';
      })
      .join('|')}|`,
  );
  for (const row of table.rows) {
    const cells = table.columns.map((_, j) => mdCell(row[j] ?? ''));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  if (table.note) lines.push('', `*${mdCell(table.note)}*`);
  return `${lines.join('\n')}\n`;
}
