import { createHash } from 'node:crypto';
import type { ChatMessage } from './chat-client.js';

/** One operator as the prompt lists it. */
export interface PromptOperator {
  /** Call form with argument names, e.g. `ts_mean(x, window)`. */
  signature: string;
  /** What it computes, one line. */
  doc: string;
  /** Operator family (`rolling`, `reducer`, ...), used to group the list. */
  family?: string;
}

/** One field of the source. */
export interface PromptField {
  name: string;
  doc: string;
}

/** One example factor. */
export interface PromptExample {
  formula: string;
  meaning: string;
}

/** Everything the factor-writing prompt is built from. */
export interface FactorPromptInput {
  /** Source name as formulas know it (`minute`, `vbar`, `tick`). */
  source: string;
  /** One paragraph on what a frame of this source is. */
  sourceDoc: string;
  /** Factors asked for in this request. */
  count: number;
  operators: readonly PromptOperator[];
  fields: readonly PromptField[];
  examples: readonly PromptExample[];
  /** Rules the formulas must obey (limits, result type), one line each. */
  rules: readonly string[];
  /** Factor families to cover, e.g. `intraday return, volatility, volume distribution`. */
  themes?: string;
  /** Canonical formulas already accepted or shipped: the model is told not to repeat them. */
  avoid?: readonly string[];
}

/** Most `avoid` formulas listed in one prompt (the newest are kept). */
export const MAX_AVOID_IN_PROMPT = 60;

/**
 * Builds the chat messages that ask a model for `count` factor formulas: a system message with
 * the task and the output format (one JSON object `{"factors": [{"name", "formula", "meaning"}]}`),
 * a user message with the operator table, the source's fields, examples and the formulas to avoid.
 * Deterministic: the same input gives the same messages and the same {@link promptHash}.
 */
export function buildFactorPrompt(input: FactorPromptInput): ChatMessage[] {
  const daily = input.source === 'daily';
  const system = [
    'You write stock-selection factors in the hfq factor language.',
    daily
      ? 'Each factor is one formula of the daily level, over daily panels (all stocks, all trading days), that'
      : `Each factor is one formula over a single ${input.source} frame (one stock, one trading day) that`,
    'evaluates to one number per stock per day. Higher or lower values should predict the',
    "stock's return over the next week, across stocks.",
    'Use only the operators and fields listed. Write formulas, never code. No look-ahead: the',
    daily
      ? 'language only reads the day itself and earlier days.'
      : "language only reads the day's own data.",
    'Answer with one JSON object and nothing else:',
    '{"factors": [{"name": "snake_case_name", "formula": "...", "meaning": "one line"}]}',
  ].join('\n');
  const ops = groupOperators(input.operators);
  const parts: string[] = [
    `Write ${input.count} new, diverse factors for the \`${input.source}\` source.`,
    input.themes ? `Cover these families: ${input.themes}.` : '',
    '',
    daily ? '## The daily level' : `## The ${input.source} frame`,
    input.sourceDoc,
    '',
    '## Fields',
    ...input.fields.map((f) => `- ${f.name}: ${f.doc}`),
    '',
    '## Operators',
    ...ops,
    '',
    '## Rules',
    ...input.rules.map((r) => `- ${r}`),
    '',
    '## Examples',
    ...input.examples.map((e) => `- ${e.formula}  -- ${e.meaning}`),
  ];
  const avoid = (input.avoid ?? []).slice(-MAX_AVOID_IN_PROMPT);
  if (avoid.length > 0) {
    parts.push(
      '',
      '## Already taken (do not repeat these or trivial variants of them)',
      ...avoid.map((a) => `- ${a}`),
    );
  }
  return [
    { role: 'system', content: system },
    { role: 'user', content: parts.filter((p, i, a) => !(p === '' && a[i - 1] === '')).join('\n') },
  ];
}

function groupOperators(ops: readonly PromptOperator[]): string[] {
  const families = new Map<string, PromptOperator[]>();
  for (const o of ops) {
    const f = o.family ?? 'other';
    let list = families.get(f);
    if (list === undefined) families.set(f, (list = []));
    list.push(o);
  }
  const out: string[] = [];
  for (const [family, list] of families) {
    out.push(`### ${family}`);
    for (const o of list) out.push(`- ${o.signature}: ${o.doc}`);
  }
  return out;
}

/** SHA-256 (hex) of the messages' roles and contents: identifies a prompt in provenance. */
export function promptHash(messages: readonly ChatMessage[]): string {
  const h = createHash('sha256');
  for (const m of messages) {
    h.update(m.role);
    h.update('\u0000');
    h.update(m.content);
    h.update('\u0000');
  }
  return h.digest('hex');
}
