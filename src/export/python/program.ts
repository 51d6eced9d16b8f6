/**
 * The exported PyTorch program (`run.py`): one self-contained Python file that trains the networks
 * of a link, or a sweep's grid, with the lab's initial weights, data order and training, and writes
 * the lab's result file. The Python lives in src/export/python/*.py, one module per concern, each
 * importable alone for its tests; this writer puts the configuration at the top, as dictionaries a
 * person can edit, and joins the modules in dependency order, dropping their imports of each other.
 * No Node or DOM here: the page and the CLI each hand over the modules' text (PythonSources).
 */
import { PARAMS, PARAM_KEYS, toQuery, type LabConfig } from '../../config/index.ts';
import { sweepQuery } from '../../sweep/definition.ts';
import { axisParam } from '../../sweep/axisKey.ts';
import type { SweepDefinition } from '../../sweep/types.ts';

/** The modules, in the order they are joined: each only uses modules before it. */
export const PYTHON_MODULES = [
  'lab_random',
  'lab_theory',
  'lab_init',
  'lab_data',
  'lab_mlp',
  'lab_rnn',
  'lab_measures',
  'lab_config',
  'lab_training',
  'lab_sweep',
  'lab_results',
  'lab_runner',
] as const;
export type PythonModule = (typeof PYTHON_MODULES)[number];

/** Each module's source text. */
export type PythonSources = Readonly<Record<PythonModule, string>>;

export interface ProgramSpec {
  /** The configuration the program runs (a sweep's base configuration). */
  readonly config: LabConfig;
  /** The sweep, or null for the configuration's own runs (init × seeds). */
  readonly sweep: SweepDefinition | null;
  readonly labVersion: string;
  /** ISO 8601. */
  readonly exportedAt: string;
  /** Where the program looks for the lab's MNIST files first (the CLI knows; the page does not). */
  readonly dataDir: string | null;
  /** Where a person can download them (the page's own data folder), named in the error when missing. */
  readonly dataUrl: string | null;
}

/** A module's lines that import another of the modules: the joined file defines them all already. */
const SIBLING_IMPORT = /^from lab_\w+ import [^\n]*\n/gm;
/** A module's own command line (lab_random.py answers its test on stdin): not the program's. */
const MAIN_BLOCK = /^if __name__ == "__main__":[\s\S]*$/m;

/** The program's text. */
export function pythonProgram(spec: ProgramSpec, sources: PythonSources): string {
  const link = spec.sweep ? sweepQuery(spec.sweep) : toQuery(spec.config);
  const parts = [
    header(spec, link),
    `CONFIG = ${configLiteral(spec.config)}\n`,
    spec.sweep
      ? "# A grid over SWEEP's axes (each value replaces CONFIG's for its key; qstar sets sw2 and sb2 to the\n# critical pair with that fixed point); every grid point runs CONFIG's inits x seeds."
      : "# None: the program trains CONFIG's own runs (inits x seeds).",
    `SWEEP = ${spec.sweep ? pythonLiteral(sweepLiteral(spec.sweep), 0) : 'None'}\n`,
    `EXPORT = ${pythonLiteral(
      {
        labVersion: spec.labVersion,
        exportedAt: spec.exportedAt,
        link,
        dataDir: spec.dataDir,
        dataUrl: spec.dataUrl,
        // The axes' values as exported: while SWEEP's are these, the result file keeps the link's text.
        sweepValues: spec.sweep ? spec.sweep.axes.map((axis) => axis.values) : null,
      },
      0,
    )}\n`,
    "# The lab's limits and choices for every parameter (src/config/schema.ts), to check CONFIG and --set.",
    `PARAMS = ${pythonLiteral(paramTable(), 0)}\n`,
    ...PYTHON_MODULES.map((name) => moduleSection(name, sources[name])),
    'if __name__ == "__main__":',
    '    sys.exit(runner_main(sys.argv[1:], CONFIG, SWEEP, EXPORT, PARAMS))',
    '',
  ];
  return parts.join('\n');
}

