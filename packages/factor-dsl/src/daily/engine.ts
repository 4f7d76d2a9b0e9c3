import { HfqError } from '@hfq/core';
import type { FactorAst } from '../language/ast.js';
import { canonicalize } from '../language/hash.js';
import { printFactor } from '../language/printer.js';
import { getOperator } from '../ops/table.js';
import { CS_KERNELS } from './cross-section.js';
import { KernelScratch, NO_MIN_PERIODS, TS_GROUPS, TS_KERNELS, type TsGroupOutput } from './kernels.js';

/**
 * The daily level's engine: the shared graph of a set of checked formulas (`planDaily`) and its
 * evaluation over a block of assets (`runDailyBlock`), on the calling thread or in a worker
 * (`worker.ts`), which plans the same formulas itself and runs its own block of assets.
 *
 * Intermediate panels are kept asset-major (`v[a * T + t]`: one asset's days contiguous), so the
 * time-series kernels, most of the work, read and write their series in place; the inputs' columns
 * of each tile are transposed once, cross-sectional operators gather each date (they need the whole
 * cross-section: a plan with one runs as one block), outputs are written back date-major.
 */

/** One distinct canonical subexpression. */
interface Node {
  readonly key: string;
  readonly ast: FactorAst;
  readonly args: Node[];
  readonly params: number[];
  /** Consumers (other nodes and roots): fixed by the plan. */
  refs: number;
  /**
   * Time-series nodes of the same series and window that share one pass (`TS_GROUPS`: quantiles and
   * rank, slope / R squared / residual), this node included; set when there are two or more.
   */
  group?: Node[];
}

/** The shared graph of a set of formulas. */
export interface DailyPlan {
  readonly roots: readonly Node[];
  /** True when a cross-sectional or group operator occurs (the block must hold every asset). */
  readonly crossSection: boolean;
  /** Input fields the formulas read. */
  readonly fields: readonly string[];
}

/** Builds the shared graph of checked formula ASTs: one node per distinct canonical subexpression. */
export function planDaily(asts: readonly FactorAst[]): DailyPlan {
  const nodes = new Map<string, Node>();
  let crossSection = false;
  const fields = new Set<string>();
  const build = (ast: FactorAst): Node => {
    const canon = canonicalize(ast);
    const key = printFactor(canon);
    let node = nodes.get(key);
    if (node !== undefined) return node;
    const args: Node[] = [];
    const params: number[] = [];
    if (canon.kind === 'call') {
      const op = getOperator(canon.op, 'daily')!;
      if (op.family === 'cross_section' || op.family === 'group') crossSection = true;
      op.args.forEach((spec, k) => {
        const a = canon.args[k]!;
        if (spec.kind === 'value') args.push(build(a));
        else params.push((a as { value: number }).value);
      });
    } else if (canon.kind === 'field') fields.add(canon.name);
    node = { key, ast: canon, args, params, refs: 0 };
    for (const a of args) a.refs++;
    nodes.set(key, node);
    return node;
  };
  const roots = asts.map(build);
  for (const r of roots) r.refs++;
  const groups = new Map<string, Node[]>();
  for (const n of nodes.values()) {
    if (n.ast.kind !== 'call') continue;
    const g = TS_GROUPS.get(n.ast.op);
    if (g === undefined) continue;
    const key = `${g.group}|${n.params[0]}|${n.args[0]!.key}`;
    const members = groups.get(key);
    if (members === undefined) groups.set(key, [n]);
    else members.push(n);
  }
  for (const members of groups.values()) if (members.length > 1) for (const n of members) n.group = members;
  return { roots, crossSection, fields: [...fields] };
}

