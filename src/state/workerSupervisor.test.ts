import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/index.ts';
import type { ExperimentInfo } from '../engine/index.ts';
import {
  isDeviceLossMessage,
  type BackendName,
  type TrainingEvent,
  type TrainingRequest,
} from '../worker/trainingProtocol.ts';
import {
  MAX_RESTARTS,
  MIN_SILENCE_MS,
  MIN_STALL_MS,
  PING_INTERVAL_MS,
  RESTART_WINDOW_MS,
  RestartPolicy,
  SELECTION_LIMIT_MS,
  STARTUP_LIMIT_MS,
  TrainingSupervisor,
  describeFailure,
  exclusionsAfter,
  gaveUpMessage,
  plainError,
  predictedBlockMs,
  restartedMessage,
  silenceLimitMs,
  stallLimitMs,
  type LocksLike,
  type SupervisorReport,
  type WorkerLike,
} from './workerSupervisor.ts';

describe('how long the worker may stay silent', () => {
  it('is generous while the worker starts and chooses a backend', () => {
    expect(silenceLimitMs('startup', 0, 0)).toBe(STARTUP_LIMIT_MS);
    expect(silenceLimitMs('selecting', 0, 0)).toBe(SELECTION_LIMIT_MS);
  });

  it('is MIN_SILENCE_MS for the default network on wasm, whose steps take tens of ms', () => {
    const predicted = predictedBlockMs(DEFAULT_CONFIG, 'wasm');
    expect(predicted).toBeLessThan(MIN_SILENCE_MS / 3);
    expect(silenceLimitMs('working', predicted, 0)).toBe(MIN_SILENCE_MS);
  });

  it('grows to three times the longest wait seen', () => {
    expect(silenceLimitMs('working', 100, 5000)).toBe(15_000);
    expect(silenceLimitMs('working', 6000, 100)).toBe(18_000);
  });

  it('allows for a huge network: a step or a measurement slice of seconds', () => {
    const huge: LabConfig = { ...DEFAULT_CONFIG, L: 200, N: 1024, seeds: 4, bs: 256 };
    const onGpu = predictedBlockMs(huge, 'webgpu');
    const software = [
      {
        backend: 'webgpu' as const,
        softwareName: 'SwiftShader',
        software: true,
        stepMs: null,
        capped: false,
      },
    ];
    // 6·B·L·N²·R ≈ 1.3 TFLOP a step: 2 GFLOP/s on a GPU, 0.2 on a software one.
    expect(onGpu).toBeGreaterThan(300_000);
    expect(predictedBlockMs(huge, 'webgpu', software)).toBeGreaterThan(5 * onGpu);
    expect(silenceLimitMs('working', onGpu, 0)).toBe(3 * onGpu);
    // Wide and shallow: four weight spectra of N = 512 (an O(N³) host SVD each) outweigh a step.
    const wide: LabConfig = { ...DEFAULT_CONFIG, L: 2, N: 512, seeds: 1, bs: 1, data: 'teacher' };
    expect(predictedBlockMs(wide, 'wasm')).toBeGreaterThan(2 * 4 * 4.4e-9 * 512 ** 3 * 1000 * 0.99);
  });

  it('takes a measured step time over the prediction when it is longer', () => {
    const config: LabConfig = { ...DEFAULT_CONFIG, L: 2, N: 16, data: 'teacher' };
    const measured = [
      { backend: 'wasm' as const, softwareName: null, software: false, stepMs: 4000, capped: false },
    ];
    expect(predictedBlockMs(config, 'wasm')).toBeLessThan(100);
    expect(predictedBlockMs(config, 'wasm', measured)).toBe(4000);
  });

  it('calls training stalled only after MIN_STALL_MS, or three times the longest gap', () => {
    expect(stallLimitMs(10, 0)).toBe(MIN_STALL_MS);
    expect(stallLimitMs(10, 20_000)).toBe(60_000);
  });
});

describe('restart policy', () => {
  it('allows MAX_RESTARTS restarts within a minute, then none until the window has passed', () => {
    const policy = new RestartPolicy();
    for (let i = 0; i < MAX_RESTARTS; i++) expect(policy.allow(i * 1000)).toBe(true);
    expect(policy.allow(10_000)).toBe(false);
    expect(policy.recent(10_000)).toBe(MAX_RESTARTS);
    expect(policy.allow(RESTART_WINDOW_MS + 1000)).toBe(true); // the first two have left the window
    policy.reset();
    expect(policy.recent(RESTART_WINDOW_MS + 1000)).toBe(0);
  });
});

