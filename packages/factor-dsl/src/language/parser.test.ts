import { HfqError } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import type { FactorAst } from './ast.js';
import { parseFactor } from './parser.js';
import { printFactor } from './printer.js';

/** The tree without positions, as nested arrays: ['op', ...args] / number / 'field'. */
function shape(a: FactorAst): unknown {
  if (a.kind === 'num') return a.value;
  if (a.kind === 'field') return a.name;
  return [a.op, ...a.args.map(shape)];
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (HfqError.is(e)) return e.code;
    throw e;
  }
  return 'no error';
}

describe('parseFactor', () => {
  it('respects precedence and associativity', () => {
    expect(shape(parseFactor('a + b * c'))).toEqual(['add', 'a', ['mul', 'b', 'c']]);
    expect(shape(parseFactor('a - b - c'))).toEqual(['sub', ['sub', 'a', 'b'], 'c']);
    expect(shape(parseFactor('a / b / c'))).toEqual(['div', ['div', 'a', 'b'], 'c']);
    expect(shape(parseFactor('a ^ b ^ c'))).toEqual(['pow', 'a', ['pow', 'b', 'c']]);
    expect(shape(parseFactor('-x ^ 2'))).toEqual(['neg', ['pow', 'x', 2]]);
    expect(shape(parseFactor('-2 ^ 2'))).toEqual(['neg', ['pow', 2, 2]]);
    expect(shape(parseFactor('(-2) ^ 2'))).toEqual(['pow', -2, 2]);
    expect(shape(parseFactor('2 ^ -1'))).toEqual(['pow', 2, -1]);
    expect(shape(parseFactor('a * -b'))).toEqual(['mul', 'a', ['neg', 'b']]);
    expect(shape(parseFactor('a + b > c * d'))).toEqual(['gt', ['add', 'a', 'b'], ['mul', 'c', 'd']]);
    expect(shape(parseFactor('x ** 2'))).toEqual(['pow', 'x', 2]);
  });

  it('folds negative literals and keeps -0 out', () => {
    expect(shape(parseFactor('-1.5'))).toEqual(-1.5);
    expect(shape(parseFactor('- -3'))).toEqual(3);
    expect(Object.is((parseFactor('-0') as { value: number }).value, 0)).toBe(true);
  });

  it('resolves aliases and fills default arguments', () => {
    expect(shape(parseFactor('shift(close, 2)'))).toEqual(['delay', 'close', 2]);
    expect(shape(parseFactor('diff(close)'))).toEqual(['diff', 'close', 1]);
    expect(shape(parseFactor('pow(a, 3)'))).toEqual(['pow', 'a', 3]);
    expect(shape(parseFactor('bid_volume[1]'))).toEqual(['level', 'bid_volume', 1]);
    expect(shape(parseFactor('mid()'))).toEqual(['mid']);
  });

  it('reads numbers in every accepted form', () => {
    expect(shape(parseFactor('.5 + 1. + 2e3 + 1.5E-2'))).toEqual([
      'add',
      ['add', ['add', 0.5, 1], 2000],
      0.015,
    ]);
  });

  it('rejects a non-zero literal that would underflow to 0, keeps zeros and the smallest subnormal', () => {
    expect(code(() => parseFactor('mean(close) + 1e-400'))).toBe('DSL_PARSE');
    expect(code(() => parseFactor(`mean(close) + 0.${'0'.repeat(400)}1`))).toBe('DSL_PARSE');
    expect(() => parseFactor('mean(close) + 1e-400')).toThrow(/too small/);
    expect(shape(parseFactor('0.000e-400 + 5e-324'))).toEqual(['add', 0, 5e-324]);
  });

  it('reports syntax errors with the position', () => {
    const e = (() => {
      try {
        parseFactor('mean(close');
      } catch (err) {
        return err as HfqError;
      }
      throw new Error('no error');
    })();
    expect(e.code).toBe('DSL_PARSE');
    expect(e.context.position).toBe(10);
    expect(e.message).toContain('^');
    expect(code(() => parseFactor(''))).toBe('DSL_PARSE');
    expect(code(() => parseFactor('a +'))).toBe('DSL_PARSE');
    expect(code(() => parseFactor('a b'))).toBe('DSL_PARSE');
    expect(code(() => parseFactor('(a'))).toBe('DSL_PARSE');
    expect(code(() => parseFactor('a)'))).toBe('DSL_PARSE');
    expect(code(() => parseFactor('a < b < c'))).toBe('DSL_PARSE');
    expect(code(() => parseFactor('a = b'))).toBe('DSL_PARSE');
    expect(code(() => parseFactor('1e999'))).toBe('DSL_PARSE');
    expect(code(() => parseFactor('x[a]'))).toBe('DSL_PARSE');
    expect(code(() => parseFactor('$x'))).toBe('DSL_PARSE');
    expect(code(() => parseFactor('close; process.exit()'))).toBe('DSL_PARSE');
    expect(code(() => parseFactor('"close"'))).toBe('DSL_PARSE');
    expect(code(() => parseFactor('clo\u0000se'))).toBe('DSL_PARSE');
  });

  it('rejects unknown functions by name, never touching prototypes', () => {
    expect(code(() => parseFactor('constructor(close)'))).toBe('DSL_UNKNOWN_NAME');
    expect(code(() => parseFactor('__proto__(close)'))).toBe('DSL_UNKNOWN_NAME');
    expect(code(() => parseFactor('toString(close)'))).toBe('DSL_UNKNOWN_NAME');
    expect(code(() => parseFactor('hasOwnProperty(close)'))).toBe('DSL_UNKNOWN_NAME');
    expect(() => parseFactor('tsmean(close, 5)')).toThrow(/did you mean 'ts_mean'/);
  });

  it('checks arity against the operator table', () => {
    expect(code(() => parseFactor('corr(close)'))).toBe('DSL_TYPE');
    expect(code(() => parseFactor('mean(close, open)'))).toBe('DSL_TYPE');
    expect(code(() => parseFactor('diff(close, 1, 2)'))).toBe('DSL_TYPE');
  });

  it('enforces length, nesting and node limits before building deep trees', () => {
    expect(code(() => parseFactor('a'.repeat(3000)))).toBe('DSL_LIMIT');
    expect(
      code(() =>
        parseFactor(`${'('.repeat(100_000)}a${')'.repeat(100_000)}`, { limits: { maxLength: 1e6 } }),
      ),
    ).toBe('DSL_LIMIT');
    expect(code(() => parseFactor(`${'-'.repeat(100_000)}a`, { limits: { maxLength: 1e6 } }))).toBe(
      'DSL_LIMIT',
    );
    expect(code(() => parseFactor(`${'abs('.repeat(40)}a${')'.repeat(40)}`))).toBe('DSL_LIMIT');
    expect(code(() => parseFactor(Array.from({ length: 300 }, () => 'a').join(' + ')))).toBe('DSL_LIMIT');
    expect(code(() => parseFactor(`${'abs('.repeat(20)}a${')'.repeat(20)}`))).toBe('no error');
  });
});

describe('printFactor', () => {
  const cases: [string, string][] = [
    ['corr( close,volume )', 'corr(close, volume)'],
    ['((a))+b', 'a + b'],
    ['a - (b - c)', 'a - (b - c)'],
    ['(a - b) - c', 'a - b - c'],
    ['a * (b * c)', 'a * (b * c)'],
    ['(a ^ b) ^ c', '(a ^ b) ^ c'],
    ['-x ^ 2', '-x ^ 2'],
    ['(-2) ^ 2', '(-2) ^ 2'],
    ['-(a + b)', '-(a + b)'],
    ['(bid_price * bid_volume)[1]', '(bid_price * bid_volume)[1]'],
    ['shift(close,1)', 'delay(close, 1)'],
    ['diff(close)', 'diff(close, 1)'],
    ['a < (b < c)', 'a < (b < c)'],
    ['x ** 0.5', 'x ^ 0.5'],
    ['1e-7*x', '1e-7 * x'],
  ];
  it.each(cases)('prints %s as %s and round-trips', (input, expected) => {
    const ast = parseFactor(input);
    expect(printFactor(ast)).toBe(expected);
    expect(shape(parseFactor(printFactor(ast)))).toEqual(shape(ast));
  });
});
