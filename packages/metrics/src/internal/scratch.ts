/**
 * Growable scratch buffers shared by the single-threaded kernels of this package, so that a
 * function called once per date (or per training batch) does not allocate. JavaScript runs one
 * call at a time and none of the kernels yields, so sharing is safe.
 */
export class Float64Scratch {
  private buffer = new Float64Array(0);

  /** A buffer of at least `n` elements (contents unspecified). */
  get(n: number): Float64Array {
    if (this.buffer.length < n) this.buffer = new Float64Array(Math.max(n, this.buffer.length * 2, 64));
    return this.buffer;
  }
}
