/**
 * The pure half of backend selection: recognizing a software GPU, choosing the fastest measured
 * backend, and the key under which a choice is remembered. No tfjs and no DOM, so it is unit-tested
 * in Node; src/worker/backends.ts does the measuring.
 */
import type { LabConfig } from '../config/index.ts';
import { estimateCost } from '../engine/index.ts';
import type { BackendMeasurement, BackendName } from './trainingProtocol.ts';

/** What a WebGPU adapter says about itself (GPUAdapterInfo), all fields optional. */
export interface AdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}

const SOFTWARE_RENDERERS: readonly [RegExp, string][] = [
  [/swift\s*shader/i, 'SwiftShader'],
  [/llvmpipe/i, 'llvmpipe'],
  [/lavapipe/i, 'lavapipe'],
  [/softpipe/i, 'softpipe'],
  [/microsoft basic render/i, 'WARP'],
];

/**
 * The name of the software rasterizer behind a WebGPU adapter or a WebGL renderer string
 * ("SwiftShader", "llvmpipe", …), or null for real hardware. Chromium without a GPU reports
 * {vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true}.
 */
export function softwareRenderer(info: AdapterInfoLike | string | null | undefined): string | null {
  if (!info) return null;
  const text =
    typeof info === 'string'
      ? info
      : [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  for (const [pattern, name] of SOFTWARE_RENDERERS) if (pattern.test(text)) return name;
  if (typeof info !== 'string' && info.isFallbackAdapter) return 'software';
  return null;
}

/** A one-line description of a WebGPU adapter, for the badge's title and the cache key. */
export function describeAdapterInfo(info: AdapterInfoLike | null | undefined): string {
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter((p): p is string =>
    Boolean(p),
  );
  return parts.length > 0 ? parts.join(' · ') : 'unknown adapter';
}

/** A measured step must be this much faster than a hardware or wasm one for a software GPU to win. */
const SOFTWARE_TIE_MARGIN = 1.1;

/**
 * The backend to train on, given the measurements of the backends that passed the check step
 * (`preference` orders them for ties and when none could be timed). A software GPU is a CPU in
 * disguise: it never wins over wasm, and loses ties (within 10 %) to anything else.
 */
export function chooseFastest(
  measurements: readonly BackendMeasurement[],
  preference: readonly BackendName[],
): BackendName | null {
  const hasWasm = measurements.some((m) => m.backend === 'wasm');
  const eligible = measurements.filter((m) => !(m.software && hasWasm));
  const rank = (m: BackendMeasurement) => {
    const index = preference.indexOf(m.backend);
    return index < 0 ? preference.length : index;
  };
  const timed = eligible.filter((m) => m.stepMs !== null && Number.isFinite(m.stepMs));
  if (timed.length === 0) {
    // Nothing timed: the preference order, software GPUs after everything else.
    const ordered = [...eligible].sort(
      (a, b) => Number(a.software) - Number(b.software) || rank(a) - rank(b),
    );
    return ordered[0]?.backend ?? null;
  }
  const cost = (m: BackendMeasurement) => m.stepMs! * (m.software ? SOFTWARE_TIE_MARGIN : 1);
  const ordered = [...timed].sort((a, b) => cost(a) - cost(b) || rank(a) - rank(b));
  return ordered[0]!.backend;
}

/**
 * The configuration actually timed, and the factor from its step time to the real one's: the real
 * configuration when its step is small, else the same width, batch and runs at a smaller depth
 * (the unit draws of its first layers are the real ones', so nothing is drawn twice), scaled by
 * the ratio of FLOPs per step.
 */
export function measurementPlan(
  config: LabConfig,
  maxFlops = MEASURE_MAX_FLOPS,
): { config: LabConfig; scale: number } {
  const flops = estimateCost(config).flopsPerStep;
  if (flops <= maxFlops || config.L <= 2) return { config, scale: 1 };
  let depth = config.L;
  while (depth > 2 && estimateCost({ ...config, L: depth }).flopsPerStep > maxFlops)
    depth = Math.max(2, Math.floor(depth / 2));
  const reduced = { ...config, L: depth };
  return { config: reduced, scale: flops / estimateCost(reduced).flopsPerStep };
}

/** Configurations above this many FLOPs per step are timed at a smaller depth. */
export const MEASURE_MAX_FLOPS = 0.3e9;

/**
 * The shape class of a configuration: its dataset and log₂ of its FLOPs per step (≈ 6·R·B·Σ n_in
 * n_out, i.e. L·N²·R·B for the hidden layers), so that networks of similar cost share one choice.
 */
export function shapeClass(config: LabConfig): string {
  const flops = estimateCost(config).flopsPerStep;
  return `${config.data}:2^${Math.round(Math.log2(Math.max(1, flops)))}`;
}

/** The key a choice is remembered under: this device (adapter, browser, cores) and the shape class. */
export function backendCacheKey(
  device: { readonly adapter: string; readonly userAgent: string; readonly cores: number },
  config: LabConfig,
): string {
  return [device.adapter, device.userAgent, `${device.cores} cores`, shapeClass(config)].join(' | ');
}
