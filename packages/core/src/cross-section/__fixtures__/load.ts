import { readFileSync } from 'node:fs';

/** Decodes the fixture encoding (null = NaN, "Infinity"/"-Infinity" strings). */
export function dec(a: readonly (number | string | null)[]): Float64Array {
  return Float64Array.from(a, (v) => {
    if (v === null) return NaN;
    if (typeof v === 'number') return v;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    throw new Error(`bad fixture value ${v}`);
  });
}

export type Enc = (number | string | null)[];

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON, shape documented in the Python script
export const fixtures: any = JSON.parse(readFileSync(new URL('./preprocess.json', import.meta.url), 'utf8'));

/** Asserts `actual` equals `expected` elementwise: same NaN pattern, |diff| <= atol + rtol * |expected|. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol = 1e-12,
  atol = 1e-12,
): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e)) {
      if (!Number.isNaN(a)) throw new Error(`[${i}] expected NaN, got ${a}`);
      continue;
    }
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) throw new Error(`[${i}] expected ${e}, got ${a}`);
  }
}
