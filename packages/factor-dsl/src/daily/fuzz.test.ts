import { HfqError, Rng } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { OPERATORS } from '../ops/table.js';
import { dailyFormula, hostileInputs, mutate } from '../test-utils/fuzz-inputs.js';
import { checkDaily } from './check.js';
import { evaluateDailySync } from './evaluate.js';
import { DAILY_LIBRARY } from './library.js';
import { testDailyMarket } from './test-market.js';

/**
 * Fuzzing the daily level: grammar-based formulas from the operator table (hfq and qlib
 * spellings), mutations of the shipped daily factors and the operators' examples, and the hostile
 * strings of the intraday fuzzer. Every input goes through `checkDaily`; what it accepts is
 * evaluated on a tiny market. Only `HfqError`s may come out.
 */
const N = 8_000;

describe('fuzzing the daily level', () => {
  it(`turns ${N}+ random and adversarial inputs into results or HfqErrors`, () => {
    const { inputs, industry } = testDailyMarket(30, 5, 3);
    const fields = Object.keys(inputs);
    const rng = new Rng(20261207, 'daily-fuzz');
    const seeds = [
      ...DAILY_LIBRARY.map((f) => f.formula),
      ...OPERATORS.filter((o) => o.level === 'daily').map((o) => o.example),
    ];
    const texts: string[] = [...hostileInputs()];
    while (texts.length < N) {
      const r = rng.uniform();
      if (r < 0.5) texts.push(dailyFormula(rng, fields));
      else if (r < 0.8) texts.push(mutate(rng, seeds[rng.int(seeds.length)]!));
      else texts.push(mutate(rng, dailyFormula(rng, fields)));
    }
    const accepted: string[] = [];
    const nonHfq: string[] = [];
    const codes = new Map<string, number>();
    for (const text of texts) {
      try {
        checkDaily(text, fields);
        accepted.push(text);
      } catch (e) {
        if (e instanceof HfqError) codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
        else nonHfq.push(`${text}: ${String(e)}`);
      }
    }
    expect(nonHfq.slice(0, 5)).toEqual([]);
    expect(accepted.length).toBeGreaterThan(N / 20);
    for (const code of ['DSL_PARSE', 'DSL_UNKNOWN_NAME', 'DSL_TYPE', 'DSL_ARGUMENT']) {
      expect(codes.get(code) ?? 0, code).toBeGreaterThan(0);
    }
    // Evaluate what was accepted, in batches (shared subexpressions across random formulas).
    for (let i = 0; i < accepted.length; i += 200) {
      const defs = accepted.slice(i, i + 200).map((formula, k) => ({ name: `f${k}`, formula }));
      try {
        const out = evaluateDailySync(defs, inputs, { groups: { industry } });
        expect(Object.keys(out).length).toBe(defs.length);
      } catch (e) {
        if (!(e instanceof HfqError)) throw e;
      }
    }
  });
});
