/**
 * Stage 6: the study's tables and charts on the synthetic market, as one report document
 * (rendered to self-contained HTML and to Markdown by `@hfq/report`).
 */
import { type CorrelationTable, navSeries } from '@hfq/metrics';
import type { EnhancedIndexBacktest } from '@hfq/optimizer';
import {
  calendarYearTable,
  correlationTable,
  cumulativeICChart,
  enhancedIndexTable,
  excessNavDrawdownChart,
  factorTestTable,
  formatPercent,
  groupNavChart,
  groupTable,
  type ReportBlock,
  type ReportDocument,
  type ReportSection,
  type ReportTable,
  topRelativeNavChart,
} from '@hfq/report';
import { type ModelName, SEQUENCE_MODELS, type WorkflowConfig } from './config.js';
import { multiPeriodSections } from './report-multi-period.js';
import type { SignalTest } from './stage-evaluate.js';
import type { ModelResult } from './stage-models.js';
import type { MultiPeriodComparison } from './stage-multi-period.js';

/** Everything the report shows: the config, every stage's results, timings and versions. */
export interface WorkflowOutcome {
  config: WorkflowConfig;
  marketSummary: {
    stocks: number;
    days: number;
    first: number;
    last: number;
    indexSize: number;
    factors: number;
  };
  testStart: number;
  tests: Record<string, SignalTest>;
  /** The planted alpha at T (what the factors were built to find). */
  oracle: SignalTest;
  /**
   * The best achievable score from information at T: the simulator's expected return of the same
   * close T+1 -> close T+6 label given the close of T. Every share is taken of its RankIC.
   */
  bestAchievable: SignalTest;
  bestFactor: { name: string; sign: number; test: SignalTest };
  variableFactors: string[];
  results: ModelResult[];
  correlations: { factors: CorrelationTable; risk: CorrelationTable };
  portfolios: Record<string, EnhancedIndexBacktest>;
  multiPeriod?: MultiPeriodComparison;
  timings: Array<{ stage: string; seconds: number }>;
  versions: Record<string, string>;
}

/** Display names of the score panels, in the study's vocabulary. */
export const LABELS: Record<string, string> = {
  'baseline-gru': 'hand-made 27 (GRU)',
  'minute-transformer': 'minute-bar set (Transformer)',
  'vbar-transformer': 'equal-volume set (Transformer)',
  'tick-transformer': 'tick set (Transformer)',
  'all-transformer': 'all 300 (Transformer)',
  'all-itransformer': 'iTransformer',
  'all-crossformer': 'Crossformer',
  composite: 'composite (3 models)',
  'all-seq2seq:sum': 'sequence model, Transformer encoder (sum)',
  'all-seq2seq:validIC': 'sequence model, Transformer encoder (validation-IC horizon weights)',
  'all-seq2seq-itransformer:sum': 'sequence model, iTransformer encoder (sum)',
  'all-seq2seq-itransformer:validIC': 'sequence model, iTransformer encoder (validation-IC horizon weights)',
  'all-seq2seq-crossformer:sum': 'sequence model, Crossformer encoder (sum)',
  'all-seq2seq-crossformer:validIC': 'sequence model, Crossformer encoder (validation-IC horizon weights)',
  'return-sequence:sum': 'return-sequence (3 models, sum, as the study)',
  'return-sequence:validIC': 'return-sequence (3 models, validation-IC horizon weights)',
  'composite-prediction': 'composite prediction',
  'all-seq2seq': 'sequence model, Transformer encoder',
  'all-seq2seq-itransformer': 'sequence model, iTransformer encoder',
  'all-seq2seq-crossformer': 'sequence model, Crossformer encoder',
};
const label = (k: string) => LABELS[k] ?? k;

const FACTOR_ROWS = [
  'baseline-gru',
  'minute-transformer',
  'vbar-transformer',
  'tick-transformer',
  'all-transformer',
];
const MODEL_ROWS = ['all-transformer', 'all-itransformer', 'all-crossformer', 'composite'];
const LABEL_ROWS = [
  'composite',
  'all-seq2seq:sum',
  'all-seq2seq-itransformer:sum',
  'all-seq2seq-crossformer:sum',
  'return-sequence:sum',
  'return-sequence:validIC',
  'composite-prediction',
];

