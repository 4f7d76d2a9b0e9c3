import type { MinuteBars, TickSnapshots } from '@hfq/bars';
import { equalVolumeBars } from '@hfq/bars';
import { HfqError } from '@hfq/core';
import { type CompileOptions, compileFactors, type FactorProgram } from '../compile/program.js';
import { dslError } from '../language/errors.js';
import { SOURCE_KINDS, type SourceKind } from '../ops/spec.js';

/** One factor: an id (unique in a set), the source it reads, its formula, and what it means. */
export interface FactorDef {
  readonly id: string;
  readonly source: SourceKind;
  readonly formula: string;
  /** Group, e.g. `intraday return`, `order imbalance`. */
  readonly family?: string;
  /** One line: what the factor measures. */
  readonly meaning?: string;
}

/**
 * How equal-volume bars are cut for the `vbar` source: the bar size of stock-day T is the mean
 * daily volume of the `lookback` trading days before T divided by `barNum` (via
 * `equalVolumeBarSize` of `@hfq/bars`), so about `barNum` bars a day (fewer when a single minute
 * completes several bar volumes); T's own volume is never used to size its bars.
 */
export interface VolumeBarOptions {
  /** Bars wanted per day. Default 50. */
  barNum: number;
  /** Trailing trading days that size the bars. Default 5. */
  lookback: number;
}

export const DEFAULT_VOLUME_BAR_OPTIONS: Readonly<VolumeBarOptions> = Object.freeze({
  barNum: 50,
  lookback: 5,
});

/** The frames of one stock-day, fetched on demand. */
export interface StockDayFrames {
  minute(): MinuteBars | null;
  tick(): TickSnapshots | null;
  /** Bar size (shares) for the vbar source; NaN when it cannot be sized (not enough history). */
  barVolume(): number;
}

/** Options of `compileFactorSet`. */
export interface FactorSetOptions extends CompileOptions {
  vbar?: Partial<VolumeBarOptions>;
}

/**
 * A compiled set of factors over any mix of sources: one `FactorProgram` per source, evaluated on
 * a stock-day's frames into one row of values in the set's order.
 */
export class FactorSet {
  readonly defs: readonly FactorDef[];
  readonly ids: readonly string[];
  readonly vbar: Readonly<VolumeBarOptions>;
  /** Per source: its program and, for each of its formulas, the column in the set. */
  readonly parts: ReadonlyMap<SourceKind, { readonly program: FactorProgram; readonly columns: Int32Array }>;
  private readonly scratch: Float64Array;

  /** @internal use `compileFactorSet` */
  constructor(defs: readonly FactorDef[], options: FactorSetOptions) {
    this.defs = Object.freeze([...defs]);
    this.ids = Object.freeze(defs.map((d) => d.id));
    this.vbar = Object.freeze({ ...DEFAULT_VOLUME_BAR_OPTIONS, ...options.vbar });
    for (const key of ['barNum', 'lookback'] as const) {
      const v = this.vbar[key];
      if (!Number.isInteger(v) || v < 1) {
        throw dslError('DSL_INPUT', `vbar.${key} must be a positive integer, got ${v}`, {
          field: `vbar.${key}`,
        });
      }
    }
    const seen = new Set<string>();
    defs.forEach((d, k) => {
      if (typeof d.id !== 'string' || d.id.length === 0)
        throw dslError('DSL_INPUT', `factor ${k} has no id`, { row: k });
      if (seen.has(d.id)) throw dslError('DSL_INPUT', `duplicate factor id ${d.id}`, { field: d.id, row: k });
      seen.add(d.id);
      if (!SOURCE_KINDS.includes(d.source)) {
        throw dslError('DSL_INPUT', `factor ${d.id} has unknown source ${String(d.source)}`, {
          field: d.id,
          row: k,
        });
      }
    });
    const parts = new Map<SourceKind, { program: FactorProgram; columns: Int32Array }>();
    let widest = 0;
    for (const source of SOURCE_KINDS) {
      const cols: number[] = [];
      defs.forEach((d, k) => {
        if (d.source === source) cols.push(k);
      });
      if (cols.length === 0) continue;
      let program: FactorProgram;
      try {
        program = compileFactors(
          cols.map((k) => defs[k]!.formula),
          source,
          options,
        );
      } catch (e) {
        const row = HfqError.is(e) ? e.context.row : undefined;
        if (HfqError.is(e) && typeof row === 'number') {
          const id = defs[cols[row]!]!.id;
          throw new HfqError(e.code, `factor ${id}: ${e.message}`, {
            ...e.context,
            field: id,
            row: cols[row]!,
          });
        }
        throw e;
      }
      parts.set(source, { program, columns: Int32Array.from(cols) });
      widest = Math.max(widest, cols.length);
    }
    this.parts = parts;
    this.scratch = new Float64Array(widest);
  }

  get nFactors(): number {
    return this.defs.length;
  }

  /** True when some factor reads `source`. */
  reads(source: SourceKind): boolean {
    return this.parts.has(source);
  }

  /**
   * Evaluates every factor on one stock-day, writing `nFactors` values at `out[o..]` (NaN where a
   * source has no frame that day, e.g. suspended, or equal-volume bars cannot be sized).
   */
  evaluateStockDay(frames: StockDayFrames, out: Float64Array | Float32Array, o: number): void {
    const minuteNeeded = this.parts.has('minute') || this.parts.has('vbar');
    const minute = minuteNeeded ? frames.minute() : null;
    for (const [source, part] of this.parts) {
      let ok = false;
      if (source === 'minute' && minute !== null) {
        part.program.evaluateFrame(minute, this.scratch);
        ok = true;
      } else if (source === 'vbar' && minute !== null) {
        const size = frames.barVolume();
        if (size > 0 && Number.isFinite(size)) {
          part.program.evaluateFrame(equalVolumeBars(minute, size), this.scratch);
          ok = true;
        }
      } else if (source === 'tick') {
        const ticks = frames.tick();
        if (ticks !== null) {
          part.program.evaluateFrame(ticks, this.scratch);
          ok = true;
        }
      }
      const cols = part.columns;
      for (let k = 0; k < cols.length; k++) out[o + cols[k]!] = ok ? this.scratch[k]! : NaN;
    }
  }
}

/**
 * Compiles a set of factor definitions (any mix of sources). Checks every formula (`checkFactor`)
 * and that ids are unique. @throws HfqError (`DSL_*`, with the factor id in `context.field`)
 */
export function compileFactorSet(defs: readonly FactorDef[], options: FactorSetOptions = {}): FactorSet {
  return new FactorSet(defs, options);
}
