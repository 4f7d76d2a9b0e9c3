import type { HfqErrorContext } from '@hfq/core';
import { type BarsError, type BarsErrorCode, barsError, checkOption } from '../errors.js';

/** One broken rule found by a `find...Issues` function. */
export interface ValidationIssue {
  code: BarsErrorCode;
  message: string;
  /** Field (column) name. */
  field?: string;
  /** 0-based row of the frame. */
  row?: number;
  /** 1-based book level, for per-level fields. */
  level?: number;
  asset?: string;
  date?: number;
}

/** Knobs of the validators (all optional). */
export interface ValidationOptions {
  /**
   * Price grid in yuan: prices must be multiples of it. Default 0.01 (A-share stocks); 0.001 for
   * funds; `null` skips the grid rule.
   */
  tickSize?: number | null;
  /**
   * Absolute slack in yuan for price comparisons (high >= low, open within [low, high]) and for
   * the grid: binary floats such as 82.65999999999998 are on the 0.01 grid. Default 1e-6.
   */
  priceTolerance?: number;
  /**
   * Relative slack of the VWAP rule: amount / volume must lie in
   * [low * (1 - tol), high * (1 + tol)]. Default 0.01 (1 %): catches volume in lots (100x) or
   * amount in 10k yuan, and tolerates bars whose high/low were sampled from snapshots.
   */
  vwapTolerance?: number;
  /** `find...Issues` stops after this many issues. Default 100. */
  maxIssues?: number;
  /**
   * Session rule of minute bars: `'a-share'` (default) requires every bar end time to be in the
   * A-share session (`isMinuteBarEndInSession`: 09:25..11:30, 13:01..15:00), which also catches a
   * `time` column read in the wrong unit; `null` skips it (other markets, synthetic clocks).
   */
  session?: 'a-share' | null;
}

export interface ResolvedValidationOptions {
  tickSize: number | null;
  priceTolerance: number;
  vwapTolerance: number;
  maxIssues: number;
  session: 'a-share' | null;
}

export function resolveValidationOptions(o: ValidationOptions = {}): ResolvedValidationOptions {
  const tickSize = o.tickSize === undefined ? 0.01 : o.tickSize;
  checkOption(
    tickSize === null || (tickSize > 0 && tickSize < Infinity),
    'tickSize',
    `must be a positive number or null, got ${tickSize}`,
  );
  const priceTolerance = o.priceTolerance ?? 1e-6;
  checkOption(priceTolerance >= 0 && priceTolerance < Infinity, 'priceTolerance', 'must be >= 0');
  const vwapTolerance = o.vwapTolerance ?? 0.01;
  checkOption(vwapTolerance >= 0 && vwapTolerance < Infinity, 'vwapTolerance', 'must be >= 0');
  const maxIssues = o.maxIssues ?? 100;
  checkOption(Number.isInteger(maxIssues) && maxIssues > 0, 'maxIssues', 'must be a positive integer');
  const session = o.session === undefined ? 'a-share' : o.session;
  checkOption(session === 'a-share' || session === null, 'session', `must be 'a-share' or null`);
  return { tickSize, priceTolerance, vwapTolerance, maxIssues, session };
}

/** Collects issues up to a limit; `full` tells a validator to stop scanning. */
export class IssueList {
  readonly issues: ValidationIssue[] = [];
  constructor(
    private readonly limit: number,
    private readonly key: { asset?: string; date?: number },
  ) {}

  get full(): boolean {
    return this.issues.length >= this.limit;
  }

  add(
    code: BarsErrorCode,
    message: string,
    where: { field?: string; row?: number; level?: number } = {},
  ): void {
    if (this.full) return;
    const issue: ValidationIssue = { code, message, ...where };
    if (this.key.asset !== undefined) issue.asset = this.key.asset;
    if (this.key.date !== undefined) issue.date = this.key.date;
    this.issues.push(issue);
  }
}

/** The first issue as an `HfqError` (context: field, asset, date, row, level, and the issue count). */
export function issueToError(issue: ValidationIssue, total: number, extra: HfqErrorContext = {}): BarsError {
  const ctx: HfqErrorContext = { ...extra };
  if (issue.field !== undefined) ctx.field = issue.field;
  if (issue.asset !== undefined) ctx.asset = issue.asset;
  if (issue.date !== undefined) ctx.date = issue.date;
  if (issue.row !== undefined) ctx.row = issue.row;
  if (issue.level !== undefined) ctx.level = issue.level;
  if (total > 1) ctx.moreIssues = total - 1;
  return barsError(issue.code, issue.message, ctx);
}

/** True when `p` is a multiple of `tick` within `tol` yuan. */
export function onGrid(p: number, tick: number, tol: number): boolean {
  return Math.abs(p - Math.round(p / tick) * tick) <= tol;
}
