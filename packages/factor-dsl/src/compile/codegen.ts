import type { ColumnSpec } from '../ops/fields.js';
import { FRAME_COLUMNS } from '../ops/fields.js';
import type { EmitCtx, OpImpl, OpSpec, SourceKind } from '../ops/spec.js';
import type { GraphNode } from './graph.js';
import { numberLiteral } from './literal.js';

/**
 * Code generation: one JavaScript function ("kernel") per chunk of formulas, fusing every node of
 * the chunk into as few passes over the frame's rows as the data dependencies allow (one pass, plus
 * one more each time a per-day number such as `mean(x)` feeds back into a per-bar expression).
 *
 * SAFETY: the generated source is assembled only from (a) fixed text in this file, (b) the code
 * templates of the operator table and of the field table, and (c) numbers formatted by
 * `numberLiteral` (finite, digits only). Identifiers are generated here from node ids; no text of a
 * formula (names, symbols) is ever copied into the code. Formulas reach this point only after
 * `checkFactor` has type-checked them and checked their limits.
 */

/** Slots of the workspace a kernel uses. */
export interface KernelLayout {
  /** Float64 buffers (length >= rows): chunk-local first, then shared across chunks. */
  readonly f64Slots: number;
  readonly i32Slots: number;
}

/** A generated kernel: its source and what it needs. */
export interface KernelSource {
  /** `function (C, n, off, F, Q, S, out, o)`: columns, rows, row offset, f64 buffers, i32 buffers, shared scalars, output, output offset. */
  readonly code: string;
  readonly f64Slots: number;
  readonly i32Slots: number;
}

/** Where a node's value lives for other chunks of the same program. */
export interface SharedSlots {
  /** Shared series node id -> global f64 buffer slot. */
  readonly series: ReadonlyMap<number, number>;
  /** Shared scalar node id -> index into the shared scalar array S. */
  readonly scalars: ReadonlyMap<number, number>;
}

interface ChunkPlan {
  readonly source: SourceKind;
  readonly levels: number;
  /** Nodes computed in this chunk, topological order. */
  readonly nodes: readonly GraphNode[];
  /** Nodes read from earlier chunks (shared). */
  readonly inputs: ReadonlySet<number>;
  /** Shared nodes this chunk computes and publishes. */
  readonly publishes: ReadonlySet<number>;
  /** Output: [factor index, root node]. */
  readonly outputs: readonly (readonly [number, GraphNode])[];
  readonly shared: SharedSlots;
  /** First f64 slot index of this chunk's own buffers (shared buffers come first, from 0). */
  readonly localBase: number;
}

const SERIES_PREFIX = 'v';

/** Is `field` read straight from a column (so it can be indexed at any row without a buffer)? */
function directColumn(node: GraphNode): string | undefined {
  const f = node.field;
  if (f === undefined || f.type !== 'series') return undefined;
  const marker = f.expr(
    (c) => `@${c}`,
    (c) => `@prev:${c}`,
  );
  return marker === `@${f.columns[0]}` ? f.columns[0] : undefined;
}

/** Generates the kernel of one chunk. @internal */
export function generateKernel(plan: ChunkPlan): KernelSource {
  return new KernelBuilder(plan).build();
}

class KernelBuilder {
  private readonly cols: readonly ColumnSpec[];
  private readonly colIndex = new Map<string, number>();
  private readonly usedCols = new Set<number>();
  private readonly phase = new Map<number, number>();
  /** For scalars: the first loop index before which the value is ready (0 = before the first loop). */
  private readonly ready = new Map<number, number>();
  private readonly buffered = new Map<number, string>();
  private readonly i32 = new Map<number, string>();
  private readonly f64 = new Map<number, string>();
  private readonly prologue: string[] = [];
  /** Columns read at the current row by the loop being generated (loaded once per row into `x<k>`). */
  private loopCols: Set<number> | undefined;
  private localSlots = 0;
  private i32Slots = 0;
  private readonly byId = new Map<number, GraphNode>();

