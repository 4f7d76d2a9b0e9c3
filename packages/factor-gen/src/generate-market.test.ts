import { checkFactor, evaluateFactors } from '@hfq/factor-dsl';
import { forwardReturns, icSummary, rankICSeries } from '@hfq/metrics';
import { createMarket } from '@hfq/sim';
import { afterAll, describe, expect, it } from 'vitest';
import { createChatClient } from './chat-client.js';
import { generateFactors } from './generate.js';
import { marketSample } from './sample.js';
import { type FakeChatServer, startFakeChatServer } from './test-utils/fake-chat-server.js';

// End to end: a local chat server, the synthetic market, the package's evaluator, the metrics
// package's RankIC. 80 stocks x 15 sample days, forward returns close T+1 -> T+6.
const market = createMarket({ seed: 7, nStocks: 80, nDays: 40 });
const daily = market.daily();
const forward = forwardReturns(daily.close, 1, 6, { adjFactor: daily.adjFactor });
const days = Array.from({ length: 15 }, (_, i) => 20 + i);
const FORMULAS = [
  'last(close) / first(open) - 1',
  'std(log_return(close, 1))',
  'kurt(log_return(close, 1))',
  'max(high) / min(low) - 1',
  'corr(close, volume)',
  'share(first_minutes(volume, 30), volume)',
  'sum(amount) / sum(volume) / last(close) - 1',
  'mean(abs(log_return(close, 1)) / amount)',
  'skew(log_return(close, 1))',
  'count(close)',
  'log(max(high) / min(low))', // a monotone transform of f3: rank correlation 1
];
let server: FakeChatServer | undefined;
afterAll(async () => server?.close());

describe('generateFactors end to end on the synthetic market', () => {
  it('screens real evaluations: thresholds hold for the accepted set and every rejection is justified', async () => {
    server = await startFakeChatServer([
      {
        reply: JSON.stringify({
          factors: [
            ...FORMULAS.map((formula, i) => ({ name: `f${i}`, formula })),
            { name: 'dup', formula: 'corr(volume,close)' },
          ],
        }),
      },
    ]);
    const client = createChatClient({ baseUrl: server.baseUrl, model: 'fake', env: {}, baseDelayMs: 5 });
    const th = { minCoverage: 0.95, minAbsRankIC: 0.04, maxCorrelation: 0.7 };
    const res = await generateFactors({
      client,
      source: 'minute',
      existing: [],
      count: 10,
      perRequest: 13,
      maxRounds: 1,
      sample: marketSample({ market, days, forward }),
      screening: th,
    });
    const by = Object.fromEntries(res.report.map((r) => [r.name, r]));
    expect(by.dup!.reason).toBe('duplicate');
    expect(by.f2!.reason).toBe('weak'); // kurtosis carries no signal in this market
    expect(by.f9!.reason).toBe('constant'); // 240 bars for every stock: no cross-section
    const accepted = res.library.factors;
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    // f3 and f10 rank every stock-day the same way: at most one gets in, the other is 'correlated'.
    const pair = [by.f3!, by.f10!];
    if (pair.some((r) => r.status === 'accepted')) {
      const [won, lost] = pair[0]!.status === 'accepted' ? [pair[0]!, pair[1]!] : [pair[1]!, pair[0]!];
      expect(lost.reason).toBe('correlated');
      expect(lost.stats!.maxCorrelation).toBeGreaterThan(0.999);
      expect(lost.stats!.mostCorrelatedWith).toBe(won.id);
    } else {
      expect(pair.map((r) => r.reason)).toEqual(['weak', 'weak']);
    }

    // Recompute independently: evaluate the accepted formulas directly and take the metrics package's RankIC.
    const cube = await evaluateFactors(
      market,
      accepted.map((f) => ({ id: f.id, source: 'minute' as const, formula: f.formula })),
      { days },
    );
    accepted.forEach((f, i) => {
      const ic = icSummary(rankICSeries(cube.factorPanel(i), forward, { minAssets: 10 }));
      expect(f.stats.rankIC).toBeCloseTo(ic.mean, 12);
      expect(Math.abs(f.stats.rankIC)).toBeGreaterThanOrEqual(th.minAbsRankIC);
      expect(f.stats.coverage).toBeGreaterThanOrEqual(th.minCoverage);
      expect(checkFactor(f.formula, 'minute').hash).toBe(f.hash);
      for (let j = 0; j < i; j++) {
        const r = icSummary(rankICSeries(cube.factorPanel(i), cube.factorPanel(j), { minAssets: 10 })).mean;
        expect(Math.abs(r)).toBeLessThanOrEqual(th.maxCorrelation);
      }
    });
    for (const r of res.report.filter((x) => x.reason === 'correlated')) {
      expect(r.stats!.maxCorrelation).toBeGreaterThan(th.maxCorrelation);
      expect(accepted.map((f) => f.id)).toContain(r.stats!.mostCorrelatedWith);
    }
    for (const r of res.report.filter((x) => x.reason === 'weak')) {
      expect(Math.abs(r.stats!.rankIC)).toBeLessThan(th.minAbsRankIC);
    }
    expect(res.library.provenance.screening.sample).toEqual({
      dates: 15,
      assets: 80,
      firstDate: market.calendar.dates[20],
      lastDate: market.calendar.dates[34],
    });
  }, 30_000);
});
