/**
 * The shape of one operator-table entry. The table (`OPERATORS`, assembled in `table.ts` from one
 * file per family) is the single source of truth of the language: the parser reads names, aliases,
 * syntax and arities from it; the type checker reads argument kinds and result types; the code
 * generator reads the implementation templates; the docs page and the fuzzer are generated from it.
 */

/** The frame sources a formula can read. */
export type SourceKind = 'minute' | 'vbar' | 'tick';

/** All sources, in documentation order. */
export const SOURCE_KINDS: readonly SourceKind[] = Object.freeze(['minute', 'vbar', 'tick'] as const);

/**
 * Value types. `scalar`: one number per stock-day. `series`: one number per bar (row) of the frame.
 * `levels`: one number per bar and order-book level (tick source only).
 */
export type ValueType = 'scalar' | 'series' | 'levels';

/** Rank of a value type for broadcasting (scalar < series < levels). */
export const TYPE_RANK: Readonly<Record<ValueType, number>> = Object.freeze({
  scalar: 0,
  series: 1,
  levels: 2,
});

/** An argument that is an expression (a field, a call, a literal used as a scalar). */
export interface ValueArg {
  readonly name: string;
  readonly kind: 'value';
  readonly accepts: readonly ValueType[];
}

/**
 * An argument that must be an integer literal. `window` (>= min, <= limits.maxWindow), `lag`
 * (>= 0, <= limits.maxWindow: no negative lags, so no look-ahead), `level` (1..limits.maxLevels),
 * `minutes` (trading minutes, 1..240).
 */
export interface IntArg {
  readonly name: string;
  readonly kind: 'int';
  readonly role: 'window' | 'lag' | 'level' | 'minutes';
  readonly min: number;
  readonly default?: number;
}

/** An argument that must be a numeric literal, optionally within [min, max]. */
export interface ConstArg {
  readonly name: string;
  readonly kind: 'const';
  readonly min?: number;
  readonly max?: number;
  readonly default?: number;
}

/** A clock time literal `HHMM` (e.g. `1030` = 10:30). */
export interface ClockArg {
  readonly name: string;
  readonly kind: 'clock';
}

export type ArgSpec = ValueArg | IntArg | ConstArg | ClockArg;

/** How an operator is written when it is not a plain function call. */
export type OpSyntax =
  | {
      readonly kind: 'infix';
      readonly symbol: string;
      readonly prec: number;
      readonly assoc: 'left' | 'right' | 'none';
    }
  | { readonly kind: 'prefix'; readonly symbol: string; readonly prec: number }
  | { readonly kind: 'index' };

/** What an operator's code template is given by the code generator. */
export interface EmitCtx {
  /** Code of each value argument at the current row (an identifier or a numeric literal). */
  readonly a: readonly string[];
  /** The literal value of each value argument when it is a literal, else undefined. */
  readonly lit: readonly (number | undefined)[];
  /** The non-value (literal) arguments, in argument order. */
  readonly p: readonly number[];
  /** Unique prefix for this node's variables. */
  readonly s: string;
  /**
   * Prefix shared by every node with the same value arguments (e.g. `std(x)` and `skew(x)`): state
   * declared under it is computed once when the templates emit identical statements (the code
   * generator drops exact duplicates within a section).
   */
  readonly g: string;
  /** Variable the statement templates assign the node's value to. */
  readonly out: string;
  /** Code of value argument `k` at row expression `j` (only for arguments the op marks as history/buffered). */
  x(k: number, j: string): string;
  /** Code of value argument `k` (a levels value) at order-book level `level` (1-based); `NaN` beyond the frame's levels. */
  lv(k: number, level: number): string;
  /** Code of the current row's time (ms since midnight). */
  readonly t: string;
  /** A numeric literal as code (validated finite). */
  num(x: number): string;
  /** Name of an Int32Array scratch buffer of length >= n (only when the op asks for one). */
  readonly i32: string;
  /** Name of a Float64Array scratch buffer of length >= n (only when the op asks for one). */
  readonly f64: string;
}

/** Elementwise: an expression of the arguments at the same row (or of scalars). */
export interface MapImpl {
  readonly kind: 'map';
  expr(c: EmitCtx): string;
}

/** Time-of-day filter: an expression of the argument and the row's time. */
export interface TimeImpl {
  readonly kind: 'time';
  expr(c: EmitCtx): string;
}

/** Levels -> series: statements assigning `c.out` from `c.lv(0, level)` for the levels it names. */
export interface LevelImpl {
  readonly kind: 'level';
  /** The levels read, given the literal arguments. */
  levels(p: readonly number[]): number[];
  step(c: EmitCtx): string;
}

/**
 * Rolling within the day: state declared before the row loop (`init`), updated each row (`step`,
 * which assigns `c.out`). Reads only the current and earlier rows: no look-ahead inside the day.
 */
