import { HfqError } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { compileFactors } from '../compile/program.js';
import type { SourceKind } from '../ops/spec.js';
import type { FactorAst } from './ast.js';
import { checkFactor } from './check.js';
import { parseFactor } from './parser.js';

function err(text: string, source: SourceKind = 'minute'): HfqError {
  try {
    checkFactor(text, source);
  } catch (e) {
    if (HfqError.is(e)) return e;
    throw e;
  }
  throw new Error(`no error for ${text}`);
}

describe('checkFactor', () => {
  it('accepts well-typed formulas and describes them', () => {
    const c = checkFactor('corr(close, volume) + std(ts_mean(log_return(close), 30))', 'minute');
    expect(c.type).toBe('scalar');
    expect(c.text).toBe('corr(close, volume) + std(ts_mean(log_return(close, 1), 30))');
    expect(c.maxWindow).toBe(30);
    expect(c.fields).toEqual(['close', 'volume']);
    expect(c.depth).toBe(5);
    expect(checkFactor(parseFactor('mean(vwap)'), 'minute').fields).toEqual(['vwap']);
  });

  it('broadcasts scalars over series and series over levels', () => {
    expect(checkFactor('mean(close / first(open) - 1)', 'minute').type).toBe('scalar');
    expect(checkFactor('mean(level_sum(bid_price * bid_volume, 1, 5) / mid())', 'tick').type).toBe('scalar');
    expect(checkFactor('mean(level_sum(bid_price - mid(), 1, 3))', 'tick').type).toBe('scalar');
  });

  it('requires one number per stock-day', () => {
    expect(err('close').code).toBe('DSL_TYPE');
    expect(err('ts_mean(close, 5)').message).toMatch(/wrap it in a reducer/);
    expect(err('bid_volume', 'tick').message).toMatch(/levels/);
  });

  it('rejects constants', () => {
    expect(err('1 + 2').code).toBe('DSL_TYPE');
  });

  it('checks fields against the source, with plain unknown-name errors for prototype names', () => {
    expect(err('mean(bid_price)').message).toMatch(/tick field/);
    expect(err('mean(minutes)').message).toMatch(/vbar field/);
    expect(checkFactor('mean(minutes)', 'vbar').fields).toEqual(['minutes']);
    for (const name of ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty']) {
      const e = err(`mean(${name})`);
      expect(e.code).toBe('DSL_UNKNOWN_NAME');
      expect(e.message).toMatch(/unknown field/);
    }
    expect(err('mean(clse)').message).toMatch(/did you mean 'close'/);
    expect(err('mid').message).toMatch(/is a function/);
  });

  it('keeps order-book operators to the tick source', () => {
    expect(err('mean(mid())').code).toBe('DSL_UNKNOWN_NAME');
    expect(err('mean(close[1])').code).toBe('DSL_UNKNOWN_NAME');
    expect(checkFactor('mean(book_imbalance(5))', 'tick').fields).toEqual(['ask_volume', 'bid_volume']);
  });

  it('checks argument kinds', () => {
    expect(err('mean(mean(close))').message).toMatch(/already one number per day/);
    expect(err('ts_mean(mean(close), 5)').code).toBe('DSL_TYPE');
    expect(err('mean(level_sum(last, 1, 2))', 'tick').code).toBe('DSL_TYPE');
    expect(err('mean(ts_mean(bid_volume, 5))', 'tick').message).toMatch(/pick a level/);
    expect(err('mean(ts_mean(close, 2 + 3))').message).toMatch(/literal/);
    expect(err('mean(ts_mean(close, volume))').message).toMatch(/literal/);
  });

  it('checks literal ranges: windows, lags, levels, quantiles, clock times', () => {
    expect(err('mean(delay(close, -1))').message).toMatch(/read the future/);
    expect(err('mean(ts_mean(close, 0))').code).toBe('DSL_ARGUMENT');
    expect(err('mean(ts_std(close, 1))').code).toBe('DSL_ARGUMENT');
    expect(err('mean(ts_mean(close, 2.5))').code).toBe('DSL_ARGUMENT');
    expect(err('mean(ts_mean(close, 5000))').code).toBe('DSL_LIMIT');
    expect(err('mean(bid_volume[11])', 'tick').code).toBe('DSL_ARGUMENT');
    expect(err('mean(bid_volume[0])', 'tick').code).toBe('DSL_ARGUMENT');
    expect(err('mean(level_sum(bid_volume, 5, 1))', 'tick').code).toBe('DSL_ARGUMENT');
    expect(err('quantile(close, 1.5)').code).toBe('DSL_ARGUMENT');
    expect(err('mean(between(close, 1000, 0930))').code).toBe('DSL_ARGUMENT');
    expect(err('mean(between(close, 1060, 1100))').code).toBe('DSL_ARGUMENT');
    expect(err('mean(first_minutes(close, 241))').code).toBe('DSL_ARGUMENT');
    expect(err('mean(clip(close, 2, 1))').code).toBe('DSL_ARGUMENT');
  });

  it('checks the cost per row after macro expansion', () => {
    const heavy = Array.from({ length: 5 }, (_, k) => `mean(ts_rank(close, ${1100 + k}))`).join(' + ');
    expect(err(heavy).code).toBe('DSL_LIMIT');
    expect(checkFactor(heavy, 'minute', { limits: { maxCostPerRow: 10_000 } }).costPerRow).toBeGreaterThan(
      5000,
    );
  });

  // ts_zscore(x) uses x three times and diff(x) twice: the expanded tree of 15 nested pairs has
  // about 6^15 nodes. The checker used to walk that tree (minutes to hours, at depth 32, inside
  // every default limit); it now measures the shared graph the compiler builds, linear in the AST.
  const nested = (pairs: number, window = 5) => {
    let x = 'close';
    for (let k = 0; k < pairs; k++) x = `ts_zscore(diff(${x}), ${window})`;
    return `mean(${x})`;
  };

  it('measures the cost of nested macros after expansion without expanding them exponentially', () => {
    const c = checkFactor(nested(15), 'minute');
    expect(c.depth).toBe(32);
    expect(c.nodes).toBe(62);
    // Per pair: delay, subtract (diff), ts_mean, ts_std, subtract, divide (ts_zscore) = 6; plus close and mean.
    expect(c.costPerRow).toBe(15 * 6 + 2);
    const program = compileFactors([c], 'minute');
    // Window and lag literals are parameters of their nodes, not nodes: one graph node per operation.
    expect(program.nodeCount).toBe(15 * 6 + 2);
  });

  it('rejects a formula whose expanded cost passes maxCostPerRow, naming the limit, the cost and where', () => {
    const text = nested(15);
    const e = (() => {
      try {
        checkFactor(text, 'minute', { limits: { maxCostPerRow: 50 } });
      } catch (x) {
        return x as HfqError;
      }
      throw new Error('accepted');
    })();
    expect(e.code).toBe('DSL_LIMIT');
    expect(e.context).toMatchObject({ limit: 'maxCostPerRow', max: 50, cost: 92 });
    // After 8 pairs the cost is 1 + 8 * 6 = 49; the 9th pair from the inside (the 7th from the
    // outside) passes 50 at the subtraction of its diff: the error points at that diff( call.
    const position = e.context.position as number;
    expect(text.slice(position, position + 15)).toBe('diff(ts_zscore(');
    expect(position).toBe('mean('.length + 6 * 'ts_zscore(diff('.length + 'ts_zscore('.length);
    // Large rank windows after macro expansion, at default limits.
    expect(
      err(
        `mean(ts_zscore(ts_rank(ts_rank(ts_rank(ts_rank(ts_rank(close, 1100), 1100), 1100), 1100), 1100), 5))`,
      ).context,
    ).toMatchObject({ limit: 'maxCostPerRow', max: 5000 });
  });

  it('bounds hand-built ASTs that share objects or contain cycles', () => {
    // 40 levels of x + x with x one shared object: a tree of 2^40 nodes in 41 objects.
    let x: FactorAst = { kind: 'field', name: 'close', pos: 0 };
    for (let k = 0; k < 40; k++) x = { kind: 'call', op: 'add', args: [x, x], pos: 0 };
    const dag: FactorAst = { kind: 'call', op: 'mean', args: [x], pos: 0 };
    expect(() => checkFactor(dag, 'minute')).toThrow(/maxNodes 256/);
    const args: FactorAst[] = [];
    const cyclic: FactorAst = { kind: 'call', op: 'mean', args, pos: 0 };
    args.push(cyclic);
    let e: unknown;
    try {
      checkFactor(cyclic, 'minute', { limits: { maxNodes: 10_000 } });
    } catch (x) {
      e = x;
    }
    expect(HfqError.is(e) && e.code).toBe('DSL_LIMIT');
  });

  it('compiles only what the checker bounded: a look-alike CheckedFactor is checked again', () => {
    const real = checkFactor('mean(close)', 'minute');
    const fake = { ...real, ast: parseFactor(nested(15)), costPerRow: 1 };
    expect(() => compileFactors([fake], 'minute', { limits: { maxCostPerRow: 50 } })).toThrow(
      /maxCostPerRow 50/,
    );
    expect(compileFactors([real], 'minute', { limits: { maxCostPerRow: 1 } }).nFactors).toBe(1);
  });

  it('rejects an unknown source', () => {
    expect(() => checkFactor('mean(close)', 'daily' as SourceKind)).toThrow(/unknown source/);
  });
});
