/**
 * 04 — Generate factors with an LLM.
 *
 *   HFQ_LLM_BASE_URL=http://127.0.0.1:8000/v1 HFQ_LLM_MODEL=qwen2.5-72b-instruct \
 *     node --conditions=source --import tsx examples/04-llm-factors.ts [--count 10] [--source minute]
 *
 * The study had a language model write 100 factors per data source. `generateFactors` of
 * `@hfq/factor-gen` does that step as an auditable loop: a prompt built from the operator table,
 * a call to any OpenAI-compatible chat-completions endpoint, extraction of candidate formulas
 * from the reply, the language's checker (the only thing LLM text ever reaches: nothing is run as
 * code), deduplication by AST hash, evaluation on a sample of stock-days, and screening by
 * coverage, |RankIC| and correlation with the factors already accepted.
 *
 * With no endpoint configured (no HFQ_LLM_MODEL), the script says how to point it at one and exits 0.
 *
 * With one, it screens on an early sample period and then re-tests the accepted factors on a LATER
 * period they were not chosen on: screening on 20 days picks some factors by luck, and the second
 * number shows how much of their RankIC survives.
 *
 * Writes to out/examples/04-llm-factors/:
 *   library.json   the accepted factors with their screening statistics and provenance (endpoint
 *                  host, model, prompt hash, tokens; never the key)
 *   report.json    every candidate, accepted or rejected with the reason
 *   summary.json   the numbers printed below
 */
import { join } from 'node:path';
import { checkFactor, evaluateFactors, type SourceKind } from '@hfq/factor-dsl';
import { createChatClient, generateFactors, LLM_ENV, marketSample, resolveLlmConfig } from '@hfq/factor-gen';
import { icSummary, rankICSeries } from '@hfq/metrics';
import { exampleOutDir, num, pct, say, startExample, writeJson } from './lib/script.js';
import { studyMarket } from './lib/study-market.js';

const { opts, onProgress, finish } = startExample(
  '04-llm-factors',
  'LLM factor generation against an OpenAI-compatible endpoint',
  {
    count: { default: 10, help: 'factors wanted (accepted after screening)' },
    source: { default: 'minute', help: "frame source the factors read: 'minute', 'vbar' or 'tick'" },
    'per-request': { default: 10, help: 'formulas asked for per request' },
    'max-rounds': {
      default: 4,
      help: 'most requests in all (each resends the operator table: a few thousand tokens)',
    },
    stocks: { default: 100, help: 'stocks in the simulated market' },
    'sample-days': { default: 20, help: 'days of the screening sample' },
    'test-days': { default: 40, help: 'later days the accepted factors are re-tested on' },
    timeout: { default: 180, help: 'seconds per request' },
    seed: { default: 7, help: 'market seed' },
  },
);

// 1. The endpoint comes from the environment. No model configured: explain and stop (exit 0).
const configured = process.env[LLM_ENV.model]?.trim();
if (!configured) {
  say(`No LLM endpoint configured (${LLM_ENV.model} is not set), so nothing was generated.

To generate factors, point the script at any OpenAI-compatible chat-completions server:

  export ${LLM_ENV.baseUrl}=http://127.0.0.1:8000/v1   # vLLM, llama.cpp server, Ollama (/v1), LM Studio, a gateway...
  export ${LLM_ENV.model}=qwen2.5-72b-instruct           # the model name the server expects (required)
  export ${LLM_ENV.apiKey}=...                          # only if the server wants a key (else ${LLM_ENV.apiKeyFallback} is used)
  node --conditions=source --import tsx examples/04-llm-factors.ts --count 10

${LLM_ENV.baseUrl} defaults to https://api.openai.com/v1. The key is sent only as a Bearer header to
that endpoint and never written to the output files. Costs: each request carries the operator
table (a few thousand tokens); --count 10 --max-rounds 4 makes at most 4 requests.
See docs/factor-generation.md for the whole pipeline and its options.`);
  process.exit(0);
}
const { endpoint } = resolveLlmConfig(); // throws DSL_LLM_CONFIG for a malformed base URL (never echoed)
const source = opts.source as SourceKind;
if (!['minute', 'vbar', 'tick'].includes(source))
  throw new Error(`--source must be minute, vbar or tick, got ${source}`);