/**
 * The study's label-side rows (paper-notes §4): RankIC, ICIR, TOP excess (annualised), TOP IR.
 * The study reports the return-sequence factor and the composite prediction, not each sequence
 * model; `return-sequence:validIC` is hfq's own.
 */
const STUDY_LABEL_SIDE: Record<string, { rankIC: number; icir: number; topExcess: number; topIR: number }> = {
  composite: { rankIC: 0.1164, icir: 1.16, topExcess: 0.2594, topIR: 3.81 },
  'return-sequence:sum': { rankIC: 0.1125, icir: 1.2, topExcess: 0.2169, topIR: 3.45 },
  'composite-prediction': { rankIC: 0.1174, icir: 1.2, topExcess: 0.2399, topIR: 3.63 },
};

/** The label-side rows of this run beside the study's (RankIC, ICIR) and the share of the best achievable. */
function studyLabelTable(o: WorkflowOutcome): ReportTable {
  const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : formatPercent(v));
  const num = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(2));
  return {
    title: 'Label side beside the study',
    columns: [
      'signal',
      'study RankIC',
      'study ICIR',
      'this run RankIC',
      'this run ICIR',
      'share of best achievable',
    ].map((header) => ({ header })),
    rows: LABEL_ROWS.filter((k) => o.tests[k]).map((k) => {
      const t = o.tests[k]!.summary;
      const study = STUDY_LABEL_SIDE[k];
      return [
        label(k),
        pct(study?.rankIC),
        num(study?.icir),
        pct(t.mean),
        num(t.ir),
        pctShare(shareOfBest(o, k)),
      ];
    }),
    note: "Study: paper-notes §4 (all A-shares, 2017-2025); it reports the return-sequence factor and the composite prediction, not each sequence model. '-' = not in the study.",
  };
}
/** The scores whose enhanced index is backtested (those that were trained). */
export const PORTFOLIO_SIGNALS = ['baseline-gru', 'all-transformer', 'composite', 'composite-prediction'];

/** Row names of the two yardsticks. */
export const YARDSTICK_LABELS = {
  plantedAlpha: 'planted alpha (what the factors were built to find)',
  bestAchievable: 'best achievable (expected return at T)',
} as const;

/** A score's RankIC over the best achievable one (NaN when the score was not trained). */
export function shareOfBest(o: Pick<WorkflowOutcome, 'tests' | 'bestAchievable'>, key: string): number {
  const t = o.tests[key];
  return t ? t.summary.mean / o.bestAchievable.summary.mean : Number.NaN;
}

