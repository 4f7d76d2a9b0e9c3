/**
 * The code of a test page (bundled by esbuild for the browser): scores a small exported ONNX model
 * with `@hfq/models` (onnxruntime-web on wasm) and computes the RankIC of the scores against
 * forward returns with `@hfq/metrics`, then posts what it computed back to the page's server.
 * Inputs come from the server too: `model.onnx` and `inputs.json` (`{ n, x, returns }`).
 */
import { rankIC } from '@hfq/metrics';
import { OnnxScorer } from '@hfq/models';

async function main(): Promise<unknown> {
  const base = new URL('./', (globalThis as unknown as { location: { href: string } }).location.href).href;
  const bytes = new Uint8Array(await (await fetch(`${base}model.onnx`)).arrayBuffer());
  const inputs = (await (await fetch(`${base}inputs.json`)).json()) as {
    n: number;
    x: number[];
    returns: number[];
  };
  const scorer = await OnnxScorer.load(bytes, { backend: 'auto', wasm: { wasmPaths: base, numThreads: 1 } });
  const { score } = await scorer.run(Float32Array.from(inputs.x), inputs.n);
  await scorer.release();
  return { backend: scorer.backend, scores: Array.from(score), rankIC: rankIC(score, inputs.returns) };
}

/** An error and its causes, as text. */
function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: unknown }).cause;
  return `${e.name}: ${e.message}${cause === undefined ? '' : `\ncaused by ${describe(cause)}`}`;
}

const result = await main().catch((e: unknown) => ({ error: describe(e) }));
await fetch('/result', { method: 'POST', body: JSON.stringify(result) });