  constructor(private readonly plan: ChunkPlan) {
    this.cols = FRAME_COLUMNS[plan.source];
    this.cols.forEach((c, k) => {
      this.colIndex.set(c.name, k);
    });
    for (const n of plan.nodes) this.byId.set(n.id, n);
  }

  private col(name: string): string {
    const k = this.colIndex.get(name);
    if (k === undefined) throw new Error(`no column ${name} in ${this.plan.source}`);
    this.usedCols.add(k);
    return `c${k}`;
  }

  private isInput(n: GraphNode): boolean {
    return this.plan.inputs.has(n.id);
  }

  /** Phase of a series/levels node; ready index of a scalar node. */
  private computePhases(): number {
    let loops = 0;
    for (const n of this.plan.nodes) {
      if (n.type === 'scalar') {
        let r = 0;
        if (n.kind === 'op' && n.op!.impl.kind === 'reduce') {
          let p = 0;
          for (const a of n.args) p = Math.max(p, this.availPhase(a));
          r = p + 1;
          loops = Math.max(loops, p + 1);
        } else {
          for (const a of n.args) r = Math.max(r, this.readyOf(a));
        }
        this.ready.set(n.id, r);
      } else {
        let p = 0;
        for (const a of n.args) p = Math.max(p, a.type === 'scalar' ? this.readyOf(a) : this.availPhase(a));
        this.phase.set(n.id, p);
        loops = Math.max(loops, p + 1);
      }
    }
    return loops;
  }

  private readyOf(n: GraphNode): number {
    if (n.kind === 'num' || this.isInput(n)) return 0;
    return this.ready.get(n.id) ?? 0;
  }

  private availPhase(n: GraphNode): number {
    if (n.kind === 'field' || this.isInput(n)) return 0;
    return this.phase.get(n.id) ?? 0;
  }

  /** Decides which series nodes get a buffer (read at other rows, in later passes, or by other chunks). */
  private planBuffers(): void {
    const need = new Set<number>();
    for (const n of this.plan.nodes) {
      if (n.kind !== 'op') continue;
      const impl = n.op!.impl;
      const myPhase = n.type === 'scalar' ? undefined : this.phase.get(n.id);
      if (impl.kind === 'rolling') for (const k of impl.history) need.add(n.args[k]!.id);
      if (impl.kind === 'reduce') for (const k of impl.buffered) need.add(n.args[k]!.id);
      for (const a of n.args) {
        if (a.type !== 'series' || a.kind === 'num') continue;
        const consumerPhase = myPhase ?? this.ready.get(n.id)! - 1;
        if (consumerPhase > this.availPhase(a)) need.add(a.id);
      }
    }
    for (const id of this.plan.publishes) need.add(id);
    // Levels values are recomputed in every pass that needs them: their series inputs must then be
    // readable in later passes too.
    const lastPhase = Math.max(0, ...this.phase.values());
    for (const n of this.plan.nodes) {
      if (n.type !== 'levels' || n.kind !== 'op') continue;
      for (const a of n.args) if (a.type === 'series' && this.availPhase(a) < lastPhase) need.add(a.id);
    }
    for (const id of need) {
      const n = this.byId.get(id);
      if (n === undefined || n.type !== 'series' || this.isInput(n) || directColumn(n) !== undefined)
        continue;
      const shared = this.plan.shared.series.get(id);
      const slot = shared !== undefined ? shared : this.plan.localBase + this.localSlots++;
      const name = `b${id}`;
      this.prologue.push(`const ${name} = F[${slot}];`);
      this.buffered.set(id, name);
    }
    // Shared series read from earlier chunks.
    for (const id of this.plan.inputs) {
      const slot = this.plan.shared.series.get(id);
      if (slot === undefined) continue;
      const name = `b${id}`;
      this.prologue.push(`const ${name} = F[${slot}];`);
      this.buffered.set(id, name);
    }
  }