function header(spec: ProgramSpec, link: string): string {
  const what = spec.sweep
    ? `the sweep over ${spec.sweep.axes.map((axis) => axis.spec).join(' × ')} (measure ${spec.sweep.measure}${spec.sweep.experiment ? `, the lab's experiment "${spec.sweep.experiment}"` : ''})`
    : `the runs of this configuration (${spec.config.init === 'both' ? 'Gaussian and orthogonal' : spec.config.init} × ${spec.config.seeds} seed${spec.config.seeds === 1 ? '' : 's'})`;
  return `#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Isometry Lab ${spec.labVersion}: a PyTorch program exported from the lab on ${spec.exportedAt.slice(0, 10)}.

It trains ${what}
with the lab's initial weights, data order and training rules, and writes the lab's result file:
    ${link}

Run it with Python 3, PyTorch and numpy:
    python3 run.py --out result.json                 # CUDA when there is a GPU, else the CPU
    python3 run.py --device cpu --steps 100 --out result.json
    python3 run.py --set N=1024 --set L=200 --out wide.json     # any parameter, checked
    python3 run.py --shard 1/4 --out part1.json      # a sweep spread over machines ...
    python3 run.py --merge part*.json --out result.json          # ... and joined again
    python3 run.py --help
Open the result in the lab with Open result… in the Lab view (runs) or in the Sweep view (sweeps).

CONFIG and SWEEP below say what runs; edit them freely: every value is checked against the lab's
limits when the program starts. The code after them is the lab's engine, written in PyTorch.
"""
`;
}

/** CONFIG, one parameter per line with its label, in the schema's order. */
function configLiteral(config: LabConfig): string {
  const lines = PARAM_KEYS.map((key) => {
    const param = PARAMS[key];
    const unit = param.kind === 'number' && param.unit ? ` (${param.unit})` : '';
    const choices = param.kind === 'choice' ? `: ${param.choices.map((c) => c.value).join(' | ')}` : '';
    // The view and runtime options only shape the lab's panels (lm and thr also say what τ reads).
    const display =
      (param.group === 'view' || param.group === 'runtime') && key !== 'lm' && key !== 'thr'
        ? " (the lab's page only; kept for the link)"
        : '';
    return `    ${JSON.stringify(param.urlKey)}: ${pythonLiteral(config[key], 1)},  # ${param.label}${unit}${choices}${display}`;
  });
  return `{\n${lines.join('\n')}\n}`;
}

/**
 * The sweep as the program reads it: each axis's values (edit them freely) and the text the lab's
 * link had for them (the program writes it back while the values are unchanged).
 */
function sweepLiteral(sweep: SweepDefinition) {
  return {
    measure: sweep.measure,
    experiment: sweep.experiment,
    axes: sweep.axes.map((axis) => ({
      key: axisParam(axis.key).urlKey,
      values: axis.values,
      spec: axis.spec,
      log: axis.log,
    })),
  };
}

/** Per URL key: choices, or the number's range and whether it is whole (what validate.ts checks). */
function paramTable(): Record<string, unknown> {
  return Object.fromEntries(
    PARAM_KEYS.map((key) => {
      const param = PARAMS[key];
      if (param.kind === 'choice')
        return [param.urlKey, { kind: 'choice', choices: param.choices.map((c) => c.value) }];
      return [
        param.urlKey,
        {
          kind: 'number',
          min: param.min,
          max: param.max,
          integer: param.integer,
          ...(param.logMin !== undefined ? { logMin: param.logMin } : {}),
          ...(param.zeroAllowed ? { zeroAllowed: true } : {}),
          label: param.label,
        },
      ];
    }),
  );
}

function moduleSection(name: PythonModule, source: string): string {
  const body = source
    .replace(MAIN_BLOCK, '')
    .replace(SIBLING_IMPORT, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const rule = '#'.repeat(100);
  return `${rule}\n# ${name}.py\n${rule}\n\n${body}\n\n`;
}

/** A JSON-like value as a Python literal (True/False/None; strings and numbers as JSON writes them). */
export function pythonLiteral(value: unknown, depth: number): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`${value} has no Python literal here`);
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  const indent = '    '.repeat(depth + 1);
  const close = '    '.repeat(depth);
  if (Array.isArray(value)) {
    const items = value.map((item) => pythonLiteral(item, depth + 1));
    const flat = `[${items.join(', ')}]`;
    return flat.length <= 90 && !flat.includes('\n')
      ? flat
      : `[\n${items.map((i) => `${indent}${i},`).join('\n')}\n${close}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  const items = entries.map(([k, v]) => `${JSON.stringify(k)}: ${pythonLiteral(v, depth + 1)}`);
  const flat = `{${items.join(', ')}}`;
  return flat.length <= 90 && !flat.includes('\n')
    ? flat
    : `{\n${items.map((i) => `${indent}${i},`).join('\n')}\n${close}}`;
}
