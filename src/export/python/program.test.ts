/**
 * The exported program end to end: written from links, run under python3 with PyTorch on the CPU,
 * against the lab's engine (tfjs cpu backend) on the same configurations.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PARAMS, PRESETS, formatValue, parseQuery, presetQuery, toQuery } from '../../config/index.ts';
import { fileByteSource } from '../../engine/data/fileByteSource.ts';
import { runHeadless } from '../../engine/headless.ts';
import { useCpuBackend } from '../../engine/testBackend.ts';
import { EXPERIMENTS } from '../../experiments/registry.ts';
import { parseRunsResult } from '../../runs/runsFile.ts';
import { parseSweepQuery, sweepQuery } from '../../sweep/definition.ts';
import { parseSweepResult } from '../../sweep/resultFile.ts';
import { runSweep } from '../../sweep/runner.ts';
import type { SweepResultFile } from '../../sweep/types.ts';
import { DATA_DIR } from '../../cli/common.ts';
import { nodePythonSources } from './nodeSources.ts';
import { PYTHON_MODULES, pythonProgram } from './program.ts';
import { programSpecOf } from './programSpec.ts';
import { pythonWithTorch, runPython } from './pythonWithTorch.ts';

const folder = mkdtempSync(join(tmpdir(), 'isometry-program-'));
let python = '';

/** Writes the program of `query` to the temporary folder; returns its path. */
function exported(query: string, name: string): string {
  // Not a standard module's name: python puts the program's folder first on its path.
  const path = join(folder, `lab-${name}.py`);
  writeFileSync(
    path,
    pythonProgram(programSpecOf(query, { dataDir: DATA_DIR, dataUrl: null }), nodePythonSources()),
  );
  return path;
}

