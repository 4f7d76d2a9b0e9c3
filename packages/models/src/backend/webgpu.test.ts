import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { listWebGpuAdapters, useBackend } from './backend.js';
import { resolveFromHere, vulkanLoaderLocation } from './optional.js';
import { parseDawnAdapterList, webgpuUnavailableReason } from './webgpu.js';

const noVulkan = process.platform === 'linux' && vulkanLoaderLocation() === undefined;
const NULL = { webgpu: { dawnBackend: 'null' } } as const;

afterAll(async () => {
  await useBackend('cpu');
});

describe('webgpu fallback where there is no GPU', () => {
  if (!noVulkan) {
    console.warn('[hfq tests] a Vulkan loader is installed here: the no-Vulkan fallback tests are not run');
  }

  it.runIf(noVulkan)('auto skips webgpu, says why, and lands on wasm', async () => {
    const info = await useBackend('auto', { autoOrder: ['webgpu', 'wasm', 'cpu'] });
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.skipped).toEqual([{ name: 'webgpu', reason: webgpuUnavailableReason() }]);
    expect(info.skipped![0]!.reason).toMatch(/libvulkan\.so\.1/);
  });

  it.runIf(noVulkan)(
    'an explicit webgpu request fails with MODELS_BACKEND naming the missing loader',
    async () => {
      await useBackend('wasm');
      const err = await useBackend('webgpu').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'MODELS_BACKEND', context: { reason: 'no-vulkan-loader' } });
      expect((err as Error).message).toMatch(/no Vulkan loader: libvulkan\.so\.1/);
      // The failed attempt leaves the previous backend in place.
      expect(tf.getBackend()).toBe('wasm');
    },
  );

  it.runIf(noVulkan)('lists no adapters without a Vulkan loader', async () => {
    expect(await listWebGpuAdapters()).toEqual([]);
  });

  it('reports a missing webgpu package through the importer', async () => {
    const err = await useBackend('webgpu', {
      webgpu: {
        dawnBackend: 'null',
        importer: async () => {
          throw new Error('Cannot find package webgpu');
        },
      },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODELS_BACKEND', context: { reason: 'no-dawn' } });
    expect((err as Error).message).toMatch(/Cannot find package webgpu/);
  });

  it('the null adapter is never an auto choice', () => {
    expect(webgpuUnavailableReason({ dawnBackend: 'null' })).toMatch(/never auto/);
  });
});

describe('parseDawnAdapterList', () => {
  it("reads Dawn's list of adapters from its refusal message", () => {
    const msg =
      "no adapter with backend 'vulkan' and name 'x' found\nAvailable adapters:\n" +
      " * backend: 'vulkan', name: 'NVIDIA H100 80GB HBM3'\n * backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)'\n";
    expect(parseDawnAdapterList(msg)).toEqual([
      { backend: 'vulkan', name: 'NVIDIA H100 80GB HBM3' },
      { backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)' },
    ]);
    expect(parseDawnAdapterList('no suitable backends found')).toEqual([]);
  });
});

