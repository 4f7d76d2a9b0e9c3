/**
 * Fenced code blocks of the READMEs and doc pages, with the marker comment in front of each, for
 * the docs test (`docs-blocks.test.ts`) that runs them. The convention is in docs/writing-docs.md.
 */

/** A marker comment on the line before a fence: `<!-- name -->` or `<!-- name: reason -->`. */
export interface BlockMarker {
  /** The word before the colon, e.g. `fragment`, `no-run`. */
  name: string;
  /** The text after the colon, trimmed; '' when there is none. */
  reason: string;
}

/** One fenced code block of a markdown file. */
export interface CodeBlock {
  /** The file, as given to {@link extractCodeBlocks}. */
  file: string;
  /** 1-based line of the opening fence; the code's first line is `line + 1`. */
  line: number;
  /** The first word of the info string, lower-cased ('' for a bare fence). */
  lang: string;
  /** The lines between the fences, with the opening fence's indentation removed, joined by '\n'. */
  code: string;
  /** The HTML comment on the nearest non-blank line before the fence, if there is one. */
  marker: BlockMarker | undefined;
}

const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const COMMENT = /^\s*<!--\s*(.*?)\s*-->\s*$/;

/**
 * Every fenced code block (``` or ~~~, CommonMark rules: a closing fence is the same character, at
 * least as long, with nothing after it) of `markdown`, in order. Inside a list item the fence may
 * be indented by the item's indentation; that indentation is removed from the code lines. An
 * unclosed fence runs to the end of the file (as CommonMark renders it).
 */
export function extractCodeBlocks(markdown: string, file: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const open = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (!open || (open[2]![0] === '`' && open[3]!.includes('`'))) {
      i++;
      continue;
    }
    const indent = open[1]!.length;
    const fence = open[2]!;
    const lang = (open[3]!.trim().split(/\s+/)[0] ?? '').toLowerCase();
    let prev = i - 1;
    while (prev >= 0 && lines[prev]!.trim() === '') prev--;
    const comment = prev >= 0 ? COMMENT.exec(lines[prev]!) : null;
    const marker = comment ? parseMarker(comment[1]!) : undefined;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]!.slice(Math.min(indent, leadingSpaces(lines[j]!))));
      if (close && close[2]![0] === fence[0] && close[2]!.length >= fence.length && close[3]!.trim() === '')
        break;
      body.push(lines[j]!.slice(Math.min(indent, leadingSpaces(lines[j]!))));
    }
    blocks.push({ file, line: i + 1, lang, code: body.join('\n'), marker });
    i = j + 1;
  }
  return blocks;
}

function leadingSpaces(s: string): number {
  return s.length - s.trimStart().length;
}

function parseMarker(text: string): BlockMarker {
  const colon = text.indexOf(':');
  if (colon < 0) return { name: text.trim(), reason: '' };
  return { name: text.slice(0, colon).trim(), reason: text.slice(colon + 1).trim() };
}

/**
 * The markers the docs test knows, and whether each needs a reason. `fragment`: the block shows
 * part of a program (names it does not define), so it is not run. `no-run`: the block would run
 * but not in tests (long, or needs a cluster, a GPU, a network service); the reason says why and
 * what covers it instead. `help-only`: in a shell block, only the lines ending in `--help` run;
 * the reason says why the others do not.
 */
export const MARKERS: Readonly<Record<string, { needsReason: boolean }>> = {
  fragment: { needsReason: false },
  'no-run': { needsReason: true },
  'help-only': { needsReason: true },
};

/** What is wrong with a block's marker (unknown name, missing reason), or undefined when fine. */
export function markerProblem(block: CodeBlock): string | undefined {
  const m = block.marker;
  if (!m) return undefined;
  const known = MARKERS[m.name];
  if (!known) return `unknown marker <!-- ${m.name} --> (known: ${Object.keys(MARKERS).join(', ')})`;
  if (known.needsReason && m.reason === '')
    return `marker <!-- ${m.name} --> needs a reason: <!-- ${m.name}: why -->`;
  if (m.name === 'help-only' && !SHELL_LANGS.has(block.lang))
    return `<!-- help-only --> is for shell blocks, not ${block.lang || 'a bare fence'}`;
  return undefined;
}

/** Languages whose blocks are run as programs. */
export const SCRIPT_LANGS: ReadonlySet<string> = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs']);
/** Languages whose blocks are shell commands. */
export const SHELL_LANGS: ReadonlySet<string> = new Set(['bash', 'sh', 'shell']);

/**
 * The commands of a shell block: continuation lines (`\` at the end) joined, comments and blank
 * lines dropped, with the 1-based markdown line each starts on.
 */
export function shellCommands(block: CodeBlock): { line: number; command: string }[] {
  const out: { line: number; command: string }[] = [];
  const lines = block.code.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const start = k;
    let text = lines[k]!;
    while (/\\\s*$/.test(text) && k + 1 < lines.length) text = `${text.replace(/\\\s*$/, ' ')}${lines[++k]!}`;
    const command = stripComment(text).trim();
    if (command !== '') out.push({ line: block.line + 1 + start, command });
  }
  return out;
}

/** `cmd args  # comment` -> `cmd args` (a `#` outside quotes that starts a word). */
function stripComment(s: string): string {
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i);
  }
  return s;
}

/**
 * How the docs test treats one shell command: `run` (an hfq / npx hfq / node / npm run / npm test
 * command, after any leading `VAR=value` assignments), `install` (`npm install <package>`: what a
 * user of the published packages types; the release dry run covers it), or `other` (anything else:
 * the block needs a marker).
 */
export function classifyCommand(command: string): 'run' | 'install' | 'other' {
  const words = command.replace(/^(\s*[A-Za-z_][A-Za-z0-9_]*=\S*\s+)+/, '').trim();
  if (/^(npx\s+)?hfq(\s|$)/.test(words)) return 'run';
  if (/^node\s/.test(words)) return 'run';
  if (/^npm\s+(run\s+\S|test(\s|$))/.test(words)) return 'run';
  if (/^npm\s+(install|i)\s+@hfq\//.test(words)) return 'install';
  return 'other';
}
