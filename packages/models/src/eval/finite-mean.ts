/** Mean of the finite values of `v`; NaN when there are none. */
export function finiteMean(v: ArrayLike<number>): number {
  let n = 0;
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    if (Number.isFinite(v[i]!)) {
      n++;
      s += v[i]!;
    }
  }
  return n > 0 ? s / n : Number.NaN;
}
