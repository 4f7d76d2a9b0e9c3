/**
 * Worker thread of `SyncPartitionLoader`: reads partitions with the same `DatasetReader` code
 * (so the same `@hfq/bars` validation and count checks), posts the frames with their buffers
 * transferred, and bumps a shared counter that the waiting thread watches.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { HfqError } from '@hfq/core';
import { DatasetReader, type OpenDatasetOptions, type PartitionKind } from './reader.js';

const data = workerData as {
  dir: string;
  options: OpenDatasetOptions;
  port: MessagePort;
  flag: SharedArrayBuffer;
};
const state = new Int32Array(data.flag);
let ds: DatasetReader | undefined;

data.port.on('message', async (req: { id: number; kind: PartitionKind; date: number }) => {
  let msg: unknown;
  const transfer = new Set<ArrayBuffer>();
  try {
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
