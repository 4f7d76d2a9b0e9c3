import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedPackageMeta, packageDirs, repoRoot } from './package-meta.js';
import { absoluteUrl, absolutizeLinks, packageReadmes, relativeLinks } from './readme-links.js';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  [section: string]: unknown;
}
const manifests = packageDirs().map(
  (dir) =>
    [dir, JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8'))] as [
      string,
      Manifest,
    ],
);

describe('package metadata', () => {
  it('every package carries the one repository, homepage, bugs and public publishConfig', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(10);
    for (const [dir, pkg] of manifests) {
      const meta = expectedPackageMeta(dir);
      for (const [k, v] of Object.entries(meta)) expect({ dir, [k]: pkg[k] }).toEqual({ dir, [k]: v });
      expect(pkg.private, dir).not.toBe(true);
    }
  });

  it('all @hfq packages share one version (a fixed changesets group) and depend on each other by ^range', () => {
    const versions = new Set(manifests.map(([, p]) => p.version));
    expect(versions.size).toBe(1);
    const [version] = [...versions];
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(version).not.toBe('0.0.0');
    for (const [dir, pkg] of manifests) {
      for (const section of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
        const deps = (pkg[section] ?? {}) as Record<string, string>;
        for (const [name, range] of Object.entries(deps)) {
          if (name.startsWith('@hfq/'))
            expect({ dir, section, name, range }).toEqual({ dir, section, name, range: `^${version}` });
        }
      }
    }
    const config = JSON.parse(readFileSync(join(repoRoot, '.changeset/config.json'), 'utf8'));
    expect(config.fixed).toEqual([['@hfq/*']]);
  });
});

describe('README links', () => {
  it('finds inline, reference and HTML links outside code, and leaves absolute ones alone', () => {
    const md = [
      'See [a](../../docs/cli.md) and [b](https://x.org/y) and [c](#usage).',
      '```ts',
      "const s = '[not](a/link.md)';",
      '```',
      '[ref]: ./bench/x.json',
      '<img src="img/p.png"> <a href="mailto:a@b.c">m</a>',
    ].join('\n');
    expect(relativeLinks(md).map((l) => [l.line, l.target])).toEqual([
      [1, '../../docs/cli.md'],
      [5, './bench/x.json'],
      [6, 'img/p.png'],
    ]);
  });

  it('rewrites a relative link to the repository on GitHub (file, folder, root README, anchor)', () => {
    const from = 'packages/factor-dsl/README.md';
    expect(absoluteUrl(from, '../../docs/factor-dsl.md#shipped-factors')).toBe(
      'https://github.com/hfq-dev/hfq/blob/main/docs/factor-dsl.md#shipped-factors',
    );
    expect(absoluteUrl(from, '../factor-gen')).toBe(
      'https://github.com/hfq-dev/hfq/tree/main/packages/factor-gen',
    );
    expect(absoluteUrl(from, '../../README.md')).toBe('https://github.com/hfq-dev/hfq#readme');
    expect(absolutizeLinks(from, 'x [b](bench/a.ts) y')).toBe(
      'x [b](https://github.com/hfq-dev/hfq/blob/main/packages/factor-dsl/bench/a.ts) y',
    );
  });

  it('no package README has a relative link (they break on the npm page)', () => {
    const readmes = packageReadmes();
    expect(readmes.length).toBeGreaterThanOrEqual(10);
    const bad = readmes.flatMap((file) =>
      relativeLinks(readFileSync(join(repoRoot, file), 'utf8')).map((l) => `${file}:${l.line} ${l.target}`),
    );
    // Fix: node --import tsx scripts/release/readme-links.ts --write
    expect(bad).toEqual([]);
  });
});
