/**
 * `npm run --silent export -- --config "<link query>" [--over …] --out run.py`, or a sweep link, or
 * `--experiment <id>`: writes the PyTorch program of a link's runs or of a sweep (src/export/python),
 * the same file the page's export buttons download. Bad arguments: one line, exit code 2.
 */
import { writeFileSync } from 'node:fs';
import { toQuery } from '../config/index.ts';
import { LAB_VERSION } from '../sweep/labVersion.ts';
import { isSweepQuery } from '../sweep/definition.ts';
import { pythonProgram, type ProgramSpec } from '../export/python/program.ts';
import { nodePythonSources } from '../export/python/nodeSources.ts';
import { runCli, type CliFlag, type ParsedArgs } from './args.ts';
import { DATA_DIR, checkWritable } from './common.ts';
import { SWEEP_DEFINITION_FLAGS, sweepDefinitionOf } from './sweepArgs.ts';

const FLAGS: readonly CliFlag[] = [
  ...SWEEP_DEFINITION_FLAGS,
  {
    name: 'data',
    help: `the folder of the lab's MNIST files the program reads first (default: this lab's ${DATA_DIR}); the program also takes --data`,
  },
  { name: 'out', help: 'write the program here instead of stdout (checked writable first)' },
];

/** A sweep when the flags or the link name one (axes, a measure or an experiment). */
function isSweep({ values, lists }: ParsedArgs): boolean {
  const link = values.get('config');
  return (
    lists.has('over') ||
    values.has('measure') ||
    values.has('experiment') ||
    (link !== undefined && isSweepQuery(link))
  );
}

runCli('export', FLAGS, (args) => {
  const sweep = isSweep(args) ? sweepDefinitionOf(args) : null;
  const out = args.values.get('out');
  if (out !== undefined) checkWritable(out);
  const spec: ProgramSpec = {
    config: sweep ? sweep.base : args.config,
    sweep,
    labVersion: LAB_VERSION,
    exportedAt: new Date().toISOString(),
    dataDir: args.values.get('data') ?? DATA_DIR,
    dataUrl: null,
  };
  const program = pythonProgram(spec, nodePythonSources());
  if (out) writeFileSync(out, program);
  else process.stdout.write(program);
  const what = sweep
    ? `a sweep over ${sweep.axes.map((axis) => axis.spec).join(' × ')} (measure ${sweep.measure})`
    : `the runs of ${toQuery(spec.config).slice(0, 60)}…`;
  console.error(`export: ${what}${out ? ` → ${out}` : ''}; run it with python3 (PyTorch and numpy)`);
});