const pctShare = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(0)}%` : 'n/a');

/**
 * The single-factor table of `keys` (then `extra`); with `share`, a last column with each row's
 * RankIC as a share of the best achievable one.
 */
function testRows(o: WorkflowOutcome, keys: string[], extra: SignalTest[] = [], share = false): ReportTable {
  const entries = [
    ...keys
      .filter((k) => o.tests[k])
      .map((k) => ({ name: label(k), ic: o.tests[k]!.summary, top: o.tests[k]!.groups })),
    ...extra.map((t) => ({ name: t.name, ic: t.summary, top: t.groups })),
  ];
  const table = factorTestTable(entries);
  if (!share) return table;
  const best = o.bestAchievable.summary.mean;
  return {
    ...table,
    columns: [...table.columns, { header: 'share of best achievable' }],
    rows: table.rows.map((r, i) => [...r, pctShare(entries[i]!.ic.mean / best)]),
  };
}

async function icChart(o: WorkflowOutcome, keys: string[], title: string) {
  const present = keys.filter((k) => o.tests[k]);
  // the yardsticks are tested on the score dates, so their dates serve when no key is present
  const dates = o.bestAchievable.groups.rebalanceDates;
  return cumulativeICChart(
    dates,
    [
      ...present.map((k) => ({ name: label(k), values: o.tests[k]!.ic })),
      {
        name: 'best achievable (expected return at T)',
        values: o.bestAchievable.ic,
        color: '#000',
        dashed: true,
      },
      { name: 'planted alpha', values: o.oracle.ic, color: '#888', dashed: true },
    ],
    { title },
  );
}

function scenarioSection(o: WorkflowOutcome, scenario: string, title: string): Promise<ReportSection> {
  return (async () => {
    const signals = PORTFOLIO_SIGNALS.filter((k) => o.portfolios[k]);
    const rows = signals.map((k) => ({
      name: label(k),
      stats: o.portfolios[k]!.scenarios[scenario]!.stats,
      turnover: o.portfolios[k]!.scenarios[scenario]!.summary.turnover,
    }));
    const any = o.portfolios[signals[0]!]!;
    rows.push({ name: 'benchmark index', stats: any.benchmark.stats, turnover: Number.NaN });
    const blocks: ReportBlock[] = [
      { kind: 'table', table: enhancedIndexTable(rows, { title: `${title}: performance` }) },
      {
        kind: 'table',
        table: calendarYearTable(
          signals.map((k) => ({ name: label(k), stats: o.portfolios[k]!.scenarios[scenario]!.stats })),
          { title: `${title}: calendar years`, benchmarkName: 'benchmark index' },
        ),
      },
    ];
    const lead = o.portfolios.composite ? 'composite' : signals[0]!;
    const s = o.portfolios[lead]!.scenarios[scenario]!;
    const nav = navSeries({
      returns: s.returns,
      dates: o.portfolios[lead]!.dates,
      benchmark: o.portfolios[lead]!.benchmark.returns,
    });
    blocks.push({
      kind: 'chart',
      chart: await excessNavDrawdownChart(nav, {
        title: `${label(lead)}: excess NAV and drawdown (${title})`,
      }),
    });
    const relaxed = s.rebalances.relaxed.filter((r) => r.length > 0).length;
    const kinds = [...new Set(s.rebalances.relaxed.flat())].join(', ');
    blocks.push(
      `Rebalances where the optimiser had to relax something (${label(lead)}): ${relaxed} of ${s.rebalances.relaxed.length}${relaxed > 0 ? ` (${kinds})` : ''}.`,
    );
    return { title, blocks };
  })();
}

export async function buildReport(o: WorkflowOutcome): Promise<ReportDocument> {
  const comp = o.tests.composite ?? o.tests['all-transformer'];
  const compName = o.tests.composite ? 'composite' : 'all-transformer';
  const ratio = shareOfBest(o, compName);
  const floor = o.portfolios[compName]?.scenarios.floor80?.summary;
  const total = o.timings.reduce((a, t) => a + t.seconds, 0);
  const m = o.config.models;

  const sections: ReportSection[] = [];
  sections.push({
    title: 'Summary',
    blocks: [
      {
        kind: 'figures',
        items: [
          {
            label: 'best achievable RankIC (expected return at T)',
            value: formatPercent(o.bestAchievable.summary.mean),
          },
          { label: 'planted alpha RankIC', value: formatPercent(o.oracle.summary.mean) },
          { label: `${label(compName)} RankIC`, value: comp ? formatPercent(comp.summary.mean) : 'n/a' },
          { label: 'share of the best achievable', value: pctShare(ratio) },
          { label: `best single factor RankIC`, value: formatPercent(o.bestFactor.test.summary.mean) },
          {
            label: `${label(compName)} TOP excess`,
            value: comp ? formatPercent(comp.groups.top.excessAnnualReturn) : 'n/a',
          },
          {
            label: 'enhanced index excess (80% floor)',
            value: floor ? formatPercent(floor.excessAnnualReturn) : 'n/a',
          },
          { label: 'run time', value: `${(total / 60).toFixed(1)} min` },
        ],
      },
      `The whole study of the reference report, run end to end on hfq's synthetic A-share market: ${o.marketSummary.stocks} stocks x ${o.marketSummary.days} trading days (${o.marketSummary.first}-${o.marketSummary.last}), ${o.marketSummary.factors} factors per stock-day from minute bars, equal-volume bars and 10-level tick snapshots, deep models trained walk-forward with an IC loss, and a CSI-1000-like enhanced-index portfolio. Everything from ${o.testStart} on is out of sample: every score comes from a model that never saw that date's label.`,
      "The market is simulated, so two yardsticks are known. The planted alpha is the latent signal the factors were built to find; it is not the ceiling, because the simulator's returns also carry short-term reversal and small style premia. The best achievable score is the simulator's expected return of the same label (close T+1 -> close T+6, idiosyncratic) given everything at the close of T: alpha, reversal state and styles carried forward five days with future shocks at their mean. Shares are taken of the best achievable RankIC. Absolute numbers are not comparable to the study's (a synthetic market, far fewer stocks and days); the comparisons inside each table are the point.",
    ],
  });

  sections.push({
    title: 'Factor side: feature sets',
    blocks: [
      'Weekly RankIC against the close T+1 -> close T+6 return over the tradable universe (no ST, not suspended or limit-up on T+1); 10 equal-count groups rebalanced on the score dates, no costs. TOP = the highest-score group; excess and IR are annualised against the universe equal-weight portfolio.',
      {
        kind: 'table',
        table: testRows(
          o,
          FACTOR_ROWS,
          [
            {
              ...o.bestFactor.test,
              name: `best single factor: ${o.bestFactor.name}${o.bestFactor.sign < 0 ? ' (sign flipped)' : ''}`,
            },
            { ...o.oracle, name: YARDSTICK_LABELS.plantedAlpha },
            { ...o.bestAchievable, name: YARDSTICK_LABELS.bestAchievable },
          ],
          true,
        ),
      },
      { kind: 'chart', chart: await icChart(o, FACTOR_ROWS, 'Cumulative RankIC by feature set') },
      ...(o.tests['all-transformer']
        ? [
            {
              kind: 'chart' as const,
              chart: await groupNavChart(o.tests['all-transformer'].groups, {
                title: 'All 300 (Transformer): 10 group NAVs',
              }),
            },
            {
              kind: 'chart' as const,
              chart: await topRelativeNavChart(o.tests['all-transformer'].groups, {
                title: 'All 300 (Transformer): TOP group relative NAV',
              }),
            },
            {
              kind: 'table' as const,
              table: groupTable(o.tests['all-transformer'].groups, {
                title: 'All 300 (Transformer): groups',
              }),
            },
          ]
        : []),
    ],
  });

  sections.push({
    title: 'Model side: attention across variables',
    blocks: [
      `All models read the same 40-day history; the Transformer attends across days over all 300 factors, iTransformer across factors (one token per factor's window), Crossformer across segments and then factors through router tokens. On this run iTransformer and Crossformer read ${o.variableFactors.length === 300 ? 'all 300 factors' : `the ${o.variableFactors.length} factors with the highest |RankIC| before the first out-of-sample date (config models.variableTokens; on CPU a token per factor for all 300 is too slow for a 15-minute demo)`}. The composite averages the three models' per-date z-scores with equal weight.`,
      { kind: 'table', table: testRows(o, MODEL_ROWS, [], true) },
      { kind: 'chart', chart: await icChart(o, MODEL_ROWS, 'Cumulative RankIC by model') },
      ...(o.tests.composite
        ? [
            {
              kind: 'chart' as const,
              chart: await topRelativeNavChart(o.tests.composite.groups, {
                title: 'Composite: TOP group relative NAV',
              }),
            },
          ]
        : []),
    ],
  });

  const seqTrained = o.results.filter((r) => SEQUENCE_MODELS.includes(r.name as ModelName)).length;
  sections.push({
    title: 'Label side: the 10-day return sequence',
    blocks: [
      `The sequence models (encoder-decoders with a Transformer, an iTransformer or a Crossformer encoder, each with a causal Transformer decoder; ${seqTrained} trained on this run) predict the daily returns of days T+${m.sequenceLag}..T+${m.sequenceLag + 9} (teacher forcing in training, autoregressive at inference). The study sums each model's path into one score; hfq also weights the horizons by their validation IC (fitted on each fold's validation dates only). The return-sequence factor averages the sequence models' per-date z-scores with equal weight; the composite prediction averages the 3-model composite (total-return label) with the summed return-sequence factor.`,
      { kind: 'table', table: testRows(o, LABEL_ROWS) },
      { kind: 'table', table: studyLabelTable(o) },
      { kind: 'chart', chart: await icChart(o, LABEL_ROWS, 'Cumulative RankIC by label') },
    ],
  });

  const signals = PORTFOLIO_SIGNALS.filter((k) => o.portfolios[k]);
  if (signals.length > 0) {
    const c = o.config.backtest;
    sections.push({
      title: 'CSI-1000-like enhanced index',
      blocks: [
        `Weekly: maximise the score subject to full investment, long only, per-stock deviation from the benchmark <= ${formatPercent(c.maxDeviation)}, industry exposure <= ${formatPercent(c.industryBand)}, style exposure <= ${c.styleBand} (size, beta, momentum, residual volatility, liquidity, value), two-sided turnover <= ${formatPercent(c.maxTurnover)}; orders filled at T+1 VWAP, ${formatPercent(c.costPerSide)} cost per side; stocks that cannot trade (suspended, limit-up for buys, limit-down for sells) stay where they are. Solved with HiGHS, every constraint verified after each solve.`,
      ],
      sections: [
        await scenarioSection(o, 'floor80', 'Constituents >= 80%'),
        await scenarioSection(o, 'noFloor', 'No constituent floor'),
      ],
    });
  }

  sections.push(...multiPeriodSections(o));
  sections.push({
    title: 'Correlations',
    blocks: [
      {
        kind: 'table',
        table: correlationTable(o.correlations.factors, {
          title: 'Between scores (time-average of per-date Spearman)',
        }),
      },
      {
        kind: 'table',
        table: correlationTable(o.correlations.risk, {
          title: 'With risk factors (time-average of per-date Spearman)',
        }),
      },
    ],
  });

  const trainRows = o.results.map((r) => [
    label(r.name),
    String(r.parameters),
    r.backend,
    (r.ms / 1000).toFixed(0),
    r.folds.map((f) => `${f.nTrain}/${f.nValid}`).join(', '),
    r.folds.map((f) => f.models[0]!.bestEpochs.join('/')).join(', '),
  ]);
  sections.push({
    title: 'How this run was made',
    blocks: [
      {
        kind: 'table',
        table: {
          title: 'Trainings',
          columns: [
            'model',
            'parameters',
            'backend',
            'seconds',
            'train/valid dates per fold',
            'best epochs per fold (per seed)',
          ].map((header) => ({ header })),
          rows: trainRows,
        },
      },
      {
        kind: 'list',
        items: [
          `Walk-forward: first out-of-sample date ${o.testStart}, retraining every ${m.retrainEvery} trading days on everything whose label ended before (expanding window, 4:1 train/validation split in time order).`,
          `Models: window ${m.window} days, d_model ${m.dModel}, ${m.seeds} seed(s) averaged${
            Object.keys(m.perModel).length > 0
              ? ` (per model: ${Object.entries(m.perModel)
                  .map(
                    ([n, k]) =>
                      `${label(n)} ${Object.entries(k ?? {})
                        .map(([kk, v]) => `${kk} ${v}`)
                        .join(', ')}`,
                  )
                  .join('; ')})`
              : ''
          }, at most ${m.epochs} epochs with early stopping (patience ${m.patience}) on validation IC, Adam ${m.learningRate}, ${m.maxStocksPerDate > 0 ? `${m.maxStocksPerDate} stocks sampled per step` : 'all stocks per step'}; a training sample every ${m.sampleStride === 1 ? 'trading day' : `${m.sampleStride} trading days`}${m.every5thDaySampled.length > 0 ? ` (every 5 for ${m.every5thDaySampled.map((n) => label(n)).join(', ')}: the slowest on a CPU)` : ''}; scores every 5 trading days.`,
          `iTransformer / Crossformer factors: ${o.variableFactors.length === 300 ? 'all 300' : o.variableFactors.join(', ')}.`,
          `Stage times: ${o.timings.map((t) => `${t.stage} ${t.seconds.toFixed(0)} s`).join(', ')}.`,
          `Versions: ${Object.entries(o.versions)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}.`,
        ],
      },
      { kind: 'code', text: JSON.stringify(o.config, null, 2) },
    ],
  });

  return {
    title: 'hfq: high-frequency volume-price stock selection, end to end',
    subtitle:
      'The reference study (factors, models, labels, enhanced index) on the built-in synthetic market',
    sections,
    footer:
      'Generated by `npm run demo` (examples/demo). Synthetic data: the expected return of the label at T is known, so the best achievable row is the ceiling of what any model can reach on this market (the planted alpha is below it).',
  };
}
