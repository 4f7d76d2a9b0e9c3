import { beforeAll, describe, expect, it } from 'vitest';
import {
  type DryRunResult,
  firstTsBlock,
  hfqImports,
  registryUnreachable,
  releaseDryRun,
} from './dry-run.js';
import { packageDirs } from './package-meta.js';

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

const unreachable = await registryUnreachable();
if (unreachable) console.warn(`release dry run skipped: ${unreachable}`);

describe.skipIf(unreachable !== undefined)(
  'release dry run: each package installed alone from a local registry',
  () => {
    const dirs = packageDirs();
    let result: DryRunResult;

    beforeAll(async () => {
      result = await releaseDryRun({ packages: dirs, concurrency: 3 });
    });

    for (const dir of dirs) {
      it(`@hfq/${dir}: npm install by name, then its README's first example (or an import)`, () => {
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
