import type { Rng } from '@hfq/core';
import { SOURCE_FIELDS } from '../ops/fields.js';
import { type ArgSpec, type OpSpec, SOURCE_KINDS, type SourceKind } from '../ops/spec.js';
import { operatorsAt } from '../ops/table.js';

const OPERATORS = operatorsAt('intraday');

/**
 * Inputs for the fuzz test, all derived from the operator table and a seeded `Rng`:
 * grammar-based formulas (valid and almost valid), mutations of formulas, and hostile strings.
 */

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)]!;
const ALL_FIELDS = [...new Set(SOURCE_KINDS.flatMap((s) => SOURCE_FIELDS[s].map((f) => f.name)))];
const GARBAGE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'this',
  'globalThis',
  'process',
  'eval',
  'Function',
  'require',
  'import',
  'x',
  'NaN',
  'Infinity',
  'undefined',
  'null',
  'close_',
  'Close',
  'hasOwnProperty',
  'length',
];

function literal(rng: Rng, spec: Exclude<ArgSpec, { kind: 'value' }>): string {
  const bad = rng.uniform() < 0.1;
  switch (spec.kind) {
    case 'int':
      if (bad) return pick(rng, ['0', '-1', '-5', '2.5', '1e9', '99999', '1200', '1201', '0.0', '1e-300']);
      return String(
        spec.role === 'level'
          ? 1 + rng.int(10)
          : spec.role === 'minutes'
            ? 1 + rng.int(240)
            : spec.min + rng.int(40),
      );
    case 'const':
      if (bad) return pick(rng, ['-1', '2', '1e308', '-1e308', '5e-324']);
      return (Math.round(rng.uniformIn(spec.min ?? -3, spec.max ?? 3) * 100) / 100).toString();
    case 'clock':
      if (bad) return pick(rng, ['2400', '960', '-930', '1599', '9.5']);
      return String(pick(rng, [930, 1000, 1030, 1100, 1130, 1300, 1330, 1400, 1430, 1500]));
  }
}

/** A random formula from the operator table; mostly well-typed for `source`, sometimes not. */
export function grammarFormula(rng: Rng, source: SourceKind, depth = 0): string {
  const leaf = depth > 4 || rng.uniform() < 0.25 + depth * 0.1;
  if (leaf) {
    const r = rng.uniform();
    if (r < 0.75) return pick(rng, SOURCE_FIELDS[source]).name;
    if (r < 0.85) return pick(rng, ALL_FIELDS);
    if (r < 0.9) return pick(rng, GARBAGE_NAMES);
    return String(Math.round(rng.normal() * 1000) / 100);
  }
  const op: OpSpec = pick(rng, OPERATORS);
  const args = op.args.map((a) =>
    a.kind === 'value' ? grammarFormula(rng, source, depth + 1) : literal(rng, a),
  );
  if (rng.uniform() < 0.05) args.push(grammarFormula(rng, source, depth + 1)); // wrong arity
  if (rng.uniform() < 0.05) args.pop();
  const sp = rng.uniform() < 0.3 ? ' ' : '';
  const syntax = op.syntax;
  if (syntax?.kind === 'infix' && args.length === 2) {
    const sym = op.name === 'pow' && rng.uniform() < 0.3 ? '**' : syntax.symbol;
    return `(${args[0]}${sp}${sym}${sp}${args[1]})`;
  }
  if (syntax?.kind === 'prefix' && args.length === 1) return `-${args[0]}`;
  if (syntax?.kind === 'index' && args.length === 2) return `${args[0]}[${args[1]}]`;
  const name = op.aliases !== undefined && rng.uniform() < 0.3 ? op.aliases[0]! : op.name;
  return `${name}(${args.join(`,${sp}`)})`;
}

/** A reducer around a grammar formula, so that many inputs reach type-checking and evaluation. */
export function reducedFormula(rng: Rng, source: SourceKind): string {
  const reducer = pick(
    rng,
    OPERATORS.filter((o) => o.family === 'reducer' && o.args.length === 1),
  );
  return `${reducer.name}(${grammarFormula(rng, source, 1)})`;
}

