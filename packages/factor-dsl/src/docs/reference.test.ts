import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPERATORS } from '../ops/table.js';
import { renderReference } from './reference.js';

describe('docs/factor-dsl.md', () => {
  it('is the reference generated from the operator table (run `npm run docs -w @hfq/factor-dsl` after changing it)', () => {
    const onDisk = readFileSync(new URL('../../../../docs/factor-dsl.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderReference());
  });

  it('documents every operator', () => {
    const text = renderReference();
    for (const op of OPERATORS) expect(text).toContain(op.doc.replace(/\|/g, '\\|'));
  });
});
