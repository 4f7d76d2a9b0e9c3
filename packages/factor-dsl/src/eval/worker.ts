import { parentPort } from 'node:worker_threads';
import { compileFactorSet, type FactorSet } from './factor-set.js';
import { type FactorMarket, marketFrames } from './market.js';
import type { FromWorker, ToWorker } from './protocol.js';

/**
 * Worker thread of `FactorWorkerPool`: compiles the factor set itself from the formulas (the same
 * checked path as the main thread) and evaluates blocks of frames or stock-days of its own market.
 */
const port = parentPort;
if (port === null) throw new Error('factor-dsl worker must run in a worker thread');

let set: FactorSet | undefined;
let market: FactorMarket | undefined;

function reply(m: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(m, transfer);
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.kind) {
    case 'init': {
      set = compileFactorSet(m.defs, { limits: m.limits, nodesPerKernel: m.nodesPerKernel, vbar: m.vbar });
      if (m.factory !== undefined) {
        const mod = (await import(m.factory.module)) as Record<string, unknown>;
        const make = Object.hasOwn(mod, m.factory.exportName) ? mod[m.factory.exportName] : undefined;
        if (typeof make !== 'function')
          throw new Error(`${m.factory.module} has no function ${m.factory.exportName}`);
        market = (await make(...m.factory.args)) as FactorMarket;
      }
      reply({ kind: 'ready' });
      return;
    }
    case 'block': {
      const part = set!.parts.get(m.block.source);
      if (part === undefined) throw new Error(`no factor reads ${m.block.source}`);
      part.program.evaluateBlock(m.block, m.out, m.from, m.to);
      reply({ kind: 'done', id: m.id });
      return;
    }
    case 'stock-days': {
      if (market === undefined) throw new Error('worker has no market (no factory given)');
      const nf = set!.nFactors;
      const out = new Float64Array(m.assets.length * nf);
      for (let k = 0; k < m.assets.length; k++) {
        const size = m.barSizes === null ? NaN : m.barSizes[k]!;
        set!.evaluateStockDay(marketFrames(market, m.assets[k]!, m.days[k]!, size), out, k * nf);
      }
      reply({ kind: 'done', id: m.id, result: out }, [out.buffer as ArrayBuffer]);
      return;
    }
  }
}

port.on('message', (m: ToWorker) => {
  handle(m).catch((e: unknown) => {
    const err = e as { code?: unknown; message?: unknown; context?: unknown };
    reply({
      kind: 'error',
      id: m.kind === 'init' ? -1 : m.id,
      code: typeof err.code === 'string' ? err.code : 'DSL_WORKER',
      message: String(err.message ?? e),
      context: typeof err.context === 'object' && err.context !== null ? { ...(err.context as object) } : {},
    });
  });
});
