import { area, line, scaleLinear, scaleLog, symbol, symbolCircle, symbolSquare } from 'd3';
import { useCallback } from 'react';
import type { WeightSummary } from '../../engine/index.ts';
import { useLab } from '../../state/store.ts';
import { useTraining, type WeightSnapshot } from '../../state/training.ts';
import { SmallChart, type ChartScales } from '../SmallChart.tsx';
import { MAX_WEIGHT_SPECTRUM_WIDTH } from '../../worker/trainingProtocol.ts';
import './weights.css';

const INITS = ['gaussian', 'orthogonal'] as const;
/** Orthogonal weights start at ~1e-7 (float32); the log axis needs a floor. */
const DEVIATION_FLOOR = 1e-8;

type Init = (typeof INITS)[number];

/** Marker shapes tell the inits apart without colour (as the sweep's): Gaussian ●, orthogonal ■. */
const DOT: Record<Init, string> = {
  gaussian: symbol(symbolCircle, 20)() ?? '',
  orthogonal: symbol(symbolSquare, 20)() ?? '',
};

/** Per init, per snapshot: the seeds' summaries averaged. */
function seriesFor(snapshots: readonly WeightSnapshot[], runInits: readonly Init[], init: Init) {
  const indices = runInits.flatMap((i, r) => (i === init ? [r] : []));
  if (indices.length === 0) return null;
  const average = (pick: (s: WeightSummary) => number) =>
    snapshots.map(
      (snapshot) => indices.reduce((sum, r) => sum + pick(snapshot.summaries[r]!), 0) / indices.length,
    );
  return {
    steps: snapshots.map((s) => s.step),
    mean: average((s) => s.mean),
    std: average((s) => s.std),
    min: average((s) => s.min),
    max: average((s) => s.max),
    deviation: average((s) => Math.max(DEVIATION_FLOOR, s.orthogonalityDeviation)),
  };
}

/** Singular values of the hidden weights and their distance from orthogonality, against steps. */
export function WeightsPanel() {
  const weights = useTraining((s) => s.weights);
  const runs = useTraining((s) => s.runs);
  const { N, sw2, arch } = useLab((s) => s.config);
  // The recurrent network's one hidden matrix is W, reported as layer 1 (Hlav Figs. 7–8).
  const recurrent = arch === 'rnn';
  const runInits = runs.map((r) => r.run.init);
  const series = INITS.map((init) => ({ init, data: seriesFor(weights, runInits, init) })).filter(
    (s): s is { init: Init; data: NonNullable<ReturnType<typeof seriesFor>> } => s.data !== null,
  );
  const layers = weights[weights.length - 1]?.layers ?? [];

  return (
    <section className="panel weights-panel" aria-labelledby="weights-title" data-testid="weights-panel">
      <h2 id="weights-title">
        {recurrent ? 'Recurrent kernel W during training' : 'Hidden weights during training'}
      </h2>
      {weights.length === 0 || series.length === 0 ? (
        <p className="spectrum-empty">
          {N > MAX_WEIGHT_SPECTRUM_WIDTH
            ? `Weight spectra are taken up to width ${MAX_WEIGHT_SPECTRUM_WIDTH}; at N = ${N} each layer’s SVD would take seconds.`
            : 'Waiting for the networks…'}
        </p>
      ) : (
        <>
          <div className="signal-charts">
            <StepChart
              title={`singular values of ${recurrent ? 'the recurrent W' : 'W^l'}: mean ± std, min and max`}
              yScale="linear"
              series={series}
              lines={(d) => [d.mean, d.min, d.max]}
              band={(d) => [d.mean.map((m, i) => m - d.std[i]!), d.mean.map((m, i) => m + d.std[i]!)]}
              reference={Math.sqrt(sw2)}
              testId="weights-singular-values"
            />
            <StepChart
              title="‖WᵀW/σ_w² − I‖_F/√N"
              yScale="log"
              series={series}
              lines={(d) => [d.deviation]}
              testId="weights-deviation"
            />
          </div>
          <p className="signal-legend">
            Orange, solid, ●: Gaussian; green, dashed, ■: orthogonal (means over seeds).{' '}
            {recurrent
              ? 'The recurrent kernel W (h_t = φ(W h_{t−1} + U x_t + b))'
              : `Layers ${layers.join(', ')}`}
            ; dotted line: σ_w, where every singular value of an orthogonal {recurrent ? 'W' : 'layer'}{' '}
            starts.
          </p>
        </>
      )}
    </section>
  );
}

