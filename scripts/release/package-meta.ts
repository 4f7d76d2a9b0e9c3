/**
 * The public home of hfq, stated once. Every `packages/<dir>/package.json` carries the
 * `repository`, `homepage`, `bugs` and `publishConfig` that {@link expectedPackageMeta} returns,
 * and package READMEs link to files through {@link REPO_BLOB} (see `readme-links.test.ts`).
 *
 * `hfq-dev/hfq` on GitHub is the intended public home: confirm it (or change it here and run
 * `node --import tsx scripts/release/package-meta.ts --write`) before a real publish.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `owner/name` of the repository on GitHub. */
export const REPO_SLUG = 'hfq-dev/hfq';
/** The web page of the repository. */
export const REPO_WEB = `https://github.com/${REPO_SLUG}`;
/** The branch that absolute links point at. */
export const REPO_BRANCH = 'main';
/** Prefix of an absolute link to a file in the repository: `${REPO_BLOB}/docs/cli.md`. */
export const REPO_BLOB = `${REPO_WEB}/blob/${REPO_BRANCH}`;
/** Prefix of an absolute link to a folder in the repository: `${REPO_TREE}/packages/core`. */
export const REPO_TREE = `${REPO_WEB}/tree/${REPO_BRANCH}`;

/** The repository root (two folders above this file). */
export const repoRoot: string = fileURLToPath(new URL('../..', import.meta.url));

/** The folder names under `packages/` that hold a package. */
export function packageDirs(): string[] {
  return readdirSync(join(repoRoot, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter((d) => {
      try {
        readFileSync(join(repoRoot, 'packages', d, 'package.json'));
        return true;
      } catch {
        return false;
      }
    })
    .sort();
}

/** The release metadata fields `packages/<dir>/package.json` must carry. */
export function expectedPackageMeta(dir: string): Record<string, unknown> {
  return {
    repository: { type: 'git', url: `git+${REPO_WEB}.git`, directory: `packages/${dir}` },
    homepage: `${REPO_TREE}/packages/${dir}#readme`,
    bugs: { url: `${REPO_WEB}/issues` },
    publishConfig: { access: 'public' },
  };
}

/**
 * Writes the fields of {@link expectedPackageMeta} into every package's `package.json`, in place
 * (after `repository`; other fields keep their order). Run with `--write`.
 */
export function writePackageMeta(): void {
  for (const dir of packageDirs()) {
    const file = join(repoRoot, 'packages', dir, 'package.json');
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const meta = expectedPackageMeta(dir);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(pkg)) {
      if (k in meta) {
        if (k !== 'repository') continue;
        Object.assign(out, meta);
        continue;
      }
      out[k] = v;
    }
    for (const [k, v] of Object.entries(meta)) if (!(k in out)) out[k] = v;
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  }
}

if (
  process.argv[1] &&
  fileURLToPath(import.meta.url) === process.argv[1] &&
  process.argv.includes('--write')
) {
  writePackageMeta();
}
