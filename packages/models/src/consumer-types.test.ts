/**
 * A consumer type-checks against what we ship: the declarations of @hfq/core, @hfq/metrics and
 * @hfq/models, emitted the way the build emits them, installed as packages beside a tiny consumer
 * whose tsconfig checks libraries (`skipLibCheck: false`) and restricts `types` to node, as many
 * Node projects do. Third-party declarations (tfjs-core, onnxruntime-web, protobufjs) come from
 * the repository's node_modules, which is why the scratch project lives under node_modules/.cache.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const scratch = join(root, 'node_modules', '.cache', `hfq-consumer-types-${process.pid}`);
const PACKAGES = ['core', 'metrics', 'models'] as const;

function run(args: string[]): string {
  try {
    return execFileSync(process.execPath, [tsc, ...args], { cwd: scratch, encoding: 'utf8' });
  } catch (e) {
    const out = e as { stdout?: string; stderr?: string };
    throw new Error(`tsc ${args.join(' ')} failed:\n${out.stdout ?? ''}${out.stderr ?? ''}`);
  }
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a consumer of the published declarations', () => {
  it("type-checks with skipLibCheck off and types: ['node'] (no \"Cannot find name 'Long'\")", () => {
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    // One program emits the three packages' declarations (the sources resolve each other
    // through the `source` condition), with the build's own options.
    writeFileSync(
      join(scratch, 'tsconfig.emit.json'),
      JSON.stringify({
        extends: join(root, 'tsconfig.base.json'),
        compilerOptions: {
          noEmit: false,
          emitDeclarationOnly: true,
          sourceMap: false,
          inlineSources: false,
          rootDir: join(root, 'packages'),
          outDir: join(scratch, 'emitted'),
        },
        include: PACKAGES.map((p) => join(root, 'packages', p, 'src', '**', '*.ts')),
        exclude: ['**/*.test.ts', '**/__fixtures__/**', '**/test-utils/**'].map((g) =>
          join(root, 'packages', g),
        ),
      }),
    );
    run(['-p', 'tsconfig.emit.json']);
    for (const p of PACKAGES) {
      const dir = join(scratch, 'node_modules', '@hfq', p);
      cpSync(join(scratch, 'emitted', p, 'src'), join(dir, 'dist'), { recursive: true });
      const pkg = JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')) as {
        exports: Record<string, unknown>;
      };
      // The published package.json without the `source` condition (its files are not shipped).
      const exports = JSON.parse(JSON.stringify(pkg.exports), (k, v) => (k === 'source' ? undefined : v));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, exports }));
    }
    writeFileSync(
      join(scratch, 'consumer.ts'),
      [
        "import { icSummary } from '@hfq/metrics';",
        "import { type BackendInfo, Model, OnnxScorer, type OnnxScorerOptions, useBackend } from '@hfq/models';",
        "const options: OnnxScorerOptions = { backend: 'wasm', wasm: { numThreads: 1 } };",
        'export async function main(bytes: Uint8Array): Promise<string> {',
        '  const info: BackendInfo = await useBackend();',
        '  const scorer = await OnnxScorer.load(bytes, options);',
        '  const out = await scorer.run(new Float32Array(0), 0);',
        '  return [info.name, scorer.backend, out.score.length, typeof Model, typeof icSummary].join(" ");',
        '}',
        '',
      ].join('\n'),
    );
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module' }));
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    expect(run(['-p', 'tsconfig.json'])).toBe('');
    // The consumer really read our declarations (not sources through a condition).
    const files = run(['-p', 'tsconfig.json', '--listFilesOnly']);
    expect(files).toContain(join('node_modules', '@hfq', 'models', 'dist', 'index.d.ts'));
    expect(files).toContain(join('@tensorflow', 'tfjs-core', 'dist', 'hash_util.d.ts'));
  }, 240_000);
});
