import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/index.ts';
import { estimateCost } from '../engine/index.ts';
import {
  backendCacheKey,
  chooseFastest,
  describeAdapterInfo,
  measurementPlan,
  shapeClass,
  softwareRenderer,
} from './backendChoice.ts';
import type { BackendMeasurement, BackendName } from './trainingProtocol.ts';

const ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm'];

function m(
  backend: BackendName,
  stepMs: number | null,
  softwareName: string | null = null,
): BackendMeasurement {
  return { backend, stepMs, softwareName, software: softwareName !== null, capped: false };
}

describe('software adapter detection', () => {
  it('recognizes what headless Chromium without a GPU reports', () => {
    const info = {
      vendor: 'google',
      architecture: 'swiftshader',
      device: '',
      description: '',
      isFallbackAdapter: true,
    };
    expect(softwareRenderer(info)).toBe('SwiftShader');
    expect(describeAdapterInfo(info)).toBe('google · swiftshader');
  });

  it('recognizes Mesa software rasterizers and a fallback adapter with no name', () => {
    expect(softwareRenderer({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.7, 256 bits)' })).toBe(
      'llvmpipe',
    );
    expect(softwareRenderer({ vendor: 'mesa', architecture: '', description: 'Lavapipe' })).toBe('lavapipe');
    expect(softwareRenderer({ vendor: 'x', isFallbackAdapter: true })).toBe('software');
    expect(
      softwareRenderer(
        'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      ),
    ).toBe('SwiftShader');
  });

  it('leaves hardware alone', () => {
    expect(
      softwareRenderer({ vendor: 'nvidia', architecture: 'ampere', isFallbackAdapter: false }),
    ).toBeNull();
    expect(softwareRenderer({ vendor: 'apple', architecture: 'metal-3' })).toBeNull();
    expect(
      softwareRenderer('ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)'),
    ).toBeNull();
    expect(softwareRenderer(null)).toBeNull();
    expect(describeAdapterInfo(null)).toBe('unknown adapter');
  });
});

describe('choosing the fastest backend', () => {
  it('keeps the fastest of hardware and wasm', () => {
    expect(chooseFastest([m('webgpu', 5), m('webgl', 20), m('wasm', 70)], ORDER)).toBe('webgpu');
    expect(chooseFastest([m('webgpu', 90), m('webgl', 20), m('wasm', 70)], ORDER)).toBe('webgl');
    expect(chooseFastest([m('webgpu', 90), m('wasm', 70)], ORDER)).toBe('wasm');
  });

  it('never prefers a software GPU over wasm, however it measured', () => {
    const measured = [m('webgpu', 800, 'SwiftShader'), m('webgl', 900, 'SwiftShader'), m('wasm', 70)];
    expect(chooseFastest(measured, ORDER)).toBe('wasm');
    expect(chooseFastest([m('webgpu', 10, 'SwiftShader'), m('wasm', 70)], ORDER)).toBe('wasm');
    // wasm passed the check but could not be timed: still no software GPU.
    expect(chooseFastest([m('webgpu', 10, 'SwiftShader'), m('wasm', null)], ORDER)).toBe('wasm');
  });

  it('lets a software GPU lose ties to anything else when there is no wasm', () => {
    expect(chooseFastest([m('webgpu', 100, 'SwiftShader'), m('cpu', 105)], ORDER)).toBe('cpu');
    expect(chooseFastest([m('webgpu', 50, 'SwiftShader'), m('cpu', 105)], ORDER)).toBe('webgpu');
  });

  it('does not wait for a GPU whose first steps outlast the time for measuring', () => {
    const slow: BackendMeasurement = { ...m('webgpu', 1500), capped: true };
    expect(chooseFastest([slow, m('wasm', 300)], ORDER)).toBe('wasm');
  });

  it('breaks exact ties and untimed sets by the preference order', () => {
    expect(chooseFastest([m('wasm', 10), m('webgl', 10)], ORDER)).toBe('webgl');
    expect(chooseFastest([m('wasm', null), m('webgl', null)], ORDER)).toBe('webgl');
    expect(chooseFastest([m('webgpu', null, 'SwiftShader'), m('webgl', null)], ORDER)).toBe('webgl');
    expect(chooseFastest([], ORDER)).toBeNull();
  });
});

describe('measurement plan', () => {
  it('times small configurations as they are', () => {
    const small = { ...DEFAULT_CONFIG, L: 3, N: 16, data: 'teacher' as const };
    expect(measurementPlan(small)).toEqual({ config: small, scale: 1 });
  });

  it('times large ones at a smaller depth and scales by FLOPs', () => {
    const large = { ...DEFAULT_CONFIG, L: 200, N: 512 };
    const plan = measurementPlan(large, 0.3e9);
    expect(plan.config.L).toBeLessThan(200);
    expect(plan.config.N).toBe(512);
    expect(plan.config.bs).toBe(large.bs);
    expect(estimateCost(plan.config).flopsPerStep).toBeLessThanOrEqual(
      0.3e9 * 1.0001 + estimateCost({ ...large, L: 2 }).flopsPerStep,
    );
    expect(plan.scale).toBeCloseTo(
      estimateCost(large).flopsPerStep / estimateCost(plan.config).flopsPerStep,
      10,
    );
  });
});

describe('cache key', () => {
  const device = { adapter: 'google · swiftshader', userAgent: 'HeadlessChrome/156', cores: 2 };

  it('buckets FLOPs per step by powers of two, per dataset', () => {
    const base = { ...DEFAULT_CONFIG, L: 50, N: 128 };
    const flops = estimateCost(base).flopsPerStep;
    expect(shapeClass(base)).toBe(`mnist:2^${Math.round(Math.log2(flops))}`);
    // A few per cent more work is the same class; four times the work is another.
    expect(shapeClass({ ...base, L: 51 })).toBe(shapeClass(base));
    expect(shapeClass({ ...base, N: 256 })).not.toBe(shapeClass(base));
    expect(shapeClass({ ...base, data: 'teacher' })).toMatch(/^teacher:/);
    // Parameters that do not change the step's cost share the class.
    expect(shapeClass({ ...base, sw2: 2, lr: 0.1, act: 'relu' })).toBe(shapeClass(base));
  });

  it('names the device: adapter, browser and cores', () => {
    const key = backendCacheKey(device, DEFAULT_CONFIG);
    expect(key).toContain('google · swiftshader');
    expect(key).toContain('HeadlessChrome/156');
    expect(key).toContain('2 cores');
    expect(backendCacheKey({ ...device, cores: 8 }, DEFAULT_CONFIG)).not.toBe(key);
  });
});
