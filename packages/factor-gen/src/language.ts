/**
 * What generation needs from the factor language, in one place: the prompt material (operator
 * table, fields, rules from the limits) and the gate every candidate goes through
 * (`checkFactor`: parse, type-check, limits). LLM text reaches nothing but `checkFactor`.
 */
import {
  type CheckedFactor,
  checkFactor,
  type FactorLimits,
  type LibraryFactor,
  MINUTE_FACTORS,
  OPERATORS,
  type OpSpec,
  resolveLimits,
  SOURCE_FIELDS,
  type SourceKind,
  TICK_FACTORS,
  VBAR_FACTORS,
} from '@hfq/factor-dsl';
import type { PromptExample, PromptField, PromptOperator } from './prompt.js';

export type { CheckedFactor, FactorLimits, SourceKind };

/** One paragraph per source for the prompt. */
export const SOURCE_DOCS: Readonly<Record<SourceKind, string>> = Object.freeze({
  minute:
    'One stock, one trading day of 1-minute bars: 240 rows (09:31..11:30, 13:01..15:00), in time order. ' +
    'Rolling operators run over earlier rows of the same day only.',
  vbar:
    'One stock, one trading day of equal-volume bars: each bar holds about the same traded volume ' +
    "(the stock's recent daily volume / bars per day), built from whole minutes in time order, so busy " +
    'periods have more bars. About 50 rows a day; the count varies.',
  tick:
    'One stock, one trading day of exchange snapshots every ~3 s with 10 order-book levels per side ' +
    '(about 4800 rows). Level fields are matrices: pick a level with x[1] (1 = best) or combine levels with ' +
    'the order-book operators.',
});

/** The operators a formula over `source` may use. */
export function operatorsFor(source: SourceKind): OpSpec[] {
  return OPERATORS.filter((op) => op.sources === undefined || op.sources.includes(source));
}

/** How the prompt writes an operator: its syntax with argument names, and one line of doc. */
export function promptOperator(op: OpSpec): PromptOperator {
  const names = op.args.map((a) =>
    'default' in a && a.default !== undefined ? `${a.name}=${a.default}` : a.name,
  );
  let signature: string;
  switch (op.syntax?.kind) {
    case 'infix':
      signature = `${names[0]} ${op.syntax.symbol} ${names[1]}`;
      break;
    case 'prefix':
      signature = `${op.syntax.symbol}${names[0]}`;
      break;
    case 'index':
      signature = `${names[0]}[${names[1]}]`;
      break;
    default:
      signature = `${op.name}(${names.join(', ')})`;
  }
  const alias = op.aliases?.length ? ` (also ${op.aliases.join(', ')})` : '';
  const windowRule = op.window ? ` Window: ${op.window}` : '';
  return { signature: `${signature}${alias}`, doc: `${op.doc}${windowRule}`, family: op.family };
}

export function promptFields(source: SourceKind): PromptField[] {
  return SOURCE_FIELDS[source].map((f) => ({
    name: f.type === 'levels' ? `${f.name}[level]` : f.name,
    doc: `${f.doc} (${f.unit})`,
  }));
}

/** The rules of the language that a formula must obey, from the limits in force. */
export function promptRules(limits: Readonly<FactorLimits>): string[] {
  return [
    'A formula must give ONE number per stock per day: wrap per-bar series in a reducer (mean, std, corr, last, ...).',
    'Windows, lags and levels are integer literals; lags are >= 0 (no look-ahead).',
    `At most ${limits.maxLength} characters, nesting depth ${limits.maxDepth}, ${limits.maxNodes} nodes, windows up to ${limits.maxWindow} rows.`,
    'Use only the listed fields and operators; write each formula on its own, no variables, no code.',
  ];
}

/** The shipped library factors of `source` (the study's LLM sets; the 27-factor baseline is not included). */
export function libraryFactors(source: SourceKind): readonly LibraryFactor[] {
  return source === 'minute' ? MINUTE_FACTORS : source === 'vbar' ? VBAR_FACTORS : TICK_FACTORS;
}

/**
 * `n` shipped factors of `source` as prompt examples, spread over the families (the first of each
 * family, then the second of each, ...), with their meanings.
 */
export function libraryExamples(source: SourceKind, n: number): PromptExample[] {
  const byFamily = new Map<string, LibraryFactor[]>();
  for (const f of libraryFactors(source)) {
    let list = byFamily.get(f.family);
    if (list === undefined) byFamily.set(f.family, (list = []));
    list.push(f);
  }
  const out: PromptExample[] = [];
  for (let k = 0; out.length < n; k++) {
    let added = false;
    for (const list of byFamily.values()) {
      const f = list[k];
      if (f === undefined || out.length >= n) continue;
      out.push({ formula: checkFactor(f.formula, source).text, meaning: f.meaning });
      added = true;
    }
    if (!added) break;
  }
  return out;
}

/** The gate: parse, type-check for `source`, check the limits. Throws the language's `HfqError`s. */
export function checkCandidate(
  formula: string,
  source: SourceKind,
  limits?: Partial<FactorLimits>,
): CheckedFactor {
  return checkFactor(formula, source, limits === undefined ? {} : { limits });
}

export { resolveLimits };
