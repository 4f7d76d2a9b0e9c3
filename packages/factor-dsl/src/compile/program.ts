import { blockColumns, type Column, type Frame, type FrameBlock, frameColumns } from '../eval/frames.js';
import { type CheckedFactor, type CheckOptions, checkFactor, isChecked } from '../language/check.js';
import { dslError } from '../language/errors.js';
import { resolveLimits } from '../language/limits.js';
import type { SourceKind } from '../ops/spec.js';
import { type ChunkPlan, generateKernel, type KernelSource } from './codegen.js';
import { buildGraph, type FactorGraph, type GraphNode } from './graph.js';

/** Options of `compileFactors`. */
export interface CompileOptions extends CheckOptions {
  /**
   * Roughly how many graph nodes go into one generated kernel (default 80). Larger kernels fuse
   * more work per pass over a frame, but V8 compiles very large functions worse (measured on the
   * tick library: 80 nodes 6.7 ms per stock-day, 160 nodes 9.6 ms, 400 nodes 30 ms).
   */
  nodesPerKernel?: number;
}

type Kernel = (
  C: readonly Column[],
  n: number,
  off: number,
  F: Float64Array[],
  Q: Int32Array[],
  S: Float64Array,
  out: Float64Array,
  o: number,
) => void;

interface Partition {
  /** Root (factor) indices per chunk. */
  readonly chunks: readonly (readonly number[])[];
  readonly plans: (levels: number) => ChunkPlan[];
  readonly sharedSeries: number;
  readonly sharedScalars: number;
}

/**
 * A compiled set of formulas over one source: evaluates all of them on a frame in fused passes,
 * every shared subexpression once per frame. Create with `compileFactors`. Not thread-safe (one
 * workspace); each worker compiles its own.
 */
export class FactorProgram {
  readonly source: SourceKind;
  readonly factors: readonly CheckedFactor[];
  private readonly graph: FactorGraph;
  private readonly partition: Partition;
  private readonly kernels = new Map<number, { kernels: Kernel[]; f64: number; i32: number }>();
  private capacity = 0;
  private F: Float64Array[] = [];
  private Q: Int32Array[] = [];
  private readonly S: Float64Array;
  /** The column array handed to kernels: always this one object, so its shape never changes under them. */
  private readonly C: Column[] = [];

  /** @internal use `compileFactors` */
  constructor(factors: readonly CheckedFactor[], source: SourceKind, nodesPerKernel: number) {
    this.source = source;
    this.factors = Object.freeze([...factors]);
    this.graph = buildGraph(
      factors.map((f) => f.ast),
      source,
    );
    this.partition = partition(this.graph, nodesPerKernel);
    this.S = new Float64Array(this.partition.sharedScalars);
  }

  /** Number of formulas. */
  get nFactors(): number {
    return this.factors.length;
  }

  /** Number of distinct subexpressions after sharing (graph nodes, literals included). */
  get nodeCount(): number {
    return this.graph.nodes.length;
  }

  /** Number of generated kernels (chunks). */
  get kernelCount(): number {
    return this.partition.chunks.length;
  }

  /** The generated JavaScript of each kernel for frames with `levels` book levels (for inspection). */
  kernelSources(levels = this.source === 'tick' ? 10 : 0): string[] {
    return this.partition.plans(levels).map((p) => generateKernel(p).code);
  }

  private kernelsFor(levels: number) {
    let k = this.kernels.get(levels);
    if (k === undefined) {
      const sources: KernelSource[] = this.partition.plans(levels).map(generateKernel);
      k = {
        // This compiles a checked AST, never the formula's text: the parser and checker accept
        // only the operator table's names and fields, and codegen.ts emits the table's own code
        // templates plus numbers printed from parsed numeric literals (fuzzed, including inputs
        // such as `eval("1")`, which the parser rejects).
        kernels: sources.map((s) => new Function(s.code)() as Kernel),
        f64: Math.max(this.partition.sharedSeries, ...sources.map((s) => s.f64Slots)),
        i32: Math.max(0, ...sources.map((s) => s.i32Slots)),
      };
      this.kernels.set(levels, k);
    }
    return k;
  }