  /** Code of column `name` at the current row: a per-row local inside a loop. */
  private colNow(name: string): string {
    const c = this.col(name);
    if (this.loopCols === undefined) return `${c}[off + i]`;
    const k = this.colIndex.get(name)!;
    this.loopCols.add(k);
    return `x${k}`;
  }

  /** Code of series node `n` at row expression `row` (it must be a column or buffered). */
  private at(n: GraphNode, row: string): string {
    const direct = directColumn(n);
    if (direct !== undefined) return row === 'i' ? this.colNow(direct) : `${this.col(direct)}[off + ${row}]`;
    const b = this.buffered.get(n.id);
    if (b === undefined) throw new Error(`node ${n.id} is not materialised`);
    return `${b}[${row}]`;
  }

  /** Code of a value argument at the current row of loop `p`. */
  private cur(n: GraphNode, p: number): string {
    if (n.kind === 'num') return numberLiteral(n.value);
    if (n.type === 'scalar') return `s${n.id}`;
    if (n.type === 'levels') throw new Error('levels value used as a series');
    const direct = directColumn(n);
    if (direct !== undefined) return this.colNow(direct);
    if (!this.isInput(n) && this.phase.get(n.id) === p) return `${SERIES_PREFIX}${n.id}`;
    return this.at(n, 'i');
  }

  /** Code of a levels (or broadcast series/scalar) argument at level `l` in loop `p`. */
  private curLevel(n: GraphNode, l: number, p: number): string {
    if (n.type !== 'levels') return this.cur(n, p);
    if (l > this.plan.levels) return 'NaN';
    return `${SERIES_PREFIX}${n.id}_${l}`;
  }

  private ctx(n: GraphNode, p: number, out: string): EmitCtx {
    const args = n.args;
    const self = this;
    return {
      a: args.map((a) => (a.type === 'levels' ? 'NaN' : this.cur(a, p))),
      lit: args.map((a) => (a.kind === 'num' ? a.value : undefined)),
      p: n.params,
      s: `t${n.id}_`,
      g: `g${args.map((a) => a.id).join('_')}_`,
      out,
      x: (k, j) => this.at(args[k]!, j),
      lv: (k, l) => this.curLevel(args[k]!, l, p),
      get t() {
        return self.colNow(self.cols[0]!.name);
      },
      num: numberLiteral,
      i32: this.i32.get(n.id) ?? 'Q_none',
      f64: this.f64.get(n.id) ?? 'F_none',
    };
  }

  private scratch(): void {
    const groupBuffers = new Map<string, string>();
    for (const n of this.plan.nodes) {
      if (n.kind !== 'op') continue;
      const impl = n.op!.impl;
      if (impl.kind === 'rolling' && impl.i32 === true) {
        const name = `q${n.id}`;
        this.prologue.push(`const ${name} = Q[${this.i32Slots++}];`);
        this.i32.set(n.id, name);
      }
      if (impl.kind === 'reduce' && impl.f64 === true) {
        // One scratch buffer per group of reducers with the same arguments (they share it).
        const group = n.args.map((a) => a.id).join('_');
        let name = groupBuffers.get(group);
        if (name === undefined) {
          name = `w${group}`;
          groupBuffers.set(group, name);
          this.prologue.push(`const ${name} = F[${this.plan.localBase + this.localSlots++}];`);
        }
        this.f64.set(n.id, name);
      }
    }
  }

  /** Levels each levels node must provide in loop `p` (propagated from its consumers). */
  private levelNeeds(p: number): Map<number, Set<number>> {
    const need = new Map<number, Set<number>>();
    const add = (id: number, ls: Iterable<number>) => {
      let s = need.get(id);
      if (s === undefined) need.set(id, (s = new Set()));
      for (const l of ls) s.add(l);
    };
    const nodes = this.plan.nodes;
    for (let k = nodes.length - 1; k >= 0; k--) {
      const n = nodes[k]!;
      if (n.kind !== 'op') continue;
      const impl = n.op!.impl;
      if (impl.kind === 'level' && this.phase.get(n.id) === p) add(n.args[0]!.id, impl.levels(n.params));
      if (n.type === 'levels' && need.has(n.id)) {
        for (const a of n.args) if (a.type === 'levels') add(a.id, need.get(n.id)!);
      }
    }
    return need;
  }

