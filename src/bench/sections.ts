/**
 * The bench's sections beyond the training grid and the page: each times one part of the lab on
 * node's tfjs backends and writes one Markdown table. bench.ts runs those `--only` names, keeps
 * each section's rows with their date in bench/results.json, and leaves sections not run as they
 * were.
 */
import type { ByteSource } from '../engine/data/dataset.ts';
import { selectNodeBackend, NODE_BACKENDS } from '../cli/nodeBackend.ts';
import { benchCurvature, formatCurvatureTable } from './curvatureBench.ts';
import { benchNtk, formatNtkTable } from './ntkBench.ts';
import { benchOrthogonality, formatOrthogonalityTable } from './orthogonalityBench.ts';
import { benchRnn, formatRnnTable } from './rnnBench.ts';
import { benchPytorch, formatPytorchTable } from './pytorchBench.ts';
import { benchSweepThroughput, formatSweepBenchTable } from './sweepBench.ts';

export interface SectionContext {
  /** Seconds per timed cell (sections cap it at what their cells need). */
  readonly seconds: number;
  readonly dataSource: ByteSource;
  readonly log: (line: string) => void;
}

export interface BenchSection {
  /** The `--only` name, and the key of its rows in bench/results.json. */
  readonly name: string;
  /** The sentence above its table in the README. */
  readonly title: string;
  run(context: SectionContext): Promise<readonly object[]>;
  format(rows: readonly object[]): string;
}

/** A section whose rows have a type of their own (the table is only ever given its own rows). */
function section<Row extends object>(spec: {
  name: string;
  title: string;
  run: (context: SectionContext) => Promise<Row[]>;
  format: (rows: readonly Row[]) => string;
}): BenchSection {
  return spec as unknown as BenchSection;
}

export const BENCH_SECTIONS: readonly BenchSection[] = [
  section({
    name: 'ntk',
    title: 'Empirical NTK of two runs on node wasm',
    run: async ({ seconds, dataSource, log }) => {
      await selectNodeBackend('wasm');
      return benchNtk({
        seconds: Math.min(seconds, 2),
        dataSource,
        onRow: (r) => log(`ntk ${r.axis} D=${r.batch} L=${r.depth} N=${r.width}: ${r.ms.toFixed(1)} ms`),
      });
    },
    format: formatNtkTable,
  }),
  section({
    name: 'sweep',
    title: 'An η sweep of 8 runs, stacked in one program against one program per run',
    run: async ({ seconds, log }) => {
      const rows = [];
      for (const backend of NODE_BACKENDS) {
        await selectNodeBackend(backend);
        rows.push(
          ...(await benchSweepThroughput({
            seconds: Math.min(seconds, 2),
            onRow: (r) =>
              log(
                `sweep ${r.backend} L=${r.depth} N=${r.width} ${r.mode}: ${r.runStepsPerSecond.toFixed(1)} run·steps/s`,
              ),
          })),
        );
      }
      return rows;
    },
    format: formatSweepBenchTable,
  }),
  section({
    name: 'orth',
    title:
      'A training step under each `orth` option against plain training, interleaved (teacher task, B = 64, two runs, node wasm)',
    run: async ({ seconds, log }) => {
      await selectNodeBackend('wasm');
      return benchOrthogonality({
        seconds: Math.min(seconds, 2),
        onRow: (r) =>
          log(
            `orth ${r.orth} L=${r.depth} N=${r.width}: ${r.msPerStep.toFixed(1)} ms/step, ×${r.overhead.toFixed(2)}`,
          ),
      });
    },
    format: formatOrthogonalityTable,
  }),
  section({
    name: 'curvature',
    title: 'λ_max of the Fisher information (and s²_max) on the default link’s two networks, node wasm',
    run: async ({ seconds, dataSource, log }) => {
      await selectNodeBackend('wasm');
      return benchCurvature({
        seconds: Math.min(seconds, 2),
        dataSource,
        onRow: (r) => log(`curvature D=${r.batch}: ${(r.kernelMs + r.powerMs).toFixed(0)} ms`),
      });
    },
    format: formatCurvatureTable,
  }),
  section({
    name: 'rnn',
    title:
      'The recurrent network on row-sequential MNIST (N = 64, Gaussian and orthogonal twins, Adam), node wasm',
    run: async ({ seconds, dataSource, log }) => {
      await selectNodeBackend('wasm');
      return benchRnn({
        seconds: Math.min(seconds, 2),
        dataSource,
        orths: ['none', 'gain', 'stiefel'],
        onRow: (r) =>
          log(`rnn B=${r.batch} N=${r.width} orth=${r.orth}: ${r.stepsPerSecond.toFixed(1)} steps/s`),
      });
    },
    format: formatRnnTable,
  }),
  section({
    name: 'pytorch',
    title:
      'The exported PyTorch program against the lab’s engine on the same configuration, interleaved (MNIST, both inits, B = 64, this machine’s CPU)',
    run: async ({ seconds, dataSource, log }) => {
      await selectNodeBackend('wasm');
      return benchPytorch({
        seconds: Math.min(seconds, 3),
        dataSource,
        onRow: (r) =>
          log(
            'labStepsPerSecond' in r
              ? `pytorch ${r.label} L=${r.depth} N=${r.width}: lab ${r.labStepsPerSecond.toFixed(1)}, program ${r.programStepsPerSecond.toFixed(1)} steps/s`
              : `pytorch draws N=${r.width}: Gaussian ${r.gaussianSeconds.toFixed(2)} s, Haar ${r.orthogonalSeconds.toFixed(2)} s`,
          ),
      });
    },
    format: formatPytorchTable,
  }),
];