/** Runs a program; its status, stdout and stderr. */
function run(path: string, ...args: string[]) {
  const result = spawnSync(python, [path, '--quiet', '--device', 'cpu', ...args], {
    encoding: 'utf8',
    cwd: folder,
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Imports programs as modules in one python3 process and evaluates `expression` in each (JSON out). */
function evaluateIn(paths: readonly string[], expression: string): unknown[] {
  const script = `
import importlib.util, json, sys
out = []
for i, path in enumerate(json.loads(sys.stdin.read())):
    spec = importlib.util.spec_from_file_location(f"program{i}", path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    out.append(eval(${JSON.stringify(expression)}, vars(m)))
print(json.dumps(out))
`;
  return JSON.parse(runPython(python, ['-c', script], JSON.stringify(paths))) as unknown[];
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

beforeAll(async () => {
  python = pythonWithTorch();
  await useCpuBackend();
});

describe('the exported program', () => {
  it('joins the modules into one file in which every top-level name is defined once', () => {
    const sources = nodePythonSources();
    const definedBy = new Map<string, string>();
    for (const name of PYTHON_MODULES) {
      for (const match of sources[name].matchAll(/^(?:def|class) (\w+)|^(\w+)\s*=/gm)) {
        const defined = match[1] ?? match[2]!;
        const other = definedBy.get(defined);
        expect(other === undefined || other === name, `${defined} is defined in ${other} and ${name}`).toBe(
          true,
        );
        definedBy.set(defined, name);
      }
    }
    const path = exported(toQuery(parseQuery('?L=3&N=16').config), 'joined');
    const text = readFileSync(path, 'utf8');
    expect(text).not.toMatch(/^from lab_\w+ import/m);
    expect(text).toContain('CONFIG = {\n    "act": "tanh",  # activation φ');
    runPython(python, ['-m', 'py_compile', path]);
  });

  it('writes back the very link it was exported from, for runs and for every named experiment and preset', () => {
    const queries = [
      ...PRESETS.map((preset) => toQuery(parseQuery(presetQuery(preset, false)).config)),
      ...EXPERIMENTS.map((named) => sweepQuery(parseSweepQuery(named.query).definition)),
    ];
    const paths = queries.map((query, i) => exported(query, `link${i}`));
    const written = evaluateIn(
      paths,
      'runner_sweep_query(runner_check_config(CONFIG, PARAMS), runner_check_sweep(SWEEP, PARAMS, EXPORT["sweepValues"]), PARAMS) if SWEEP else runner_query(runner_check_config(CONFIG, PARAMS), PARAMS)',
    );
    expect(written).toEqual(queries);
  });

  it('writes numbers as the lab does (String and formatValue of JavaScript)', () => {
    const numbers = [
      0,
      1,
      0.05,
      2.01e-5,
      1e-10,
      1.05,
      123456789,
      1e21,
      3.3e-7,
      0.1 + 0.2,
      1 / 3,
      6.02e23,
      1e-6,
      1234.5,
    ];
    const path = exported(toQuery(parseQuery('').config), 'numbers');
    const [written] = evaluateIn(
      [path],
      `[[runner_js_number(x) for x in ${JSON.stringify(numbers)}], [runner_format_value(PARAMS["sb2"], x) for x in ${JSON.stringify(numbers.filter((x) => x <= 0.5))}]]`,
    ) as [string[], string[]][];
    expect(written![0]).toEqual(numbers.map(String));
    expect(written![1]).toEqual(numbers.filter((x) => x <= 0.5).map((x) => formatValue(PARAMS.sb2, x)));
  });

  it.each([
    [
      'MNIST, tanh, both inits',
      '?act=tanh&sw2=1.05&sb2=2.01e-5&L=3&N=16&bs=16&init=both&seeds=1&lr=0.05&data=mnist',
    ],
    [
      'teacher, NTK parameterization, Adam',
      '?act=relu&sw2=2&sb2=0.1&L=2&N=24&bs=32&init=both&seeds=2&lr=0.003&opt=adam&param=ntk&data=teacher&dim=8',
    ],
  ])('trains as the lab does: %s (first 20 losses within 1e-4)', async (_, query) => {
    const config = { ...parseQuery(query).config, steps: 20 };
    const path = exported(toQuery(config), 'first-losses');
    const result = run(path, '--every', '1', '--eval', '200', '--out', 'losses.json');
    expect(result.status, result.stderr).toBe(0);
    const file = parseRunsResult(readFileSync(join(folder, 'losses.json'), 'utf8'));
    expect(file.backend).toMatch(/^pytorch .* · cpu/);
    const lab = await runHeadless(config, {
      steps: 20,
      every: 1,
      evalExamples: 200,
      dataSource: fileByteSource(DATA_DIR),
    });
    expect(file.runs.map((r) => [r.init, r.seed])).toEqual(lab.runs.map((r) => [r.init, r.seed]));
    let worst = 0;
    lab.runs.forEach((labRun, r) => {
      const ours = file.runs[r]!;
      for (let i = 1; i <= 20; i++)
        worst = Math.max(worst, relative(ours.trainLoss[i]!, labRun.trainLoss[i]!));
      for (let i = 0; i <= 20; i++) worst = Math.max(worst, relative(ours.testLoss[i]!, labRun.testLoss[i]!));
    });
    expect(worst).toBeLessThan(1e-4);
  });

  it('says in one line where to get missing MNIST files, naming the page a program was downloaded from', () => {
    const path = join(folder, 'lab-no-data.py');
    writeFileSync(
      path,
      pythonProgram(
        programSpecOf(toQuery(parseQuery('?L=2&N=8&steps=1&data=mnist').config), {
          dataDir: null,
          dataUrl: 'https://lab.example/isometry/data/',
        }),
        nodePythonSources(),
      ),
    );
    const result = run(path, '--data', join(folder, 'no-such-folder'));
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/no-such-folder\/mnist\.json is missing: .*npm install/);
    expect(lines[0]).toContain(
      'or download mnist.json and its .u8 files from https://lab.example/isometry/data/',
    );
  });

  it('draws orthogonal weights with WᵀW = σ_w² I in every hidden layer', () => {
    const path = exported(
      toQuery(parseQuery('?L=3&N=32&sw2=1.7&init=orthogonal&data=mnist').config),
      'orthogonal',
    );
    const [deviations] = evaluateIn(
      [path],
      `(lambda c: (lambda ctx: [float((w.T @ w - c["sw2"] * torch.eye(w.shape[1], dtype=w.dtype)).abs().max()) for w in runner_build(c, [{"runId": 0, "init": "orthogonal", "seed": 1, "lr": 0.05}], ctx.dataset(c), ctx).hidden_weights(0)])(RunnerContext(torch.device("cpu"), "fp32", EXPORT["dataDir"], True)))(runner_check_config(CONFIG, PARAMS))`,
    ) as number[][];
    expect(deviations).toHaveLength(3);
    for (const deviation of deviations!) expect(deviation).toBeLessThan(1e-5);
  });
});

describe('an exported sweep', () => {
  const query =
    '?data=teacher&dim=8&act=tanh&sw2=1.2&sb2=0.01&L=2&N=16&bs=32&init=both&seeds=1&steps=30&lm=test&thr=0.5&over=lr=0.01,0.1&measure=curves';
  let whole: SweepResultFile;
  let path = '';

  beforeAll(() => {
    path = exported(query, 'sweep');
    const result = run(path, '--stack', '2', '--out', 'whole.json');
    expect(result.status, result.stderr).toBe(0);
    whole = parseSweepResult(readFileSync(join(folder, 'whole.json'), 'utf8'));
  });

  it('writes a complete result file that the lab reads, with the lab’s numbers', async () => {
    expect(whole.complete).toBe(true);
    expect(whole.query).toBe(sweepQuery(parseSweepQuery(query).definition));
    expect(whole.points).toHaveLength(4);
    const lab = await runSweep(parseSweepQuery(query).definition, { dataSource: fileByteSource(DATA_DIR) });
    whole.points.forEach((point, i) => {
      const labPoint = lab.points[i]!;
      expect([point.lr, point.init, point.seed, point.stepsTrained]).toEqual([
        labPoint.lr,
        labPoint.init,
        labPoint.seed,
        labPoint.stepsTrained,
      ]);
      expect(relative(point.finalLoss!, labPoint.finalLoss!)).toBeLessThan(1e-4);
      expect(relative(point.finalTestLoss!, labPoint.finalTestLoss!)).toBeLessThan(1e-4);
    });
  });

  it('splits into shards whose merge is the unsharded file', () => {
    for (const k of [1, 2]) {
      const part = run(path, '--stack', '2', '--shard', `${k}/2`, '--out', `part${k}.json`);
      expect(part.status, part.stderr).toBe(0);
    }
    const merged = run(path, '--merge', 'part2.json', 'part1.json', '--out', 'merged.json');
    expect(merged.status, merged.stderr).toBe(0);
    const file = parseSweepResult(readFileSync(join(folder, 'merged.json'), 'utf8'));
    expect(file.complete).toBe(true);
    expect(file.points).toEqual(whole.points);
    expect(file.curves).toEqual(whole.curves);
    expect(file.query).toBe(whole.query);
  });

  it('refuses bad options with one line each, exit status 2', () => {
    const cases: [string[], RegExp][] = [
      [['--shard', '3/2'], /--shard 3\/2: K must be 1 … N/],
      [['--shard', 'half'], /--shard half: write K\/N/],
      [['--set', 'N=0'], /--set: N=0 is outside 2 … 2048/],
      [['--set', 'depth=3'], /depth is not a parameter of the lab/],
      [['--set', 'act=sigmoid'], /act='sigmoid' is not one of tanh/],
      [['--device', 'quantum'], /--device quantum: expected auto, cpu/],
      [['--precision', 'fp8'], /invalid choice: 'fp8'/],
      [['--stack', '0'], /--stack 0: at least 1/],
      [['--every', '5'], /--every and --eval go with a configuration's runs/],
      [['--merge', 'whole.json'], /not a part of a sweep written with --shard/],
      [['--merge', 'part1.json'], /part 2 of 2 missing/],
    ];
    // One python3 for all of them (importing torch takes seconds), calling the program's main.
    const script = `
import contextlib, importlib.util, io, json, os, sys
path, cases = json.loads(sys.stdin.read())
os.chdir(os.path.dirname(path))
spec = importlib.util.spec_from_file_location("program", path)
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
sys.argv[0] = path
out = []
for args in cases:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = m.runner_main(["--quiet", "--device", "cpu", *args], m.CONFIG, m.SWEEP, m.EXPORT, m.PARAMS)
    out.append([status, err.getvalue()])
print(json.dumps(out))
`;
    const answers = JSON.parse(
      runPython(python, ['-c', script], JSON.stringify([path, cases.map(([args]) => args)])),
    ) as [number, string][];
    answers.forEach(([status, stderr], i) => {
      const lines = stderr.trim().split('\n');
      expect([status, lines.length], stderr).toEqual([2, 1]);
      expect(lines[0]).toMatch(/^lab-sweep\.py: /);
      expect(lines[0]).toMatch(cases[i]![1]);
    });
    // And from the command line itself.
    const result = run(path, '--bogus');
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(/^lab-sweep\.py: unrecognized arguments: --bogus$/);
  });
});