describe('exclusions', () => {
  it('leaves out a backend whose GPU was lost at once, others after a second failure, never cpu', () => {
    const lost = { kind: 'device-lost', backend: 'webgpu', detail: 'destroyed' } as const;
    expect(exclusionsAfter(lost, [], { webgpu: 1 })).toEqual(['webgpu']);
    const dead = { kind: 'dead', backend: 'wasm', detail: '' } as const;
    expect(exclusionsAfter(dead, ['webgpu'], { wasm: 1 })).toEqual(['webgpu']);
    expect(exclusionsAfter(dead, ['webgpu'], { wasm: 2 })).toEqual(['webgpu', 'wasm']);
    const onCpu = { kind: 'hung', backend: 'cpu', detail: '9' } as const;
    expect(exclusionsAfter(onCpu, [], { cpu: 5 })).toEqual([]);
  });
});

describe('messages', () => {
  it('puts raw browser errors in plain words', () => {
    expect(
      plainError(
        "Failed to execute 'mapAsync' on 'GPUBuffer': [Device] is lost. - While calling [Buffer].MapAsync",
      ),
    ).toBe('the GPU device was lost');
    expect(plainError('CONTEXT_LOST_WEBGL: loseContext: context lost')).toBe('the WebGL context was lost');
    expect(plainError('Shapes 3 and 4 do not match')).toBe('Shapes 3 and 4 do not match');
    expect(plainError('')).toBe('unknown error');
    expect(isDeviceLossMessage('GPUDevice.createBuffer: out of memory')).toBe(false);
    expect(
      isDeviceLossMessage('A valid external Instance reference no longer exists. Device was destroyed.'),
    ).toBe(true);
  });

  it('says what failed, where training restarted and from which step', () => {
    const failure = { kind: 'device-lost', backend: 'webgpu', detail: 'destroyed' } as const;
    expect(describeFailure(failure)).toBe('The GPU device was lost (reason: destroyed).');
    const context = { failure, stepsDone: 37, running: true, requested: 'auto' } as const;
    expect(restartedMessage(context, 'wasm', ['webgpu'])).toBe(
      'The GPU device was lost (reason: destroyed). Restarted on WebAssembly from step 0 (it had reached step 37) ' +
        'with the same configuration. WebGPU is left out until the page is reloaded.',
    );
    const forced = { ...context, stepsDone: 0, running: false, requested: 'webgpu' } as const;
    expect(restartedMessage(forced, 'wasm', ['webgpu'])).toBe(
      'The GPU device was lost (reason: destroyed). Restarted on WebAssembly from step 0 with the same ' +
        'configuration, paused as before. backend=webgpu in the link cannot be used again until the page is reloaded.',
    );
    const dead = {
      failure: { kind: 'dead', backend: 'wasm', detail: '' },
      stepsDone: 5,
      running: true,
    } as const;
    expect(restartedMessage({ ...dead, requested: 'auto' }, 'wasm', [])).toBe(
      'The training worker stopped (it was closed or crashed). Restarted on WebAssembly from step 0 ' +
        '(it had reached step 5) with the same configuration.',
    );
    expect(gaveUpMessage(dead.failure, '4 times within a minute')).toMatch(
      /failed 4 times within a minute, so the lab stopped restarting it\.$/,
    );
  });
});

// ── The supervisor, with a fake worker, fake locks and fake timers ───────────────────────────

class FakeWorker implements WorkerLike {
  readonly sent: TrainingRequest[] = [];
  terminated = false;
  /** Answers every ping at once, like a worker between steps. */
  answering = true;
  onmessage: WorkerLike['onmessage'] = null;
  onerror: WorkerLike['onerror'] = null;
  onmessageerror: WorkerLike['onmessageerror'] = null;

  postMessage(message: TrainingRequest): void {
    this.sent.push(message);
    if (message.type === 'ping' && this.answering && !this.terminated) this.emit({ type: 'pong' });
  }

  terminate(): void {
    this.terminated = true;
  }

  emit(event: TrainingEvent): void {
    this.onmessage?.({ data: event } as MessageEvent<TrainingEvent>);
  }

