/**
 * Files read back from disk are checked before use: checkpoints and model files carry a content
 * hash and finite weights, their metadata has the shape the reader expects, and an ONNX file's
 * hfq metadata is validated. Every defect gives a typed error naming the file and the field.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HfqError } from '@hfq/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend/backend.js';
import { createModel, loadModel } from '../models/model.js';
import { exportOnnx } from '../onnx/export.js';
import { decodeModel, encodeModel } from '../onnx/proto.js';
import { OnnxScorer, readOnnxInfo } from '../onnx/scorer.js';
import { tinyConfig } from '../test-utils/configs.js';
import { type CheckpointState, readCheckpoint, writeCheckpoint } from '../train/checkpoint.js';
import { decodeTensorFile, encodeTensorFile } from './tensor-file.js';

const dir = mkdtempSync(join(tmpdir(), 'hfq-models-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await useBackend('wasm');
});

/** The error `f` throws (fails the test when it throws none or an untyped one). */
async function caught(f: () => unknown): Promise<HfqError> {
  try {
    await f();
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(HfqError);
    return e as HfqError;
  }
  throw new Error('expected an error');
}

/** Rewrites a tensor file through `edit` of its decoded contents (a valid hash for the new content). */
function rewrite(
  path: string,
  edit: (meta: Record<string, unknown>, tensors: ReturnType<typeof decodeTensorFile>['tensors']) => void,
): void {
  const file = decodeTensorFile(readFileSync(path));
  edit(file.meta as Record<string, unknown>, file.tensors);
  writeFileSync(path, encodeTensorFile(file.meta, file.tensors));
}

/** Overwrites the last float32 of a file in place (the last value of the last tensor), hash untouched. */
function pokeLastFloat(path: string, value: number): void {
  const buf = readFileSync(path);
  buf.writeFloatLE(value, buf.length - 4);
  writeFileSync(path, buf);
}

describe('checkpoints', () => {
  const shapes = new Map<string, readonly number[]>([
    ['a', [2, 2]],
    ['b', [3]],
  ]);
  const state = (): CheckpointState => ({
    fingerprint: 'fp',
    epoch: 2,
    finished: false,
    chunk: 64,
    bestEpoch: 1,
    bestScore: 0.05,
    badEpochs: 1,
    history: [
      { epoch: 1, trainLoss: -0.01, validScore: 0.05, seconds: 1.5 },
      { epoch: 2, trainLoss: -0.02, validScore: Number.NaN, seconds: 1.25 },
    ],
    adam: {
      iterations: 10,
      accBeta1: 0.9 ** 10,
      accBeta2: 0.999 ** 10,
      m: [new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7])],
      v: [new Float32Array([0.1, 0.2, 0.3, 0.4]), new Float32Array([0.5, 0.6, 0.7])],
    },
    weights: new Map([
      ['a', new Float32Array([0.1, -0.2, 0.3, -0.4])],
      ['b', new Float32Array([1, 2, 3])],
    ]),
    best: new Map([
      ['a', new Float32Array([0.5, 0.5, 0.5, 0.5])],
      ['b', new Float32Array([0, 0, 1])],
    ]),
  });
  let n = 0;
  const fresh = () => {
    const path = join(dir, `c${n++}.ckpt`);
    writeCheckpoint(path, state(), shapes);
    return path;
  };

  it('reads back what was written', () => {
    const back = readCheckpoint(fresh(), 'fp', shapes)!;
    expect(back.epoch).toBe(2);
    expect(back.history[1]!.validScore).toBeNaN();
    expect(Array.from(back.weights.get('a')!)).toEqual(Array.from(state().weights.get('a')!));
    expect(Array.from(back.adam.v[1]!)).toEqual(Array.from(state().adam.v[1]!));
  });

  it('refuses a weight edited on disk (1e30) by its content hash', async () => {
    const path = fresh();
    pokeLastFloat(path, 1e30);
    const e = await caught(() => readCheckpoint(path, 'fp', shapes));
    expect(e.code).toBe('MODELS_CHECKPOINT');
    expect(e.context).toMatchObject({ source: path, field: 'sha256' });
  });

  it('refuses an edited epoch count, hashed or not', async () => {
    const raw = fresh();
    writeFileSync(
      raw,
      readFileSync(raw, 'latin1').replace('"epoch":2,"finished"', '"epoch":3,"finished"'),
      'latin1',
    );
    expect((await caught(() => readCheckpoint(raw, 'fp', shapes))).context).toMatchObject({
      field: 'sha256',
    });
    const rehashed = fresh();
    rewrite(rehashed, (meta) => {
      meta.epoch = 5;
    });
    const e = await caught(() => readCheckpoint(rehashed, 'fp', shapes));
    expect(e.code).toBe('MODELS_CHECKPOINT');
    expect(e.context).toMatchObject({ source: rehashed, field: 'history' });
  });

  it('refuses a NaN or infinite weight, best weight or moment even with a matching hash', async () => {
    for (const [name, value] of [
      ['w/a', Number.NaN],
      ['best/b', Number.POSITIVE_INFINITY],
      ['v/1', Number.NaN],
    ] as const) {
      const path = fresh();
      rewrite(path, (_meta, tensors) => {
        tensors.get(name)!.data[1] = value;
      });
      const e = await caught(() => readCheckpoint(path, 'fp', shapes));
      expect(e.code).toBe('MODELS_CHECKPOINT');
      expect(e.context).toMatchObject({ source: path, field: name });
      expect(e.message).toContain(`${name}[1] is ${value}`);
    }
  });

  it('names the missing or malformed field instead of a TypeError', async () => {
    const cases: [string, (meta: Record<string, unknown>) => void][] = [
      ['adam', (m) => delete m.adam],
      ['adam.accBeta1', (m) => ((m.adam as Record<string, unknown>).accBeta1 = 'x')],
      ['history', (m) => delete m.history],
      ['bestEpoch', (m) => (m.bestEpoch = 7)],
      ['chunk', (m) => (m.chunk = 0)],
    ];
    for (const [field, edit] of cases) {
      const path = fresh();
      rewrite(path, edit);
      const e = await caught(() => readCheckpoint(path, 'fp', shapes));
      expect(e.code, field).toBe('MODELS_CHECKPOINT');
      expect(e.context, field).toMatchObject({ source: path, field });
    }
  });

  it("refuses weights that are not the model's parameters", async () => {
    const path = fresh();
    const e = await caught(() => readCheckpoint(path, 'fp', new Map([['a', [2, 2]]])));
    expect(e.context).toMatchObject({ field: 'w/b' });
    const short = fresh();
    rewrite(short, (_meta, tensors) => {
      tensors.set('w/a', { shape: [3], data: new Float32Array(3) });
    });
    expect((await caught(() => readCheckpoint(short, 'fp', shapes))).context).toMatchObject({ field: 'w/a' });
  });
});