interface StepChartProps {
  readonly title: string;
  readonly yScale: 'linear' | 'log';
  readonly series: readonly { init: Init; data: NonNullable<ReturnType<typeof seriesFor>> }[];
  readonly lines: (data: NonNullable<ReturnType<typeof seriesFor>>) => number[][];
  readonly band?: (data: NonNullable<ReturnType<typeof seriesFor>>) => [number[], number[]];
  readonly reference?: number;
  readonly testId: string;
}

function StepChart({ title, yScale, series, lines, band, reference, testId }: StepChartProps) {
  const scales = useCallback(
    (innerWidth: number, innerHeight: number): ChartScales => {
      const values = series.flatMap((s) => [...lines(s.data).flat(), ...(band ? band(s.data).flat() : [])]);
      if (reference !== undefined) values.push(reference);
      const finite = values.filter((v) => Number.isFinite(v) && (yScale === 'linear' || v > 0));
      const lo = Math.min(...finite);
      const hi = Math.max(...finite);
      const lastStep = Math.max(1, ...series.flatMap((s) => s.data.steps));
      const yDomain: [number, number] = lo === hi ? [lo * 0.9 || -1, hi * 1.1 || 1] : [lo, hi];
      const y = (yScale === 'log' ? scaleLog() : scaleLinear())
        .domain(yScale === 'linear' ? [Math.min(0, yDomain[0]), yDomain[1] * 1.05] : yDomain)
        .range([innerHeight, 0])
        .nice();
      return {
        x: scaleLinear().domain([0, lastStep]).range([0, innerWidth]),
        y,
        ...(yScale === 'log' ? { yFormat: '.0e' } : {}),
      };
    },
    [series, lines, band, reference, yScale],
  );

  return (
    <SmallChart
      title={`${title}${yScale === 'log' ? ' (log scale)' : ''}`}
      xLabel="step"
      testId={testId}
      scales={scales}
    >
      {({ x, y }, { innerWidth }) => (
        <>
          {series.map(({ init, data }) => {
            // A diverged run's weights are NaN: such points are left out of every shape.
            const [lower, upper] = band ? band(data) : [[], []];
            const bandPath = band
              ? area<number>()
                  .defined((i) => Number.isFinite(lower[i]!) && Number.isFinite(upper[i]!))
                  .x((i) => x(data.steps[i]!))
                  .y0((i) => y(lower[i]!))
                  .y1((i) => y(upper[i]!))(data.steps.map((_, i) => i))
              : null;
            const centre = lines(data)[0]!;
            return (
              <g key={init} className={`weights-${init}`}>
                {bandPath && <path className="weights-band" d={bandPath} />}
                {/* Dots too: the first snapshots are single points that a line cannot show. */}
                {data.steps.map((step, i) =>
                  Number.isFinite(centre[i]!) ? (
                    <path
                      key={`dot-${i}`}
                      className="weights-dot"
                      d={DOT[init]}
                      transform={`translate(${x(step)},${y(centre[i]!)})`}
                    />
                  ) : null,
                )}
                {lines(data).map((values, k) => (
                  <path
                    key={k}
                    className={k === 0 ? 'weights-line' : 'weights-line weights-extreme'}
                    d={
                      line<number>()
                        .defined((i) => Number.isFinite(values[i]!))
                        .x((i) => x(data.steps[i]!))
                        .y((i) => y(values[i]!))(data.steps.map((_, i) => i)) ?? ''
                    }
                  />
                ))}
              </g>
            );
          })}
          {reference !== undefined && (
            <line className="signal-theory" x1={0} x2={innerWidth} y1={y(reference)} y2={y(reference)} />
          )}
        </>
      )}
    </SmallChart>
  );
}
