/**
 * The lab's engine (node wasm, the browser's fastest CPU backend) against its exported PyTorch
 * program on the same machine, interleaved: a python3 process holds the program's networks and
 * times its steps on request, between timings of the lab's own steps, so both see the same load.
 * Also what the program's initial draws cost at the papers' width.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DEFAULT_CONFIG, toQuery, type LabConfig } from '../config/index.ts';
import { createExperiment, type ByteSource } from '../engine/index.ts';
import { DATA_DIR } from '../cli/common.ts';
import { nodePythonSources } from '../export/python/nodeSources.ts';
import { pythonProgram } from '../export/python/program.ts';
import { programSpecOf } from '../export/python/programSpec.ts';
import { pythonWithTorch } from '../export/python/pythonWithTorch.ts';

export interface PytorchBenchRow {
  readonly label: string;
  readonly depth: number;
  readonly width: number;
  readonly runs: number;
  /** Training steps of all runs per second, after warm-up: the lab's engine on node wasm. */
  readonly labStepsPerSecond: number;
  /** The same for the exported program on this machine's CPU (every core). */
  readonly programStepsPerSecond: number;
  readonly device: string;
}

export interface PytorchDrawRow {
  readonly width: number;
  /** Seconds per N × N layer: the Gaussian draw, and its Haar factor (the QR, in float64). */
  readonly gaussianSeconds: number;
  readonly orthogonalSeconds: number;
}

export type PytorchRow = PytorchBenchRow | PytorchDrawRow;

/** The default link, a wide one and a deep one: where a browser is comfortable, and where it is not. */
export const PYTORCH_BENCH_CONFIGS: readonly { label: string; config: Partial<LabConfig> }[] = [
  { label: 'default link', config: {} },
  { label: 'wide', config: { L: 10, N: 1024 } },
  { label: 'deep', config: { L: 200, N: 128 } },
];
const WARM_UP_STEPS = 3;
const ROUNDS = 2;

/** The python side: builds the program's networks and times steps, one JSON line per request. */
const DRIVER = `
import importlib.util, json, sys, time, torch
spec = importlib.util.spec_from_file_location("program", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
torch.set_num_threads(__import__("os").cpu_count() or 1)
context = m.RunnerContext(torch.device("cpu"), "fp32", m.EXPORT["dataDir"], True)
training = None
for line in sys.stdin:
    request = json.loads(line)
    if request["do"] == "build":
        config = m.runner_check_config(request["config"], m.PARAMS)
        runs = [{"runId": r, **run, "lr": config["lr"]} for r, run in enumerate(m.runner_plan_runs(config))]
        training = m.RunnerTraining(config, runs, context)
        for _ in range(request["warmUp"]):
            training.step()
        answer = {}
    elif request["do"] == "time":
        steps, started = 0, time.perf_counter()
        while time.perf_counter() - started < request["seconds"]:
            training.step()
            steps += 1
        answer = {"stepsPerSecond": steps / (time.perf_counter() - started)}
    else:
        cache, n = m.DrawCache(), request["width"]
        started = time.perf_counter()
        cache.gaussian(1, 1, n, n)
        middle = time.perf_counter()
        cache.orthogonal(1, 1, n, n)
        answer = {"gaussianSeconds": middle - started, "orthogonalSeconds": time.perf_counter() - middle}
    print(json.dumps(answer), flush=True)
`;

/** A python3 process answering one JSON line per request. */
class PythonDriver {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly answers: string[] = [];
  private waiting: ((line: string) => void) | null = null;

  constructor(python: string, program: string) {
    this.child = spawn(python, ['-c', DRIVER, program]);
    this.child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = null;
        resolve(line);
      } else this.answers.push(line);
    });
  }

  async ask<T>(request: object): Promise<T> {
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    const line =
      this.answers.shift() ??
      (await new Promise<string>((resolve, reject) => {
        this.waiting = resolve;
        this.child.once('exit', (code) => reject(new Error(`the python bench driver exited (${code})`)));
      }));
    return JSON.parse(line) as T;
  }

  close(): void {
    this.child.stdin.end();
  }
}

export async function benchPytorch(options: {
  readonly seconds: number;
  readonly dataSource: ByteSource;
  readonly drawWidths?: readonly number[];
  readonly onRow?: (row: PytorchRow) => void;
}): Promise<PytorchRow[]> {
  const folder = mkdtempSync(join(tmpdir(), 'isometry-bench-'));
  const program = join(folder, 'bench.py');
  writeFileSync(
    program,
    pythonProgram(
      programSpecOf(toQuery(DEFAULT_CONFIG), { dataDir: DATA_DIR, dataUrl: null }),
      nodePythonSources(),
    ),
  );
  const driver = new PythonDriver(pythonWithTorch(), program);
  const rows: PytorchBenchRow[] = [];
  const draws: PytorchDrawRow[] = [];
  try {
    for (const { label, config: change } of PYTORCH_BENCH_CONFIGS) {
      const config: LabConfig = { ...DEFAULT_CONFIG, ...change };
      const experiment = await createExperiment(config, { dataSource: options.dataSource });
      await driver.ask({ do: 'build', config, warmUp: WARM_UP_STEPS });
      for (let i = 0; i < WARM_UP_STEPS; i++) await experiment.step();
      let labSteps = 0;
      let labSeconds = 0;
      let programRate = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const started = performance.now();
        while (performance.now() - started < options.seconds * 1000) {
          await experiment.step();
          labSteps += 1;
        }
        labSeconds += (performance.now() - started) / 1000;
        const timed = await driver.ask<{ stepsPerSecond: number }>({ do: 'time', seconds: options.seconds });
        programRate += timed.stepsPerSecond / ROUNDS;
      }
      experiment.dispose();
      const row: PytorchBenchRow = {
        label,
        depth: config.L,
        width: config.N,
        runs: experiment.runs.length,
        labStepsPerSecond: labSteps / labSeconds,
        programStepsPerSecond: programRate,
        device: 'cpu',
      };
      rows.push(row);
      options.onRow?.(row);
    }
    for (const width of options.drawWidths ?? [1600]) {
      const timed = await driver.ask<Omit<PytorchDrawRow, 'width'>>({ do: 'draw', width });
      const row = { width, ...timed };
      draws.push(row);
      options.onRow?.(row);
    }
  } finally {
    driver.close();
  }
  return [...rows, ...draws];
}

export function formatPytorchTable(all: readonly PytorchRow[]): string {
  const report = {
    rows: all.filter((r): r is PytorchBenchRow => 'labStepsPerSecond' in r),
    draws: all.filter((r): r is PytorchDrawRow => 'gaussianSeconds' in r),
  };
  const lines = [
    '| configuration | L | N | runs | lab engine, node wasm (steps/s) | exported program, PyTorch CPU (steps/s) | program ÷ lab |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.rows.map(
      (r) =>
        `| ${r.label} | ${r.depth} | ${r.width} | ${r.runs} | ${r.labStepsPerSecond.toFixed(1)} | ${r.programStepsPerSecond.toFixed(1)} | ${(r.programStepsPerSecond / r.labStepsPerSecond).toFixed(2)} |`,
    ),
  ];
  for (const d of report.draws)
    lines.push(
      '',
      `Initial draws at N = ${d.width} (one N × N layer, numpy on the CPU): Gaussian ${d.gaussianSeconds.toFixed(2)} s, its Haar factor ${d.orthogonalSeconds.toFixed(2)} s more.`,
    );
  return lines.join('\n');
}
