/**
 * The benchmark's cases: which architecture, how many stocks, which input and width. One list
 * for the tfjs side and (through `params.json`) the PyTorch reference, so both measure the same
 * shapes.
 */
import { defaultConfig, type ModelConfig, type ModelKind } from '@hfq/models';
import { paramSpecs, sizeOf } from '@hfq/models/internal';
import { TOY_KIND, type ToyConfig, toyConfig, toySpecs } from './toy.js';

/** An architecture of @hfq/models, or the toy attention block of the first H100 measurement. */
export type CaseKind = ModelKind | typeof TOY_KIND;

/** One measured configuration. */
export interface BenchCase {
  /** `kind-d64-n4096` (unique within a list). */
  id: string;
  kind: CaseKind;
  /** Stocks in the step's cross-section (one date per step, as the study trains). */
  stocks: number;
  window: number;
  features: number;
  dModel: number;
  /** Dropout rate while training (the models' default 0.1; 0 for the toy block). */
  dropout: number;
}

/** A case's full configuration: a @hfq/models `ModelConfig`, or the toy block's. */
export type CaseConfig = ModelConfig | ToyConfig;

/** The architectures in the order the GPU run measures them (most telling first). */
export const ARCHITECTURES: readonly ModelKind[] = [
  'transformer',
  'gru',
  'seq2seq',
  'itransformer',
  'crossformer',
];

/** Paper scale: 40 days x 300 factors, the widths and cross-sections the issue names. */
export const PAPER = { window: 40, features: 300, stocks: [1000, 2048, 4096], dModels: [64, 128] } as const;

/**
 * The configuration of a case. Attention models: `dModel`, 4 heads, `dFF = 2 dModel`, the
 * package's default depths (Transformer 2 layers with last-token pooling, iTransformer 2,
 * Crossformer 3 scales, seq2seq 2 + 1); GRU: `hidden = dModel`, one layer.
 */
export function caseConfig(c: BenchCase): CaseConfig {
  if (c.kind === TOY_KIND) return toyConfig(c.window, c.features, c.dModel);
  if (c.kind === 'gru') {
    return defaultConfig('gru', c.features, { window: c.window, hidden: c.dModel, dropout: c.dropout });
  }
  return defaultConfig(c.kind, c.features, {
    window: c.window,
    dModel: c.dModel,
    dFF: 2 * c.dModel,
    nHeads: 4,
    dropout: c.dropout,
  });
}

/** Parameters of a case in the models' fixed order: name and shape (what PyTorch must match). */
export function caseParams(c: BenchCase): { name: string; shape: number[] }[] {
  const cfg = caseConfig(c);
  const specs = cfg.kind === TOY_KIND ? toySpecs(cfg) : paramSpecs(cfg);
  return specs.map((s) => ({ name: s.name, shape: [...s.shape] }));
}

/** Number of trainable scalars of a case. */
export function caseParameterCount(c: BenchCase): number {
  return caseParams(c).reduce((n, p) => n + sizeOf(p.shape), 0);
}

function benchCase(
  kind: CaseKind,
  stocks: number,
  dModel: number,
  window: number,
  features: number,
): BenchCase {
  return {
    id: `${kind}-d${dModel}-n${stocks}`,
    kind,
    stocks,
    window,
    features,
    dModel,
    dropout: kind === TOY_KIND ? 0 : 0.1,
  };
}

/**
 * The paper-scale cases in the order the GPU run measures them, so that a run cut short by its
 * time budget still has the numbers that matter most: the toy block (continuity with the first
 * measurement) and the Transformer at 4096 stocks (the goal), then every architecture at 1000
 * stocks, then at 4096 and 2048, then the same at d_model 128.
 */
export function paperCases(): BenchCase[] {
  const { window: L, features: F } = PAPER;
  const out: BenchCase[] = [
    benchCase(TOY_KIND, 4096, 64, L, F),
    benchCase(TOY_KIND, 1024, 64, L, F),
    benchCase('transformer', 4096, 64, L, F),
  ];
  for (const d of PAPER.dModels) {
    for (const n of [1000, 4096, 2048]) {
      for (const kind of ARCHITECTURES) out.push(benchCase(kind, n, d, L, F));
    }
  }
  const seen = new Set<string>();
  const unique: BenchCase[] = [];
  for (const c of out) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    unique.push(c);
  }
  return unique;
}

/** Tiny cases for a smoke test on a CPU (every architecture and the toy block, seconds each). */
export function smokeCases(): BenchCase[] {
  return [TOY_KIND, ...ARCHITECTURES].map((k) => benchCase(k, 24, 16, 10, 12));
}

/** The small case of the loss-curve and parity checks (window 40, 30 factors, d 16). */
export function curveCase(kind: CaseKind): BenchCase {
  return { ...benchCase(kind, 32, 16, 40, 30), id: `${kind}-curve`, dropout: 0 };
}

/**
 * The forward-parity case: paper shape (40 x 300, d 64, 16 stocks) for the GPU run, or a small
 * one for machines without a GPU (window 12, which Crossformer pads to 3 segments of 5 and its
 * merge pads again: the padding paths get checked too).
 */
export function parityCase(kind: CaseKind, shape: 'paper' | 'small' = 'paper'): BenchCase {
  const c = shape === 'paper' ? benchCase(kind, 16, 64, 40, 300) : benchCase(kind, 8, 16, 12, 7);
  return { ...c, id: `${kind}-parity${shape === 'paper' ? '' : '-small'}`, dropout: 0 };
}

/**
 * Paper-shape cases (40 x 300, d 64) on 16 stocks: what a step asks of a backend (kernels,
 * dispatches, readbacks, host tensors) does not depend on the number of stocks in one pass, so
 * these count it at paper shape on a CPU, cheaply.
 */
export function countCases(stocks = 16): BenchCase[] {
  return [TOY_KIND, ...ARCHITECTURES].map((k) => benchCase(k, stocks, 64, PAPER.window, PAPER.features));
}

/** Cases by a list name: `paper`, `smoke`, `counts` (`counts:N` for N stocks), or ids joined by commas. */
export function selectCases(which: string): BenchCase[] {
  if (which === 'paper') return paperCases();
  if (which === 'smoke') return smokeCases();
  if (which === 'counts') return countCases();
  if (which.startsWith('counts:')) return countCases(Number(which.slice(7)));
  const all = [...paperCases(), ...smokeCases(), ...countCases()];
  return which.split(',').map((id) => {
    const c = all.find((x) => x.id === id);
    if (c === undefined) throw new Error(`unknown case ${id} (known: ${all.map((x) => x.id).join(', ')})`);
    return c;
  });
}
