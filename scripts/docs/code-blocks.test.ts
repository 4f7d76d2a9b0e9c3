import { describe, expect, test } from 'vitest';
import { classifyCommand, extractCodeBlocks, markerProblem, shellCommands } from './code-blocks.js';

describe('extractCodeBlocks', () => {
  test('finds fences with their line, language, code and the marker before them', () => {
    const md = [
      '# Title', // 1
      '', // 2
      '```ts', // 3
      'const a = 1;', // 4
      '```', // 5
      '<!-- fragment -->', // 6
      '', // 7
      '```bash', // 8
      'npx hfq --help  # all verbs', // 9
      '```', // 10
      '1. a step', // 11
      '   <!-- no-run: writes 32 MiB -->', // 12
      '   ```sh', // 13
      '   node x.ts \\', // 14
      '     --flag', // 15
      '   ```', // 16
      '````md', // 17
      '```ts', // 18
      'inner', // 19
      '```', // 20
      '````', // 21
      '```', // 22
      'bare', // 23
      '```', // 24
    ].join('\n');
    const blocks = extractCodeBlocks(md, 'x.md');
    expect(blocks.map((b) => [b.line, b.lang, b.code, b.marker])).toEqual([
      [3, 'ts', 'const a = 1;', undefined],
      [8, 'bash', 'npx hfq --help  # all verbs', { name: 'fragment', reason: '' }],
      [13, 'sh', 'node x.ts \\\n  --flag', { name: 'no-run', reason: 'writes 32 MiB' }],
      [17, 'md', '```ts\ninner\n```', undefined],
      [22, '', 'bare', undefined],
    ]);
    expect(blocks[0]!.file).toBe('x.md');
    expect(shellCommands(blocks[1]!)).toEqual([{ line: 9, command: 'npx hfq --help' }]);
    expect(shellCommands(blocks[2]!)).toEqual([{ line: 14, command: 'node x.ts    --flag' }]);
  });

  test('an unclosed fence runs to the end of the file', () => {
    expect(extractCodeBlocks('```ts\nx()\ny()', 'a.md')).toMatchObject([{ line: 1, code: 'x()\ny()' }]);
  });

  test('unknown markers and markers without a reason are problems', () => {
    const [a, b, c, d, e] = extractCodeBlocks(
      [
        '<!-- skip -->',
        '```ts',
        '```',
        '<!-- no-run -->',
        '```ts',
        '```',
        '<!-- no-run: needs a GPU; scripts/gpu covers it -->',
        '```ts',
        '```',
        '<!-- help-only: long -->',
        '```ts',
        '```',
        '<!-- fragment: uses `scores` from above -->',
        '```ts',
        '```',
      ].join('\n'),
      'm.md',
    );
    expect(markerProblem(a!)).toMatch(/unknown marker <!-- skip -->/);
    expect(markerProblem(b!)).toMatch(/needs a reason/);
    expect(markerProblem(c!)).toBeUndefined();
    expect(markerProblem(d!)).toMatch(/for shell blocks/);
    expect(markerProblem(e!)).toBeUndefined();
  });

  test('classifies shell commands', () => {
    expect(classifyCommand('npx hfq data check /tmp/m')).toBe('run');
    expect(classifyCommand('hfq --help')).toBe('run');
    expect(classifyCommand('HFQ_SHARED_DIR=/x node --import tsx a.ts')).toBe('run');
    expect(classifyCommand('npm run bench -w @hfq/bars')).toBe('run');
    expect(classifyCommand('npm test')).toBe('run');
    expect(classifyCommand('npm install @hfq/core')).toBe('install');
    expect(classifyCommand('npm ci && npm run demo')).toBe('other');
    expect(classifyCommand('sbatch --wait job.sh')).toBe('other');
    expect(classifyCommand('export HFQ_BIN=/x')).toBe('other');
  });
});
