/**
 * Safety limits of the factor language. Formulas are untrusted text (an LLM writes them): every
 * limit is checked by `parseFactor`/`checkFactor` before anything is compiled or evaluated, so no
 * formula can recurse without bound, allocate without bound or run for long.
 */
export interface FactorLimits {
  /** Longest formula text, characters. Default 2000. */
  maxLength: number;
  /** Deepest nesting of the AST (a literal or field is depth 1). Default 32. */
  maxDepth: number;
  /** Most AST nodes in one formula (calls, operators, fields, literals). Default 256. */
  maxNodes: number;
  /** Largest window or lag argument, in bars (rows of the frame). Default 1200. */
  maxWindow: number;
  /** Largest order-book level that may be addressed (1-based). Default 10. */
  maxLevels: number;
  /**
   * Largest estimated work per frame row after macro expansion: each node costs 1, a rolling rank
   * over `w` bars costs `w`, a level sum over `k` levels costs `k`; identical subexpressions count
   * once, as the compiler computes them once. Measured in time linear in the formula (macros nested
   * in macros are never expanded into a tree). Default 5000 (a tick day of ~4800 rows then
   * costs at most ~24 M operations).
   */
  maxCostPerRow: number;
  /**
   * Most formulas compiled into one program (one `compileFactors` call; per source in a factor set).
   * Default 2048 (the shipped library has at most 115 per source); checked before any formula is
   * parsed, so a huge set is refused at once instead of compiling for many seconds.
   */
  maxFormulas: number;
}

/** The default limits (frozen). */
export const DEFAULT_LIMITS: Readonly<FactorLimits> = Object.freeze({
  maxLength: 2000,
  maxDepth: 32,
  maxNodes: 256,
  maxWindow: 1200,
  maxLevels: 10,
  maxCostPerRow: 5000,
  maxFormulas: 2048,
});

/** `DEFAULT_LIMITS` overridden by the given members. */
export function resolveLimits(limits?: Partial<FactorLimits>): Readonly<FactorLimits> {
  if (limits === undefined) return DEFAULT_LIMITS;
  return Object.freeze({ ...DEFAULT_LIMITS, ...limits });
}
