import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type DryRunResult,
  firstTsBlock,
  hfqImports,
  registryUnreachable,
  releaseDryRun,
} from './dry-run.js';
import { packageDirs, repoRoot } from './package-meta.js';

describe('dry-run helpers', () => {
  it('takes the first ts block and sees a fragment marker on the line before it', () => {
    const md = [
      '# x',
      '```bash',
      'npm i',
      '```',
      '<!-- fragment -->',
      '',
      '```ts',
      "import { a } from '@hfq/core';",
      '```',
    ];
    expect(firstTsBlock(md.join('\n'))).toEqual({ code: "import { a } from '@hfq/core';", fragment: true });
    expect(firstTsBlock('```ts\nconst a = 1;\n```\n```ts\nb\n```')).toEqual({
      code: 'const a = 1;',
      fragment: false,
    });
    expect(firstTsBlock('no code')).toBeUndefined();
  });

  it('lists the @hfq packages a block imports (subpaths folded into their package)', () => {
    const code =
      "import { a } from '@hfq/sim';\nimport type { B } from '@hfq/core/x';\nconst m = await import('@hfq/metrics');";
    expect(hfqImports(code)).toEqual(['@hfq/core', '@hfq/metrics', '@hfq/sim']);
  });
});

/**
 * Packages that cannot pass yet on this branch, each for a reason that another change removes.
 * The condition is read from the tree, so the check turns itself back on once that change lands.
 */
function pendingReason(dir: string): { reason: string; skip: boolean } | undefined {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  if (dir === 'models' && pkg.dependencies?.['onnxruntime-node']) {
    return {
      reason:
        'onnxruntime-node is a hard dependency whose postinstall fetches CUDA binaries from api.nuget.org (ENOTFOUND); skipped (a 3-minute failing install) until it becomes an optional peer',
      skip: true,
    };
  }
  const block = firstTsBlock(readFileSync(join(repoRoot, 'packages', dir, 'README.md'), 'utf8'));
  if (dir === 'bars' && block && !block.fragment && block.code.includes("'bars.csv.gz'")) {
    return {
      reason:
        "the README's first example reads bars.csv.gz, which the package does not ship, and is not yet marked <!-- fragment -->",
      skip: false,
    };
  }
  return undefined;
}

const unreachable = await registryUnreachable();
if (unreachable) console.warn(`release dry run skipped: ${unreachable}`);

describe.skipIf(unreachable !== undefined)(
  'release dry run: each package installed alone from a local registry',
  () => {
    const dirs = packageDirs();
    const pending = new Map(dirs.flatMap((d) => (pendingReason(d) ? [[d, pendingReason(d)!] as const] : [])));
    let result: DryRunResult;

    beforeAll(async () => {
      for (const [d, p] of pending)
        console.warn(`release dry run: @hfq/${d} ${p.skip ? 'skipped' : 'expected to fail'}: ${p.reason}`);
      result = await releaseDryRun({ packages: dirs.filter((d) => !pending.get(d)?.skip), concurrency: 3 });
    });

    for (const dir of dirs) {
      const p = pending.get(dir);
      const test = p?.skip ? it.skip : p ? it.fails : it;
      test(`@hfq/${dir}: npm install by name, then its README's first example (or an import)`, () => {
        const r = result.packages.find((x) => x.name === `@hfq/${dir}`)!;
        expect(r.install, `npm install @hfq/${dir}`).toMatchObject({ ok: true });
        expect(r.install.nodeModulesBytes).toBeGreaterThan(0);
        expect(r.version).toBe(result.packages[0]!.version);
        expect(r.smoke, `${r.smokeKind} smoke`).toMatchObject({ ok: true });
        if (dir === 'dataset') {
          expect(r.cli, 'npx hfq --help').toMatchObject({ ok: true });
          expect(r.cli!.output).toMatch(/hfq/);
        }
        expect(r.ok).toBe(true);
      });
    }
  },
);
