/** What the workflow's model workers are told and what they answer (structured-cloneable). */
import type { ProgressEvent } from '@hfq/core';
import type { LabelTiming, ModelSpec, TrainOptions, WalkForwardPlan } from '@hfq/models';
import type { SharedCube, SharedPanel } from './shared-memory.js';

/** Sent once to each worker. */
export interface ModelWorkerInit {
  cube: SharedCube;
  close: SharedPanel;
  adjFactor: SharedPanel;
  /** 1 = eligible for training and scoring (listed, not ST, trading). */
  universe: SharedPanel;
  backend: string;
}

/**
 * One training job: one model, one seed, one walk-forward fold. It trains the model on the fold's
 * samples and scores the fold's prediction dates; the seeds are averaged and the folds stitched
 * afterwards (`combineModel`), exactly as `walkForward` does in one process.
 */
export interface ModelJob {
  /** Cache key of the job (a hash of everything it depends on). */
  key: string;
  /** Order of the model in the run (results are reported in this order). */
  order: number;
  name: string;
  seed: number;
  /** Fold index (0-based) of the walk-forward plan. */
  fold: number;
  features: string[];
  window: number;
  /** Label timing of the job's dataset (absent: the dataset's defaults). */
  label?: Partial<LabelTiming>;
  spec: ModelSpec;
  plan: WalkForwardPlan;
  /** Trading days between training samples. */
  stride: number;
  train: Omit<TrainOptions, 'onProgress' | 'signal' | 'seed'>;
  /** Where to write the trained model as ONNX (the last fold's first seed only). */
  onnxPath?: string;
}

/** What one job produced. */
export interface ModelJobOutput {
  name: string;
  seed: number;
  fold: number;
  /** The fold's prediction dates (yyyymmdd). */
  dates: Int32Array;
  /** Rows scored per prediction date (`n` of each cross-section). */
  counts: Int32Array;
  /** Asset index of each scored row, all dates concatenated. */
  rows: Int32Array;
  /**
   * Scores of each row, all dates concatenated, by variant: `model` (the model's own score), and
   * for a sequence model `sum` and `validIC` (its two ways of combining the horizons).
   */
  variants: Record<string, Float32Array>;
  /** The fold's walk-forward plan (dates yyyymmdd). */
  fitDate: number;
  trainDates: [number, number];
  validDates: [number, number];
  nTrain: number;
  nValid: number;
  bestEpoch: number;
  bestScore: number;
  parameters: number;
  backend: string;
  /** Wall time of the job (ms). */
  ms: number;
}

export type ToModelWorker = { kind: 'job'; job: ModelJob } | { kind: 'stop' };
export type FromModelWorker =
  | { kind: 'ready' }
  | { kind: 'progress'; key: string; event: ProgressEvent }
  | { kind: 'done'; key: string; output: ModelJobOutput }
  | { kind: 'error'; key: string; code: string; message: string; context: Record<string, unknown> };
