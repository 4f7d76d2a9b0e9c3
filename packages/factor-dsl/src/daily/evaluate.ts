import { HfqError, Panel } from '@hfq/core';
import type { FactorAst } from '../language/ast.js';
import { dslError } from '../language/errors.js';
import { canonicalize } from '../language/hash.js';
import { type FactorLimits, resolveLimits } from '../language/limits.js';
import { printFactor } from '../language/printer.js';
import { getOperator } from '../ops/table.js';
import { type CheckedDaily, checkDaily } from './check.js';
import { CS_KERNELS } from './cross-section.js';
import { KernelScratch, NO_MIN_PERIODS, TS_KERNELS } from './kernels.js';

/** A daily factor: a name and a formula of the daily level (hfq spelling or qlib's syntax). */
export interface DailyFactorDef {
  readonly name: string;
  readonly formula: string;
}

/** Options of `evaluateDaily`. */
export interface DailyEvaluateOptions {
  /**
   * Groups of assets for the group operators and `cs_neutralize`: `industry` as one code per asset
   * (integers >= 0; NaN or negative = unknown), constant over the dates, or a dates x assets
   * `Panel` of codes (an industry change takes effect on its date). When omitted and the inputs
   * have a panel named `industry`, that panel is used.
   */
  groups?: { industry?: ArrayLike<number> | Panel };
  /**
   * How many finite days a window needs for a value. `'qlib'` (default): one, as qlib (pandas
   * `min_periods=1`; the first days of a series use the days there are). `'window'`: all `w` days
   * of the window (pandas' own default `min_periods=w`); a window holding a missing day is NaN.
   * Lags (`delay`, `diff`) and `ts_count` are not affected. Operators that need more values (a
   * standard deviation needs 2) need them in both modes.
   */
  minPeriods?: 'qlib' | 'window';
  /** Safety limits (`DEFAULT_LIMITS`); windows are in trading days. */
  limits?: Partial<FactorLimits>;
  /**
   * Worker threads. Accepted (an integer >= 1) for the interface's sake; evaluation currently runs
   * on the calling thread whatever the value.
   */
  workers?: number;
}

interface Node {
  readonly key: string;
  readonly ast: FactorAst;
  readonly args: Node[];
  readonly params: number[];
  uses: number;
  value?: Float64Array | number;
}

/**
 * Evaluates daily factors over dates x assets panels: one output `Panel` (the inputs' dates and
 * assets, float64) per definition, keyed by `def.name`.
 *
 * Inputs are daily fields by name (`close`, `volume`, `turnover`, an intraday factor's daily
 * values, ...), all with the same dates and assets; a formula reads them by name (`checkDaily`
 * checks each formula against `Object.keys(inputs)` first, so an unknown name is a typed error
 * with a suggestion). Identical subexpressions (after canonicalisation, so `Mean($close, 5)` and
 * `ts_mean(close, 5)` are one node) are computed once across all formulas, and intermediate
 * panels are released as soon as their last consumer has run.
 *
 * Missing values: NaN (or any non-finite value) is missing. A suspended day is a NaN input; a
 * stock before its listing is NaN on those dates. Elementwise operators give NaN when an input
 * is missing, except comparisons, which follow pandas as qlib does (a comparison with a missing
 * side is 0; `!=` is 1). Rolling operators skip missing days (see `minPeriods` and each
 * operator's rule in the reference); cross-sectional operators leave missing assets out. Division
 * by 0 and `log` of x <= 0 give NaN (qlib gives +-inf; hfq never produces infinities).
 *
 * No look-ahead: time-series operators read only the current and earlier days (lags are >= 0),
 * cross-sectional operators only the current date.
 *
 * @throws HfqError `DSL_INPUT` (no definitions, duplicate names, panels whose dates or assets
 * differ, bad options), the errors of `checkDaily` (with the factor's name in `context.field`).
 */
export async function evaluateDaily(
  defs: readonly DailyFactorDef[],
  inputs: Readonly<Record<string, Panel>>,
  options: DailyEvaluateOptions = {},
): Promise<Record<string, Panel>> {
  return evaluateDailySync(defs, inputs, options);
}

/**
 * `evaluateDaily` on the calling thread, synchronously (what the asynchronous function runs).
 * @internal
 */
