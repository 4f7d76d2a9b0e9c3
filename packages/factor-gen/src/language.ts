/**
 * What generation needs from the factor language, in one place: the prompt material (operator
 * table, fields, rules from the limits) and the gate every candidate goes through
 * (`checkFactor`: parse, type-check, limits). LLM text reaches nothing but `checkFactor`.
 */
import {
  type CheckedDaily,
  type CheckedFactor,
  checkDaily,
  checkFactor,
  DAILY_LIBRARY,
  type FactorLimits,
  type LibraryFactor,
  MINUTE_FACTORS,
  OPERATORS,
  type OpSpec,
  operatorsAt,
  resolveLimits,
  SOURCE_FIELDS,
  type SourceKind,
  TICK_FACTORS,
  VBAR_FACTORS,
} from '@hfq/factor-dsl';
import type { PromptExample, PromptField, PromptOperator } from './prompt.js';

export type { CheckedDaily, CheckedFactor, FactorLimits, SourceKind };

/**
 * What generation can target: an intraday source (one formula per stock-day over that day's
 * frame) or `'daily'`, the daily level (a formula over dates x assets panels of daily fields,
 * checked by `checkDaily` and evaluated by `evaluateDaily`).
 */
export type GenerationSource = SourceKind | 'daily';

/** A candidate that passed the gate, at either level. */
export type CheckedCandidate = CheckedFactor | CheckedDaily;

/** One-line meanings of the daily fields the prompt lists (others are listed by name). */
const DAILY_FIELD_DOCS: Readonly<Record<string, string>> = Object.freeze({
  open: 'opening price (yuan)',
  high: 'highest price of the day (yuan)',
  low: 'lowest price of the day (yuan)',
  close: 'closing price (yuan)',
  preClose: "previous day's close adjusted for corporate actions on the day (yuan)",
  vwap: 'amount / volume over the day (yuan per share)',
  volume: 'shares traded',
  amount: 'yuan traded',
  adjFactor: 'cumulative adjustment factor (back-adjusted price = price * adjFactor)',
  turnover: 'volume / free-float shares (fraction)',
  marketCap: 'total market capitalisation (yuan)',
  floatMarketCap: 'free-float market capitalisation (yuan)',
  bookToPrice: 'book value / market cap',
  industry: 'industry code of the stock (for group_* operators and cs_neutralize)',
  suspended: '1 when the stock is listed but did not trade',
  st: '1 under special treatment',
  listed: '1 while listed',
});

/**
 * The inputs a daily formula may read by default: the common `DailyBars` fields of `@hfq/bars`
 * (what `hfq factors` and `DatasetReader.daily()` provide) and `industry` (codes per asset). A
 * daily sample with other inputs (an intraday factor's daily values, ...) passes its own list.
 */
export const DEFAULT_DAILY_FIELDS: readonly string[] = Object.freeze(Object.keys(DAILY_FIELD_DOCS));

/** One paragraph per source for the prompt. */
export const SOURCE_DOCS: Readonly<Record<GenerationSource, string>> = Object.freeze({
  daily:
    'Daily panels: one value per stock per trading day, all stocks of the market. Time-series operators ' +
    '(ts_*, delay, diff, ema) run over earlier trading days of the same stock; cross-sectional (cs_*) and ' +
    'group operators work across the stocks of one date. A formula gives one value per stock per day.',
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

/** The operators a formula over `source` may use (the daily level's, from the same table, for `'daily'`). */
export function operatorsFor(source: GenerationSource): OpSpec[] {
  if (source === 'daily') return [...operatorsAt('daily')];
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

export function promptFields(
  source: GenerationSource,
  dailyFields: readonly string[] = DEFAULT_DAILY_FIELDS,
): PromptField[] {
  if (source === 'daily')
    return dailyFields.map((name) => ({ name, doc: DAILY_FIELD_DOCS[name] ?? 'daily input' }));
  return SOURCE_FIELDS[source].map((f) => ({
    name: f.type === 'levels' ? `${f.name}[level]` : f.name,
    doc: `${f.doc} (${f.unit})`,
  }));
}

/** The rules of the language that a formula must obey, from the limits in force. */
export function promptRules(limits: Readonly<FactorLimits>, source: GenerationSource = 'minute'): string[] {
  if (source === 'daily')
    return [
      'A formula gives one value per stock per day; windows count trading days.',
      'Windows and lags are integer literals; lags are >= 0 (no look-ahead): a value may use only that day and earlier days.',
      `At most ${limits.maxLength} characters, nesting depth ${limits.maxDepth}, ${limits.maxNodes} nodes, windows up to ${limits.maxWindow} days.`,
      'Use only the listed fields and operators; write each formula on its own, no variables, no code.',
    ];
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

/**
 * The gate: parse, type-check for `source`, check the limits (`checkDaily` against `dailyFields`
 * for `'daily'`). Throws the language's `HfqError`s.
 */
export function checkCandidate(
  formula: string,
  source: GenerationSource,
  limits?: Partial<FactorLimits>,
  dailyFields: readonly string[] = DEFAULT_DAILY_FIELDS,
): CheckedCandidate {
  const opts = limits === undefined ? {} : { limits };
  if (source === 'daily') return checkDaily(formula, dailyFields, opts);
  return checkFactor(formula, source, opts);
}

/** The shipped daily factors (`DAILY_LIBRARY`) whose inputs are all among `fields`. */
export function dailyLibraryFor(
  fields: readonly string[] = DEFAULT_DAILY_FIELDS,
): readonly { formula: string; meaning: string }[] {
  return DAILY_LIBRARY.filter(
    (f) => f.inputs.every((i) => fields.includes(i)) && (!f.industry || fields.includes('industry')),
  );
}

export { resolveLimits };