say(`endpoint ${endpoint.host}, model ${endpoint.model}; asking for ${opts.count} ${source} factors`);
const out = exampleOutDir('04-llm-factors');

// 2. The screening sample: a simulated market, the first `sample-days` days after a warm-up (the
// equal-volume bars need 5 days of history), every stock, forward returns close T+1 -> T+6.
const days = 10 + opts['sample-days'] + opts['test-days'] + 6;
const { market, daily, forward } = studyMarket({ ...opts, days }, { tickIntervalMs: 15000, onProgress });
const sampleDays = Array.from({ length: opts['sample-days'] }, (_, i) => 10 + i);
const sample = marketSample({ market, days: sampleDays, forward });

// 3. The loop: prompt -> reply -> extract -> check -> dedupe -> evaluate -> screen.
const client = createChatClient({ timeoutMs: opts.timeout * 1000, maxAttempts: 3 });
const result = await generateFactors({
  client,
  source,
  count: opts.count,
  sample,
  perRequest: opts['per-request'],
  maxRounds: opts['max-rounds'],
  themes:
    source === 'tick'
      ? 'liquidity, order imbalance'
      : source === 'vbar'
        ? 'trend, volatility, return distribution under uniform volume'
        : 'intraday return, volatility, volume distribution, price-volume correlation',
  outFile: join(out, 'library.json'),
  onProgress,
});
writeJson(join(out, 'report.json'), result.report);
const lib = result.library;
const p = lib.provenance;
say(
  `${p.requests} requests, ${p.tokens.prompt + p.tokens.completion} tokens; ${result.report.length} candidates, ` +
    `${lib.factors.length} accepted; rejected: ${
      Object.entries(result.rejectedByReason)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }${result.failedRounds.length > 0 ? `; ${result.failedRounds.length} failed rounds` : ''}`,
);

// 4. Out of sample: the accepted factors on later days they were not screened on. Formulas read
// back from a file are text again, so they go through the checker again first.
const testDays = Array.from({ length: opts['test-days'] }, (_, i) => 10 + opts['sample-days'] + i);
const accepted = lib.factors.map((f) => {
  checkFactor(f.formula, source);
  return { id: f.id, source, formula: f.formula };
});
const retest: Record<string, { screenRankIC: number; laterRankIC: number }> = {};
if (accepted.length > 0) {
  const cube = await evaluateFactors(market, accepted, {
    days: testDays,
    dailyVolume: daily.volume,
    onProgress,
  });
  say('');
  say('accepted factor                         screened RankIC   later RankIC   formula');
  for (const f of lib.factors) {
    const later = icSummary(rankICSeries(cube.factorPanel(f.id), forward, { minAssets: 20 })).mean;
    retest[f.id] = { screenRankIC: f.stats.rankIC, laterRankIC: later };
    say(`${f.id.padEnd(40)}${pct(f.stats.rankIC).padStart(8)}${pct(later).padStart(16)}   ${f.formula}`);
  }
  const same = lib.factors.filter(
    (f) => Math.sign(retest[f.id]!.laterRankIC) === Math.sign(f.stats.rankIC),
  ).length;
  say(
    `${same} of ${lib.factors.length} keep the sign of their screening RankIC on the later ${testDays.length} days ` +
      `(mean |RankIC| ${num(mean(lib.factors.map((f) => Math.abs(f.stats.rankIC))), 4)} screened, ` +
      `${num(mean(lib.factors.map((f) => Math.abs(retest[f.id]!.laterRankIC))), 4)} later)`,
  );
}
finish(['library.json', 'report.json'], {
  endpointHost: endpoint.host,
  model: endpoint.model,
  source,
  requested: opts.count,
  requests: p.requests,
  tokens: p.tokens,
  candidates: result.report.length,
  accepted: lib.factors.length,
  rejectedByReason: result.rejectedByReason,
  failedRounds: result.failedRounds.length,
  sampleDays: sampleDays.length,
  testDays: testDays.length,
  retest,
});

function mean(xs: number[]): number {
  const f = xs.filter(Number.isFinite);
  return f.reduce((s, x) => s + x, 0) / f.length;
}
