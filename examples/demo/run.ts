/**
 * The end-to-end demo: `npm run demo` (or `npm run demo -- --config my.yaml`, `--help`).
 *
 * Runs the reference study (`@hfq/workflow`'s `runWorkflow`) on the built-in synthetic market and
 * writes `out/demo/`: report.html + report.md (the study's tables and charts), models/*.onnx,
 * scores.parquet (every out-of-sample score panel), summary.json (the headline numbers),
 * config.json, and the stage cache `cache/` (a second run with the same config loads every stage).
 *
 * Stages: 1 market (simulate) -> 2 factors (327 per stock-day) -> 3 models (walk-forward,
 * out of sample) -> 4 single-factor tests + oracle -> 5 enhanced index -> 6 report.
 */
import { join } from 'node:path';
import { createProgressBar, HfqError, type ProgressCallback } from '@hfq/core';
import {
  DEFAULT_WORKFLOW_CONFIG,
  LABELS,
  loadWorkflowConfig,
  runWorkflow,
  type WorkflowConfig,
  workflowChecks,
  workflowHelpText,
} from '@hfq/workflow';

function parseArgs(argv: string[]): { config: WorkflowConfig; quiet: boolean } {
  let config = DEFAULT_WORKFLOW_CONFIG;
  let out: string | undefined;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      process.stdout.write(`${workflowHelpText()}\n`);
      process.exit(0);
    } else if (a === '--config') config = loadWorkflowConfig(argv[++i] ?? '');
    else if (a === '--out') out = argv[++i];
    else if (a === '--quiet') quiet = true;
    else throw new HfqError('WORKFLOW_CONFIG', `unknown argument ${a} (see --help)`, { field: a });
  }
  return { config: out ? { ...config, out } : config, quiet };
}

async function main(): Promise<number> {
  const { config: cfg, quiet } = parseArgs(process.argv.slice(2));
  const bar: ProgressCallback = quiet ? () => {} : createProgressBar(process.stderr);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const { summary } = await runWorkflow(cfg, { onProgress: bar, log: say });
  const s = summary!;
  const total = s.timings.reduce((a, t) => a + t.seconds, 0);
  say('');
  say(
    `Done in ${(total / 60).toFixed(1)} min. Wrote ${join(cfg.out, 'report.html')}, report.md, scores.parquet, models/*.onnx, summary.json.`,
  );
  say(
    `  best achievable RankIC ${(100 * s.bestAchievableRankIC).toFixed(2)}% (expected return at T), planted alpha ${(100 * s.plantedAlphaRankIC).toFixed(2)}%, best single factor ${(100 * s.bestSingleFactor.rankIC).toFixed(2)}%`,
  );
  const order = Object.keys(LABELS);
  for (const k of Object.keys(s.rankIC).sort((a, b) => order.indexOf(a) - order.indexOf(b))) {
    say(
      `  ${(LABELS[k] ?? k).padEnd(48)} RankIC ${(100 * s.rankIC[k]!).toFixed(2).padStart(6)}%  TOP excess ${(100 * s.topExcess[k]!).toFixed(1).padStart(6)}%`,
    );
  }
  const checks = workflowChecks(cfg, s);
  for (const c of checks) say(`  check: ${c.message}: ${c.ok ? 'PASS' : 'FAIL'}`);
  const failed = checks.some((c) => !c.ok);
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