  private emitLoop(p: number, body: string[]): void {
    const nodes = this.plan.nodes;
    const need = this.levelNeeds(p);
    const usesLevels = need.size > 0;
    const loop: string[] = [];
    const seen = new Set<string>();
    this.loopCols = new Set();
    for (const n of nodes) {
      if (this.isInput(n)) continue;
      if (n.type === 'levels') {
        const ls = need.get(n.id);
        if (ls === undefined) continue;
        for (const l of [...ls].sort((a, b) => a - b)) {
          if (l > this.plan.levels) continue;
          loop.push(`const ${SERIES_PREFIX}${n.id}_${l} = ${this.levelValue(n, l, p)};`);
        }
        continue;
      }
      if (n.type === 'series' && this.phase.get(n.id) === p) {
        if (directColumn(n) === undefined) loop.push(this.seriesCode(n, p));
        continue;
      }
      if (
        n.type === 'scalar' &&
        n.kind === 'op' &&
        n.op!.impl.kind === 'reduce' &&
        this.ready.get(n.id) === p + 1
      ) {
        pushOnce(loop, seen, n.op!.impl.acc(this.ctx(n, p, `s${n.id}`)));
      }
    }
    const cols = [...this.loopCols].sort((a, b) => a - b).map((k) => `const x${k} = c${k}[off + i];`);
    this.loopCols = undefined;
    body.push(`for (let i = 0; i < n; i++) {`);
    if (usesLevels) body.push(`const rl = (off + i) * ${numberLiteral(this.plan.levels)};`);
    body.push(...cols, ...loop, '}');
  }

  private levelValue(n: GraphNode, l: number, p: number): string {
    if (n.kind === 'field') {
      const f = n.field!;
      return f.expr(
        (c) => `${this.col(c)}[rl + ${numberLiteral(l - 1)}]`,
        () => {
          throw new Error('levels fields have no previous-row form');
        },
      );
    }
    const impl = n.op!.impl;
    if (impl.kind !== 'map') throw new Error(`levels result from a ${impl.kind} operator`);
    const c = this.ctx(n, p, '');
    return impl.expr({ ...c, a: n.args.map((a) => this.curLevel(a, l, p)) });
  }

  private seriesCode(n: GraphNode, p: number): string {
    const name = `${SERIES_PREFIX}${n.id}`;
    const store = this.buffered.has(n.id) ? ` ${this.buffered.get(n.id)}[i] = ${name};` : '';
    if (n.kind === 'field') {
      const f = n.field!;
      const expr = f.expr(
        (c) => `${this.col(c)}[off + i]`,
        (c) => `${this.col(c)}[off + i - 1]`,
      );
      return `const ${name} = ${expr};${store}`;
    }
    const impl = n.op!.impl;
    const c = this.ctx(n, p, name);
    switch (impl.kind) {
      case 'map':
      case 'time':
        return `const ${name} = ${impl.expr(c)};${store}`;
      case 'level':
      case 'rolling':
        return `let ${name} = NaN; ${impl.step(c)}${store}`;
      default:
        throw new Error(`series result from a ${impl.kind} operator`);
    }
  }