export interface RollingImpl {
  readonly kind: 'rolling';
  /** Value arguments read at earlier rows through `c.x` (they get materialised). */
  readonly history: readonly number[];
  /** Needs an Int32Array scratch buffer of length n. */
  readonly i32?: boolean;
  init(c: EmitCtx): string;
  step(c: EmitCtx): string;
}

/**
 * Reducer to one number per frame: `init` before the row loop, `acc` each row (current values in
 * `c.a`), then `final` after the loop (assigns `c.out`). A reducer that needs a second look at
 * the rows (centred moments, order statistics) also has `pass2`: `pre` after the row loop, `row`
 * for each row `j` (values through `c.x(k, 'j')` for the arguments listed in `buffered`), `post`
 * after it; the second passes of all reducers that finish together are fused into one loop.
 * Each part returns one statement or several; identical statements of several nodes are emitted
 * once (how `std(x)` and `skew(x)` share their sums).
 */
export interface ReduceImpl {
  readonly kind: 'reduce';
  readonly buffered: readonly number[];
  /** Needs a Float64Array scratch buffer of length n (sorting for quantiles). */
  readonly f64?: boolean;
  init(c: EmitCtx): string | readonly string[];
  acc(c: EmitCtx): string | readonly string[];
  final(c: EmitCtx): string | readonly string[];
  readonly pass2?: {
    pre(c: EmitCtx): string | readonly string[];
    row(c: EmitCtx): string | readonly string[];
  };
}

/**
 * Defined in the language itself: `body` is a formula over the arguments (`$x`, `$k`), expanded
 * before compilation, so its subexpressions are shared with the same subexpressions written out.
 */
export interface MacroImpl {
  readonly kind: 'macro';
  readonly body: string;
}

/**
 * Evaluated by the daily evaluator (`src/daily/`): a time-series operator across trading days, a
 * cross-sectional operator per date, or a group operator per date and industry. Its kernel is
 * looked up by the operator's name; the intraday code generator never sees it (the intraday type
 * checker refuses daily operators).
 */
export interface DailyImpl {
  readonly kind: 'daily';
}

export type OpImpl = MapImpl | TimeImpl | LevelImpl | RollingImpl | ReduceImpl | MacroImpl | DailyImpl;

/**
 * The level of the language an operator belongs to. `intraday`: over the bars of one stock-day
 * (the frame sources). `daily`: over a dates x assets panel (across trading days, across stocks
 * per date). Elementwise operators (arithmetic, comparison, logic, math) work at both levels.
 */
export type OpLevel = 'intraday' | 'daily';

/** Operator families, in documentation order. */
export const OP_FAMILIES = [
  'arithmetic',
  'comparison',
  'logic',
  'math',
  'rolling',
  'reducer',
  'time',
  'level',
  'book',
  'daily_ts',
  'cross_section',
  'group',
] as const;
export type OpFamily = (typeof OP_FAMILIES)[number];

/** One operator-table entry. */
export interface OpSpec {
  /** Canonical name (what the printer writes for call syntax, and the AST's `op`). */
  readonly name: string;
  /** Other names the parser accepts (printed as `name`). */
  readonly aliases?: readonly string[];
  /**
   * The level the operator belongs to: `daily` for the operators over dates x assets panels;
   * absent for intraday operators. Elementwise operators (families arithmetic, comparison, logic,
   * math, without `sources`) are available at both levels.
   */
  readonly level?: 'daily';
  /**
   * qlib's spelling of the operator (`Mean`, `Ref`, `Greater`), accepted by the parser at the
   * daily level only, so qlib expressions such as `Mean($close, 5)` parse verbatim.
   */
  readonly qlib?: string;
  readonly family: OpFamily;
  readonly syntax?: OpSyntax;
  readonly args: readonly ArgSpec[];
  /** `broadcast`: the highest-ranked type among the value arguments (scalar < series < levels). */
  readonly result: ValueType | 'broadcast';
  /** Swapping the (two) value arguments gives the same value, bit for bit; used by the hash. */
  readonly commutative?: boolean;
  /** Restricts the operator to these sources (default: all). */
  readonly sources?: readonly SourceKind[];
  /** Window rule, one line (empty for elementwise operators). */
  readonly window: string;
  /** What the operator does with missing (non-finite) values, one line. */
  readonly nan: string;
  /** What it computes, one line. */
  readonly doc: string;
  /** A short example formula using it. */
  readonly example: string;
  /** Estimated work per row for the cost limit, given the literal arguments (default 1). */
  cost?(p: readonly number[]): number;
  /** Checks relations between literal arguments (e.g. lo <= hi); returns a message when they are wrong. */
  checkArgs?(p: readonly number[]): string | undefined;
  readonly impl: OpImpl;
}
