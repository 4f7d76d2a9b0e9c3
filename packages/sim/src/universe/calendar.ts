import { addCalendarDays, Calendar, weekdays } from '@hfq/core';

/** Lunar new year's day for 2000..2035 (Gregorian `yyyymmdd`); other years fall back to 5 February. */
const LUNAR_NEW_YEAR: Readonly<Record<number, number>> = {
  2000: 20000205,
  2001: 20010124,
  2002: 20020212,
  2003: 20030201,
  2004: 20040122,
  2005: 20050209,
  2006: 20060129,
  2007: 20070218,
  2008: 20080207,
  2009: 20090126,
  2010: 20100214,
  2011: 20110203,
  2012: 20120123,
  2013: 20130210,
  2014: 20140131,
  2015: 20150219,
  2016: 20160208,
  2017: 20170128,
  2018: 20180216,
  2019: 20190205,
  2020: 20200125,
  2021: 20210212,
  2022: 20220201,
  2023: 20230122,
  2024: 20240210,
  2025: 20250129,
  2026: 20260217,
  2027: 20270206,
  2028: 20280126,
  2029: 20290213,
  2030: 20300203,
  2031: 20310123,
  2032: 20320211,
  2033: 20330131,
  2034: 20340219,
  2035: 20350208,
};

/**
 * An approximate mainland-China exchange holiday set for `year`: New Year's day, the Spring
 * Festival week (eve to the sixth day), Qingming (4-5 April), Labour Day (1-3 May) and National
 * Day (1-7 October). Not the exchanges' official calendar (no make-up days, no Dragon Boat or
 * Mid-Autumn): it only makes the synthetic calendar look like one, with ~242 trading days a year.
 */
export function chinaHolidays(year: number): number[] {
  const y = year * 10000;
  const out = [y + 101, y + 404, y + 405, y + 501, y + 502, y + 503];
  for (let d = 1; d <= 7; d++) out.push(y + 1000 + d);
  const lny = LUNAR_NEW_YEAR[year] ?? y + 205;
  for (let k = -1; k <= 5; k++) out.push(addCalendarDays(lny, k));
  return out;
}

/**
 * The first `nDays` trading days on or after `startDate`: weekdays minus `holidays` (or the
 * approximate China set when `holidays` is null). The first `n` days never depend on `nDays`.
 */
export function tradingCalendar(
  startDate: number,
  nDays: number,
  holidays: readonly number[] | null,
): Calendar {
  const out: number[] = [];
  let from = startDate;
  while (out.length < nDays) {
    const year = Math.floor(from / 10000);
    const to = year * 10000 + 1231;
    const skip = holidays ?? chinaHolidays(year);
    for (const d of weekdays(from, to, skip)) {
      out.push(d);
      if (out.length === nDays) break;
    }
    from = (year + 1) * 10000 + 101;
  }
  return new Calendar(out);
}
