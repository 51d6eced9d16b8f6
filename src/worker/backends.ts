import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { LabConfig } from '../config/index.ts';
import {
  createExperiment,
  loadMnist,
  mnistDataset,
  type Dataset,
  type ExperimentOptions,
} from '../engine/index.ts';
import { checkTrainingStep } from './backendCheck.ts';
import {
  backendCacheKey,
  chooseFastest,
  describeAdapterInfo,
  measurementPlan,
  softwareRenderer,
  type AdapterInfoLike,
} from './backendChoice.ts';
import {
  BACKENDS,
  type BackendAttempt,
  type BackendChoice,
  type BackendMeasurement,
  type BackendName,
  type BackendSelection,
  type CachedBackendChoice,
} from './trainingProtocol.ts';

// The .wasm files ship with the app (nothing from the network at run time).
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
});

// Leave one core to the page: with every core computing, the main thread's frames stretch past
// 50 ms on a two-core machine, and the page stops feeling live.
setThreadsCount(Math.max(1, (navigator.hardwareConcurrency || 2) - 1));

export interface SelectedBackend {
  readonly active: BackendName;
  readonly adapter: string;
  readonly softwareName: string | null;
  readonly attempts: BackendAttempt[];
  readonly selection: BackendSelection;
  readonly measurements: readonly BackendMeasurement[];
  readonly cacheKey: string | null;
  readonly selectionMs: number;
}

/** Preference among equally fast backends (and when none could be timed). */
const AUTO_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
/**
 * Measuring every candidate should take about this long: each gets what is left of it (at least
 * MIN_CAP_MS), and a backend whose two steps have not finished by then is recorded as slower.
 */
const MEASURE_BUDGET_MS = 1500;
const MIN_CAP_MS = 500;
/**
 * A software GPU cannot beat wasm on the same cores and is timed for the record: at a small depth
 * (scaled up by FLOPs), so that a step it has not finished in time does not keep the cores busy
 * for long after the choice.
 */
const SOFTWARE_MAX_FLOPS = 0.05e9;

/**
 * Without a configuration to time (the benchmark): the forced backend, or the first of
 * webgpu → webgl → wasm → cpu that passes the check step.
 */
export async function selectBackend(choice: BackendChoice): Promise<SelectedBackend> {
  if (choice !== 'auto') return selectForced(choice);
  const started = performance.now();
  const attempts: BackendAttempt[] = [];
  for (const backend of BACKENDS) {
    const reason = await tryBackend(backend);
    attempts.push(reason === null ? { backend, ok: true } : { backend, ok: false, reason });
    if (reason === null)
      return {
        active: backend,
        ...(await describeBackend(backend)),
        attempts,
        selection: 'preference',
        measurements: [],
        cacheKey: null,
        selectionMs: performance.now() - started,
      };
  }
  const summary = attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ');
  throw new Error(`No tfjs backend works here (${summary})`);
}

/** A forced backend (`backend=` in the link): checked, never measured. */
export async function selectForced(backend: BackendName): Promise<SelectedBackend> {
  const started = performance.now();
  const reason = await tryBackend(backend);
  if (reason !== null) throw new Error(`No tfjs backend works here (${backend}: ${reason})`);
  const { adapter, softwareName } = await describeBackend(backend);
  return {
    active: backend,
    adapter,
    softwareName,
    attempts: [{ backend, ok: true }],
    selection: 'forced',
    measurements: [],
    cacheKey: null,
    selectionMs: performance.now() - started,
  };
}

/**
 * Auto selection for `config`: a remembered choice for this device and shape class if it still
 * passes the check step; else every backend that passes the check step (a small real training
 * step compared with float64: a backend that initializes but computes garbage is never used) is
 * timed on one real step of the configuration, and the fastest is kept, a software GPU never
 * before wasm.
 */