describe('model files', () => {
  const F = 3;
  const L = 6;
  const save = async (name: string) => {
    const model = await createModel(tinyConfig('gru', F, L), { seed: 1, features: ['x', 'y', 'z'] });
    model.preprocess = { window: L, clip: 5, maxMissingShare: 0.5 };
    const path = join(dir, name);
    model.save(path);
    model.dispose();
    return path;
  };

  it('loads what was saved', async () => {
    const model = await loadModel(await save('ok.hfqm'));
    expect(model.features).toEqual(['x', 'y', 'z']);
    model.dispose();
  });

  it('refuses a weight edited on disk, and a non-finite weight even with a matching hash', async () => {
    const poked = await save('poked.hfqm');
    pokeLastFloat(poked, 1e30);
    expect((await caught(() => loadModel(poked))).context).toMatchObject({ source: poked, field: 'sha256' });
    const nan = await save('nan.hfqm');
    let name = '';
    rewrite(nan, (_meta, tensors) => {
      name = [...tensors.keys()][0]!;
      tensors.get(name)!.data[0] = Number.NaN;
    });
    const e = await caught(() => loadModel(nan));
    expect(e.code).toBe('MODELS_FORMAT');
    expect(e.context).toMatchObject({ source: nan, field: name });
  });

  it('names a malformed metadata field', async () => {
    const cases: [string, (meta: Record<string, unknown>) => void][] = [
      ['features', (m) => (m.features = 'x,y,z')],
      ['preprocess.clip', (m) => (m.preprocess = { window: L, clip: -1, maxMissingShare: 0.5 })],
      ['config', (m) => delete m.config],
      ['config', (m) => (m.config = { ...(m.config as object), window: 'six' })],
    ];
    for (const [field, edit] of cases) {
      const path = await save(`meta-${field}.hfqm`);
      rewrite(path, edit);
      const e = await caught(() => loadModel(path));
      expect(e.code, field).toBe('MODELS_FORMAT');
      expect(e.context, field).toMatchObject({ source: path, field });
    }
  });
});

describe('ONNX metadata', () => {
  const F = 3;
  const L = 6;
  let bytes: Uint8Array;
  beforeAll(async () => {
    const model = await createModel(tinyConfig('seq2seq', F, L, 4), { seed: 2, features: ['x', 'y', 'z'] });
    model.preprocess = { window: L, clip: 5, maxMissingShare: 0.5 };
    bytes = exportOnnx(model);
    model.dispose();
  });
  const tampered = (key: string, value: string | undefined): Uint8Array => {
    const msg = decodeModel(bytes);
    const props = (msg.metadataProps ?? []).filter((p) => p.key !== key);
    if (value !== undefined) props.push({ key, value });
    return encodeModel({ ...msg, metadataProps: props });
  };

  it('reads the metadata of an untouched file', () => {
    const info = readOnnxInfo(bytes);
    expect(info.features).toEqual(['x', 'y', 'z']);
    expect(info.horizonWeights).toEqual([1, 1, 1, 1]);
  });

  it('names the tampered key with a typed error (not SyntaxError or TypeError)', async () => {
    const cases: [string, string | undefined][] = [
      ['hfq.config', '{"kind": "gru", '],
      ['hfq.config', undefined],
      ['hfq.config', '{"kind":"nope","window":6,"nFeatures":3}'],
      ['hfq.features', '["x","y"]'],
      ['hfq.features', '{"0":"x"}'],
      ['hfq.horizonWeights', '[1,2]'],
      ['hfq.horizonWeights', '[1,2,null,4]'],
      ['hfq.preprocess', '{"window":6,"clip":"5","maxMissingShare":0.5}'],
    ];
    for (const [key, value] of cases) {
      const file = join(dir, 'tampered.onnx');
      writeFileSync(file, tampered(key, value));
      const e = await caught(() => OnnxScorer.load(file));
      expect(e.code, `${key} = ${value}`).toBe('MODELS_FORMAT');
      expect(String(e.context.field), `${key} = ${value}`).toContain(key);
      expect(e.context.source).toBe(file);
    }
  });
});
