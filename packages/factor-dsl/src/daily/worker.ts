import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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

/**
 * This thread's garbage collector. A job's inputs and outputs are SharedArrayBuffers that this
 * thread also references; an idle worker allocates nothing, so without a collection they would
 * stay alive (and their pages taken) until its next job, and every call would pay fresh pages
 * for its outputs (measured: 0.8-2 s of system CPU per Alpha158 call at 400-1,000 stocks).
 */
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

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
  // The message (and its views of the shared buffers) is out of scope once this handler returns.
  setImmediate(collect);
});