/** Where a block reads its inputs and writes its outputs. */
export interface DailyBlock {
  /** Days. */
  T: number;
  /** Assets of the whole panel (the row stride of inputs and outputs). */
  nAll: number;
  /** The block's assets: `[a0, a1)`. */
  a0: number;
  a1: number;
  dates: Int32Array;
  /** A field's whole dates x assets panel, date-major. */
  field: (name: string) => ArrayLike<number>;
  industry: ((t: number) => ArrayLike<number>) | undefined;
  minWindow: boolean;
  /** One date-major T x nAll array per root; the block writes its columns (float32 rounds). */
  outs: readonly (Float64Array | Float32Array)[];
  /**
   * When given, CPU milliseconds spent are added up here by operator name, plus `(fields)` (reading
   * the inputs' columns) and `(outputs)` (writing the roots' columns): the profiling driver's view.
   */
  timing?: Map<string, number>;
  /** Assets per tile (default: about `TILE_ELEMENTS / T`); tests set it to check tiles change nothing. */
  tileAssets?: number;
}

/** CPU milliseconds of the process so far (profiling only: the machine may be shared). */
function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/**
 * Elements (days x assets) of one tile's panels: a tile's intermediates stay in the CPU's caches
 * (about 256 KB each) instead of streaming T x N panels through memory for every operator.
 */
const TILE_ELEMENTS = 1 << 15;

/**
 * Evaluates a plan over one block of assets, writing the block's columns of `outs`.
 *
 * Without cross-sectional operators, the block is evaluated tile by tile (a few dozen assets at a
 * time, every formula on the tile before the next): values are the same (each time-series kernel
 * reads one asset's series, each elementwise operator one value), but intermediate panels are
 * tile-sized, reused from a pool across tiles (allocated once per call) and cache-resident, and
 * each root's tile goes straight into its output's columns.
 */
export function runDailyBlock(plan: DailyPlan, block: DailyBlock): void {
  const { T, a0, a1 } = block;
  const nBlock = a1 - a0;
  const tile = plan.crossSection
    ? nBlock
    : Math.max(1, Math.min(nBlock, block.tileAssets ?? Math.floor(TILE_ELEMENTS / Math.max(1, T))));
  const uses = new Map<Node, number>();
  const values = new Map<Node, Float64Array | number>();
  const timing = block.timing;
  const ctx: EngineCtx = {
    T,
    N: tile,
    cap: tile,
    b0: a0,
    block,
    scratch: new KernelScratch(),
    broadcast: new Map(),
    pool: [],
    transposed: new Map(),
    filled: new Set(),
    pending: new Map(),
    rowX: new Float64Array(tile),
    rowY: new Float64Array(tile),
    rowOut: new Float64Array(tile),
  };
  const release = (n: Node) => {
    const u = (uses.get(n) ?? n.refs) - 1;
    uses.set(n, u);
    if (u !== 0) return;
    const v = values.get(n);
    // Literals, and inputs (shared through ctx.transposed), are not pooled.
    if (typeof v !== 'number' && v !== undefined && n.ast.kind === 'call') ctx.pool.push(v);
    values.delete(n);
  };
  const evalNode = (n: Node): Float64Array | number => {
    const have = values.get(n);
    if (have !== undefined) return have;
    const early = ctx.pending.get(n);
    if (early !== undefined) {
      // Computed with a node of its group: now it is consumed, its arguments are released.
      ctx.pending.delete(n);
      values.set(n, early);
      for (const a of n.args) release(a);
      return early;
    }
    const vals = n.args.map(evalNode);
    let v: Float64Array | number;
    if (timing === undefined) v = compute(n, vals, ctx);
    else {
      const t0 = cpuMs();
      v = compute(n, vals, ctx);
      const key = n.ast.kind === 'call' ? n.ast.op : n.ast.kind === 'field' ? '(fields)' : '(literal)';
      timing.set(key, (timing.get(key) ?? 0) + cpuMs() - t0);
    }
    values.set(n, v);
    for (const a of n.args) release(a);
    return v;
  };
  const stride = block.nAll;
  for (let b0 = a0; b0 < a1; b0 += tile) {
    const N = Math.min(tile, a1 - b0);
    ctx.b0 = b0;
    ctx.N = N;
    ctx.filled.clear();
    uses.clear();
    plan.roots.forEach((root, i) => {
      const out = block.outs[i]!;
      if (fusesIntoOutput(root, values, ctx)) {
        // `+ - * /` as a formula's last step, consumed by nothing else: computed straight into
        // the output's columns (same operation per value, one pass less over the tile).
        const [x, y] = root.args.map(evalNode);
        const t0 = timing === undefined ? 0 : cpuMs();
        arithInto((root.ast as { op: string }).op, full(x!, ctx), full(y!, ctx), out, stride, b0, T, N);
        if (out instanceof Float32Array) checkFloat32(out, i, ctx);
        if (timing !== undefined) timing.set('(outputs)', (timing.get('(outputs)') ?? 0) + cpuMs() - t0);
        for (const a of root.args) release(a);
        release(root);
        return;
      }
      const v = evalNode(root);
      const t0 = timing === undefined ? 0 : cpuMs();
      if (typeof v === 'number') {
        for (let t = 0; t < T; t++) out.fill(v, t * stride + b0, t * stride + b0 + N);
      } else {
        for (let t = 0; t < T; t++) {
          const o = t * stride + b0;
          for (let a = 0, j = t; a < N; a++, j += T) out[o + a] = v[j]!;
        }
        if (out instanceof Float32Array) checkFloat32(out, i, ctx);
      }
      if (timing !== undefined) timing.set('(outputs)', (timing.get('(outputs)') ?? 0) + cpuMs() - t0);
      release(root);
    });
  }
}

