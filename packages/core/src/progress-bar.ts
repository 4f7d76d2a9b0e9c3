import type { ProgressCallback, ProgressEvent } from './progress.js';

/** Where a progress bar draws: `process.stderr` or anything with `write` (and `isTTY`). */
export interface ProgressSink {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * For scripts and CLIs only (libraries never print): turns progress events into a text bar with
 * an ETA on `sink`. On a TTY it redraws one line per stage; elsewhere (CI logs) it prints a line
 * at most every `logEveryMs` and at the end of each stage.
 */
export function createProgressBar(
  sink: ProgressSink,
  options: { width?: number; logEveryMs?: number; now?: () => number } = {},
): ProgressCallback {
  const width = options.width ?? 28;
  const logEveryMs = options.logEveryMs ?? 5000;
  const now = options.now ?? Date.now;
  const started = new Map<string, number>();
  const lastLog = new Map<string, number>();
  let lastStage: string | undefined;
  return (e: ProgressEvent) => {
    const t = now();
    if (!started.has(e.stage)) started.set(e.stage, t);
    const line = formatProgressLine(e, t - started.get(e.stage)!, width);
    const finished = e.total !== undefined && e.done >= e.total;
    if (sink.isTTY) {
      if (lastStage !== undefined && lastStage !== e.stage) sink.write('\n');
      sink.write(`\r${line}\x1b[K${finished ? '\n' : ''}`);
      lastStage = finished ? undefined : e.stage;
    } else if (finished || t - (lastLog.get(e.stage) ?? -Infinity) >= logEveryMs) {
      sink.write(`${line}\n`);
      lastLog.set(e.stage, t);
    }
  };
}

/** One line: `stage [#####-----]  42/100 days  42%  1m03s elapsed, ETA 1m27s  message`. */
export function formatProgressLine(e: ProgressEvent, elapsedMs: number, width = 28): string {
  const unit = e.unit ? ` ${e.unit}` : '';
  if (e.total === undefined || e.total <= 0) {
    return `${e.stage} ${e.done}${unit}  ${formatDuration(elapsedMs)} elapsed${e.message ? `  ${e.message}` : ''}`;
  }
  const frac = Math.min(1, Math.max(0, e.done / e.total));
  const filled = Math.round(frac * width);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
  const eta = e.done > 0 && frac < 1 ? `, ETA ${formatDuration((elapsedMs * (1 - frac)) / frac)}` : '';
  const pct = `${Math.floor(frac * 100)}%`.padStart(4);
  return `${e.stage} [${bar}] ${e.done}/${e.total}${unit} ${pct}  ${formatDuration(elapsedMs)} elapsed${eta}${e.message ? `  ${e.message}` : ''}`;
}

/** `ms` as `850ms`, `12.3s`, `4m05s` or `2h03m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
