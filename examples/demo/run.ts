/**
 * The end-to-end demo (`npm run demo`). At this stage of the project only `@hfq/core` exists, so
 * the demo builds a trading calendar and a seeded panel and says so; the full study replaces it.
 */
import { Calendar, formatYmd, Panel, Rng, weekdays } from '@hfq/core';

const cal = new Calendar(weekdays(20250102, 20250331));
const assets = Array.from({ length: 5 }, (_, i) => `${600000 + i}.SH`);
const panel = Panel.alloc(cal.dates, assets);
for (let t = 0; t < cal.length; t++) {
  const row = panel.row(t);
  for (let a = 0; a < assets.length; a++) row[a] = new Rng('demo', a, cal.at(t)).normal();
}
process.stdout.write(
  `hfq demo (foundation stage): built a ${cal.length}-day calendar ${formatYmd(cal.first)}..${formatYmd(cal.last)} ` +
    `and a ${panel.nDates} x ${panel.nAssets} seeded panel. The simulated market, factors, models and ` +
    `backtests are added by the package issues.\n`,
);