export async function selectAuto(
  config: LabConfig,
  cached: Readonly<Record<string, CachedBackendChoice>> | undefined,
  experimentOptions: ExperimentOptions,
  /** Backends that failed earlier on this page: neither checked nor chosen, nor remembered without. */
  exclude: readonly BackendName[] = [],
): Promise<SelectedBackend> {
  const started = performance.now();
  // The first step needs the data anyway: let it arrive while the backends are checked.
  if (config.data === 'mnist' && experimentOptions.dataSource)
    loadMnist(experimentOptions.dataSource).catch(() => undefined);
  const device = await describeDevice();
  const cacheKey = backendCacheKey(device, config);
  const attempts: BackendAttempt[] = [];
  // A choice made without an excluded backend is not remembered: it holds for this page only.
  const rememberKey = exclude.length === 0 ? cacheKey : null;
  const rememberedChoice = cached?.[cacheKey];
  const remembered = rememberedChoice && !exclude.includes(rememberedChoice.active) ? rememberedChoice : null;
  if (remembered) {
    const checkStarted = performance.now();
    const reason = await tryBackend(remembered.active);
    const ms = Math.round(performance.now() - checkStarted);
    if (reason === null) {
      const { adapter, softwareName } = await describeBackend(remembered.active);
      return {
        active: remembered.active,
        adapter,
        softwareName,
        attempts: [{ backend: remembered.active, ok: true, ms }],
        selection: 'cached',
        measurements: remembered.measurements,
        cacheKey: rememberKey,
        selectionMs: performance.now() - started,
      };
    }
    attempts.push({ backend: remembered.active, ok: false, reason: `(measured earlier) ${reason}`, ms });
  }

  // wasm first: it is the yardstick, and a software GPU is not worth checking without it.
  const candidates: { backend: BackendName; adapter: string; softwareName: string | null }[] = [];
  const untried: BackendMeasurement[] = [];
  for (const backend of ['wasm', 'webgpu', 'webgl', 'cpu'] as const) {
    if (backend === 'cpu' && candidates.length > 0) break; // plain JavaScript never beats wasm
    if (exclude.includes(backend)) continue; // failed earlier on this page
    if (backend === remembered?.active && attempts.length > 0) continue; // just failed
    if ((backend === 'webgl' || backend === 'webgpu') && candidates.some((c) => c.backend === 'wasm')) {
      // A software GPU runs on the CPU cores wasm already uses and never wins: checking and timing
      // it would only delay the first step (1.5–2 s with SwiftShader's shader compiles) and load
      // the cores the page needs. Its figures are in the benchmark; backend= still forces it.
      const softwareName = softwareRenderer(
        backend === 'webgl' ? probeWebglRenderer() : await webgpuAdapterInfo(),
      );
      if (softwareName) {
        untried.push({
          backend,
          softwareName,
          software: true,
          stepMs: null,
          capped: false,
          note: 'not tried: a software GPU is a CPU in disguise, never preferred over wasm',
        });
        continue;
      }
    }
    const checkStarted = performance.now();
    const reason = await tryBackend(backend);
    const ms = Math.round(performance.now() - checkStarted);
    attempts.push(reason === null ? { backend, ok: true, ms } : { backend, ok: false, reason, ms });
    if (reason === null) candidates.push({ backend, ...(await describeBackend(backend)) });
  }
  if (candidates.length === 0) {
    const summary = attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ');
    throw new Error(`No tfjs backend works here (${summary})`);
  }

  let measurements: BackendMeasurement[] = untried;
  let selection: BackendSelection = 'only';
  let active = candidates[0]!.backend;
  if (candidates.length > 1) {
    // Hardware GPUs first, then wasm, then software GPUs: past the budget, the likely losers go untimed.
    const order = [...candidates].sort(
      (a, b) => Number(a.softwareName !== null) - Number(b.softwareName !== null),
    );
    measurements = [...(await measureAll(order, config, experimentOptions)), ...untried];
    const chosen = chooseFastest(measurements, AUTO_ORDER);
    const timed = measurements.some((m) => m.stepMs !== null);
    selection = timed ? 'measured' : 'preference';
    active = chosen ?? active;
    measurements.sort((a, b) => (a.stepMs ?? Infinity) - (b.stepMs ?? Infinity));
  }
  // Always, even with one candidate: a backend that failed its check after it (WebGPU without an
  // adapter) leaves tfjs without an active backend, and every later op would fail.
  await tf.setBackend(active);
  await tf.ready();
  const candidate = candidates.find((c) => c.backend === active)!;
  return {
    active,
    adapter: candidate.adapter,
    softwareName: candidate.softwareName,
    attempts,
    selection,
    measurements,
    cacheKey: selection === 'measured' ? rememberKey : null,
    selectionMs: performance.now() - started,
  };
}

