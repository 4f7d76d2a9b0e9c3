/**
 * Synthetic training batches and the small helpers the GPU scripts share (nets from cases,
 * binary files the Python side reads, JSON written as the repository's formatter writes it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Rng, writeFileAtomicSync } from '@hfq/core';
import { initialWeights, Model, type ModelConfig } from '@hfq/models';
import type { BenchCase, CaseConfig } from './cases.js';
import type { HostBatch, Net } from './step.js';
import { TOY_KIND, ToyBlock, toyWeights } from './toy.js';

/** Initial weights of a case's configuration from `seed` (the models' initialisers). */
export function weightsOf(cfg: CaseConfig, seed: number): Map<string, Float32Array> {
  return cfg.kind === TOY_KIND ? toyWeights(cfg, seed) : initialWeights(cfg as ModelConfig, seed);
}

/** A net for `cfg` with the given weights, on the active backend. */
export function makeNet(cfg: CaseConfig, weights: ReadonlyMap<string, Float32Array>): Net {
  return cfg.kind === TOY_KIND ? new ToyBlock(cfg, weights) : new Model(cfg as ModelConfig, weights);
}

/**
 * A batch of `nDates` dates with `c.stocks` stocks in all: standard normal features (they are
 * standardised per date in training), labels with a planted linear signal in the last day's
 * first factors plus noise, every 7th label masked out (0 with mask 0, as `StockDataset` stores it). `k` outputs per stock (the
 * sequence model's 10 daily returns share the signal).
 */
export function syntheticBatch(c: BenchCase, k: number, seed: number, nDates = 1): HostBatch {
  const { stocks: n, window: L, features: F } = c;
  const key = `${n}/${L}/${F}/${k}/${seed}/${nDates}`;
  const hit = batchCache.get(key);
  if (hit !== undefined) return hit;
  const batch = makeBatch(n, L, F, k, seed, nDates);
  // Paper-scale batches take seconds to draw: cases of the same shape share them (read-only).
  batchCache.set(key, batch);
  if (batchCache.size > 16) batchCache.delete(batchCache.keys().next().value!);
  return batch;
}

const batchCache = new Map<string, HostBatch>();

function makeBatch(n: number, L: number, F: number, k: number, seed: number, nDates: number): HostBatch {
  const rng = new Rng(seed, 'gpu-batch', n, L, F, k, nDates);
  const x = new Float32Array(n * L * F);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const y = new Float32Array(n * k);
  const mask = new Float32Array(n * k).fill(1);
  const segments = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    segments[i] = Math.min(nDates - 1, Math.floor((i * nDates) / n));
    const last = (i * L + L - 1) * F;
    const signal = 0.5 * x[last]! - 0.3 * x[last + Math.min(1, F - 1)]!;
    for (let h = 0; h < k; h++) {
      y[i * k + h] = (k === 1 ? signal : signal / Math.sqrt(k)) + rng.normal();
      if ((i + h) % 7 === 3) {
        mask[i * k + h] = 0;
        y[i * k + h] = 0; // as StockDataset stores a missing label
      }
    }
  }
  return { n, nDates, x, segments, y, mask, k };
}

/** Writes `data` as raw little-endian values (what numpy.fromfile reads). */
export function writeRaw(path: string, data: Float32Array | Int32Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** JSON with arrays of numbers on one line, as the repository's formatter (biome) writes them. */
export function formatJson(value: unknown): string {
  const json = JSON.stringify(value, null, 2).replace(
    /\[\s+([-\d.,\se+]+?)\s+\]/g,
    (_, items: string) => `[${items.split(/,\s*/).join(', ')}]`,
  );
  return `${json}\n`;
}

/** Writes JSON atomically (temp file + rename), so a run killed mid-write leaves the last good file. */
export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomicSync(path, formatJson(value));
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Rounds to `digits` decimals (JSON readability). */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
