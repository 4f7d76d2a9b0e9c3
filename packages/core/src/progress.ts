import { HfqError } from './errors.js';

/**
 * The one progress-reporting interface of hfq. Long-running library functions accept
 * `TaskOptions`: they call `onProgress` as work advances and stop with an `ABORTED` error
 * as soon as `signal` is aborted. Libraries never print; scripts turn the callback into a bar
 * (see `createProgressBar`).
 */
export interface ProgressEvent {
  /** Name of the stage, e.g. `simulate`, `factors`, `train:transformer`. */
  stage: string;
  /** Units done so far in this stage. */
  done: number;
  /** Units in the stage, when known. */
  total?: number;
  /** Unit name for display (`days`, `epochs`, `stocks`). */
  unit?: string;
  /** Free text for the current step (`epoch 3 valid IC 0.081`). */
  message?: string;
}

export type ProgressCallback = (event: ProgressEvent) => void;

/** Options every long-running function takes. */
export interface TaskOptions {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

/** Throws `HfqError('ABORTED')` if the signal has been aborted. Cheap; call it between units of work. */
export function throwIfAborted(signal: AbortSignal | undefined, stage?: string): void {
  if (signal?.aborted) {
    throw new HfqError('ABORTED', `${stage ?? 'task'} was aborted`, { stage }, { cause: signal.reason });
  }
}

/**
 * A reporter for one stage: `tick()` advances, throttled so that a hot loop can call it each unit
 * without flooding the callback (at most one event per `minIntervalMs`, plus the final one).
 * Also checks the abort signal on every tick.
 */
export class ProgressReporter {
  private done = 0;
  private lastEmit = 0;

  constructor(
    private readonly options: TaskOptions | undefined,
    readonly stage: string,
    readonly total?: number,
    readonly unit?: string,
    private readonly minIntervalMs = 100,
  ) {
    this.emit();
  }

  /** Marks `n` more units done (default 1); may emit an event; throws `ABORTED` when aborted. */
  tick(n = 1, message?: string): void {
    this.done += n;
    throwIfAborted(this.options?.signal, this.stage);
    const now = Date.now();
    if (now - this.lastEmit >= this.minIntervalMs || (this.total !== undefined && this.done >= this.total)) {
      this.emit(message);
    }
  }

  /** Emits an event now with the current count. */
  emit(message?: string): void {
    this.lastEmit = Date.now();
    const cb = this.options?.onProgress;
    if (!cb) return;
    const event: ProgressEvent = { stage: this.stage, done: this.done };
    if (this.total !== undefined) event.total = this.total;
    if (this.unit !== undefined) event.unit = this.unit;
    if (message !== undefined) event.message = message;
    cb(event);
  }

  get count(): number {
    return this.done;
  }
}
