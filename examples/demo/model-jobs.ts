/** What the demo's model workers are told and what they answer (structured-cloneable). */
import type { ProgressEvent } from '@hfq/core';
import type { FoldReport, ModelSpec, TrainOptions, WalkForwardPlan } from '@hfq/models';
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

/** One model: a walk-forward run of one spec (its seeds averaged) on a subset of the factors. */
export interface ModelJob {
  id: number;
  name: string;
  features: string[];
  window: number;
  spec: ModelSpec;
  seeds: number[];
  plan: WalkForwardPlan;
  /** Trading days between training samples. */
  stride: number;
  train: Omit<TrainOptions, 'onProgress' | 'signal'>;
  /** Where to write the last fold's first-seed model as ONNX. */
  onnxPath?: string;
}

export interface ModelJobResult {
  id: number;
  name: string;
  dates: Int32Array;
  assets: string[];
  /** Score panels' values (dates x assets, float32): the model's own, plus variants (`name:sum`...). */
  scores: Record<string, Float32Array>;
  folds: FoldReport[];
  parameters: number;
  backend: string;
  ms: number;
  onnxPath?: string;
}

export type ToModelWorker = { kind: 'job'; job: ModelJob } | { kind: 'stop' };
export type FromModelWorker =
  | { kind: 'ready' }
  | { kind: 'progress'; id: number; event: ProgressEvent }
  | { kind: 'done'; result: ModelJobResult }
  | { kind: 'error'; id: number; code: string; message: string; context: Record<string, unknown> };
