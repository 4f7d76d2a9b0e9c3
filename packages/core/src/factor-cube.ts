import { checkYmd } from './dates.js';
import { HfqError } from './errors.js';
import { Panel } from './panel.js';

/**
 * Per-day factor matrices: for each trading day, an `assets x factors` float32 matrix, row-major
 * by asset (`day(t)[a * nFactors + f]`). This is what factor evaluation writes and what model
 * datasets read: windows of days are read day by day, so a full dates x assets x factors cube
 * (18 GB at paper scale) never has to exist in one piece. Missing = NaN.
 */
export interface FactorSource {
  readonly dates: Int32Array;
  readonly assets: readonly string[];
  readonly factors: readonly string[];
  /** The `assets x factors` matrix of date index `t` (may be a view; do not write to it). */
  day(t: number): Float32Array;
}

/** An in-memory `FactorSource`: one separately allocated `Float32Array` per day. */
export class FactorCube implements FactorSource {
  readonly dates: Int32Array;
  readonly assets: readonly string[];
  readonly factors: readonly string[];
  private readonly days: Float32Array[];

  /**
   * @param days optional per-day matrices (taken, not copied), each `assets.length * factors.length`
   * long; omitted days are allocated all-NaN.
   */
  constructor(
    dates: ArrayLike<number>,
    assets: readonly string[],
    factors: readonly string[],
    days?: Float32Array[],
  ) {
    this.dates = Int32Array.from(dates);
    for (let i = 0; i < this.dates.length; i++) {
      checkYmd(this.dates[i]!, `dates[${i}]`);
      if (i > 0 && this.dates[i]! <= this.dates[i - 1]!) {
        throw new HfqError('NOT_SORTED', 'factor cube dates must be strictly increasing', {
          row: i,
          date: this.dates[i]!,
        });
      }
    }
    this.assets = Object.freeze([...assets]);
    this.factors = Object.freeze([...factors]);
    if (new Set(this.factors).size !== this.factors.length) {
      throw new HfqError('DUPLICATE', 'factor names must be unique', { field: 'factors' });
    }
    const size = this.assets.length * this.factors.length;
    if (days && days.length !== this.dates.length) {
      throw new HfqError('SHAPE_MISMATCH', `got ${days.length} day matrices for ${this.dates.length} dates`);
    }
    this.days = Array.from({ length: this.dates.length }, (_, t) => {
      const d = days?.[t];
      if (d === undefined) return new Float32Array(size).fill(NaN);
      if (d.length !== size) {
        throw new HfqError(
          'SHAPE_MISMATCH',
          `day ${t} has ${d.length} values, expected ${this.assets.length} assets x ${this.factors.length} factors`,
          { date: this.dates[t]! },
        );
      }
      return d;
    });
  }

  get nDates(): number {
    return this.dates.length;
  }
  get nAssets(): number {
    return this.assets.length;
  }
  get nFactors(): number {
    return this.factors.length;
  }

  /** The matrix of date index `t` (writable view). */
  day(t: number): Float32Array {
    const d = this.days[t];
    if (d === undefined)
      throw new HfqError('OUT_OF_RANGE', `date index ${t} outside [0, ${this.days.length - 1}]`);
    return d;
  }

  get(t: number, a: number, f: number): number {
    return this.day(t)[a * this.factors.length + f]!;
  }

  set(t: number, a: number, f: number, v: number): void {
    this.day(t)[a * this.factors.length + f] = v;
  }

  /** Index of factor `name`, -1 if absent. */
  factorIndex(name: string): number {
    return this.factors.indexOf(name);
  }

  /** One factor as a dates x assets float64 panel (a copy). */
  factorPanel(f: number | string): Panel<Float64Array> {
    const fi = typeof f === 'string' ? this.factorIndex(f) : f;
    if (fi < 0 || fi >= this.factors.length)
      throw new HfqError('NOT_FOUND', `no factor ${String(f)}`, { field: String(f) });
    const p = Panel.alloc(this.dates, this.assets, 'float64');
    const nf = this.factors.length;
    const na = this.assets.length;
    for (let t = 0; t < this.dates.length; t++) {
      const d = this.days[t]!;
      const row = p.row(t);
      for (let a = 0; a < na; a++) row[a] = d[a * nf + fi]!;
    }
    return p;
  }

  /** Builds a cube from one panel per factor (all on the same dates and assets). */
  static fromPanels(panels: Record<string, Panel>): FactorCube {
    const names = Object.keys(panels);
    if (names.length === 0) throw new HfqError('INVALID_ARGUMENT', 'fromPanels needs at least one panel');
    const first = panels[names[0]!]!;
    const cube = new FactorCube(first.dates, first.assets, names);
    names.forEach((name, f) => {
      const p = panels[name]!;
      if (
        p.nDates !== first.nDates ||
        p.nAssets !== first.nAssets ||
        p.assets.some((a, i) => a !== first.assets[i])
      ) {
        throw new HfqError(
          'SHAPE_MISMATCH',
          `panel ${name} is not on the same dates and assets as ${names[0]}`,
          {
            field: name,
          },
        );
      }
      for (let t = 0; t < p.nDates; t++) {
        if (p.dates[t] !== first.dates[t]) {
          throw new HfqError('SHAPE_MISMATCH', `panel ${name} has other dates than ${names[0]}`, {
            field: name,
          });
        }
        const row = p.row(t);
        const d = cube.day(t);
        for (let a = 0; a < row.length; a++) d[a * names.length + f] = row[a]!;
      }
    });
    return cube;
  }

  /** A cube with only the named factors, in that order (copies). */
  selectFactors(names: readonly string[]): FactorCube {
    const idx = names.map((n) => {
      const i = this.factorIndex(n);
      if (i < 0) throw new HfqError('NOT_FOUND', `no factor ${n}`, { field: n });
      return i;
    });
    const nf = this.factors.length;
    const days = this.days.map((d) => {
      const out = new Float32Array(this.assets.length * idx.length);
      for (let a = 0; a < this.assets.length; a++) {
        for (let k = 0; k < idx.length; k++) out[a * idx.length + k] = d[a * nf + idx[k]!]!;
      }
      return out;
    });
    return new FactorCube(this.dates, this.assets, names, days);
  }
}
