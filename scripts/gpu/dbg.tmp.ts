import { useBackend } from '@hfq/models';
import * as tf from '@tensorflow/tfjs-core';
import { caseConfig, countCases } from './cases.js';
import { makeNet, syntheticBatch, weightsOf } from './data.js';
import { BackendCounter } from './instrument.js';
import { trainStep } from './step.js';

await useBackend('webgpu', { webgpu: { dawnBackend: 'null' } });
for (const n of [2, 4])
  for (const c0 of countCases(n)) {
    if (c0.kind === 'crossformer' && n === 4) continue;
    for (const dropout of [0]) {
      const c = { ...c0, dropout };
      const cfg = caseConfig(c);
      const net = makeNet(cfg, weightsOf(cfg, 1));
      const opt = tf.train.adam(1e-3);
      const b = syntheticBatch(c, net.outputSize, 1);
      const aux = c.kind === 'seq2seq' ? 0.1 : 0;
      await trainStep(net, opt, b, 1000, 0, aux);
      const k = new BackendCounter();
      await trainStep(net, opt, b, 1000, 1, aux);
      const r = k.stop();
      console.log(
        JSON.stringify({
          id: c.id,
          dropout,
          hostValues: r.hostTensorValues,
          uploads: r.gpuUploads,
          dispatches: r.dispatches,
        }),
      );
      opt.dispose();
      net.dispose();
    }
  }
process.exit(0);