  private ensure(rows: number, f64: number, i32: number): void {
    if (rows > this.capacity) this.capacity = Math.max(rows, 2 * this.capacity, 256);
    while (this.F.length < f64) this.F.push(new Float64Array(0));
    while (this.Q.length < i32) this.Q.push(new Int32Array(0));
    for (let k = 0; k < this.F.length; k++)
      if (this.F[k]!.length < this.capacity) this.F[k] = new Float64Array(this.capacity);
    for (let k = 0; k < this.Q.length; k++)
      if (this.Q[k]!.length < this.capacity) this.Q[k] = new Int32Array(this.capacity);
  }

  /**
   * Evaluates every formula on one frame (one stock-day).
   * @param out optional output (length >= nFactors); allocated when omitted
   * @returns one value per formula, in order; NaN where a formula has no finite value (and for a frame with no rows)
   * @throws HfqError `DSL_FRAME` for a malformed frame
   */
  evaluateFrame(frame: Frame, out: Float64Array = new Float64Array(this.factors.length)): Float64Array {
    const { columns, rows, levels } = frameColumns(frame, this.source);
    this.run(columns, rows, 0, levels, out, 0);
    return out;
  }

  /**
   * Evaluates every formula on every frame of a block.
   * @returns `nFrames x nFactors`, row-major by frame
   * @throws HfqError `DSL_FRAME` for a malformed block, `DSL_INPUT` for a block of another source
   */
  evaluateBlock(
    block: FrameBlock,
    out?: Float64Array,
    from = 0,
    to = block.offsets.length - 1,
  ): Float64Array {
    if (block.source !== this.source) {
      throw dslError('DSL_INPUT', `block is ${block.source} data, the program reads ${this.source}`, {
        field: 'source',
      });
    }
    const nf = this.factors.length;
    const nFrames = block.offsets.length - 1;
    const result = out ?? new Float64Array(nFrames * nf);
    if (result.length < nFrames * nf) {
      throw dslError('DSL_INPUT', `output holds ${result.length} values, need ${nFrames * nf}`, {
        field: 'out',
      });
    }
    const columns = blockColumns(block);
    for (let k = from; k < to; k++) {
      const off = block.offsets[k]!;
      this.run(columns, block.offsets[k + 1]! - off, off, block.levels, result, k * nf);
    }
    return result;
  }

  private run(
    columns: Column[],
    rows: number,
    off: number,
    levels: number,
    out: Float64Array,
    o: number,
  ): void {
    const nf = this.factors.length;
    if (rows === 0) {
      out.fill(NaN, o, o + nf);
      return;
    }
    const k = this.kernelsFor(levels);
    this.ensure(rows, k.f64, k.i32);
    // Kernels always get the same column array object, so its shape never changes under them.
    const C = this.C;
    for (let c = 0; c < columns.length; c++) C[c] = columns[c]!;
    for (const kernel of k.kernels) kernel(C, rows, off, this.F, this.Q, this.S, out, o);
  }
}

/**
 * Compiles formulas over one source into a `FactorProgram`. Each formula is parsed and checked
 * (`checkFactor`) unless given as a result of `checkFactor` (an object of that shape from elsewhere
 * is checked again); all are then merged into one graph (shared
 * subexpressions computed once per frame) and turned into fused kernels.
 *
 * @throws HfqError from `checkFactor` (with the formula's index in `context.row`), `DSL_INPUT` for
 * a checked formula of another source, `DSL_LIMIT` for more than `limits.maxFormulas` formulas
 */
