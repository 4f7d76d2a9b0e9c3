import { describe, expect, it } from 'vitest';
import { canonicalize, fnv1a64, hashFactor } from './hash.js';
import { parseFactor } from './parser.js';
import { printFactor } from './printer.js';

const h = (t: string) => hashFactor(parseFactor(t));

describe('hashFactor', () => {
  it('ignores spacing, redundant parentheses, aliases and default arguments', () => {
    expect(h('corr(close,volume)')).toBe(h(' corr ( close , volume ) '));
    expect(h('(mean(close))')).toBe(h('mean(close)'));
    expect(h('mean(shift(close, 1))')).toBe(h('mean(delay(close, 1))'));
    expect(h('std(diff(close))')).toBe(h('std(diff(close, 1))'));
    expect(h('sum(x ** 2)')).toBe(h('sum(x^2)'));
  });

  it('ignores the argument order of commutative operators, at any depth', () => {
    expect(h('corr(close, volume)')).toBe(h('corr(volume, close)'));
    expect(h('mean(high + low) * 2')).toBe(h('2 * mean(low + high)'));
    expect(h('mean(ts_corr(close, volume, 10))')).toBe(h('mean(ts_corr(volume, close, 10))'));
    expect(h('mean(maximum(a, b) == c)')).toBe(h('mean(c == maximum(b, a))'));
  });

  it('distinguishes formulas that differ', () => {
    expect(h('mean(close - open)')).not.toBe(h('mean(open - close)'));
    expect(h('beta(close, volume)')).not.toBe(h('beta(volume, close)'));
    expect(h('ts_mean(close, 5)')).not.toBe(h('ts_mean(close, 6)'));
    expect(h('a / b')).not.toBe(h('b / a'));
  });

  it('is FNV-1a 64 (reference vectors)', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });

  it('canonicalize orders commutative arguments and leaves the rest', () => {
    expect(printFactor(canonicalize(parseFactor('volume * close - open')))).toBe('close * volume - open');
  });
});