/**
 * The engine never produces infinities, so one in a float32 output is a finite value beyond
 * float32's range (about 3.4e38): a typed error (`field`: the root's index) instead of a wrong number.
 */
function checkFloat32(out: Float32Array, root: number, ctx: EngineCtx): void {
  const { T, N, b0 } = ctx;
  const stride = ctx.block.nAll;
  for (let t = 0; t < T; t++) {
    const o = t * stride + b0;
    for (let a = 0; a < N; a++) {
      const v = out[o + a]!;
      if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
        throw new HfqError(
          'OUT_OF_RANGE',
          `a value beyond float32's range (|x| > 3.4e38); use dtype 'float64'`,
          {
            field: String(root),
            date: ctx.block.dates[t]!,
            asset: b0 + a,
          },
        );
      }
    }
  }
}

/** A root whose `+ - * /` can be written straight into its output (no other consumer, a panel argument). */
function fusesIntoOutput(root: Node, values: Map<Node, unknown>, ctx: EngineCtx): boolean {
  return (
    root.refs === 1 &&
    root.ast.kind === 'call' &&
    ARITH.has(root.ast.op) &&
    root.args.length === 2 &&
    !values.has(root) &&
    !ctx.pending.has(root) &&
    root.args.some((a) => a.ast.kind !== 'num')
  );
}

/**
 * `x op y` over a tile (asset-major panels) written into the tile's columns of a date-major output:
 * the values of `arith` (division by 0 is NaN), transposed as they are computed.
 */
function arithInto(
  name: string,
  x: Float64Array,
  y: Float64Array,
  out: Float64Array | Float32Array,
  stride: number,
  b0: number,
  T: number,
  N: number,
): void {
  for (let t = 0; t < T; t++) {
    const o = t * stride + b0;
    if (name === 'div') {
      for (let a = 0, j = t; a < N; a++, j += T) {
        const d = y[j]!;
        out[o + a] = d !== 0 ? x[j]! / d : NaN;
      }
    } else if (name === 'mul') for (let a = 0, j = t; a < N; a++, j += T) out[o + a] = x[j]! * y[j]!;
    else if (name === 'sub') for (let a = 0, j = t; a < N; a++, j += T) out[o + a] = x[j]! - y[j]!;
    else for (let a = 0, j = t; a < N; a++, j += T) out[o + a] = x[j]! + y[j]!;
  }
}