  throwUncaught(message: string): void {
    this.onerror?.({ message, preventDefault: () => undefined } as ErrorEvent);
  }

  get init(): Extract<TrainingRequest, { type: 'init' }> {
    return this.sent.find((r) => r.type === 'init') as Extract<TrainingRequest, { type: 'init' }>;
  }

  get generation(): number {
    const configure = this.sent.filter((r) => r.type === 'configure').at(-1);
    return configure?.type === 'configure' ? configure.generation : 0;
  }

  /** Chooses `backend`, builds the runs and trains. */
  boot(backend: BackendName = 'wasm'): void {
    const generation = this.generation;
    this.emit({
      type: 'backend',
      active: backend,
      adapter: '',
      attempts: [],
      crossOriginIsolated: true,
      softwareName: null,
      selection: 'only',
      measurements: [],
      cacheKey: null,
      selectionMs: 10,
    });
    this.emit({ type: 'state', generation, state: 'building', stepsDone: 0 });
    this.emit({ type: 'built', generation, runs: [], info: {} as ExperimentInfo });
    this.emit({ type: 'state', generation, state: 'running', stepsDone: 0 });
  }

  progress(step: number): void {
    this.emit({
      type: 'progress',
      generation: this.generation,
      steps: Float64Array.of(step),
      losses: new Float32Array(0),
    });
  }
}

class FakeLocks implements LocksLike {
  readonly waiting = new Map<string, { callback: () => unknown; signal: AbortSignal }>();

  request(name: string, options: { signal: AbortSignal }, callback: () => unknown): Promise<unknown> {
    this.waiting.set(name, { callback, signal: options.signal });
    return new Promise(() => undefined);
  }

  /** The worker holding `name` ended: the page's request is granted, unless it was aborted. */
  release(name: string): void {
    const request = this.waiting.get(name);
    if (request && !request.signal.aborted) request.callback();
  }
}

function setUp(options: { running?: boolean; requested?: BackendName | 'auto' } = {}) {
  const workers: FakeWorker[] = [];
  const reports: SupervisorReport[] = [];
  const events: TrainingEvent[] = [];
  const locks = new FakeLocks();
  let generation = 0;
  let lock = 0;
  const supervisor = new TrainingSupervisor({
    createWorker: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
    bootstrap(send, { exclude, lockName }) {
      send({ type: 'init', backend: options.requested ?? 'auto', dataUrl: '/data/', exclude, lockName });
      send({ type: 'configure', generation: ++generation, config: DEFAULT_CONFIG, autostart: true });
    },
    onEvent: (event) => events.push(event),
    onReport: (report) => reports.push(report),
    requestedBackend: () => options.requested ?? 'auto',
    intendsToRun: () => options.running ?? true,
    locks,
    lockName: () => `lock-${++lock}`,
    now: () => Date.now(),
  });
  supervisor.start();
  const current = () => workers[workers.length - 1]!;
  return { supervisor, workers, reports, events, locks, current };
}

