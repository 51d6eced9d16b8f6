import { describe, expect, it } from 'vitest';
import type { BackendMeasurement } from '../worker/trainingProtocol.ts';
import { backendLabel, badgeText, badgeTitle, formatFigure } from './backendSummary.ts';
import type { BackendStatus } from './training.ts';

const MEASURED: BackendMeasurement[] = [
  { backend: 'wasm', softwareName: null, software: false, stepMs: 71, capped: false },
  { backend: 'webgpu', softwareName: 'SwiftShader', software: true, stepMs: 830, capped: false },
  { backend: 'webgl', softwareName: 'SwiftShader', software: true, stepMs: 1600, capped: true },
];

function status(overrides: Partial<BackendStatus>): BackendStatus {
  return {
    active: 'wasm',
    adapter: 'WebAssembly, 1 threads',
    attempts: [
      { backend: 'webgpu', ok: true },
      { backend: 'webgl', ok: true },
      { backend: 'wasm', ok: true },
    ],
    crossOriginIsolated: true,
    softwareName: null,
    selection: 'measured',
    measurements: MEASURED,
    selectionMs: 1234,
    ...overrides,
  };
}

describe('badge text', () => {
  it('formats rates with two significant figures, unfinished steps as a time', () => {
    expect(formatFigure({ stepMs: 71, capped: false })).toBe('14 steps/s');
    expect(formatFigure({ stepMs: 830, capped: false })).toBe('1.2 steps/s');
    expect(formatFigure({ stepMs: 2900, capped: false })).toBe('0.34 steps/s');
    expect(formatFigure({ stepMs: 1062, capped: true })).toBe('>1.1 s a step');
    expect(formatFigure({ stepMs: 4, capped: false })).toBe('250 steps/s');
    expect(formatFigure({ stepMs: null, capped: false })).toBeNull();
    expect(backendLabel('webgpu', 'SwiftShader')).toBe('webgpu (SwiftShader)');
  });

  it('shows the active figure first and the others after it', () => {
    expect(badgeText(status({}))).toEqual({
      main: 'wasm 14 steps/s',
      detail: 'webgpu (SwiftShader) 1.2 steps/s · webgl (SwiftShader) >1.6 s a step',
      note: '',
    });
    expect(badgeText(status({ selection: 'cached' })).note).toBe('(measured earlier)');
  });

  it('shows the adapter when nothing was measured, and what fell back', () => {
    const forced = status({
      active: 'webgpu',
      softwareName: 'SwiftShader',
      adapter: 'google · swiftshader',
      selection: 'forced',
      measurements: [],
      attempts: [{ backend: 'webgpu', ok: true }],
    });
    expect(badgeText(forced)).toEqual({
      main: 'webgpu (SwiftShader)',
      detail: 'google · swiftshader',
      note: '',
    });
    const only = status({
      selection: 'only',
      measurements: [],
      attempts: [
        { backend: 'webgpu', ok: false, reason: 'wrong loss in the check step' },
        { backend: 'wasm', ok: true },
      ],
    });
    expect(badgeText(only).note).toBe('(fell back: webgpu unavailable)');
  });

  it('says which backends were left out after a failure on this page', () => {
    const recovered = status({
      selection: 'only',
      measurements: [],
      attempts: [{ backend: 'wasm', ok: true }],
    });
    expect(badgeText({ ...recovered, excluded: ['webgpu'] }).note).toBe('(webgpu left out after a failure)');
    expect(badgeText({ ...status({ selection: 'cached' }), excluded: ['webgl'] }).note).toBe(
      '(measured earlier) (webgl left out after a failure)',
    );
    expect(badgeTitle({ ...recovered, excluded: ['webgpu'] })).toContain(
      'Left out until the page is reloaded: webgpu (failed earlier on this page)',
    );
    expect(badgeText(recovered).note).toBe('');
  });

  it('explains every figure and failure on hover', () => {
    const title = badgeTitle(
      status({
        attempts: [
          { backend: 'wasm', ok: true, ms: 212 },
          { backend: 'webgpu', ok: true, ms: 736 },
          { backend: 'cpu', ok: false, reason: 'failed to initialize', ms: 3 },
        ],
      }),
    );
    expect(title).toContain('(1.2 s)');
    expect(title).toContain('wasm: 71 ms a step, 14 steps/s');
    expect(title).toContain('webgpu (SwiftShader): 830 ms a step, 1.2 steps/s — a software GPU');
    expect(title).toContain(
      'webgl (SwiftShader): its first two steps (kernels compiled in the first) took over 1600 ms',
    );
    expect(title).toContain('cpu: failed to initialize');
    expect(title).toContain('Check steps: wasm 212 ms, webgpu 736 ms, cpu 3 ms (failed)');
  });
});