export function evaluateDailySync(
  defs: readonly DailyFactorDef[],
  inputs: Readonly<Record<string, Panel>>,
  options: DailyEvaluateOptions = {},
): Record<string, Panel> {
  const limits = resolveLimits(options.limits);
  if (!Array.isArray(defs) || defs.length === 0) {
    throw dslError('DSL_INPUT', 'evaluateDaily needs at least one factor definition', { field: 'defs' });
  }
  if (defs.length > limits.maxFormulas) {
    throw dslError('DSL_INPUT', `${defs.length} formulas, more than maxFormulas ${limits.maxFormulas}`, {
      field: 'defs',
      limit: 'maxFormulas',
      max: limits.maxFormulas,
    });
  }
  const minPeriods = options.minPeriods ?? 'qlib';
  if (minPeriods !== 'qlib' && minPeriods !== 'window') {
    throw dslError('DSL_INPUT', `minPeriods must be 'qlib' or 'window', got ${String(minPeriods)}`, {
      field: 'minPeriods',
    });
  }
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) {
    throw dslError('DSL_INPUT', `workers must be an integer >= 1, got ${String(workers)}`, {
      field: 'workers',
    });
  }
  const { dates, assets, names } = checkInputs(inputs);
  const T = dates.length;
  const N = assets.length;

  // Check every formula first: nothing runs unless all are valid.
  const seenNames = new Set<string>();
  const checked: CheckedDaily[] = [];
  for (const def of defs) {
    if (def === null || typeof def !== 'object' || typeof def.name !== 'string' || def.name.length === 0) {
      throw dslError('DSL_INPUT', 'each definition needs a non-empty name and a formula', { field: 'defs' });
    }
    if (seenNames.has(def.name)) {
      throw dslError('DSL_INPUT', `duplicate factor name '${def.name}'`, { field: def.name });
    }
    seenNames.add(def.name);
    try {
      checked.push(checkDaily(def.formula, names, { limits }));
    } catch (e) {
      if (e instanceof HfqError) {
        throw new HfqError(e.code, `factor '${def.name}': ${e.message}`, { ...e.context, field: def.name });
      }
      throw e;
    }
  }
  const industry = resolveIndustry(options.groups?.industry ?? inputs.industry, dates, assets);
  if (industry === undefined) {
    const needs = checked.findIndex((c) => c.needsIndustry);
    if (needs >= 0) {
      throw dslError(
        'DSL_INPUT',
        `factor '${defs[needs]!.name}' uses a group operator or cs_neutralize but no industry was given (options.groups.industry or an 'industry' input)`,
        { field: 'groups' },
      );
    }
  }

  // The shared graph: one node per distinct canonical subexpression.
  const nodes = new Map<string, Node>();
  const build = (ast: FactorAst): Node => {
    const canon = canonicalize(ast);
    const key = printFactor(canon);
    let node = nodes.get(key);
    if (node !== undefined) return node;
    const args: Node[] = [];
    const params: number[] = [];
    if (canon.kind === 'call') {
      const op = getOperator(canon.op, 'daily')!;
      op.args.forEach((spec, k) => {
        const a = canon.args[k]!;
        if (spec.kind === 'value') args.push(build(a));
        else params.push((a as { value: number }).value);
      });
    }
    node = { key, ast: canon, args, params, uses: 0 };
    for (const a of args) a.uses++;
    nodes.set(key, node);
    return node;
  };
  const roots = checked.map((c) => build(c.ast));
  for (const r of roots) r.uses++;

  const ctx: Ctx = {
    T,
    N,
    dates,
    inputs,
    industry,
    minWindow: minPeriods === 'window',
    scratch: new KernelScratch(),
    broadcast: new Map(),
    pool: [],
    transposed: new Map(),
    rowX: new Float64Array(N),
    rowY: new Float64Array(N),
    rowOut: new Float64Array(N),
  };
  const release = (n: Node) => {
    if (--n.uses !== 0) return;
    // Literals, and inputs (shared through ctx.transposed), are not pooled.
    if (typeof n.value !== 'number' && n.value !== undefined && n.ast.kind === 'call') ctx.pool.push(n.value);
    n.value = undefined;
  };
  const evalNode = (n: Node): Float64Array | number => {
    if (n.value !== undefined) return n.value;
    const vals = n.args.map(evalNode);
    n.value = compute(n, vals, ctx);
    for (const a of n.args) release(a);
    return n.value;
  };
  const out: Record<string, Panel> = {};
  defs.forEach((def, i) => {
    const root = roots[i]!;
    const v = evalNode(root);
    // Each output is its own date-major array (transposed back from the internal layout).
    const values = new Float64Array(T * N);
    if (typeof v === 'number') values.fill(v);
    else transpose(v, N, T, values);
    out[def.name] = new Panel(dates, assets, values);
    release(root);
  });
  return out;
}

