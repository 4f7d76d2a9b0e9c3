/**
 * `highs` and `javascript-lp-solver` ship ESM builds with a default export but declare their
 * types as CommonJS, so TypeScript (NodeNext) types the default import as the module namespace.
 * At run time the default import is the value itself; this picks whichever is present.
 */
export function interopDefault<T>(imported: unknown): T {
  const inner = (imported as { default?: unknown } | undefined)?.default;
  return (inner ?? imported) as T;
}
