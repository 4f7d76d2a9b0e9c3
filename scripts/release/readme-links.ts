/**
 * Package READMEs are shown on the npm page, where a relative link (`../../docs/cli.md`) leads
 * nowhere. {@link relativeLinks} finds such links (inline `[text](target)`, reference definitions
 * `[id]: target`, and HTML `href`/`src`, outside fenced code); {@link absolutizeLinks} rewrites them
 * to the repository ({@link REPO_BLOB} for files, {@link REPO_TREE} for folders, the repository's
 * front page for the root README).
 * `node --import tsx scripts/release/readme-links.ts --write` fixes every package README in place.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageDirs, REPO_BLOB, REPO_TREE, REPO_WEB, repoRoot } from './package-meta.js';

/** One link found in a Markdown text. */
export interface FoundLink {
  /** 1-based line number. */
  line: number;
  /** The link target as written. */
  target: string;
  /** Offset of the target in the whole text (for rewriting). */
  index: number;
}

const ABSOLUTE = /^(?:[a-z][a-z0-9+.-]*:|#|\/\/)/i;
const PATTERNS = [
  /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, // [text](target "title")
  /^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/gm, // [id]: target
  /\b(?:href|src)\s*=\s*["']([^"']+)["']/g, // <a href="..."> <img src="...">
];

/** Every link target in `markdown` that is not absolute (no scheme, not `#anchor`), fenced code skipped. */
export function relativeLinks(markdown: string): FoundLink[] {
  // Blank out fenced code blocks, keeping offsets and line numbers.
  const text = markdown.replace(/^(\s*)(```|~~~)[^\n]*\n[\s\S]*?^\s*\2[^\n]*$/gm, (m) =>
    m.replace(/[^\n]/g, ' '),
  );
  const found: FoundLink[] = [];
  for (const re of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const target = m[1]!;
      if (ABSOLUTE.test(target)) continue;
      const index = m.index! + m[0].indexOf(target);
      found.push({ line: text.slice(0, index).split('\n').length, target, index });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/**
 * The absolute URL for `target`, a link written in the file `fromFile` (a path relative to the
 * repository root, POSIX separators). A folder gets a `tree/` URL, anything else a `blob/` URL.
 */
export function absoluteUrl(fromFile: string, target: string): string {
  const hash = target.indexOf('#');
  const path = hash < 0 ? target : target.slice(0, hash);
  const anchor = hash < 0 ? '' : target.slice(hash);
  const resolved = posix.normalize(posix.join(posix.dirname(fromFile), path)).replace(/\/$/, '');
  const onDisk = join(repoRoot, resolved);
  const isDir = existsSync(onDisk) && statSync(onDisk).isDirectory();
  if (resolved === 'README.md') return `${REPO_WEB}${anchor || '#readme'}`;
  return `${isDir ? REPO_TREE : REPO_BLOB}/${resolved}${anchor}`;
}

/** `markdown` (the file `fromFile`, relative to the repository root) with every relative link made absolute. */
export function absolutizeLinks(fromFile: string, markdown: string): string {
  let out = markdown;
  for (const link of relativeLinks(markdown).reverse()) {
    out =
      out.slice(0, link.index) +
      absoluteUrl(fromFile, link.target) +
      out.slice(link.index + link.target.length);
  }
  return out;
}

/** The README of each package, as paths relative to the repository root. */
export function packageReadmes(): string[] {
  return packageDirs()
    .map((d) => `packages/${d}/README.md`)
    .filter((f) => existsSync(join(repoRoot, f)));
}

if (
  process.argv[1] &&
  fileURLToPath(import.meta.url) === process.argv[1] &&
  process.argv.includes('--write')
) {
  for (const file of packageReadmes()) {
    const abs = join(repoRoot, file);
    const before = readFileSync(abs, 'utf8');
    const after = absolutizeLinks(relative(repoRoot, abs).split('\\').join('/'), before);
    if (after !== before) writeFileSync(abs, after);
  }
}
