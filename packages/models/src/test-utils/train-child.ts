/** Child process of the kill test: trains `killRun()` with a checkpoint at argv[2] until killed. */
import { useBackend } from '../backend/backend.js';
import { trainModel } from '../train/train.js';
import { killRun } from './kill-fixture.js';

await useBackend('wasm');
const { ds, split, config, options } = killRun();
await trainModel(ds, config, split, { ...options, checkpoint: process.argv[2]! });