async function measureAll(
  candidates: readonly { backend: BackendName; softwareName: string | null }[],
  config: LabConfig,
  experimentOptions: ExperimentOptions,
): Promise<BackendMeasurement[]> {
  // The data is needed for the first step anyway; its loading is not part of the budget.
  let measured = config;
  let options = experimentOptions;
  if (config.data === 'mnist') {
    try {
      if (!experimentOptions.dataSource) throw new Error('no MNIST source');
      options = {
        ...experimentOptions,
        dataset: firstChunkOnly(mnistDataset(await loadMnist(experimentOptions.dataSource))),
      };
    } catch {
      measured = { ...config, data: 'teacher' }; // MNIST unavailable: time the teacher's shapes
    }
  }
  const plans = {
    hardware: measurementPlan(measured),
    software: measurementPlan(measured, SOFTWARE_MAX_FLOPS),
  };
  const started = performance.now();
  const results: BackendMeasurement[] = [];
  for (const { backend, softwareName } of candidates) {
    const base = { backend, softwareName, software: softwareName !== null };
    const plan = base.software ? plans.software : plans.hardware;
    const left = MEASURE_BUDGET_MS - (performance.now() - started);
    if (left <= 0 && results.some((r) => r.stepMs !== null && !r.capped)) {
      results.push({
        ...base,
        stepMs: null,
        capped: false,
        note: 'not timed: the time for measuring was spent',
      });
      continue;
    }
    try {
      const { ms, capped } = await timeStep(backend, plan.config, options, Math.max(left, MIN_CAP_MS));
      results.push({ ...base, stepMs: capped ? ms : ms * plan.scale, capped });
    } catch (error) {
      results.push({ ...base, stepMs: null, capped: false, note: `not timed: ${messageOf(error)}` });
    }
  }
  return results;
}

/**
 * The real dataset with every training index folded into the chunk that has already arrived, so
 * that the timed steps never wait for (or trip over) the rest of MNIST still loading.
 */
function firstChunkOnly(dataset: Dataset): Dataset {
  const loaded = dataset.trainChunkSize ?? dataset.trainCount;
  const fold = (indices: ArrayLike<number>) => Array.from(indices, (i) => i % loaded);
  return {
    name: dataset.name,
    task: dataset.task,
    inputSize: dataset.inputSize,
    outputSize: dataset.outputSize,
    trainCount: loaded,
    testCount: dataset.testCount,
    fillTrain: (indices, scale, x, y) => dataset.fillTrain(fold(indices), scale, x, y),
    fillTest: (start, count, scale, x, y) => dataset.fillTest(start, count, scale, x, y),
  };
}

/**
 * One warm-up step (it compiles the kernels), then one timed step. Past `capMs` (counted from
 * the build) the wait ends: capped, and the figure is how long the steps had taken so far.
 */
async function timeStep(
  backend: BackendName,
  config: LabConfig,
  experimentOptions: ExperimentOptions,
  capMs: number,
): Promise<{ ms: number; capped: boolean }> {
  await tf.setBackend(backend);
  await tf.ready();
  const started = performance.now();
  const experiment = await createExperiment(config, { ...experimentOptions, evalExamples: 1 });
  const stepsStarted = performance.now();
  let abandoned = false;
  try {
    const steps = (async () => {
      await experiment.step();
      if (abandoned) return null; // another backend is active now: run nothing more here
      const start = performance.now();
      await experiment.step();
      return performance.now() - start;
    })();
    const timeout = new Promise<null>((resolve) =>
      setTimeout(() => resolve(null), Math.max(0, capMs - (performance.now() - started))),
    );
    const ms = await Promise.race([steps, timeout]);
    if (ms !== null) return { ms, capped: false };
    // Past the cap: stop waiting. The step in flight finishes on its own backend; its experiment
    // is disposed then (tfjs disposes tensors on the backend that holds them, whichever is active).
    abandoned = true;
    void steps.catch(() => undefined).finally(() => experiment.dispose());
    return { ms: performance.now() - stepsStarted, capped: true };
  } finally {
    if (!abandoned) experiment.dispose();
  }
}

/** What a lost GPU device or WebGL context says about itself. */
export interface DeviceLoss {
  readonly reason: string;
  readonly message: string;
}

