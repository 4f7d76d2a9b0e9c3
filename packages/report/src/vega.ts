import type { TopLevelSpec } from 'vega-lite';
import { reportError } from './errors.js';

type VegaModule = typeof import('vega');
type VegaLiteModule = typeof import('vega-lite');

/** A vega-lite logger that drops everything (its default logs to the console). */
const silentLogger = {
  level(): number {
    return 0;
  },
  error() {
    return silentLogger;
  },
  warn() {
    return silentLogger;
  },
  info() {
    return silentLogger;
  },
  debug() {
    return silentLogger;
  },
};

let modules: Promise<[VegaModule, VegaLiteModule]> | undefined;

/** vega and vega-lite, loaded on first use so that `import { rankIC }` stays light. */
function load(): Promise<[VegaModule, VegaLiteModule]> {
  modules ??= Promise.all([import('vega'), import('vega-lite')]);
  return modules;
}

/**
 * Renders a Vega-Lite spec to an SVG string in Node, headless (vega's `renderer: 'none'` view;
 * no browser, no canvas, no network: data must be inline).
 *
 * @throws HfqError `REPORT_RENDER` when vega rejects the spec.
 */
export async function renderVegaLite(spec: TopLevelSpec): Promise<string> {
  const [vega, vl] = await load();
  let view: InstanceType<VegaModule['View']> | undefined;
  try {
    // Libraries never print: vega-lite's and vega's warnings go nowhere.
    const compiled = vl.compile(spec, { logger: silentLogger }).spec;
    view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.None });
    return await view.toSVG();
  } catch (e) {
    throw reportError('REPORT_RENDER', `could not render chart: ${(e as Error).message}`, {}, e);
  } finally {
    view?.finalize();
  }
}

/** `n` colours sampled evenly from a vega colour scheme (default `'viridis'`), as CSS strings. */
export async function schemeColors(n: number, scheme = 'viridis'): Promise<string[]> {
  const [vega] = await load();
  const interp = vega.scheme(scheme) as ((t: number) => string) | string[] | undefined;
  if (typeof interp !== 'function') {
    throw reportError('REPORT_RENDER', `unknown continuous colour scheme ${scheme}`, { field: 'scheme' });
  }
  // Stop short of the palest end so every line stays visible on white.
  return Array.from({ length: n }, (_, i) => interp(n === 1 ? 0.5 : (i / (n - 1)) * 0.9));
}