interface Ctx {
  T: number;
  N: number;
  dates: Int32Array;
  inputs: Readonly<Record<string, Panel>>;
  industry: ((t: number) => ArrayLike<number>) | undefined;
  minWindow: boolean;
  scratch: KernelScratch;
  broadcast: Map<number, Float64Array>;
  /** Released intermediate buffers (length T * N), reused instead of allocating. */
  pool: Float64Array[];
  /** Inputs in the internal asset-major layout, by field name. */
  transposed: Map<string, Float64Array>;
  rowX: Float64Array;
  rowY: Float64Array;
  rowOut: Float64Array;
}

/**
 * Intermediate panels are kept asset-major (`v[a * T + t]`: one asset's days contiguous), so the
 * time-series kernels, most of the work, read and write their series in place; inputs are
 * transposed once, cross-sectional operators gather each date, outputs are transposed back.
 */
function take(ctx: Ctx): Float64Array {
  return ctx.pool.pop() ?? new Float64Array(ctx.T * ctx.N);
}

function transpose(src: ArrayLike<number>, rows: number, cols: number, out: Float64Array): Float64Array {
  // out[c * rows + r] = src[r * cols + c], in blocks for cache locality.
  const B = 32;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = src[r * cols + c]!;
    }
  }
  return out;
}

function checkInputs(inputs: Readonly<Record<string, Panel>>): {
  dates: Int32Array;
  assets: readonly string[];
  names: string[];
} {
  if (inputs === null || typeof inputs !== 'object') {
    throw dslError('DSL_INPUT', 'inputs must be an object of Panels by field name', { field: 'inputs' });
  }
  const names = Object.keys(inputs);
  if (names.length === 0) throw dslError('DSL_INPUT', 'no input panels', { field: 'inputs' });
  let first: Panel | undefined;
  for (const name of names) {
    const p = inputs[name];
    if (!(p instanceof Panel)) throw dslError('DSL_INPUT', `input '${name}' is not a Panel`, { field: name });
    if (first === undefined) {
      first = p;
      continue;
    }
    const sameDates = p.dates.length === first.dates.length && p.dates.every((d, i) => d === first!.dates[i]);
    const sameAssets =
      p.assets.length === first.assets.length && p.assets.every((a, i) => a === first!.assets[i]);
    if (!sameDates || !sameAssets) {
      throw dslError(
        'DSL_INPUT',
        `input '${name}' has other ${sameDates ? 'assets' : 'dates'} than '${names[0]}'; align the panels first (Panel.alignTo)`,
        { field: name },
      );
    }
  }
  return { dates: first!.dates, assets: first!.assets, names };
}

function resolveIndustry(
  g: ArrayLike<number> | Panel | undefined,
  dates: Int32Array,
  assets: readonly string[],
): ((t: number) => ArrayLike<number>) | undefined {
  if (g === undefined) return undefined;
  if (g instanceof Panel) {
    if (g.nDates !== dates.length || g.nAssets !== assets.length || g.dates.some((d, i) => d !== dates[i])) {
      throw dslError('DSL_INPUT', 'the industry panel must have the dates and assets of the inputs', {
        field: 'industry',
      });
    }
    return (t) => g.row(t);
  }
  if (g.length !== assets.length) {
    throw dslError('DSL_INPUT', `industry has ${g.length} codes for ${assets.length} assets`, {
      field: 'industry',
    });
  }
  return () => g;
}

/** A literal broadcast to a full panel (cached per value within one evaluation). */
function full(v: Float64Array | number, ctx: Ctx): Float64Array {
  // (A literal is the same in both layouts.)
  if (typeof v !== 'number') return v;
  let a = ctx.broadcast.get(v);
  if (a === undefined) {
    a = new Float64Array(ctx.T * ctx.N).fill(v);
    ctx.broadcast.set(v, a);
  }
  return a;
}