const MUTATION_CHARS =
  '()[],+-*/^<>=!$._ \t\n0123456789abcdefxyz"\'`;:{}\\|&%#@?~\u0000\u00e9\u4e2d\ud83d\ude00\u2028';

/** `text` with 1-3 random edits (delete, insert, replace, swap, duplicate, truncate). */
export function mutate(rng: Rng, text: string): string {
  let s = text;
  const edits = 1 + rng.int(3);
  for (let e = 0; e < edits; e++) {
    const i = s.length === 0 ? 0 : rng.int(s.length);
    const c = MUTATION_CHARS[rng.int(MUTATION_CHARS.length)]!;
    switch (rng.int(6)) {
      case 0:
        s = s.slice(0, i) + s.slice(i + 1);
        break;
      case 1:
        s = s.slice(0, i) + c + s.slice(i);
        break;
      case 2:
        s = s.slice(0, i) + c + s.slice(i + 1);
        break;
      case 3: {
        const j = s.length === 0 ? 0 : rng.int(s.length);
        const a = s.split('');
        [a[i], a[j]] = [a[j]!, a[i]!];
        s = a.join('');
        break;
      }
      case 4: {
        const j = Math.min(s.length, i + rng.int(20));
        s = s.slice(0, j) + s.slice(i, j) + s.slice(j);
        break;
      }
      default:
        s = s.slice(0, i);
    }
  }
  return s;
}

/** Hand-written hostile inputs: code injection, prototype names, resource exhaustion, odd numbers. */
export function hostileInputs(): string[] {
  const deep = (n: number, open: string, close: string, inner = 'close') =>
    open.repeat(n) + inner + close.repeat(n);
  return [
    '',
    ' ',
    '\n\t',
    '__proto__',
    'constructor',
    'constructor.constructor("return process")()',
    'mean(close).constructor',
    'process.exit(1)',
    'require("fs")',
    'import("fs")',
    'globalThis',
    'this',
    // Template-literal syntax is hostile text here, not a template.
    '$' + '{process.exit()}',
    '`$' + '{1}`',
    "'; process.exit(); '",
    '"close"',
    'mean(close); process.exit()',
    'mean(close) // comment',
    '/* */ mean(close)',
    'mean(__proto__)',
    'mean(constructor)',
    'mean(close[__proto__])',
    '__proto__(close)',
    'toString(close)',
    'valueOf()',
    'hasOwnProperty(close)',
    'mean(close)[0]',
    'mean(close.length)',
    'Math.log(close)',
    'mean(close => 1)',
    'mean(function(){})',
    'eval("1")',
    'new Function("return 1")',
    'mean(close) ? 1 : 0',
    'mean(close) && 1',
    'a = mean(close)',
    'mean(close) == mean(close) == 1',
    deep(100_000, '(', ')'),
    deep(50_000, 'abs(', ')'),
    deep(1000, 'mean(', ')'),
    `${'-'.repeat(100_000)}mean(close)`,
    `mean(${Array.from({ length: 5000 }, () => 'close').join(' + ')})`,
    `mean(${'close + '.repeat(300)}close)`,
    'mean(ts_mean(close, 1e308))',
    'mean(ts_mean(close, 1200))',
    'mean(ts_rank(close, 1200)) * mean(ts_rank(open, 1200)) * mean(ts_rank(high, 1200)) * mean(ts_rank(low, 1200)) * mean(ts_rank(volume, 1200))',
    'mean(delay(close, -1))',
    'mean(delay(close, -0))',
    'mean(delay(close, 1e-300))',
    'mean(close) + 1e309',
    'mean(close) + 0x10',
    'mean(close) + 1_000',
    'mean(close) + 1e',
    'mean(close) + .e1',
    'mean(close) + 00012',
    'mean(close) + 5e-324',
    'mean(close) * -0',
    'quantile(close, NaN)',
    'quantile(close, Infinity)',
    'mean(bid_volume[0])',
    'mean(bid_volume[1e9])',
    'mean(bid_volume[-1])',
    'mean(bid_volume[1][1])',
    'mean(level_sum(bid_volume, 10, 1))',
    'mean(between(close, 2500, 2600))',
    'mean(between(close, 1000, 1000))',
    'mean(first_minutes(close, 0))',
    '\u0000',
    'mean(cl\u0000ose)',
    'mean(close\u2028)',
    'mean(ｃｌｏｓｅ)',
    'mean(close)\ud800',
    '😀',
    'mean(clip(close, 1e308, -1e308))',
    'exp(exp(exp(mean(close))))',
    'mean(close ^ 1e308) / 0',
    'sum(volume) / 0 * 0',
    'mean(pow(close, -1e308))',
    'mean(ema(close, 1200))',
    'mean(decay_linear(close, 1200))',
    'mean(cumsum(cumsum(cumsum(close))))',
    'median(quantile(close, 0.5))',
    'mean(mid())',
    'mean(mid)',
    'mid()',
    'mean(shift(close, 2 + 3))',
    'mean(ts_mean(close, volume))',
    // Literals that would size an allocation, and very long literal texts.
    'mean(ts_mean(close, 1e15))',
    'mean(delay(close, 4294967296))',
    'mean(ts_rank(close, 9007199254740993))',
    `mean(close) + ${'9'.repeat(1900)}`,
    `mean(close) + 0.${'0'.repeat(1900)}1`,
    'mean(bid_volume[4294967297])',
    'mean(level_sum(bid_volume, 1, 1e12))',
    'quantile(close, 1e-320)',
  ];
}

