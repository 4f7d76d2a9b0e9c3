// A worker used by worker.test.ts: it imports a workspace package by name (resolved to sources)
// and answers with something computed there.
import { parentPort, workerData } from 'node:worker_threads';
import { Rng } from '@hfq/core';

parentPort!.postMessage({ echo: workerData, draw: new Rng(7).nextUint32() });