describe('the supervisor', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings every second and leaves a worker that answers alone', () => {
    const { workers, reports, current } = setUp();
    current().boot();
    for (let s = 0; s < 120; s++) {
      current().progress(s + 1);
      vi.advanceTimersByTime(PING_INTERVAL_MS);
    }
    expect(workers).toHaveLength(1);
    expect(reports).toEqual([]);
    expect(current().sent.filter((r) => r.type === 'ping').length).toBeGreaterThanOrEqual(119);
  });

  it('forwards the training events and keeps its own (pong, lock-held) to itself', () => {
    const { events, current } = setUp();
    current().boot();
    current().progress(1);
    vi.advanceTimersByTime(PING_INTERVAL_MS);
    expect(events.map((e) => e.type)).toEqual(['backend', 'state', 'built', 'state', 'progress']);
  });

  it('replaces a worker whose lock is released (closed or crashed) at once, running as before', () => {
    const { workers, reports, locks, current } = setUp();
    const first = current();
    first.boot();
    first.emit({ type: 'lock-held' });
    first.progress(12);
    locks.release(first.init.lockName!);
    expect(first.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(reports).toHaveLength(1);
    const report = reports[0]!;
    expect(report.type).toBe('restarting');
    if (report.type !== 'restarting') return;
    expect(report.context).toMatchObject({
      failure: { kind: 'dead', backend: 'wasm' },
      stepsDone: 12,
      running: true,
    });
    // Dying once does not condemn the backend; the new worker gets a new lock and a new generation.
    expect(current().init.exclude).toEqual([]);
    expect(current().init.lockName).not.toBe(first.init.lockName);
    expect(current().generation).toBe(2);
  });

  it('ignores its own lock once it has retired a worker on purpose', () => {
    const { supervisor, workers, reports, locks, current } = setUp();
    const first = current();
    first.boot();
    first.emit({ type: 'lock-held' });
    supervisor.restart(); // a new backend= in the link
    locks.release(first.init.lockName!);
    expect(workers).toHaveLength(2);
    expect(reports).toEqual([]);
  });

  it('takes a worker that stops answering for hung after its silence limit, not before', () => {
    const { workers, reports, current } = setUp();
    const first = current();
    first.boot();
    vi.advanceTimersByTime(5 * PING_INTERVAL_MS);
    first.answering = false;
    vi.advanceTimersByTime(MIN_SILENCE_MS);
    expect(workers).toHaveLength(1);
    vi.advanceTimersByTime(2 * PING_INTERVAL_MS);
    expect(workers).toHaveLength(2);
    expect(first.terminated).toBe(true);
    expect(reports[0]).toMatchObject({ type: 'restarting', context: { failure: { kind: 'hung' } } });
  });

  it('waits for slow steps it has seen: three times the longest wait for an answer', () => {
    const { workers, current } = setUp();
    const first = current();
    first.boot();
    // A step of about 5 s: the ping sent at its start is answered when it ends.
    first.answering = false;
    vi.advanceTimersByTime(6000);
    first.answering = true;
    first.progress(1);
    vi.advanceTimersByTime(PING_INTERVAL_MS);
    // Now 13 s of silence is within 3 × 5 s.
    first.answering = false;
    vi.advanceTimersByTime(14_000);
    expect(workers).toHaveLength(1);
    vi.advanceTimersByTime(6000);
    expect(workers).toHaveLength(2);
  });

  it('gives a starting worker STARTUP_LIMIT_MS before it must answer', () => {
    const { workers, current } = setUp();
    current().answering = false;
    vi.advanceTimersByTime(STARTUP_LIMIT_MS - PING_INTERVAL_MS);
    expect(workers).toHaveLength(1);
    vi.advanceTimersByTime(3 * PING_INTERVAL_MS);
    expect(workers).toHaveLength(2);
  });

  it('does not judge silence that the page itself caused (a frozen or throttled tab)', () => {
    const { workers, current } = setUp();
    current().boot();
    current().answering = false;
    // One tick 20 s late: the answers may be queued behind it.
    vi.setSystemTime(Date.now() + 20_000);
    vi.advanceTimersByTime(PING_INTERVAL_MS);
    expect(workers).toHaveLength(1);
  });

  it('restarts training that makes no progress although the worker answers', () => {
    const { workers, reports, current } = setUp();
    current().boot();
    vi.advanceTimersByTime(MIN_STALL_MS + 2 * PING_INTERVAL_MS);
    expect(workers).toHaveLength(2);
    expect(reports[0]).toMatchObject({ context: { failure: { kind: 'stalled' } } });
  });

  it('does not expect progress while paused', () => {
    const { workers, current } = setUp();
    current().boot();
    current().emit({ type: 'state', generation: current().generation, state: 'paused', stepsDone: 3 });
    vi.advanceTimersByTime(10 * MIN_STALL_MS);
    expect(workers).toHaveLength(1);
  });

  it('moves off a backend whose GPU device was lost, even a forced one', () => {
    const { workers, reports, current } = setUp({ requested: 'webgpu', running: false });
    current().boot('webgpu');
    current().emit({ type: 'device-lost', backend: 'webgpu', reason: 'destroyed', message: '' });
    expect(workers).toHaveLength(2);
    expect(current().init).toMatchObject({ backend: 'webgpu', exclude: ['webgpu'] });
    expect(reports[0]).toMatchObject({
      type: 'restarting',
      excluded: ['webgpu'],
      context: { failure: { kind: 'device-lost', detail: 'destroyed' }, running: false, requested: 'webgpu' },
    });
  });

  it('treats a read-back error of a built run on a GPU as a lost device', () => {
    const { current, reports } = setUp();
    current().boot('webgpu');
    current().emit({
      type: 'error',
      generation: current().generation,
      message: "Failed to execute 'mapAsync' on 'GPUBuffer': Device is lost",
    });
    expect(current().init.exclude).toEqual(['webgpu']);
    expect(reports[0]).toMatchObject({ context: { failure: { kind: 'device-lost' } } });
  });

  it('restarts a loop that stopped on an error, but passes on a refused configuration', () => {
    const { workers, events, reports, current } = setUp();
    const first = current();
    first.emit({ type: 'backend', ...backendFields('wasm') });
    const refused = { type: 'error', generation: first.generation, message: 'needs 3 GB' } as const;
    first.emit(refused);
    expect(workers).toHaveLength(1);
    expect(events).toContainEqual(refused);
    first.boot();
    first.emit({ type: 'error', generation: first.generation, message: 'Shapes do not match' });
    expect(workers).toHaveLength(2);
    expect(reports[0]).toMatchObject({
      context: { failure: { kind: 'loop-error', detail: 'Shapes do not match' } },
    });
  });

  it('says an uncaught error did not stop a worker that goes on answering', () => {
    const { workers, reports, current } = setUp();
    current().boot();
    current().throwUncaught('Uncaught Error: boom');
    expect(workers).toHaveLength(1);
    expect(reports).toEqual([{ type: 'worker-error', message: 'Uncaught Error: boom', running: true }]);
    vi.advanceTimersByTime(5 * PING_INTERVAL_MS);
    expect(workers).toHaveLength(1);
  });

  it('restarts a worker that failed before it ever answered', () => {
    const { workers, reports, current } = setUp();
    current().answering = false;
    current().throwUncaught('SyntaxError: Unexpected token');
    expect(workers).toHaveLength(2);
    expect(reports[0]).toMatchObject({ context: { failure: { kind: 'start-error' } } });
  });

  it('restarts on a lost message', () => {
    const { workers, current } = setUp();
    current().boot();
    current().onmessageerror?.({} as MessageEvent);
    expect(workers).toHaveLength(2);
  });

  it('leaves a backend out after the worker died on it twice', () => {
    const { locks, current } = setUp();
    for (let i = 0; i < 2; i++) {
      current().boot('wasm');
      current().emit({ type: 'lock-held' });
      locks.release(current().init.lockName!);
    }
    expect(current().init.exclude).toEqual(['wasm']);
  });

  it('stops restarting after MAX_RESTARTS within a minute; Retry starts a fresh worker', () => {
    const { supervisor, workers, reports, current } = setUp();
    for (let i = 0; i <= MAX_RESTARTS; i++) current().onmessageerror?.({} as MessageEvent);
    expect(workers).toHaveLength(MAX_RESTARTS + 1);
    expect(supervisor.stopped).toBe(true);
    expect(reports.at(-1)).toMatchObject({
      type: 'gave-up',
      how: `${MAX_RESTARTS + 1} times within a minute`,
    });
    // Nothing reaches a worker that is gone, and no timer restarts it.
    supervisor.send({ type: 'start' });
    vi.advanceTimersByTime(10 * STARTUP_LIMIT_MS);
    expect(workers).toHaveLength(MAX_RESTARTS + 1);
    supervisor.retry();
    expect(supervisor.stopped).toBe(false);
    expect(workers).toHaveLength(MAX_RESTARTS + 2);
  });

  it('stops restarting on the CPU after it failed there three times, however slowly', () => {
    const { reports, locks, current } = setUp();
    for (let i = 0; i < 3; i++) {
      current().boot('cpu');
      current().emit({ type: 'lock-held' });
      locks.release(current().init.lockName!);
      vi.advanceTimersByTime(RESTART_WINDOW_MS);
      current().emit({ type: 'pong' });
    }
    expect(reports.at(-1)).toMatchObject({ type: 'gave-up', how: '3 times on plain JavaScript (cpu)' });
  });
});

function backendFields(active: BackendName) {
  return {
    active,
    adapter: '',
    attempts: [],
    crossOriginIsolated: true,
    softwareName: null,
    selection: 'only' as const,
    measurements: [],
    cacheKey: null,
    selectionMs: 10,
  };
}
