/**
 * The report's multi-period section: the comparison table of `stage-multi-period.ts`, how the
 * path was calibrated and cut into steps, and what the table shows.
 */
import { formatNumber, formatPercent, type ReportSection } from '@hfq/report';
import type { WorkflowOutcome } from './report.js';
import type { MultiPeriodComparison } from './stage-multi-period.js';

const TITLE = 'Using the predicted path: multi-period plan vs its sum';

/** A sentence on what the table shows (excess and IR of the plan against the summed path). */
function verdict(c: MultiPeriodComparison): string {
  const a = c.rows.find((r) => r.run === 'summed');
  const b = c.rows.find((r) => r.run === 'multiPeriod');
  if (!a || !b) return '';
  const d = b.excessAnnualReturn - a.excessAnnualReturn;
  const better = d > 0 ? 'more' : 'less';
  return `On this run the ${c.steps}-step plan earned ${formatPercent(Math.abs(d))} a year ${better} excess than the summed path (IR ${formatNumber(b.informationRatio)} vs ${formatNumber(a.informationRatio)}), at ${formatPercent(b.turnover, 1)} vs ${formatPercent(a.turnover, 1)} turnover per rebalance and ${formatPercent(b.annualCost)} vs ${formatPercent(a.annualCost)} costs a year. Over ${c.rebalances} rebalances on a synthetic market one run is one draw: read the difference against the tracking error, not as a ranking.`;
}

/** The section (none when the comparison was switched off). */
export function multiPeriodSections(o: WorkflowOutcome): ReportSection[] {
  const c = o.multiPeriod;
  if (c === undefined) return [];
  if (!c.ran) return [{ title: TITLE, blocks: [`Not run: ${c.reason}.`] }];
  const steps = Object.entries(c.stepDays)
    .map(
      ([m, ks]) =>
        `${m}: ${ks.map((days, s) => `step ${s + 1} = days ${days[0]}-${days[days.length - 1]}`).join(', ')}`,
    )
    .join('; ');
  const b = o.config.backtest;
  return [
    {
      title: TITLE,
      blocks: [
        `The study sums the sequence model's 10 predicted daily returns into one score and says a multi-period optimiser would use the path better. Here the path drives the same weekly backtest (80% constituent floor, the limits and costs above, ${formatPercent(b.costPerSide)} per side) three ways, all from ${c.start}: the single-period LP on the summed path (the study's use), the multi-period LP (plan the next ${c.steps} rebalances from the path, costs priced, every limit at every step, trade the first step), and the single-period LP on the ${c.reference ?? 'reference'} score for reference.`,
        `The path in return units, without look-ahead: the models output standardised scores per day; at each rebalance date T, day k's score is turned into an expected return by the slope of a pooled cross-sectional regression of the realised day-k return on the day-k score, over every earlier out-of-sample date t whose day-k return was known at T (an expanding window: the out-of-sample history is short), used once ${c.minCalibrationDates} such dates exist; the calibrated paths of the sequence models (${c.models.join(', ')}) are averaged. Orders fill at T+1, so step s holds over days T+5(s-1)+2 .. T+5s+1: ${steps}.`,
        {
          kind: 'table',
          table: {
            title: 'Multi-period comparison (constituents >= 80%)',
            columns: [
              'run',
              'annual return',
              'excess',
              'tracking error',
              'IR',
              'turnover',
              'costs paid / year',
              's / rebalance',
            ].map((header) => ({ header })),
            rows: c.rows.map((r) => [
              r.label,
              formatPercent(r.annualReturn),
              formatPercent(r.excessAnnualReturn),
              formatPercent(r.trackingError),
              formatNumber(r.informationRatio),
              formatPercent(r.turnover, 1),
              formatPercent(r.annualCost),
              formatNumber(r.secondsPerRebalance, 3),
            ]),
            note: `${c.rebalances} weekly rebalances; turnover per rebalance (two-sided), first purchase excluded; costs paid at the fills, annualised over 252 days; s / rebalance is the backtest's wall time.`,
          },
        },
        verdict(c),
      ],
    },
  ];
}
