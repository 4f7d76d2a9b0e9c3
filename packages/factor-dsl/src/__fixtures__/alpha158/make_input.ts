/**
 * Dumps the daily data the Alpha158 fixtures are computed from: a small built-in market
 * (`createMarket(ALPHA158_FIXTURE_MARKET)` of @hfq/sim) as `input.json` (dates, assets and the
 * six fields Alpha158 reads, row-major dates x assets, NaN written as null). Suspended and
 * not-yet-listed stock-days are NaN in every field, as the simulator makes them.
 *
 * Run: `node --conditions=source --import tsx src/__fixtures__/alpha158/make_input.ts`
 * (from packages/factor-dsl), then `python3 src/__fixtures__/alpha158/make_alpha158_fixtures.py`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createMarket } from '@hfq/sim';
import { ALPHA158_FIELDS, ALPHA158_FIXTURE_MARKET } from './market.js';

const market = createMarket(ALPHA158_FIXTURE_MARKET);
const daily = market.daily();
const fields: Record<string, (number | null)[]> = {};
for (const f of ALPHA158_FIELDS) {
  fields[f] = Array.from(daily[f].values, (v) => (Number.isNaN(v) ? null : v));
}
const out = {
  market: ALPHA158_FIXTURE_MARKET,
  dates: Array.from(daily.close.dates),
  assets: daily.close.assets,
  fields,
};
const path = fileURLToPath(new URL('./input.json', import.meta.url));
writeFileSync(path, `${JSON.stringify(out)}\n`);
console.log(`[make_input] wrote ${path}: ${out.dates.length} dates x ${out.assets.length} assets`);