/**
 * Nesting attacks: macros whose expanded tree doubles (diff, pct_change, autocorr) or triples
 * (ts_zscore) with each level, 4 to 40 levels deep (beyond maxDepth too).
 */
export function macroNesting(): string[] {
  const out: string[] = [];
  const wraps: ((x: string) => string)[][] = [
    [(x) => `ts_zscore(${x}, 5)`, (x) => `diff(${x})`],
    [(x) => `ts_zscore(${x}, 20)`],
    [(x) => `diff(${x}, 2)`],
    [(x) => `pct_change(${x})`, (x) => `log_return(abs(${x}) + 1)`],
    [(x) => `ts_zscore(diff(${x}), 5)`, (x) => `ts_rank(${x}, 1200)`],
  ];
  wraps.forEach((w, i) => {
    // The first mix is the exponential one (x6 per pair): nest it up to the depth limit. The others
    // stay smaller when accepted, so that compiling a batch of them stays within the fuzz's bound.
    for (const n of i === 0 ? [4, 16, 30, 31, 40] : [4, 15, 40]) {
      let x = 'close';
      for (let k = 0; k < n; k++) x = w[k % w.length]!(x);
      out.push(`mean(${x})`);
      if (n < 30) out.push(`autocorr(${x}, 1)`);
    }
  });
  return out;
}

const DAILY_OPERATORS = operatorsAt('daily');

/**
 * A random daily-level formula from the operator table (hfq or qlib spelling, `$field` sometimes),
 * well-typed or almost: like `grammarFormula`, for the daily level.
 */
export function dailyFormula(rng: Rng, fields: readonly string[], depth = 0): string {
  const leaf = depth > 4 || rng.uniform() < 0.25 + depth * 0.1;
  if (leaf) {
    const r = rng.uniform();
    if (r < 0.6) return pick(rng, fields);
    if (r < 0.75) return `$${pick(rng, fields)}`;
    if (r < 0.85) return pick(rng, GARBAGE_NAMES);
    return String(Math.round(rng.normal() * 1000) / 100);
  }
  const op: OpSpec = pick(rng, DAILY_OPERATORS);
  const args = op.args.map((a) =>
    a.kind === 'value' ? dailyFormula(rng, fields, depth + 1) : literal(rng, a),
  );
  if (rng.uniform() < 0.05) args.push(dailyFormula(rng, fields, depth + 1));
  if (rng.uniform() < 0.05) args.pop();
  const syntax = op.syntax;
  if (syntax?.kind === 'infix' && args.length === 2) return `(${args[0]} ${syntax.symbol} ${args[1]})`;
  if (syntax?.kind === 'prefix' && args.length === 1) return `-${args[0]}`;
  const name = op.qlib !== undefined && rng.uniform() < 0.4 ? op.qlib : op.name;
  return `${name}(${args.join(', ')})`;
}
