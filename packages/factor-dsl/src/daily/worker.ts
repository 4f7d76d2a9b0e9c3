import { parentPort } from 'node:worker_threads';
import { checkDaily } from './check.js';
import { planDaily, runDailyBlock } from './engine.js';
import type { DailyWorkerReply, DailyWorkerRequest } from './pool.js';

/**
 * Worker thread of `evaluateDaily` with `workers > 1`: plans the (already checked) formulas itself
 * and evaluates its block of assets, writing its columns of the shared outputs.
 */
const port = parentPort;
if (port === null) throw new Error('daily worker must run in a worker thread');

port.on('message', (m: DailyWorkerRequest) => {
  let reply: DailyWorkerReply;
  try {
    const plan = planDaily(m.formulas.map((f) => checkDaily(f, m.fieldNames, { limits: m.limits }).ast));
    runDailyBlock(plan, {
      T: m.T,
      nAll: m.N,
      a0: m.a0,
      a1: m.a1,
      dates: m.dates,
      field: (name) => m.fields[name]!,
      industry: undefined,
      minWindow: m.minWindow,
      outs: m.outs,
    });
    reply = { id: m.id, ok: true };
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown; context?: unknown };
    reply = {
      id: m.id,
      ok: false,
      code: typeof err.code === 'string' ? err.code : 'DSL_WORKER',
      message: String(err.message ?? e),
      context: typeof err.context === 'object' && err.context !== null ? { ...(err.context as object) } : {},
    };
  }
  port.postMessage(reply);
});