/**
 * Calls `onLost` once if the active backend's GPU goes away: `GPUDevice.lost` for WebGPU (the
 * backend's device; 'destroyed' when something called device.destroy()), `webglcontextlost` on
 * the WebGL backend's canvas. Nothing for wasm and cpu.
 */
export function watchDeviceLoss(backend: BackendName, onLost: (loss: DeviceLoss) => void): void {
  const active = tf.backend() as unknown as {
    device?: { lost?: Promise<{ reason?: string; message?: string }> };
    gpgpu?: { gl?: { canvas?: { addEventListener?: (type: string, listener: () => void) => void } } };
  };
  if (backend === 'webgpu') {
    void active.device?.lost?.then((info) =>
      onLost({ reason: info.reason || 'unknown', message: info.message ?? '' }),
    );
  } else if (backend === 'webgl') {
    active.gpgpu?.gl?.canvas?.addEventListener?.('webglcontextlost', () =>
      onLost({ reason: 'context lost', message: '' }),
    );
  }
}

async function tryBackend(backend: BackendName): Promise<string | null> {
  if (backend === 'webgpu' && !('gpu' in navigator))
    return 'this browser has no WebGPU (navigator.gpu is missing)';
  if (backend === 'webgpu' && !(await hasWebgpuAdapter())) return 'WebGPU is present but offers no adapter';
  try {
    const ok = await tf.setBackend(backend);
    if (!ok) return 'failed to initialize';
    await tf.ready();
    return await checkTrainingStep();
  } catch (error) {
    return messageOf(error);
  }
}

/** navigator.gpu exists but may offer no adapter (blocklisted GPU, headless without the flag). */
async function hasWebgpuAdapter(): Promise<boolean> {
  try {
    const gpu = (navigator as unknown as { gpu: { requestAdapter(): Promise<unknown> } }).gpu;
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

async function webgpuAdapterInfo(): Promise<AdapterInfoLike | null> {
  if (!('gpu' in navigator)) return null;
  try {
    const gpu = (
      navigator as unknown as { gpu: { requestAdapter(): Promise<{ info?: AdapterInfoLike } | null> } }
    ).gpu;
    return (await gpu.requestAdapter())?.info ?? null;
  } catch {
    return null;
  }
}

/** This device, for the cache key: the WebGPU adapter (if any), the browser and its core count. */
async function describeDevice() {
  const info = await webgpuAdapterInfo();
  return {
    adapter: info ? describeAdapterInfo(info) : 'no WebGPU',
    userAgent: navigator.userAgent,
    cores: navigator.hardwareConcurrency || 1,
  };
}

/** The active backend's adapter in words, and the software rasterizer behind it, if any. */
async function describeBackend(
  backend: BackendName,
): Promise<{ adapter: string; softwareName: string | null }> {
  if (backend === 'webgpu') {
    const info = await webgpuAdapterInfo();
    return { adapter: describeAdapterInfo(info), softwareName: softwareRenderer(info) };
  }
  if (backend === 'webgl') {
    const version = tf.env().getNumber('WEBGL_VERSION');
    const renderer = webglRenderer();
    return {
      adapter: renderer ? `WebGL ${version} · ${renderer}` : `WebGL ${version}`,
      softwareName: softwareRenderer(renderer),
    };
  }
  if (backend === 'wasm') {
    const threads = typeof SharedArrayBuffer !== 'undefined' && self.crossOriginIsolated;
    return {
      adapter: `WebAssembly, ${threads ? threadCount(getThreadsCount()) : 'single thread'}`,
      softwareName: null,
    };
  }
  return { adapter: 'JavaScript', softwareName: null };
}

/** The WebGL renderer of a throw-away context, without starting tfjs's webgl backend. */
function probeWebglRenderer(): string | null {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null;
    if (!gl) return null;
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer: unknown = gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return typeof renderer === 'string' && renderer ? renderer : null;
  } catch {
    return null;
  }
}

/** The WebGL renderer string of the tfjs webgl backend (unmasked where the browser allows). */
function webglRenderer(): string | null {
  try {
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
    if (!gl) return null;
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer: unknown = gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    return typeof renderer === 'string' && renderer ? renderer : null;
  } catch {
    return null;
  }
}

function threadCount(count: number): string {
  return count === 1 ? '1 thread' : `${count} threads`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
