import { HfqError } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import type { SourceKind } from '../ops/spec.js';
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

  it('rejects an unknown source', () => {
    expect(() => checkFactor('mean(close)', 'daily' as SourceKind)).toThrow(/unknown source/);
  });
});