function fieldValues(name: string, ctx: Ctx): Float64Array {
  let v = ctx.transposed.get(name);
  if (v === undefined) {
    v = transpose(ctx.inputs[name]!.values, ctx.T, ctx.N, new Float64Array(ctx.T * ctx.N));
    ctx.transposed.set(name, v);
  }
  return v;
}

function compute(n: Node, vals: (Float64Array | number)[], ctx: Ctx): Float64Array | number {
  const ast = n.ast;
  if (ast.kind === 'num') return ast.value;
  if (ast.kind === 'field') return fieldValues(ast.name, ctx);
  const op = getOperator(ast.op, 'daily')!;
  const size = ctx.T * ctx.N;
  if (op.family === 'daily_ts') {
    const kernel = TS_KERNELS.get(op.name)!;
    const x = full(vals[0]!, ctx);
    const y = vals.length > 1 ? full(vals[1]!, ctx) : undefined;
    const out = take(ctx);
    const { T, N } = ctx;
    const w = n.params[0]!;
    const minp = ctx.minWindow && !NO_MIN_PERIODS.has(op.name) ? w : 1;
    for (let a = 0; a < N; a++) {
      const lo = a * T;
      kernel(
        x.subarray(lo, lo + T),
        y?.subarray(lo, lo + T),
        out.subarray(lo, lo + T),
        n.params,
        minp,
        ctx.scratch,
      );
    }
    return out;
  }
  if (op.family === 'cross_section' || op.family === 'group') {
    const kernel = CS_KERNELS.get(op.name)!;
    const x = full(vals[0]!, ctx);
    const y = vals.length > 1 ? full(vals[1]!, ctx) : undefined;
    const out = take(ctx);
    const { T, N, rowX, rowY, rowOut } = ctx;
    for (let t = 0; t < T; t++) {
      for (let a = 0, i = t; a < N; a++, i += T) rowX[a] = x[i]!;
      if (y !== undefined) for (let a = 0, i = t; a < N; a++, i += T) rowY[a] = y[i]!;
      const row = { x: rowX, out: rowOut, params: n.params, date: ctx.dates[t]! } as Parameters<
        typeof kernel
      >[0];
      if (y !== undefined) row.y = rowY;
      if (ctx.industry !== undefined) row.industry = ctx.industry(t);
      try {
        kernel(row);
      } catch (e) {
        if (e instanceof HfqError)
          throw new HfqError(e.code, e.message, { ...e.context, date: ctx.dates[t]! });
        throw e;
      }
      for (let a = 0, i = t; a < N; a++, i += T) out[i] = rowOut[a]!;
    }
    return out;
  }
  // Literal parameters (clip's bounds) follow the value arguments.
  return elementwise(op.name, [...vals, ...n.params], size, ctx);
}

const f = (v: number) => (v - v === 0 ? v : NaN);

