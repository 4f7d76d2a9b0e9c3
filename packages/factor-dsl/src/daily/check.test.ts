import { HfqError } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { checkFactor } from '../language/check.js';
import { parseFactor } from '../language/parser.js';
import { checkDaily } from './check.js';

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HfqError);
    return (e as HfqError).code;
  }
  throw new Error('expected an error');
};

describe('checkDaily', () => {
  it("parses qlib's expression syntax to the same program as the hfq spelling", () => {
    const pairs: [string, string][] = [
      ['Ref($close, 5)/$close', 'delay(close, 5) / close'],
      ['Mean($close>Ref($close, 1), 5)', 'ts_mean(close > delay(close, 1), 5)'],
      ['Std($close, 20)/$close', 'ts_std(close, 20) / close'],
      ['Slope($close, 10)/$close', 'ts_slope(close, 10) / close'],
      ['Rsquare($close, 10)', 'ts_rsquare(close, 10)'],
      ['Resi($close, 10)/$close', 'ts_resi(close, 10) / close'],
      ['Quantile($close, 30, 0.8)/$close', 'ts_quantile(close, 30, 0.8) / close'],
      ['Rank($close, 20)', 'ts_rank(close, 20)'],
      ['(IdxMax($high, 5)-IdxMin($low, 5))/5', '(ts_argmax(high, 5) - ts_argmin(low, 5)) / 5'],
      ['Corr($close, Log($volume+1), 60)', 'ts_corr(log(volume + 1), close, 60)'],
      ['($high-Greater($open, $close))/$open', '(high - maximum(open, close)) / open'],
      ['(Less($open, $close)-$low)/$open', '(minimum(open, close) - low) / open'],
      ['Sum(Greater($close-Ref($close, 1), 0), 5)', 'ts_sum(maximum(close - delay(close, 1), 0), 5)'],
      ['Power(Abs(Sign($close)), 2)', 'abs(sign(close)) ^ 2'],
      [
        'If($close > $open, Var($volume, 5), Med($volume, 5))',
        'if(close > open, ts_var(volume, 5), ts_median(volume, 5))',
      ],
      [
        'Delta($close, 3) + Count($volume, 5) + WMA($close, 5) + EMA($close, 5) + Mad($close, 5)',
        'diff(close, 3) + ts_count(volume, 5) + ts_wma(close, 5) + ema(close, 5) + ts_mad(close, 5)',
      ],
      [
        'Skew($close, 5) + Kurt($close, 5) + Cov($close, $volume, 5) + Max($high, 5) + Min($low, 5)',
        'ts_skew(close, 5) + ts_kurt(close, 5) + ts_cov(volume, close, 5) + ts_max(high, 5) + ts_min(low, 5)',
      ],
    ];
    for (const [qlib, hfq] of pairs) {
      const a = checkDaily(qlib);
      const b = checkDaily(hfq);
      expect(a.hash, qlib).toBe(b.hash);
      expect(a.lookback).toBe(b.lookback);
    }
    expect(checkDaily('Mean($close>Ref($close, 1), 5)').text).toBe('ts_mean(close > delay(close, 1), 5)');
  });

  it('reports the static lookback', () => {
    expect(checkDaily('close').lookback).toBe(0);
    expect(checkDaily('delay(close, 5)').lookback).toBe(5);
    expect(checkDaily('ts_mean(close, 20)').lookback).toBe(19);
    expect(checkDaily('ts_mean(delay(close, 5), 20)').lookback).toBe(24);
    expect(checkDaily('cs_rank(ts_std(close / delay(close, 1), 60))').lookback).toBe(60);
    expect(checkDaily('ts_corr(close, delay(volume, 3), 10) + ts_max(high, 30)').lookback).toBe(29);
    const c = checkDaily('group_rank(turnover) + cs_neutralize(close)', ['turnover', 'close']);
    expect(c.crossSectional && c.needsIndustry).toBe(true);
    expect(c.fields).toEqual(['close', 'turnover']);
  });

  it('gives typed errors for bad formulas', () => {
    expect(code(() => checkDaily('delay(close, -1)'))).toBe('DSL_ARGUMENT');
    expect(code(() => checkDaily('Ref($close, -1)'))).toBe('DSL_ARGUMENT');
    expect(code(() => checkDaily('ts_mean(close, 0)'))).toBe('DSL_ARGUMENT');
    expect(code(() => checkDaily('ts_mean(close, 5000)'))).toBe('DSL_LIMIT');
    expect(code(() => checkDaily('ts_mean(close, 2.5)'))).toBe('DSL_ARGUMENT');
    expect(code(() => checkDaily('ts_mean(close, volume)'))).toBe('DSL_TYPE');
    expect(code(() => checkDaily('ts_skew(close, 2)'))).toBe('DSL_ARGUMENT');
    expect(code(() => checkDaily('ts_quantile(close, 5, 1.5)'))).toBe('DSL_ARGUMENT');
    expect(code(() => checkDaily('1 + 2'))).toBe('DSL_TYPE');
    expect(code(() => checkDaily('mean(close)'))).toBe('DSL_UNKNOWN_NAME');
    expect(code(() => checkDaily('close[1]'))).toBe('DSL_UNKNOWN_NAME');
    expect(code(() => checkDaily('ts_mean'))).toBe('DSL_UNKNOWN_NAME');
    expect(
      code(() =>
        checkDaily(
          'ts_rank(close, 1200) + ts_rank(volume, 1200) + ts_rank(high, 1200) + ts_rank(low, 1200) + ts_rank(open, 1200)',
        ),
      ),
    ).toBe('DSL_LIMIT');
    expect(() => checkDaily('ts_mean(clse, 5)', ['close', 'volume'])).toThrow(
      /unknown field 'clse'; did you mean 'close'\?; the inputs are: close, volume/,
    );
    expect(() => checkDaily('first(close)')).toThrow(/intraday operator/);
    // Daily operators and qlib's $ syntax stay out of the intraday level.
    expect(() => checkFactor('mean(cs_rank(close))', 'minute')).toThrow(/daily operator/);
    const handBuilt = {
      kind: 'call',
      op: 'cs_rank',
      args: [{ kind: 'field', name: 'close', pos: 0 }],
      pos: 0,
    } as const;
    expect(() => checkFactor({ kind: 'call', op: 'mean', args: [handBuilt], pos: 0 }, 'minute')).toThrow(
      /cs_rank is a daily operator/,
    );
    expect(code(() => parseFactor('mean($close)'))).toBe('DSL_PARSE');
  });
});
