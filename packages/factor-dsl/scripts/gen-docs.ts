/** Writes docs/factor-dsl.md (the language reference) from the operator table. */
import { writeFileSync } from 'node:fs';
import { renderReference } from '../src/docs/reference.js';

const target = new URL('../../../docs/factor-dsl.md', import.meta.url);
writeFileSync(target, renderReference());
console.log(`wrote ${target.pathname}`);
