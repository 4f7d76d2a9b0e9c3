/**
 * First index `i` in `[0, end)` with `sorted[i] >= value` (`end` when there is none): the binary
 * search every sorted date list in hfq uses (calendars, panel rows, dataset dates, sorted
 * cross-sections). `sorted[0..end)` must be ascending; NaN entries are not allowed (NaN `value`
 * returns `end`). O(log n).
 *
 * @param end length of the sorted prefix to search; default `sorted.length`.
 */
export function lowerBound(sorted: ArrayLike<number>, value: number, end: number = sorted.length): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of `value` in ascending `sorted`, or -1 when it is not there. O(log n). */
export function sortedIndexOf(sorted: ArrayLike<number>, value: number): number {
  const i = lowerBound(sorted, value);
  return i < sorted.length && sorted[i] === value ? i : -1;
}
