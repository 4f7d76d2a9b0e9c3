import { Panel, Rng } from '@hfq/core';
import { evaluateDaily } from '@hfq/factor-dsl';
import { afterEach, describe, expect, it } from 'vitest';
import { generateFactors } from './generate.js';
import { dailySample } from './sample.js';
import { type FakeChatServer, fakeChatClient } from './test-utils/fake-chat-server.js';

const servers: FakeChatServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** 60 days x 80 stocks of random-walk closes and volumes. */
function dailyMarket(): Record<string, Panel> {
  const T = 60;
  const N = 80;
  const rng = new Rng(3, 'daily-gen');
  const dates = Array.from({ length: T }, (_, t) => 20240000 + 100 * (1 + Math.floor(t / 20)) + 1 + (t % 20));
  const assets = Array.from({ length: N }, (_, a) => `S${a}`);
  const close = new Float64Array(T * N);
  const volume = new Float64Array(T * N);
  for (let a = 0; a < N; a++) {
    let p = 10 + a / 10;
    for (let t = 0; t < T; t++) {
      p *= Math.exp(0.02 * rng.normal());
      close[t * N + a] = p;
      volume[t * N + a] = 1e6 * Math.exp(0.3 * rng.normal());
    }
  }
  return { close: new Panel(dates, assets, close), volume: new Panel(dates, assets, volume) };
}

describe('generateFactors targeting the daily level', () => {
  it('prompts with daily fields and operators, gates with checkDaily, evaluates with evaluateDaily', async () => {
    const inputs = dailyMarket();
    const STRONG = 'close / ts_mean(close, 10) - 1';
    const signal = (await evaluateDaily([{ name: 's', formula: STRONG }], inputs)).s!;
    const rng = new Rng(4, 'forward');
    const forward = signal.map((v) => -v + 0.01 * rng.normal());
    const reply = JSON.stringify({
      factors: [
        { name: 'dev10', formula: 'Mean($close, 10)/$close', meaning: 'qlib spelling, other sign' },
        { name: 'future', formula: 'delay(close, -1) / close', meaning: 'look-ahead' },
        { name: 'typo', formula: 'ts_mean(clsoe, 5)', meaning: 'unknown field' },
        { name: 'intraday', formula: 'last(close)', meaning: 'an intraday reducer' },
        { name: 'noise', formula: 'ts_std(volume, 5) / ts_mean(volume, 5)', meaning: 'volume cv' },
      ],
    });
    const { server, client } = await fakeChatClient(servers, [{ reply }], { baseDelayMs: 5, maxDelayMs: 20 });
    const r = await generateFactors({
      client,
      source: 'daily',
      dailyFields: Object.keys(inputs),
      count: 1,
      maxRounds: 1,
      sample: dailySample({ inputs, forward }),
      existing: [],
    });
    const prompt = (server.requests[0]!.body as { messages: { content: string }[] }).messages[1]!.content;
    expect(prompt).toContain('## The daily level');
    expect(prompt).toMatch(/- close: closing price/);
    expect(prompt).toMatch(/ts_mean\(x, w\)/);
    expect(prompt).toMatch(/cs_rank/);
    expect(prompt).not.toMatch(/- last\(/); // intraday reducers are not offered at the daily level

    const by = Object.fromEntries(r.report.map((e) => [e.name, e]));
    expect(by.dev10!.status).toBe('accepted');
    expect(by.dev10!.canonical).toBe('ts_mean(close, 10) / close');
    expect(Math.abs(by.dev10!.stats!.rankIC)).toBeGreaterThan(0.5);
    expect(by.future!.reason).toMatch(/argument|limit|type|parse/);
    expect(by.typo!.reason).toBe('unknown_name');
    expect(by.intraday!.reason).toMatch(/unknown_name|type/);
    expect(r.library.factors).toHaveLength(1);
    expect(r.library.factors[0]!.source).toBe('daily');
    expect(r.library.factors[0]!.id).toMatch(/^llm_daily_/);
  });
});
