import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import type { MinuteBars, TickSnapshots } from '@hfq/bars';
import { HfqError, spawnWorker } from '@hfq/core';
import { datasetError } from './errors.js';
import type { OpenDatasetOptions, PartitionKind } from './reader.js';

type Frames = Map<number, MinuteBars | TickSnapshots>;
interface Response {
  id: number;
  frames?: [number, MinuteBars | TickSnapshots][];
  error?: { code: string | null; message: string; context: Record<string, unknown> };
}

/** How long a synchronous read waits for the worker before giving up (ms). */
const WAIT_MS = 120_000;

/**
 * Reads partitions synchronously, for `FactorMarket` methods that must answer at once: a worker
 * thread runs the (asynchronous) reader, and this thread blocks on a shared counter
 * (`Atomics.wait`) until the answer is there, then takes it with `receiveMessageOnPort`.
 * `prefetch` asks for a partition without waiting, so the worker reads the next day while this
 * thread computes on the current one. Internal to `DatasetReader` (`loadOnDemand`).
 */
export class SyncPartitionLoader {
  private readonly state = new Int32Array(new SharedArrayBuffer(4));
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<string, number>();
  private readonly done = new Map<number, Response>();

  constructor(dir: string, options: OpenDatasetOptions) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const { loadOnDemand: _l, ...rest } = options;
    this.worker = spawnWorker(import.meta.url, './partition-worker', {
      workerData: { dir, options: rest, port: port2, flag: this.state.buffer },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
  }

  /** Asks for a partition without waiting (no-op when already asked). */
  prefetch(kind: PartitionKind, date: number): void {
    const key = `${kind}:${date}`;
    if (this.pending.has(key)) return;
    const id = this.nextId++;
    this.pending.set(key, id);
    this.port.postMessage({ id, kind, date });
  }

  /** The partition's frames, waiting for the worker. @throws the reader's errors, rebuilt as `HfqError`s. */
  read(kind: PartitionKind, date: number): Frames {
    this.prefetch(kind, date);
    const key = `${kind}:${date}`;
    const id = this.pending.get(key)!;
    const deadline = Date.now() + WAIT_MS;
    while (!this.done.has(id)) {
      const seen = Atomics.load(this.state, 0);
      for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
        const r = m.message as Response;
        this.done.set(r.id, r);
      }
      if (this.done.has(id)) break;
      if (Date.now() > deadline || Atomics.wait(this.state, 0, seen, WAIT_MS) === 'timed-out') {
        throw datasetError(
          'DATASET_NOT_LOADED',
          `the partition reader did not answer within ${WAIT_MS / 1000} s`,
          { date, field: kind },
        );
      }
    }
    const r = this.done.get(id)!;
    this.done.delete(id);
    this.pending.delete(key);
    if (r.error !== undefined) {
      if (r.error.code === null) throw new Error(r.error.message);
      const e = new HfqError(r.error.code, '', r.error.context);
      Object.defineProperty(e, 'message', { value: r.error.message });
      throw e;
    }
    return new Map(r.frames);
  }

  /** Stops the worker. */
  close(): Promise<number> {
    return this.worker.terminate();
  }
}