/** Evaluation state of one block. */
export interface EngineCtx {
  T: number;
  /** Assets in the current tile. */
  N: number;
  /** Assets a tile holds at most (intermediate panels are `cap * T` long). */
  cap: number;
  /** First asset of the current tile (a column of the whole panel). */
  b0: number;
  block: DailyBlock;
  scratch: KernelScratch;
  broadcast: Map<number, Float64Array>;
  /** Released intermediate buffers (length cap * T), reused instead of allocating. */
  pool: Float64Array[];
  /** Inputs in the internal asset-major layout, by field name (buffers reused across tiles). */
  transposed: Map<string, Float64Array>;
  /** Fields whose buffer holds the current tile. */
  filled: Set<string>;
  /** Group members computed ahead of their turn (with another member), by node. */
  pending: Map<Node, Float64Array>;
  rowX: Float64Array;
  rowY: Float64Array;
  rowOut: Float64Array;
}

function take(ctx: EngineCtx): Float64Array {
  return ctx.pool.pop() ?? new Float64Array(ctx.T * ctx.cap);
}

/** A literal broadcast to a full panel (cached per value within one evaluation). */
function full(v: Float64Array | number, ctx: EngineCtx): Float64Array {
  // (A literal is the same in both layouts.)
  if (typeof v !== 'number') return v;
  let a = ctx.broadcast.get(v);
  if (a === undefined) {
    a = new Float64Array(ctx.T * ctx.cap).fill(v);
    ctx.broadcast.set(v, a);
  }
  return a;
}

/** The tile's columns of a field, asset-major (transposed once per field and tile). */
function fieldValues(name: string, ctx: EngineCtx): Float64Array {
  let v = ctx.transposed.get(name);
  if (v === undefined) {
    v = new Float64Array(ctx.T * ctx.cap);
    ctx.transposed.set(name, v);
  }
  if (!ctx.filled.has(name)) {
    const { T, N, b0 } = ctx;
    const nAll = ctx.block.nAll;
    const src = ctx.block.field(name);
    for (let t = 0; t < T; t++) {
      const o = t * nAll + b0;
      for (let a = 0, j = t; a < N; a++, j += T) v[j] = src[o + a]!;
    }
    ctx.filled.add(name);
  }
  return v;
}

function compute(n: Node, vals: (Float64Array | number)[], ctx: EngineCtx): Float64Array | number {
  const ast = n.ast;
  if (ast.kind === 'num') return ast.value;
  if (ast.kind === 'field') return fieldValues(ast.name, ctx);
  const op = getOperator(ast.op, 'daily')!;
  const size = ctx.T * ctx.N;
  if (op.family === 'daily_ts' && n.group !== undefined) return computeGroup(n, vals[0]!, ctx);
  if (op.family === 'daily_ts') {
    const kernel = TS_KERNELS.get(op.name)!;
    const x = full(vals[0]!, ctx);
    const y = vals.length > 1 ? full(vals[1]!, ctx) : undefined;
    const out = take(ctx);
    const { T, N } = ctx;
    const w = n.params[0]!;
    const minp = ctx.block.minWindow && !NO_MIN_PERIODS.has(op.name) ? w : 1;
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
    const { dates, industry } = ctx.block;
    for (let t = 0; t < T; t++) {
      for (let a = 0, i = t; a < N; a++, i += T) rowX[a] = x[i]!;
      if (y !== undefined) for (let a = 0, i = t; a < N; a++, i += T) rowY[a] = y[i]!;
      const row = { x: rowX, out: rowOut, params: n.params, date: dates[t]! } as Parameters<typeof kernel>[0];
      if (y !== undefined) row.y = rowY;
      if (industry !== undefined) row.industry = industry(t);
      try {
        kernel(row);
      } catch (e) {
        if (e instanceof HfqError) throw new HfqError(e.code, e.message, { ...e.context, date: dates[t]! });
        throw e;
      }
      for (let a = 0, i = t; a < N; a++, i += T) out[i] = rowOut[a]!;
    }
    return out;
  }
  // Literal parameters (clip's bounds) follow the value arguments.
  return elementwise(op.name, [...vals, ...n.params], size, ctx);
}

