/**
 * 06 — Score with ONNX Runtime only.
 *
 *   node --conditions=source --import tsx examples/06-onnx-runtime.ts [--model out/examples/05-train-export/model.onnx]
 *
 * A model exported by `@hfq/models` is a plain ONNX file: a team on another stack (a Python
 * service, a C++ engine, a Java risk system) runs it with any ONNX runtime and never loads
 * TensorFlow.js or hfq. This script is that user, in Node: it imports only `onnxruntime-node` and
 * reads
 *   - the model file, whose metadata says what the input must be (`hfq.features`: factor names in
 *     input order; `hfq.config`: window length; `hfq.preprocess`: clip and missing-data rule;
 *     `hfq.inputLayout`: the recipe in words),
 *   - a CSV of raw daily factor values (date, asset, one column per factor), here the one 05 wrote,
 * builds the input tensor by that recipe (per day and factor: z-score across the day's stocks with
 * the population std, clip, missing -> 0), runs the graph, and writes one score per stock. When
 * 05's tfjs scores are there it compares: they should agree to float32 rounding.
 *
 * If 05's model is missing, it runs 05 first (small settings, about a minute).
 *
 * Writes to out/examples/06-onnx-runtime/:
 *   scores.csv      asset, score (higher = higher expected return), rank
 *   summary.json    input shape, stocks scored, agreement with the tfjs scores
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readOnnxMetadata } from './lib/onnx-metadata.js';
import { exampleOutDir, REPO_ROOT, say, shown, startExample, writeText } from './lib/script.js';

const { opts, finish } = startExample(
  '06-onnx-runtime',
  'score an exported hfq model with onnxruntime-node alone',
  {
    model: {
      default: 'out/examples/05-train-export/model.onnx',
      help: 'the .onnx file (relative to the repository root or absolute)',
    },
    features: { default: '', help: 'CSV of raw factor values (default: features.csv beside the model)' },
  },
);
const out = exampleOutDir('06-onnx-runtime');
const modelPath = resolve(REPO_ROOT, opts.model);
const featuresPath = opts.features
  ? resolve(REPO_ROOT, opts.features)
  : join(dirname(modelPath), 'features.csv');

// 0. No model yet: make one with 05 (a separate process, as it would be in another team).
if (!existsSync(modelPath) || !existsSync(featuresPath)) {
  say(`${shown(modelPath)} not found: running examples/05-train-export.ts to create it`);
  const r = spawnSync(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      join(REPO_ROOT, 'examples', '05-train-export.ts'),
      '--stocks',
      '100',
      '--days',
      '260',
      '--epochs',
      '5',
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], cwd: REPO_ROOT },
  );
  if (r.status !== 0) throw new Error(`05-train-export.ts failed (exit ${r.status})`);
}

// 1. What the file says about its input. onnxruntime runs graphs but does not expose custom
// metadata, so it is read from the protobuf directly (see lib/onnx-metadata.ts: 60 lines).
const bytes = readFileSync(modelPath);
const meta = readOnnxMetadata(bytes);
if (meta.get('hfq.format') !== 'hfq-onnx/1') throw new Error(`${modelPath} has no hfq metadata`);
const config = JSON.parse(meta.get('hfq.config')!) as { kind: string; window: number; nFeatures: number };
const features = JSON.parse(meta.get('hfq.features')!) as string[];
const pre = JSON.parse(meta.get('hfq.preprocess')!) as { clip: number; maxMissingShare: number };
say(
  `model ${config.kind}: window ${config.window} days x ${features.length} factors; clip ±${pre.clip}; stocks with more than ${pre.maxMissingShare * 100}% missing inputs are not scored`,
);
say(`input recipe (hfq.inputLayout): ${meta.get('hfq.inputLayout')}`);

// 2. Raw factor values from CSV: columns matched by name, in the model's order.
const text = readFileSync(featuresPath, 'utf8').trim().split('\n');
const header = text[0]!.split(',');
const col = features.map((f) => {
  const j = header.indexOf(f);
  if (j < 0) throw new Error(`${featuresPath} has no column ${f} (the model needs ${features.join(', ')})`);
  return j;
});
const dates = [...new Set(text.slice(1).map((l) => Number(l.slice(0, l.indexOf(',')))))].sort(
  (x, y) => x - y,
);
if (dates.length < config.window)
  throw new Error(`need ${config.window} days of factors, the CSV has ${dates.length}`);
const days = dates.slice(-config.window); // day 0 = oldest, last = the scoring date
const assets = [...new Set(text.slice(1).map((l) => l.split(',')[1]!))].sort();
const L = config.window;
const F = features.length;
const N = assets.length;
const raw = new Float64Array(L * N * F).fill(Number.NaN); // [day][asset][factor]
const dayOf = new Map(days.map((d, l) => [d, l]));
const assetOf = new Map(assets.map((a, i) => [a, i]));
for (const line of text.slice(1)) {
  const cells = line.split(',');
  const l = dayOf.get(Number(cells[0]));
  if (l === undefined) continue;
  const a = assetOf.get(cells[1]!)!;
  col.forEach((j, f) => {
    const c = cells[j]!;
    raw[(l * N + a) * F + f] = c === '' ? Number.NaN : Math.fround(Number(c)); // float32, as the model saw them
  });
}

// 3. The recipe: per day and factor, z-score across the stocks that have a value (population
// std), clip, missing -> 0; stocks with too much missing input are left out.
const keep: number[] = [];
for (let a = 0; a < N; a++) {
  let missing = 0;
  for (let l = 0; l < L; l++)
    for (let f = 0; f < F; f++) if (Number.isNaN(raw[(l * N + a) * F + f]!)) missing++;
  if (missing <= pre.maxMissingShare * L * F) keep.push(a);
}
const n = keep.length;
const x = new Float32Array(n * L * F);
for (let l = 0; l < L; l++) {
  for (let f = 0; f < F; f++) {
    let s = 0;
    let s2 = 0;
    let c = 0;
    for (let a = 0; a < N; a++) {
      const v = raw[(l * N + a) * F + f]!;
      if (Number.isNaN(v)) continue;
      s += v;
      c++;
    }
    const mean = s / c;
    for (let a = 0; a < N; a++) {
      const v = raw[(l * N + a) * F + f]!;
      if (!Number.isNaN(v)) s2 += (v - mean) ** 2;
    }
    const sd = Math.sqrt(s2 / c);
    keep.forEach((a, i) => {
      let z = sd > 0 ? (raw[(l * N + a) * F + f]! - mean) / sd : 0;
      if (Number.isNaN(z)) z = 0;
      x[(i * L + l) * F + f] = Math.min(pre.clip, Math.max(-pre.clip, z));
    });
  }
}

// 4. Run the graph: input `x` [stocks, window, factors], output `score` [stocks].
const session = await ort.InferenceSession.create(bytes);
say(
  `onnxruntime ${ort.env.versions.common}: inputs ${session.inputNames.join(', ')} -> outputs ${session.outputNames.join(', ')}`,
);
const result = await session.run({ x: new ort.Tensor('float32', x, [n, L, F]) });
const score = result.score!.data as Float32Array;
const order = Array.from(keep.keys()).sort((i, j) => score[j]! - score[i]!);
const rank = new Int32Array(n);
order.forEach((i, r) => {
  rank[i] = r + 1;
});
writeText(
  join(out, 'scores.csv'),
  `asset,score,rank\n${keep.map((a, i) => `${assets[a]},${score[i]!.toPrecision(9)},${rank[i]}`).join('\n')}\n`,
);
say(
  `scored ${n} of ${N} stocks on ${days.at(-1)}; top 5: ${order
    .slice(0, 5)
    .map((i) => assets[keep[i]!])
    .join(', ')}`,
);

// 5. Against the tfjs scores 05 wrote for the same day (if present).
const refPath = join(dirname(modelPath), 'scores-reference.csv');
let maxAbsDiff = Number.NaN;
let compared = 0;
if (existsSync(refPath)) {
  const ref = new Map(
    readFileSync(refPath, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','))
      .filter(([, s]) => s !== '')
      .map(([a, s]) => [a!, Number(s)]),
  );
  maxAbsDiff = 0;
  keep.forEach((a, i) => {
    const r = ref.get(assets[a]!);
    if (r === undefined) return;
    compared++;
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(r - score[i]!));
  });
  say(
    `vs the tfjs scores of 05: ${compared} stocks (05 scored ${ref.size}), max |difference| ${maxAbsDiff.toExponential(2)}`,
  );
}
finish(['scores.csv'], {
  model: shown(modelPath),
  kind: config.kind,
  input: { stocks: n, window: L, factors: F, shape: [n, L, F] },
  scoringDate: days.at(-1),
  stocksInCsv: N,
  scored: n,
  comparedWithTfjs: compared,
  maxAbsDiffVsTfjs: maxAbsDiff,
  scoreRange: [Math.min(...score), Math.max(...score)],
});
