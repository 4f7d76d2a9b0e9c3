import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { activeBackend, useBackend } from './backend.js';

describe('useBackend', () => {
  it('loads wasm (with its .wasm files found through node_modules) and cpu', async () => {
    const wasm = await useBackend('wasm');
    expect(wasm.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(wasm.detail).toMatch(/thread/);
    const cpu = await useBackend('cpu');
    expect(cpu.tfName).toBe('cpu');
    expect(activeBackend()?.name).toBe('cpu');
  });

  it('fails with MODELS_BACKEND for an optional backend that is not installed', async () => {
    // Here `@tensorflow/tfjs-node` is an alias of `@tensorflow/tfjs` (danfojs override): no libtensorflow.
    await expect(useBackend('tensorflow-gpu')).rejects.toMatchObject({ code: 'MODELS_BACKEND' });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('auto falls through to the first backend that loads', async () => {
    const info = await useBackend('auto', { autoOrder: ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] });
    expect(['tensorflow-gpu', 'tensorflow', 'wasm']).toContain(info.name);
    expect(tf.getBackend()).toBe(info.tfName);
  });
});

describe('webgpu', () => {
  it('either runs on a WebGPU adapter or refuses with MODELS_BACKEND (no GPU here)', async () => {
    try {
      const info = await useBackend('webgpu');
      expect(tf.getBackend()).toBe('webgpu');
      expect(info.detail.length).toBeGreaterThan(0);
    } catch (e) {
      expect(e).toMatchObject({ code: 'MODELS_BACKEND' });
      console.warn(
        `[hfq tests] webgpu backend unavailable here (${(e as Error).message}); GPU path not exercised`,
      );
    }
    await useBackend('cpu');
  });
});