/**
 * A grouped time-series node: computes it with every member of its group not computed yet, in one
 * pass per asset; the others wait in `ctx.pending` for their turn.
 */
function computeGroup(n: Node, arg: Float64Array | number, ctx: EngineCtx): Float64Array {
  const op = (n.ast as { op: string }).op;
  const kernel = TS_GROUPS.get(op)!;
  const members = n.group!.filter((m) => m === n || !ctx.pending.has(m));
  const bufs = members.map(() => take(ctx));
  const x = full(arg, ctx);
  const { T, N } = ctx;
  const w = n.params[0]!;
  const minp = ctx.block.minWindow ? w : 1;
  for (let a = 0; a < N; a++) {
    const lo = a * T;
    const outs: TsGroupOutput[] = members.map((m, k) => ({
      op: (m.ast as { op: string }).op,
      params: m.params,
      out: bufs[k]!.subarray(lo, lo + T),
    }));
    kernel.run(x.subarray(lo, lo + T), outs, w, minp, ctx.scratch);
  }
  members.forEach((m, k) => {
    if (m !== n) ctx.pending.set(m, bufs[k]!);
  });
  return bufs[members.indexOf(n)]!;
}

const f = (v: number) => (v - v === 0 ? v : NaN);

/** Elementwise operators at the daily level (constant-folded when every argument is a literal). */
export function elementwise(
  name: string,
  vals: (Float64Array | number)[],
  size: number,
  ctx: EngineCtx,
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
  if (vals.length === 2 && ARITH.has(name)) {
    arith(name, A, an, B, bn, out, size);
    return out;
  }
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

const ARITH: ReadonlySet<string> = new Set(['add', 'sub', 'mul', 'div']);

/**
 * `+ - * /` with one loop per shape (panel with panel, panel with literal, literal with panel), so
 * that no loop tests per element which side is a literal.
 */
function arith(
  name: string,
  A: Float64Array | undefined,
  an: number,
  B: Float64Array | undefined,
  bn: number,
  out: Float64Array,
  size: number,
): void {
  if (A !== undefined && B !== undefined) {
    if (name === 'add') for (let i = 0; i < size; i++) out[i] = A[i]! + B[i]!;
    else if (name === 'sub') for (let i = 0; i < size; i++) out[i] = A[i]! - B[i]!;
    else if (name === 'mul') for (let i = 0; i < size; i++) out[i] = A[i]! * B[i]!;
    else
      for (let i = 0; i < size; i++) {
        const d = B[i]!;
        out[i] = d !== 0 ? A[i]! / d : NaN;
      }
  } else if (A !== undefined) {
    if (name === 'add') for (let i = 0; i < size; i++) out[i] = A[i]! + bn;
    else if (name === 'sub') for (let i = 0; i < size; i++) out[i] = A[i]! - bn;
    else if (name === 'mul') for (let i = 0; i < size; i++) out[i] = A[i]! * bn;
    else if (bn !== 0) for (let i = 0; i < size; i++) out[i] = A[i]! / bn;
    else out.fill(NaN, 0, size);
  } else {
    const b = B!;
    if (name === 'add') for (let i = 0; i < size; i++) out[i] = an + b[i]!;
    else if (name === 'sub') for (let i = 0; i < size; i++) out[i] = an - b[i]!;
    else if (name === 'mul') for (let i = 0; i < size; i++) out[i] = an * b[i]!;
    else
      for (let i = 0; i < size; i++) {
        const d = b[i]!;
        out[i] = d !== 0 ? an / d : NaN;
      }
  }
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
