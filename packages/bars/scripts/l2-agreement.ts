/**
 * Real-data check of `ticksToMinuteBars`: Level-2 snapshots of 600519 on 2023-02-01 aggregated to
 * minute bars, against (a) the 1-minute bars derived from the same day's trades and (b) the raw
 * trades aggregated here with `minuteIndexOf`; plus day totals of every snapshot sample against
 * the daily bars. Needs ../shared. Prints JSON and writes scripts/results/l2-agreement.json.
 *
 *   node --conditions=source --import tsx packages/bars/scripts/l2-agreement.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { l2Agreement } from '../src/test-utils/l2-agreement.js';

const shared = process.env.HFQ_SHARED_DIR ?? new URL('../../../../shared', import.meta.url).pathname;
const result = await l2Agreement(`${shared}/data/real`);
const json = JSON.stringify(result, null, 2);
console.log(json);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/l2-agreement.json', import.meta.url), `${json}\n`);
