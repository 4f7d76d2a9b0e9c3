/**
 * Child-process probe of `FactorOutputSource`'s memory: iterates `day(t)` over every date of a
 * factor output, keeping a `WeakRef` to each matrix it returns, and after a full GC counts the
 * matrices still alive (what the source retains). Prints JSON `{ days, alive, maxRssKb }`.
 *
 *   node --expose-gc --conditions=source --import tsx factor-source-probe.ts <factor-out> [cacheDays=2]
 */
import { openFactorSource } from '../factor-source.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const src = openFactorSource(process.argv[2]!, { cacheDays: Number(process.argv[3] ?? 2) });
const refs: WeakRef<Float32Array>[] = [];
let sum = 0;
for (let t = 0; t < src.dates.length; t++) {
  const m = src.day(t);
  for (let i = 0; i < m.length; i++) if (!Number.isNaN(m[i]!)) sum += m[i]!;
  refs.push(new WeakRef(m));
}
for (let i = 0; i < 3; i++) {
  gc();
  await new Promise((r) => setImmediate(r));
}
const alive = refs.filter((r) => r.deref() !== undefined).length;
await src.close();
process.stdout.write(
  `${JSON.stringify({ days: src.dates.length, alive, finite: Number.isFinite(sum), maxRssKb: process.resourceUsage().maxRSS })}\n`,
);