  /**
   * Scalars ready before loop `r`: the reducers that accumulated in loop r - 1 (their second
   * passes fused into one loop, then their results), then the elementwise scalar nodes.
   */
  private emitScalars(r: number, body: string[]): void {
    const seen = new Set<string>();
    const reducers: GraphNode[] = [];
    for (const n of this.plan.nodes) {
      if (n.type !== 'scalar' || n.kind !== 'op' || this.isInput(n)) continue;
      if (n.op!.impl.kind === 'reduce' && this.ready.get(n.id) === r && r > 0) reducers.push(n);
    }
    const rows: string[] = [];
    const rowSeen = new Set<string>();
    for (const n of reducers) {
      const impl = n.op!.impl as Extract<OpImpl, { kind: 'reduce' }>;
      if (impl.pass2 === undefined) continue;
      const c = this.ctx(n, r - 1, `s${n.id}`);
      pushOnce(body, seen, impl.pass2.pre(c));
      pushOnce(rows, rowSeen, impl.pass2.row(c));
    }
    if (rows.length > 0) body.push('for (let j = 0; j < n; j++) {', ...rows, '}');
    for (const n of reducers) {
      const impl = n.op!.impl as Extract<OpImpl, { kind: 'reduce' }>;
      pushOnce(body, seen, impl.final(this.ctx(n, r - 1, `s${n.id}`)));
    }
    for (const n of this.plan.nodes) {
      if (n.type !== 'scalar' || n.kind !== 'op' || this.isInput(n)) continue;
      const impl = n.op!.impl;
      if (impl.kind === 'reduce' || this.ready.get(n.id) !== r) continue;
      if (impl.kind !== 'map') throw new Error(`scalar result from a ${impl.kind} operator`);
      body.push(`const s${n.id} = ${impl.expr(this.ctx(n, r, `s${n.id}`))};`);
    }
    // Publish shared scalars computed by now.
    for (const id of this.plan.publishes) {
      const n = this.byId.get(id)!;
      const slot = this.plan.shared.scalars.get(id);
      if (slot !== undefined && n.type === 'scalar' && this.ready.get(id) === r)
        body.push(`S[${slot}] = s${id};`);
    }
  }

  private initCode(r: number, body: string[]): void {
    // State of the reducers that accumulate in loop r and of the rolling operators of loop r.
    const seen = new Set<string>();
    for (const n of this.plan.nodes) {
      if (n.kind !== 'op' || this.isInput(n)) continue;
      const impl = n.op!.impl;
      if (impl.kind === 'reduce' && this.ready.get(n.id) === r + 1) {
        body.push(`let s${n.id} = NaN;`);
        pushOnce(body, seen, impl.init(this.ctx(n, r, `s${n.id}`)));
      }
      if (impl.kind === 'rolling' && this.phase.get(n.id) === r)
        body.push(impl.init(this.ctx(n, r, `v${n.id}`)));
    }
  }

  build(): KernelSource {
    const loops = this.computePhases();
    this.planBuffers();
    this.scratch();
    const body: string[] = [];
    // Shared scalars from earlier chunks.
    for (const id of this.plan.inputs) {
      const slot = this.plan.shared.scalars.get(id);
      if (slot !== undefined) body.push(`const s${id} = S[${slot}];`);
    }
    for (let r = 0; r <= loops; r++) {
      this.emitScalars(r, body);
      if (r < loops) {
        this.initCode(r, body);
        this.emitLoop(r, body);
      }
    }
    for (const [f, root] of this.plan.outputs) {
      const v = root.kind === 'num' ? numberLiteral(root.value) : `s${root.id}`;
      body.push(`out[o + ${numberLiteral(f)}] = ${v} - ${v} === 0 ? ${v} : NaN;`);
    }
    const cols = [...this.usedCols].sort((a, b) => a - b).map((k) => `const c${k} = C[${k}];`);
    const code = [
      '// Generated by @hfq/factor-dsl from the operator table and numeric literals only (see codegen.ts).',
      "'use strict';",
      'return function kernel(C, n, off, F, Q, S, out, o) {',
      ...cols,
      ...this.prologue,
      ...body,
      '};',
    ].join('\n');
    return { code, f64Slots: this.plan.localBase + this.localSlots, i32Slots: this.i32Slots };
  }
}

/** Appends the statement(s), skipping ones already emitted in this section (shared reducer state). */
function pushOnce(out: string[], seen: Set<string>, code: string | readonly string[]): void {
  for (const line of typeof code === 'string' ? [code] : code) {
    if (line === '' || seen.has(line)) continue;
    seen.add(line);
    out.push(line);
  }
}

export type { ChunkPlan, OpSpec };
