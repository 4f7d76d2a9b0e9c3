import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import type { MinuteBars, TickSnapshots } from '@hfq/bars';
import { HfqError, spawnWorker } from '@hfq/core';
import { datasetError } from './errors.js';
import type { OpenDatasetOptions, PartitionKind } from './reader.js';

type Frames = Map<number, MinuteBars | TickSnapshots>;
/** What the worker reads: a dataset's partitions, or a factor output's date files. */
export type LoaderMode = 'dataset' | 'factors';
type RequestKind = PartitionKind | 'factors';

interface Response {
  id: number;
  frames?: [number, MinuteBars | TickSnapshots][];
  /** `factors` mode: the assets x factors matrix of the date. */
  matrix?: Float32Array;
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
  /** The one prefetch outstanding (at most one, so memory holds at most one extra day). */
  private inflight: { key: string; id: number } | undefined;

  constructor(dir: string, options: OpenDatasetOptions, mode: LoaderMode = 'dataset') {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const { loadOnDemand: _l, ...rest } = options;
    this.worker = spawnWorker(import.meta.url, './partition-worker', {
      workerData: { dir, mode, options: rest, port: port2, flag: this.state.buffer },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
  }

  private post(kind: RequestKind, date: number): number {
    const id = this.nextId++;
    this.port.postMessage({ id, kind, date });
    return id;
  }

  /** Asks for a partition without waiting (ignored while another prefetch is outstanding). */
  prefetch(kind: RequestKind, date: number): void {
    if (this.inflight !== undefined) return;
    this.inflight = { key: `${kind}:${date}`, id: this.post(kind, date) };
  }

  /**
   * The partition's frames, waiting for the worker (a prefetch of it is used; a prefetch of
   * another partition is dropped when it arrives). @throws the reader's errors, rebuilt as `HfqError`s.
   */
  read(kind: PartitionKind, date: number): Frames {
    return new Map(this.wait(kind, date).frames);
  }

  /** `factors` mode: the assets x factors matrix of `date`, waiting for the worker. */
  readMatrix(date: number): Float32Array {
    return this.wait('factors', date).matrix!;
  }

  private wait(kind: RequestKind, date: number): Response {
    const key = `${kind}:${date}`;
    const id = this.inflight?.key === key ? this.inflight.id : this.post(kind, date);
    const deadline = Date.now() + WAIT_MS;
    let got: Response | undefined;
    while (got === undefined) {
      const seen = Atomics.load(this.state, 0);
      for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
        const r = m.message as Response;
        if (r.id === this.inflight?.id) this.inflight = undefined;
        if (r.id === id) got = r;
        // anything else is a prefetch nobody asked for after all: dropped
      }
      if (got !== undefined) break;
      if (Date.now() > deadline || Atomics.wait(this.state, 0, seen, WAIT_MS) === 'timed-out') {
        throw datasetError(
          'DATASET_NOT_LOADED',
          `the partition reader did not answer within ${WAIT_MS / 1000} s`,
          {
            date,
            field: kind,
          },
        );
      }
    }
    if (got.error !== undefined) {
      if (got.error.code === null) throw new Error(got.error.message);
      const e = new HfqError(got.error.code, '', got.error.context);
      Object.defineProperty(e, 'message', { value: got.error.message });
      throw e;
    }
    return got;
  }

  /** Stops the worker. */
  close(): Promise<number> {
    return this.worker.terminate();
  }
}