export function compileFactors(
  formulas: readonly (string | CheckedFactor)[],
  source: SourceKind,
  options: CompileOptions = {},
): FactorProgram {
  const maxFormulas = resolveLimits(options.limits).maxFormulas;
  if (formulas.length > maxFormulas) {
    throw dslError(
      'DSL_LIMIT',
      `${formulas.length} formulas for one ${source} program, more than maxFormulas ${maxFormulas}`,
      { field: 'formulas', limit: 'maxFormulas', max: maxFormulas, count: formulas.length },
    );
  }
  const checked = formulas.map((f, k) => {
    if (typeof f !== 'string') {
      if (f === null || typeof f !== 'object' || f.source !== source) {
        throw dslError('DSL_INPUT', `formula ${k} was checked for ${f?.source}, not ${source}`, { row: k });
      }
      // Compilation never starts on a formula the checker has not bounded: an object that only
      // looks like a CheckedFactor (not returned by checkFactor) is checked here, its AST again.
      if (isChecked(f)) return f;
    }
    try {
      return checkFactor(typeof f === 'string' ? f : f.ast, source, options);
    } catch (e) {
      if (e instanceof Error && 'code' in e && 'context' in e) {
        const err = e as Error & { code: string; context: Record<string, unknown> };
        throw dslError(err.code as 'DSL_PARSE', `formula ${k}: ${err.message}`, { ...err.context, row: k });
      }
      throw e;
    }
  });
  const perKernel = options.nodesPerKernel ?? 80;
  if (!Number.isInteger(perKernel) || perKernel < 1) {
    throw dslError('DSL_INPUT', `nodesPerKernel must be a positive integer, got ${perKernel}`, {
      field: 'nodesPerKernel',
    });
  }
  return new FactorProgram(checked, source, perKernel);
}

/** Splits the formulas into kernels and decides which subexpressions are shared between kernels. */
function partition(graph: FactorGraph, budget: number): Partition {
  const closureOf = (root: GraphNode): Set<number> => {
    const seen = new Set<number>();
    const stack = [root];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (seen.has(n.id) || n.kind === 'num') continue;
      seen.add(n.id);
      for (const a of n.args) stack.push(a);
    }
    return seen;
  };
  const closures = graph.roots.map(closureOf);
  const chunks: number[][] = [];
  let current = new Set<number>();
  graph.roots.forEach((_, f) => {
    const cl = closures[f]!;
    let added = 0;
    for (const id of cl) if (!current.has(id)) added++;
    if (chunks.length === 0 || (current.size > 0 && current.size + added > budget)) {
      chunks.push([]);
      current = new Set();
    }
    chunks[chunks.length - 1]!.push(f);
    for (const id of cl) current.add(id);
  });
  // Which chunks use each node; shared = computed series/scalars used by more than one chunk.
  const owner = new Map<number, number>();
  const users = new Map<number, number>();
  chunks.forEach((roots, c) => {
    const seen = new Set<number>();
    for (const f of roots) for (const id of closures[f]!) seen.add(id);
    for (const id of seen) {
      if (!owner.has(id)) owner.set(id, c);
      users.set(id, (users.get(id) ?? 0) + 1);
    }
  });
  const series = new Map<number, number>();
  const scalars = new Map<number, number>();
  for (const n of graph.nodes) {
    if (n.kind !== 'op' || n.type === 'levels' || (users.get(n.id) ?? 0) < 2) continue;
    if (n.type === 'series') series.set(n.id, series.size);
    else scalars.set(n.id, scalars.size);
  }
  const shared = { series, scalars };
  const isShared = (id: number) => series.has(id) || scalars.has(id);
  // Nodes each chunk computes: its closure, stopping at shared nodes owned by earlier chunks.
  const chunkNodes = chunks.map((roots, c) => {
    const compute = new Set<number>();
    const inputs = new Set<number>();
    const stack = roots.map((f) => graph.roots[f]!);
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n.kind === 'num' || compute.has(n.id) || inputs.has(n.id)) continue;
      if (isShared(n.id) && owner.get(n.id)! < c) {
        inputs.add(n.id);
        continue;
      }
      compute.add(n.id);
      for (const a of n.args) stack.push(a);
    }
    const publishes = new Set([...compute].filter((id) => isShared(id) && owner.get(id) === c));
    return { compute, inputs, publishes };
  });
  const plans = (levels: number): ChunkPlan[] =>
    chunks.map((roots, c) => {
      const { compute, inputs, publishes } = chunkNodes[c]!;
      return {
        source: graph.source,
        levels,
        nodes: graph.nodes.filter((n) => compute.has(n.id)),
        inputs,
        publishes,
        outputs: roots.map((f) => [f, graph.roots[f]!] as const),
        shared,
        localBase: series.size,
      };
    });
  return { chunks, plans, sharedSeries: series.size, sharedScalars: scalars.size };
}
