import { HfqError, type HfqErrorContext } from '@hfq/core';

/**
 * Error codes of `@hfq/factor-dsl` (stable; programs may branch on them).
 * - `DSL_PARSE`: the text is not a formula (bad character, unbalanced parenthesis, missing operand).
 * - `DSL_UNKNOWN_NAME`: a function or field name that does not exist (for this source).
 * - `DSL_TYPE`: wrong number or kind of arguments, a series where one number per stock-day is needed, ...
 * - `DSL_ARGUMENT`: a literal argument out of its range (window, lag, level, quantile, clock time).
 * - `DSL_LIMIT`: the formula exceeds a safety limit (length, depth, nodes, window, cost per row).
 * - `DSL_FRAME`: an input frame is malformed (column lengths disagree, too many rows or levels).
 * - `DSL_INPUT`: bad options or inputs to evaluation (unknown source, duplicate factor ids, ...).
 * - `DSL_WORKER`: a worker thread failed.
 */
export type DslErrorCode =
  | 'DSL_PARSE'
  | 'DSL_UNKNOWN_NAME'
  | 'DSL_TYPE'
  | 'DSL_ARGUMENT'
  | 'DSL_LIMIT'
  | 'DSL_FRAME'
  | 'DSL_INPUT'
  | 'DSL_WORKER';

/** Builds an `HfqError` with a DSL code. */
export function dslError(code: DslErrorCode, message: string, context: HfqErrorContext = {}): HfqError {
  return new HfqError(code, message, context);
}

/**
 * A formula error with a position: the message ends with the formula and a caret under the offending
 * character, so a person (or an LLM asked to repair its formula) sees where the problem is.
 */
export function formulaError(
  code: DslErrorCode,
  message: string,
  text: string | undefined,
  position: number,
  context: HfqErrorContext = {},
): HfqError {
  const where = text === undefined ? '' : `\n${caretSnippet(text, position)}`;
  return new HfqError(code, `${message}${where}\n `, { ...context, position });
}

/** `text` (cut to about 80 characters around `position`) and a caret line under `position`. */
function caretSnippet(text: string, position: number): string {
  const p = Math.max(0, Math.min(position, text.length));
  const from = Math.max(0, p - 40);
  const to = Math.min(text.length, p + 40);
  // Control characters would break the two-line layout; show them as '?'.
  let shown = '';
  for (const ch of text.slice(from, to)) {
    const c = ch.codePointAt(0)!;
    shown += c < 32 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 ? '?' : ch;
  }
  const lead = from > 0 ? '...' : '';
  const tail = to < text.length ? '...' : '';
  return `  ${lead}${shown}${tail}\n  ${' '.repeat(lead.length + p - from)}^`;
}
