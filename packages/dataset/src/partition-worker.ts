/**
 * Worker thread of `SyncPartitionLoader`: reads partitions with the same `DatasetReader` code
 * (so the same `@hfq/bars` validation and count checks), posts the frames with their buffers
 * transferred, and bumps a shared counter that the waiting thread watches.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { HfqError } from '@hfq/core';
import { type FactorOutputManifest, readFactorDate, readFactorOutputManifest } from './factor-output.js';
import { DatasetReader, type OpenDatasetOptions, type PartitionKind } from './reader.js';

const data = workerData as {
  dir: string;
  mode: 'dataset' | 'factors';
  options: OpenDatasetOptions;
  port: MessagePort;
  flag: SharedArrayBuffer;
};
const state = new Int32Array(data.flag);
let ds: DatasetReader | undefined;
let factors: FactorOutputManifest | undefined;

data.port.on('message', async (req: { id: number; kind: PartitionKind | 'factors'; date: number }) => {
  let msg: unknown;
  const transfer = new Set<ArrayBuffer>();
  try {
    if (req.kind === 'factors') {
      // a factor output's date file, as the assets x factors float32 matrix of a FactorSource
      factors ??= readFactorOutputManifest(data.dir);
      const cols = await readFactorDate(data.dir, factors, req.date);
      const nF = cols.length;
      const matrix = new Float32Array(factors.assets.length * nF);
      cols.forEach((c, k) => {
        for (let a = 0; a < c.length; a++) matrix[a * nF + k] = c[a]!;
      });
      transfer.add(matrix.buffer);
      data.port.postMessage({ id: req.id, matrix }, [...transfer]);
      Atomics.add(state, 0, 1);
      Atomics.notify(state, 0);
      return;
    }
    ds ??= new DatasetReader(data.dir, { ...data.options, loadOnDemand: false });
    const frames = [...(await ds.readPartition(req.kind, req.date)).entries()];
    for (const [, f] of frames) {
      for (const v of Object.values(f))
        if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) transfer.add(v.buffer);
    }
    msg = { id: req.id, frames };
  } catch (e) {
    msg = {
      id: req.id,
      error: HfqError.is(e)
        ? { code: e.code, message: e.message, context: JSON.parse(JSON.stringify(e.context)) }
        : { code: null, message: String((e as Error)?.stack ?? e), context: {} },
    };
  }
  data.port.postMessage(msg, [...transfer]);
  Atomics.add(state, 0, 1);
  Atomics.notify(state, 0);
});