/** Elementwise operators at the daily level (constant-folded when every argument is a literal). */
function elementwise(
  name: string,
  vals: (Float64Array | number)[],
  size: number,
  ctx: Ctx,
): Float64Array | number {
  const fn = SCALAR[name];
  if (fn === undefined) throw new Error(`daily evaluator: no kernel for ${name}`);
  if (vals.every((v) => typeof v === 'number')) return fn(...(vals as number[]));
  const out = take(ctx);
  const [a, b, c] = vals;
  if (vals.length === 1) {
    const x = a as Float64Array;
    switch (name) {
      case 'abs':
        for (let i = 0; i < size; i++) out[i] = Math.abs(x[i]!);
        return out;
      case 'neg':
        for (let i = 0; i < size; i++) out[i] = -x[i]!;
        return out;
      case 'log':
        for (let i = 0; i < size; i++) {
          const v = x[i]!;
          out[i] = v > 0 ? Math.log(v) : NaN;
        }
        return out;
      default:
        for (let i = 0; i < size; i++) out[i] = fn(x[i]!);
        return out;
    }
  }
  const A = typeof a === 'number' ? undefined : a!;
  const B = typeof b === 'number' ? undefined : b!;
  const an = a as number;
  const bn = b as number;
  if (vals.length === 2) {
    switch (name) {
      case 'add':
        for (let i = 0; i < size; i++) out[i] = (A ? A[i]! : an) + (B ? B[i]! : bn);
        return out;
      case 'sub':
        for (let i = 0; i < size; i++) out[i] = (A ? A[i]! : an) - (B ? B[i]! : bn);
        return out;
      case 'mul':
        for (let i = 0; i < size; i++) out[i] = (A ? A[i]! : an) * (B ? B[i]! : bn);
        return out;
      case 'div':
        for (let i = 0; i < size; i++) {
          const d = B ? B[i]! : bn;
          out[i] = d !== 0 ? (A ? A[i]! : an) / d : NaN;
        }
        return out;
      case 'gt':
        for (let i = 0; i < size; i++) {
          const p = A ? A[i]! : an;
          const q = B ? B[i]! : bn;
          out[i] = +(p > q); // a missing side compares as 0 (pandas), which `>` gives for NaN
        }
        return out;
      case 'lt':
        for (let i = 0; i < size; i++) {
          const p = A ? A[i]! : an;
          const q = B ? B[i]! : bn;
          out[i] = +(p < q);
        }
        return out;
      case 'maximum':
        for (let i = 0; i < size; i++) out[i] = Math.max(A ? A[i]! : an, B ? B[i]! : bn);
        return out;
      case 'minimum':
        for (let i = 0; i < size; i++) out[i] = Math.min(A ? A[i]! : an, B ? B[i]! : bn);
        return out;
      default:
        for (let i = 0; i < size; i++) out[i] = fn(A ? A[i]! : an, B ? B[i]! : bn);
        return out;
    }
  }
  const C = typeof c === 'number' ? undefined : c!;
  const cn = c as number;
  for (let i = 0; i < size; i++) out[i] = fn(A ? A[i]! : an, B ? B[i]! : bn, C ? C[i]! : cn);
  return out;
}

const miss = (v: number) => Number.isNaN(v);
const cmp = (r: boolean, a: number, b: number) => (miss(a) || miss(b) ? 0 : +r);

/** Scalar semantics of the elementwise operators at the daily level. */
const SCALAR: Readonly<Record<string, (...x: number[]) => number>> = {
  add: (a, b) => a! + b!,
  sub: (a, b) => a! - b!,
  mul: (a, b) => a! * b!,
  div: (a, b) => (b !== 0 ? a! / b! : NaN),
  pow: (a, b) => f(a! ** b!),
  neg: (a) => -a!,
  lt: (a, b) => cmp(a! < b!, a!, b!),
  le: (a, b) => cmp(a! <= b!, a!, b!),
  gt: (a, b) => cmp(a! > b!, a!, b!),
  ge: (a, b) => cmp(a! >= b!, a!, b!),
  eq: (a, b) => cmp(a === b, a!, b!),
  ne: (a, b) => (miss(a!) || miss(b!) ? 1 : +(a !== b)),
  and: (a, b) => (miss(a!) || miss(b!) ? NaN : +(a !== 0 && b !== 0)),
  or: (a, b) => (miss(a!) || miss(b!) ? NaN : +(a !== 0 || b !== 0)),
  not: (a) => (miss(a!) ? NaN : +(a === 0)),
  if: (c, a, b) => (miss(c!) ? NaN : c !== 0 ? a! : b!),
  where: (c, x) => (!miss(c!) && c !== 0 ? x! : NaN),
  fill_nan: (x, v) => (x! - x! === 0 ? x! : v!),
  abs: (x) => Math.abs(x!),
  sign: (x) => Math.sign(x!),
  log: (x) => (x! > 0 ? Math.log(x!) : NaN),
  log1p: (x) => (x! > -1 ? Math.log1p(x!) : NaN),
  slog: (x) => Math.sign(x!) * Math.log1p(Math.abs(x!)),
  exp: (x) => f(Math.exp(x!)),
  sqrt: (x) => (x! >= 0 ? Math.sqrt(x!) : NaN),
  tanh: (x) => Math.tanh(x!),
  maximum: (a, b) => Math.max(a!, b!),
  minimum: (a, b) => Math.min(a!, b!),
  clip: (x, lo, hi) => (miss(x!) ? NaN : Math.min(Math.max(x!, lo!), hi!)),
  imbalance: (a, b) => (a! + b! !== 0 ? (a! - b!) / (a! + b!) : NaN),
};
