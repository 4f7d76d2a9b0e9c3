/**
 * The end-to-end demo: `npm run demo` (or `npm run demo -- --config my.yaml`, `--help`).
 *
 * Runs the reference study on the built-in synthetic market and writes `out/demo/`:
 * report.html + report.md (the study's tables and charts), models/*.onnx, scores.parquet (every
 * out-of-sample score panel), summary.json (the headline numbers) and config.json.
 *
 * Stages: 1 market (simulate) -> 2 factors (327 per stock-day) -> 3 models (walk-forward,
 * out of sample) -> 4 single-factor tests + oracle -> 5 enhanced index -> 6 report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { writePanelsParquet } from '@hfq/bars';
import { createProgressBar, formatYmd, HfqError, type Panel, type ProgressCallback } from '@hfq/core';
import { FACTOR_LIBRARY } from '@hfq/factor-dsl';
import type { EnhancedIndexBacktest } from '@hfq/optimizer';
import { renderReport, reportMarkdown } from '@hfq/report';
import { createMarket, type MarketConfig } from '@hfq/sim';
import { DEFAULT_DEMO_CONFIG, type DemoConfig, helpText, loadConfig } from './config.js';
import { buildReport, type DemoOutcome, LABELS, PORTFOLIO_SIGNALS } from './report.js';
import {
  correlations,
  evaluationContext,
  riskFactors,
  type SignalTest,
  testSignal,
} from './stage-evaluate.js';
import { computeFactors } from './stage-factors.js';
import { pastRankIC, trainModels } from './stage-models.js';
import { enhancedIndex } from './stage-portfolio.js';

function parseArgs(argv: string[]): { config: DemoConfig; quiet: boolean } {
  let config = DEFAULT_DEMO_CONFIG;
  let out: string | undefined;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      process.stdout.write(`${helpText()}\n`);
      process.exit(0);
    } else if (a === '--config') config = loadConfig(argv[++i] ?? '');
    else if (a === '--out') out = argv[++i];
    else if (a === '--quiet') quiet = true;
    else throw new HfqError('DEMO_CONFIG', `unknown argument ${a} (see --help)`, { field: a });
  }
  return { config: out ? { ...config, out } : config, quiet };
}

function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const v = (name: string) => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return 'unknown'; // a package whose exports hide its package.json
    }
  };
  return {
    node: process.versions.node,
    hfq: v('@hfq/core'),
    '@tensorflow/tfjs-core': v('@tensorflow/tfjs-core'),
    'onnxruntime-node': v('onnxruntime-node'),
  };
}

async function main(): Promise<number> {
  const { config: cfg, quiet } = parseArgs(process.argv.slice(2));
  const out = resolve(cfg.out);
  mkdirSync(out, { recursive: true });
  const bar: ProgressCallback = quiet ? () => {} : createProgressBar(process.stderr);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const timings: DemoOutcome['timings'] = [];
  const timed = async <T>(stage: string, fn: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    say(`[${timings.length + 1}/6] ${stage}`);
    const r = await fn();
    timings.push({ stage, seconds: (performance.now() - t0) / 1000 });
    return r;
  };

  // 1. The market.
  const marketConfig: Partial<MarketConfig> = { ...cfg.market };
  const { market, daily, index, alpha } = await timed('market: simulate', () => {
    const market = createMarket(marketConfig);
    const daily = market.daily({ onProgress: bar });
    const index = market.index({ onProgress: bar });
    return { market, daily, index, alpha: market.truth().alpha };
  });
  say(
    `  ${market.assets.length} stocks x ${market.calendar.length} days (${formatYmd(market.calendar.first)}..${formatYmd(market.calendar.last)}), index of ${cfg.market.indexSize}`,
  );

  // 2. Factors.
  const cube = await timed('factors: 327 per stock-day', () =>
    computeFactors(market, marketConfig, cfg.factors.threads, { onProgress: bar }),
  );

  // 3. Models.
  const stage = await timed('models: walk-forward training, out-of-sample scores', () =>
    trainModels(cube, daily, cfg, bar, say),
  );
  const scoreDates = Object.values(stage.scores)[0]!.dates;

  // 4. Single-factor tests, the oracle and the best single factor.
  const evaluated = await timed('evaluate: RankIC, 10 groups, correlations', () => {
    const ctx = evaluationContext(daily);
    const tests: Record<string, SignalTest> = {};
    for (const [name, score] of Object.entries(stage.scores)) tests[name] = testSignal(name, score, ctx);
    const oracle = testSignal('oracle', alpha.alignTo(scoreDates, market.assets), ctx);
    const ids = FACTOR_LIBRARY.map((f) => f.id);
    const past = pastRankIC(cube, daily, ids, cube.dates.indexOf(stage.testStart), cfg.models.window);
    let best = 0;
    for (let j = 1; j < ids.length; j++) if (Math.abs(past[j]!) > Math.abs(past[best]!)) best = j;
    const sign = past[best]! < 0 ? -1 : 1;
    const bestPanel = cube
      .factorPanel(best)
      .map((v) => sign * v)
      .alignTo(scoreDates, market.assets);
    const bestFactor = { name: ids[best]!, sign, test: testSignal(ids[best]!, bestPanel, ctx) };
    const shown = Object.keys(LABELS).filter((k) => stage.scores[k]);
    const corr = correlations(
      Object.fromEntries(shown.map((k) => [LABELS[k]!, stage.scores[k]!])),
      riskFactors(daily, index, scoreDates),
    );
    return { tests, oracle, bestFactor, corr };
  });

  // 5. Enhanced index.
  const portfolios = await timed('enhanced index: weekly LP, both scenarios', async () => {
    const res: Record<string, EnhancedIndexBacktest> = {};
    for (const k of PORTFOLIO_SIGNALS) {
      if (stage.scores[k])
        res[k] = await enhancedIndex(stage.scores[k], daily, index, market.industry, cfg.backtest, {
          onProgress: bar,
        });
    }
    return res;
  });

  // 6. Report and artefacts.
  const outcome: DemoOutcome = {
    config: cfg,
    marketSummary: {
      stocks: market.assets.length,
      days: market.calendar.length,
      first: market.calendar.first,
      last: market.calendar.last,
      indexSize: cfg.market.indexSize,
      factors: cube.nFactors,
    },
    testStart: stage.testStart,
    tests: evaluated.tests,
    oracle: evaluated.oracle,
    bestFactor: evaluated.bestFactor,
    variableFactors: stage.variableFactors,
    results: stage.results,
    correlations: evaluated.corr,
    portfolios,
    timings,
    versions: versions(),
  };
  await timed('report', async () => {
    const doc = await buildReport(outcome);
    await renderReport(join(out, 'report.html'), doc);
    writeFileSync(join(out, 'report.md'), reportMarkdown(doc));
    const panels: Record<string, Panel> = {};
    for (const [k, p] of Object.entries(stage.scores)) panels[k.replace(/[^A-Za-z0-9_]+/g, '_')] = p;
    writePanelsParquet(join(out, 'scores.parquet'), panels, {
      metadata: { 'hfq.kind': 'out-of-sample scores' },
    });
    writeFileSync(join(out, 'config.json'), `${JSON.stringify(cfg, null, 2)}\n`);
  });

  // Shares of the oracle RankIC that the run checks: the composite (the study's headline) and the
  // all-factor Transformer (issue 7's bar), each when it was trained.
  const shareOf = (key: string) => {
    const t = outcome.tests[key];
    return t ? t.summary.mean / outcome.oracle.summary.mean : Number.NaN;
  };
  const share = shareOf('composite');
  const transformerShare = shareOf('all-transformer');
  const checked = [
    [LABELS.composite, share],
    [LABELS['all-transformer'], transformerShare],
  ] as const;
  const summary = {
    oracleRankIC: outcome.oracle.summary.mean,
    rankIC: Object.fromEntries(Object.entries(outcome.tests).map(([k, t]) => [k, t.summary.mean])),
    bestSingleFactor: { name: outcome.bestFactor.name, rankIC: outcome.bestFactor.test.summary.mean },
    compositeShareOfOracle: share,
    transformerShareOfOracle: transformerShare,
    topExcess: Object.fromEntries(
      Object.entries(outcome.tests).map(([k, t]) => [k, t.groups.top.excessAnnualReturn]),
    ),
    enhancedIndex: Object.fromEntries(
      Object.entries(portfolios).map(([k, p]) => [
        k,
        Object.fromEntries(Object.entries(p.scenarios).map(([s, r]) => [s, r.summary])),
      ]),
    ),
    timings,
  };
  writeFileSync(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

  const total = timings.reduce((a, t) => a + t.seconds, 0);
  say('');
  say(
    `Done in ${(total / 60).toFixed(1)} min. Wrote ${join(cfg.out, 'report.html')}, report.md, scores.parquet, models/*.onnx, summary.json.`,
  );
  say(
    `  oracle RankIC ${(100 * outcome.oracle.summary.mean).toFixed(2)}%, best single factor ${(100 * outcome.bestFactor.test.summary.mean).toFixed(2)}%`,
  );
  for (const [k, t] of Object.entries(outcome.tests).sort(
    ([a], [b]) => Object.keys(LABELS).indexOf(a) - Object.keys(LABELS).indexOf(b),
  )) {
    say(
      `  ${(LABELS[k] ?? k).padEnd(48)} RankIC ${(100 * t.summary.mean).toFixed(2).padStart(6)}%  TOP excess ${(100 * t.groups.top.excessAnnualReturn).toFixed(1).padStart(6)}%`,
    );
  }
  let failed = false;
  if (cfg.checkOracleShare > 0) {
    for (const [label, v] of checked) {
      if (Number.isNaN(v)) continue;
      const ok = v >= cfg.checkOracleShare;
      failed ||= !ok;
      say(
        `  check: ${label} RankIC is ${(100 * v).toFixed(0)}% of the oracle's (needs >= ${(100 * cfg.checkOracleShare).toFixed(0)}%): ${ok ? 'PASS' : 'FAIL'}`,
      );
    }
  }
  return failed ? 2 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`\ndemo failed: ${e instanceof Error ? e.message : String(e)}\n`);
    if (!(e instanceof HfqError)) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    process.exit(1);
  },
);
