import { readFileSync } from 'node:fs';
import type { MinuteBars, TickSnapshots, VolumeBars } from '@hfq/bars';
import type { SourceKind } from '../ops/spec.js';

/** The frames and cases of `__fixtures__/operators.json` (made by make_operator_fixtures.py). */
export interface OperatorFixture {
  frames: { minute: MinuteBars; vbar: VolumeBars; tick: TickSnapshots };
  cases: { source: SourceKind; formula: string; expected: number }[];
}

const INT_COLUMNS = new Set(['time', 'startTime', 'endTime', 'minutes']);

export function loadOperatorFixture(): OperatorFixture {
  const raw = JSON.parse(
    readFileSync(new URL('../__fixtures__/operators.json', import.meta.url), 'utf8'),
  ) as {
    frames: Record<string, Record<string, (number | null)[] | number>>;
    cases: { source: SourceKind; formula: string; expected: number | null }[];
  };
  const frame = (f: Record<string, (number | null)[] | number>) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(f)) {
      if (typeof v === 'number') out[k] = v;
      else
        out[k] = INT_COLUMNS.has(k)
          ? Int32Array.from(v, (x) => x ?? 0)
          : Float64Array.from(v, (x) => x ?? NaN);
    }
    return out;
  };
  const vbar = frame(raw.frames.vbar!) as unknown as VolumeBars;
  vbar.barVolume = 50000;
  vbar.lastPartial = true;
  return {
    frames: {
      minute: frame(raw.frames.minute!) as unknown as MinuteBars,
      vbar,
      tick: frame(raw.frames.tick!) as unknown as TickSnapshots,
    },
    cases: raw.cases.map((c) => ({ ...c, expected: c.expected ?? NaN })),
  };
}

/** Same value within 1e-9 relative (plus 1e-10 absolute), or both NaN. */
export function close(actual: number, expected: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  return Math.abs(actual - expected) <= 1e-9 * Math.abs(expected) + 1e-10;
}
