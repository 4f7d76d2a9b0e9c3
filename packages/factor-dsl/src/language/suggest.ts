import { SOURCE_FIELDS } from '../ops/fields.js';
import { callableNames } from '../ops/table.js';

/** Levenshtein distance, capped (names are short: at most 64 characters). */
function distance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur[j] = Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n]!;
}

/** `; did you mean 'x'?` for the closest of `candidates` (or the operator names), or ''. */
export function suggestName(name: string, candidates: readonly string[] = callableNames()): string {
  const lower = name.toLowerCase();
  let best = '';
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(lower, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(1, Math.floor(name.length / 3)) ? `; did you mean '${best}'?` : '';
}

/** All field names of all sources (for suggestions). */
export function allFieldNames(): string[] {
  return [...new Set(Object.values(SOURCE_FIELDS).flatMap((fs) => fs.map((f) => f.name)))];
}
