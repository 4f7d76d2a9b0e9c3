import type { FactorLimits } from '../language/limits.js';
import type { FactorDef, VolumeBarOptions } from './factor-set.js';
import type { FrameBlock } from './frames.js';

/**
 * A market a worker thread can build for itself: `(await import(module))[exportName](...args)`.
 * Workers then generate (or read) their own frames, in parallel, instead of receiving them from
 * the main thread. `module` is a package name or an absolute `file:` URL; `args` must be
 * structured-cloneable (e.g. `{ module: '@hfq/sim', exportName: 'createMarket', args: [config] }`).
 */
export interface MarketFactory {
  readonly module: string;
  readonly exportName: string;
  readonly args: readonly unknown[];
}

export interface InitMessage {
  readonly kind: 'init';
  readonly defs: readonly FactorDef[];
  readonly limits?: Partial<FactorLimits>;
  readonly nodesPerKernel?: number;
  readonly vbar?: Partial<VolumeBarOptions>;
  readonly factory?: MarketFactory;
}

/** Evaluate frames [from, to) of a block with the program of `block.source`, into a shared output. */
export interface BlockMessage {
  readonly kind: 'block';
  readonly id: number;
  readonly block: FrameBlock;
  readonly from: number;
  readonly to: number;
  /** Float64 `nFrames x nFactors(source)` over a SharedArrayBuffer. */
  readonly out: Float64Array;
}

/** Evaluate stock-days (pairs) of the worker's own market. */
export interface StockDaysMessage {
  readonly kind: 'stock-days';
  readonly id: number;
  readonly assets: Int32Array;
  readonly days: Int32Array;
  /** Bar size per pair (NaN: no equal-volume bars), or null when no factor reads `vbar`. */
  readonly barSizes: Float64Array | null;
}

export type ToWorker = InitMessage | BlockMessage | StockDaysMessage;

export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'done'; readonly id: number; readonly result?: Float64Array }
  | {
      readonly kind: 'error';
      readonly id: number;
      readonly code: string;
      readonly message: string;
      readonly context: Record<string, unknown>;
    };
