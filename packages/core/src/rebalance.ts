import { Calendar } from './calendar.js';
import { HfqError } from './errors.js';

/**
 * When to rebalance (or sample): the one rule type of hfq.
 *
 * - `'daily'`: every trading day.
 * - `'weekly'`: the last trading day of each calendar week (Monday to Sunday), whatever its
 *   weekday: a week whose Friday is a holiday rebalances on Thursday. This is the study's weekly
 *   rebalance; it is not "every 5th trading day" (that is `{ every: 5 }`).
 * - `'monthly'`: the last trading day of each calendar month.
 * - `{ every, offset }`: every `every`-th trading day starting at calendar index `offset`
 *   (default 0), e.g. `{ every: 5 }` = indices 0, 5, 10, ...
 * - explicit dates: `yyyymmdd` trading days of the calendar, strictly increasing.
 */
export type RebalanceRule =
  | 'daily'
  | 'weekly'
  | 'monthly'
  | { every: number; offset?: number }
  | ArrayLike<number>;

/** A {@link RebalanceRule} after {@link parseRebalanceRule}: checked, explicit. */
export type ParsedRebalanceRule =
  | { kind: 'daily' }
  | { kind: 'weekly' }
  | { kind: 'monthly' }
  | { kind: 'every'; every: number; offset: number }
  | { kind: 'dates'; dates: Int32Array };

/**
 * Checks a rebalance rule and makes it explicit. Explicit dates are checked here for being
 * integers and strictly increasing; whether they are trading days needs the calendar (see
 * {@link rebalanceIndices}).
 *
 * @param field the option's name in error contexts (e.g. `rebalance`, `schedule`).
 * @throws HfqError `INVALID_ARGUMENT` (unknown rule name, `every` not an integer >= 1, `offset`
 * not an integer >= 0, a date that is not an integer; context `field`, `row` for dates),
 * `NOT_SORTED` (explicit dates not strictly increasing; context `field`, `row`, `date`).
 */
export function parseRebalanceRule(rule: RebalanceRule, field = 'rebalance'): ParsedRebalanceRule {
  if (rule === 'daily' || rule === 'weekly' || rule === 'monthly') return { kind: rule };
  if (typeof rule === 'string') {
    throw new HfqError(
      'INVALID_ARGUMENT',
      `unknown ${field} rule '${rule}': expected 'daily', 'weekly', 'monthly', { every, offset } or dates`,
      { field },
    );
  }
  if (rule === null || typeof rule !== 'object') {
    throw new HfqError('INVALID_ARGUMENT', `${field} must be a rule name, { every, offset } or dates`, {
      field,
    });
  }
  const isList = typeof (rule as { length?: unknown }).length === 'number';
  if (!isList && 'every' in rule) {
    const { every, offset = 0 } = rule as { every: number; offset?: number };
    if (!Number.isInteger(every) || every < 1) {
      throw new HfqError('INVALID_ARGUMENT', `${field}.every must be an integer >= 1, got ${String(every)}`, {
        field: `${field}.every`,
      });
    }
    if (!Number.isInteger(offset) || offset < 0) {
      throw new HfqError(
        'INVALID_ARGUMENT',
        `${field}.offset must be an integer >= 0, got ${String(offset)}`,
        {
          field: `${field}.offset`,
        },
      );
    }
    return { kind: 'every', every, offset };
  }
  const list = rule as ArrayLike<number>;
  if (!isList) {
    throw new HfqError('INVALID_ARGUMENT', `${field} must be a rule name, { every, offset } or dates`, {
      field,
    });
  }
  const dates = new Int32Array(list.length);
  for (let k = 0; k < list.length; k++) {
    const d = list[k]!;
    if (!Number.isInteger(d)) {
      throw new HfqError('INVALID_ARGUMENT', `${field}[${k}] is not a yyyymmdd date: ${String(d)}`, {
        field,
        row: k,
      });
    }
    if (k > 0 && d <= dates[k - 1]!) {
      throw new HfqError(
        'NOT_SORTED',
        `${field} dates must be strictly increasing (${dates[k - 1]} then ${d})`,
        {
          field,
          row: k,
          date: d,
        },
      );
    }
    dates[k] = d;
  }
  return { kind: 'dates', dates };
}

/**
 * Calendar indices (increasing) of the days a rule picks from a calendar or an ascending date
 * list. `{ every, offset }` with `offset` past the end picks nothing.
 *
 * @param field the option's name in error contexts.
 * @throws HfqError as {@link parseRebalanceRule}, and `NOT_FOUND` when an explicit date is not a
 * day of the calendar (context `field`, `row`, `date`).
 */
export function rebalanceIndices(
  calendar: Calendar | ArrayLike<number>,
  rule: RebalanceRule | ParsedRebalanceRule = 'weekly',
  field = 'rebalance',
): Int32Array {
  const cal = calendar instanceof Calendar ? calendar : new Calendar(calendar);
  const r = isParsed(rule) ? rule : parseRebalanceRule(rule, field);
  switch (r.kind) {
    case 'daily':
      return cal.every(1);
    case 'weekly':
      return cal.weekEndIndices();
    case 'monthly':
      return cal.monthEndIndices();
    case 'every':
      return cal.every(r.every, Math.min(r.offset, cal.length));
    case 'dates': {
      const out = new Int32Array(r.dates.length);
      for (let k = 0; k < r.dates.length; k++) {
        const i = cal.indexOf(r.dates[k]!);
        if (i < 0) {
          throw new HfqError(
            'NOT_FOUND',
            `${field} date ${r.dates[k]} is not a trading day of the calendar`,
            {
              field,
              row: k,
              date: r.dates[k]!,
            },
          );
        }
        out[k] = i;
      }
      return out;
    }
  }
}

/**
 * The dates (`yyyymmdd`, increasing) a rule picks from a calendar or an ascending date list: e.g.
 * the study's weekly sample `rebalanceDates(factor.dates, 'weekly')`. Default rule `'weekly'`.
 * @throws HfqError as {@link rebalanceIndices}.
 */
export function rebalanceDates(
  calendar: Calendar | ArrayLike<number>,
  rule: RebalanceRule | ParsedRebalanceRule = 'weekly',
  field = 'rebalance',
): Int32Array {
  const cal = calendar instanceof Calendar ? calendar : new Calendar(calendar);
  return Int32Array.from(rebalanceIndices(cal, rule, field), (i) => cal.dates[i]!);
}

function isParsed(rule: RebalanceRule | ParsedRebalanceRule): rule is ParsedRebalanceRule {
  return typeof rule === 'object' && rule !== null && typeof (rule as { kind?: unknown }).kind === 'string';
}