describe('webgpu on the Dawn null adapter (plumbing only: it computes nothing)', () => {
  it('brings up tfjs webgpu on the chosen adapter and reports the device', async () => {
    const info = await useBackend('webgpu', { webgpu: { dawnBackend: 'null', adapter: 0 } });
    expect(info.name).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(info.device).toMatchObject({
      dawnBackend: 'null',
      device: 'null-backend',
      dawnFlags: ['backend=null', 'adapter=Null backend'],
    });
    expect(info.device!.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(info.detail).toMatch(/null adapter: computes nothing/);
  });

  it('runs kernels, reads asynchronously, and refuses synchronous reads with a clear error', async () => {
    await useBackend('webgpu', NULL);
    const y = tf.matMul(tf.ones([8, 16]), tf.ones([16, 4]));
    expect(y.shape).toEqual([8, 4]);
    let err: unknown;
    try {
      y.dataSync();
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'MODELS_BACKEND', context: { reason: 'sync-read' } });
    expect((await y.data()).length).toBe(32);
    // Once read, the values sit on the CPU and read synchronously.
    expect(y.dataSync().length).toBe(32);
    tf.dispose(y);
  });

  it('exposes the kernel registry: stock kernels and custom WGSL programs (validated by Dawn)', async () => {
    const info = await useBackend('webgpu', NULL);
    expect(tf.getKernel('BatchMatMul', 'webgpu')).toBeDefined();
    expect(tf.getKernel('Softmax', 'webgpu')).toBeDefined();
    const mod = (await import('@tensorflow/tfjs-backend-webgpu')) as unknown as {
      webgpu_util: {
        flatDispatchLayout(shape: number[]): object;
        computeDispatch(layout: object, shape: number[], wg: number[]): number[];
      };
    };
    const program = (shape: number[], body: string, key: string) => {
      const dispatchLayout = mod.webgpu_util.flatDispatchLayout(shape);
      return {
        variableNames: ['A'],
        size: true,
        workgroupSize: [64, 1, 1],
        outputShape: shape,
        shaderKey: key,
        dispatchLayout,
        dispatch: mod.webgpu_util.computeDispatch(dispatchLayout, shape, [64, 1, 1]),
        getUserCode: () => `fn main(index : i32) { if (index < uniforms.size) { ${body} } }`,
      };
    };
    type RunProgram = { runWebGPUProgram(p: object, inputs: tf.TensorInfo[], dtype: string): tf.TensorInfo };
    const kernel = (body: string, key: string): tf.KernelFunc =>
      (({ inputs, backend }) =>
        (backend as unknown as RunProgram).runWebGPUProgram(
          program(inputs.x!.shape, body, key),
          [inputs.x!],
          'float32',
        )) as tf.KernelFunc;
    tf.registerKernel({
      kernelName: 'HfqTestDouble',
      backendName: 'webgpu',
      kernelFunc: kernel('setOutputAtIndex(index, 2.0 * getAByOutputIndex(index));', 'hfq_test_double'),
    });
    tf.registerKernel({
      kernelName: 'HfqTestBroken',
      backendName: 'webgpu',
      kernelFunc: kernel('setOutputAtIndex(index, noSuchFunction(index));', 'hfq_test_broken'),
    });
    try {
      const x = tf.ones([300]);
      const before = info.device!.uncapturedErrors.length;
      const y = tf.engine().runKernel('HfqTestDouble', { x }) as tf.Tensor;
      expect(y.shape).toEqual([300]);
      await y.data();
      expect(info.device!.uncapturedErrors.length).toBe(before);
      // Dawn's WGSL compiler runs even on the null adapter: a broken shader is reported.
      const z = tf.engine().runKernel('HfqTestBroken', { x }) as tf.Tensor;
      await z.data();
      expect(info.device!.uncapturedErrors.slice(before).join('\n')).toMatch(/noSuchFunction/);
      tf.dispose([x, y, z]);
    } finally {
      tf.unregisterKernel('HfqTestDouble', 'webgpu');
      tf.unregisterKernel('HfqTestBroken', 'webgpu');
    }
  });

  it('uses the one @tensorflow/tfjs-core this package uses', () => {
    const fromWebgpu = createRequire(resolveFromHere('@tensorflow/tfjs-backend-webgpu')).resolve(
      '@tensorflow/tfjs-core',
    );
    expect(dirname(fromWebgpu)).toBe(dirname(resolveFromHere('@tensorflow/tfjs-core')));
  });

  it('names the adapters Dawn has when asked for one it does not', async () => {
    await useBackend('wasm');
    const byName = await useBackend('webgpu', {
      webgpu: { dawnBackend: 'null', adapter: 'No Such GPU' },
    }).catch((e: unknown) => e);
    expect(byName).toMatchObject({ code: 'MODELS_BACKEND', context: { reason: 'no-adapter' } });
    expect((byName as Error).message).toMatch(/Null backend/);
    const byIndex = await useBackend('webgpu', { webgpu: { dawnBackend: 'null', adapter: 5 } }).catch(
      (e: unknown) => e,
    );
    expect((byIndex as Error).message).toMatch(/no adapter 5 \(Dawn sees 1: null\/Null backend\)/);
    expect(await listWebGpuAdapters({ dawnBackend: 'null' })).toEqual([
      { backend: 'null', name: 'Null backend' },
    ]);
  });
});
