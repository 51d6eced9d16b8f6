import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileByteSource } from '../engine/data/fileByteSource.ts';
import { reportToCsv, runHeadless } from '../engine/index.ts';
import { UsageError, runCli, toJson, type CliFlag } from './args.ts';
import { NODE_BACKENDS, selectNodeBackend } from './nodeBackend.ts';

const FLAGS: readonly CliFlag[] = [
  { name: 'config', help: 'a link’s query string, e.g. "?act=tanh&L=20&init=both"; flags override it' },
  { name: 'steps', param: 'steps', help: 'training steps' },
  { name: 'every', help: 'evaluate on held-out data every k steps (default: steps/20, at least 1)' },
  { name: 'eval', help: 'held-out examples per evaluation (default 1000)' },
  { name: 'backend', help: 'tfjs backend: cpu | wasm (default cpu)' },
  { name: 'format', help: 'json | csv (default json)' },
  { name: 'out', help: 'write the result to this file instead of stdout' },
];

const FORMATS = ['json', 'csv'] as const;
const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'public', 'data');

function positiveInteger(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`--${flag} ${raw}: expected a positive integer`);
  return value;
}

function oneOf<T extends string>(flag: string, raw: string | undefined, choices: readonly T[]): T {
  if (raw === undefined) return choices[0]!;
  if (!(choices as readonly string[]).includes(raw))
    throw new UsageError(`--${flag} ${raw}: expected one of ${choices.join(', ')}`);
  return raw as T;
}

runCli('experiment', FLAGS, ({ config, values }) => {
  const steps = config.steps;
  const every = positiveInteger('every', values.get('every'), Math.max(1, Math.floor(steps / 20)));
  const evalExamples = positiveInteger('eval', values.get('eval'), 1000);
  const backend = oneOf('backend', values.get('backend'), NODE_BACKENDS);
  const format = oneOf('format', values.get('format'), FORMATS);
  const out = values.get('out');

  const main = async (): Promise<void> => {
    await selectNodeBackend(backend);
    const started = performance.now();
    const report = await runHeadless(config, {
      steps,
      every,
      evalExamples,
      dataSource: fileByteSource(DATA_DIR),
    });
    const seconds = (performance.now() - started) / 1000;
    console.error(
      `experiment: ${report.runs.length} runs × ${steps} steps in ${seconds.toFixed(2)} s on ${backend} (${(steps / seconds).toFixed(1)} steps/s)`,
    );
    const text = format === 'csv' ? reportToCsv(report) : `${toJson({ backend, ...report })}\n`;
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
  };
  main().catch((error: unknown) => {
    console.error(`experiment: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
});
