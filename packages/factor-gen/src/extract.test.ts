import { Rng } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { extractCandidates } from './extract.js';

const formulas = (text: string) => extractCandidates(text).candidates.map((c) => c.formula);

describe('extractCandidates', () => {
  it('reads the requested JSON object with names and meanings', () => {
    const r = extractCandidates(
      JSON.stringify({
        factors: [
          { name: 'rev', formula: '-(last(close) / first(open) - 1)', meaning: 'intraday reversal' },
          { name: 'vol', formula: 'std(ret)' },
        ],
      }),
    );
    expect(r.candidates).toEqual([
      { name: 'rev', formula: '-(last(close) / first(open) - 1)', meaning: 'intraday reversal' },
      { name: 'vol', formula: 'std(ret)' },
    ]);
    expect(r.rejected).toEqual([]);
  });

  it('finds JSON inside prose and markdown fences, and bare arrays of strings', () => {
    const fenced =
      'Sure! Here you go:\n```json\n{"factors":[{"formula":"skew(ret)","description":"skew"}]}\n```\nHope this helps.';
    expect(extractCandidates(fenced).candidates).toEqual([{ formula: 'skew(ret)', meaning: 'skew' }]);
    expect(formulas('Factors: ["mean(ret)", "kurt(ret)"] as requested')).toEqual(['mean(ret)', 'kurt(ret)']);
    expect(formulas('[{"expression": "corr(close, volume)"}]')).toEqual(['corr(close, volume)']);
  });

  it('falls back to formula-looking lines, stripping list markers, backticks, names and comments', () => {
    const text = [
      '# My factors',
      'Here are some ideas for you.',
      '1. `std(ret)`',
      '2) **amihud**: mean(abs(ret) / amount)  -- illiquidity',
      '- ts_mean(volume, 30) / mean(volume)',
      '* "corr(close, volume)",',
      'vol_skew = skew(volume)',
      'This line (with parentheses) is prose.',
      '',
    ].join('\n');
    const r = extractCandidates(text).candidates;
    expect(r.map((c) => c.formula)).toEqual([
      'std(ret)',
      'mean(abs(ret) / amount)',
      'ts_mean(volume, 30) / mean(volume)',
      'corr(close, volume)',
      'skew(volume)',
    ]);
    expect(r[1]).toEqual({ name: 'amihud', formula: 'mean(abs(ret) / amount)', meaning: 'illiquidity' });
    expect(r[4]!.name).toBe('vol_skew');
  });

  it('prefers fenced lines when the reply has fences', () => {
    expect(
      formulas('Try max(high) maybe.\n```\nmax(high) / min(low)\nlast(close)\n```\nmean(ret) in prose'),
    ).toEqual(['max(high) / min(low)', 'last(close)']);
  });

  it('keeps duplicates for the AST-hash step and passes hostile strings through as plain text', () => {
    const hostile = [
      { formula: 'std(ret)' },
      { formula: 'std( ret )' },
      { formula: 'constructor.constructor("return process")()' },
      { formula: '__proto__' },
    ];
    const text = `{"factors": ${JSON.stringify(hostile)}, "__proto__": {"formula": "polluted"}, "constructor": {"formula": "x"}}`;
    const got = formulas(text);
    expect(got).toEqual([
      'std(ret)',
      'std( ret )',
      'constructor.constructor("return process")()',
      '__proto__',
    ]);
    expect(({} as Record<string, unknown>).formula).toBeUndefined();
  });

  it('rejects over-long formulas and caps the number of candidates', () => {
    const long = `mean(${'ret + '.repeat(400)}ret)`;
    const r = extractCandidates(JSON.stringify([long, 'std(ret)']));
    expect(r.candidates.map((c) => c.formula)).toEqual(['std(ret)']);
    expect(r.rejected[0]!.reason).toBe('too_long');
    const many = extractCandidates(
      JSON.stringify(Array.from({ length: 10 }, (_, i) => `ts_mean(ret, ${i + 2})`)),
      {
        maxCandidates: 4,
      },
    );
    expect(many.candidates).toHaveLength(4);
    expect(many.rejected.filter((x) => x.reason === 'over_limit')).toHaveLength(6);
  });

  it('says how much of an over-long reply was not read, instead of dropping it silently', () => {
    const reply = `["std(ret)"]${' '.repeat(300)}`;
    const r = extractCandidates(reply, { maxReplyChars: 100 });
    expect(r.candidates.map((c) => c.formula)).toEqual(['std(ret)']);
    expect(r.rejected).toEqual([
      {
        text: `the reply's last ${reply.length - 100} of ${reply.length} characters were not read (maxReplyChars 100)`,
        reason: 'too_long',
      },
    ]);
    const long = `mean(${'ret + '.repeat(400)}ret)`;
    expect(extractCandidates(JSON.stringify([long])).rejected[0]!.text).toBe(
      `${long.slice(0, 120)}… [${long.length - 120} more characters cut]`,
    );
  });

  it('survives junk: empty, unbalanced JSON, deep nesting, non-string values', () => {
    expect(formulas('')).toEqual([]);
    expect(formulas('{"factors": [ {"formula": "std(ret)" ')).toEqual([]);
    expect(formulas('{"factors": [1, null, true, {"formula": 5}, {"formula": "mean(ret)"}]}')).toEqual([
      'mean(ret)',
    ]);
    const deep = `${'['.repeat(5000)}"std(ret)"${']'.repeat(5000)}`;
    expect(() => extractCandidates(deep)).not.toThrow();
    expect(formulas(deep)).toEqual([]);
  });

  it('never throws on random and adversarial replies, and keeps every candidate within the limits', () => {
    const rng = new Rng(2026, 'extract-fuzz');
    const alphabet = [
      '{',
      '}',
      '[',
      ']',
      '"',
      "'",
      '`',
      '```',
      '\n',
      ' ',
      ':',
      '=',
      '-',
      '#',
      '(',
      ')',
      ',',
      '\\',
      'mean(close)',
      'formula',
      'factors',
      '__proto__',
      '1. ',
      '**',
      'x',
      '—',
      '\u2028',
      '\u0000',
    ];
    for (let i = 0; i < 3000; i++) {
      const n = rng.int(400);
      let text = '';
      for (let k = 0; k < n; k++) text += alphabet[rng.int(alphabet.length)];
      const r = extractCandidates(text, { maxFormulaChars: 300, maxCandidates: 50 });
      expect(r.candidates.length).toBeLessThanOrEqual(50);
      for (const c of r.candidates) {
        expect(c.formula.length).toBeLessThanOrEqual(300);
        expect(c.formula).toBe(c.formula.trim());
      }
    }
    // inputs that make naive regular expressions backtrack quadratically or recurse deeply
    const adversarial = [
      `mean(close)${' '.repeat(100_000)}x`,
      '```\n'.repeat(50_000),
      `\`\`\`json\n${'{'.repeat(100_000)}`,
      '['.repeat(200_000),
      '"'.repeat(200_000),
      `${'a'.repeat(60)}${' '.repeat(100_000)}: x`,
      `${'`'.repeat(100_000)}mean(close)${'`'.repeat(100_000)}`,
    ];
    for (const text of adversarial) expect(extractCandidates(text).candidates).toEqual([]);
  });
});
