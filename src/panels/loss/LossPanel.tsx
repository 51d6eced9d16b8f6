import { useId, useMemo, useRef, useState, type DragEvent, type PointerEvent } from 'react';
import { useOpenedRuns } from '../../state/openedRuns.ts';
import { openResultFile } from '../../state/openResultFile.ts';
import { useLab } from '../../state/store.ts';
import type { TrainingView } from '../../state/training.ts';
import { ParamControl } from '../../ui/ParamControl.tsx';
import { formatQuantity } from '../../ui/format.ts';
import { useElementWidth } from '../../ui/useElementWidth.ts';
import { MARGIN, buildLossChart, type LossChart } from './chart.ts';
import { OpenedRunsBanner } from './OpenedRunsBanner.tsx';
import { readAt, snapStep, type HoverReading } from './hover.ts';
import { LossAxes } from './LossAxes.tsx';
import { axisTitle, metricView, type MetricView } from './metric.ts';
import { describeChart, divergedText, tauText, thresholdCondition } from './summary.ts';
import { useTrainingPerFrame } from './useTrainingPerFrame.ts';
import './loss.css';

const CROSS = 'M-5,-5L5,5M-5,5L5,-5';

/**
 * Live training curves of the Gaussian and orthogonal twins: mean across seeds with a min–max band,
 * the threshold and the step τ at which each init first reaches it, divergences, and a hover readout.
 * An opened result file (src/state/openedRuns.ts) is drawn the same way instead of the live runs.
 */
export function LossPanel() {
  const lm = useLab((s) => s.config.lm);
  const ly = useLab((s) => s.config.ly);
  const thr = useLab((s) => s.config.thr);
  const totalSteps = useLab((s) => s.config.steps);
  const data = useLab((s) => s.config.data);
  const live = useTrainingPerFrame();
  const opened = useOpenedRuns((s) => s.opened);
  const view = useMemo(() => (opened ? openedView(live, opened.runs) : live), [live, opened]);
  const [dropping, setDropping] = useState(false);
  const containerRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(containerRef, 720);
  const clipId = useId();
  const [hoverStep, setHoverStep] = useState<number | null>(null);

  const task =
    opened?.file.task ?? view.info?.dataset.task ?? (data === 'teacher' ? 'regression' : 'classification');
  const metric = metricView(lm, task);
  const logY = ly === 'log' && metric.logAllowed;
  const chart = useMemo(
    () =>
      buildLossChart({
        runs: view.runs,
        metric,
        width,
        logY,
        threshold: thr,
        totalSteps: opened ? opened.file.steps : Math.max(totalSteps, view.stepsDone),
      }),
    [view, metric, width, logY, thr, totalSteps, opened],
  );
  const { geometry, curves, marks } = chart;
  const { x, y } = geometry;
  const hasPoints = curves.some((c) => c.aggregate.length > 0);
  const reading = hoverStep !== null && hasPoints ? readAt(curves, metric, hoverStep) : null;
  const [yLo, yHi] = y.domain() as [number, number];
  const thresholdVisible = thr >= Math.min(yLo, yHi) && thr <= Math.max(yLo, yHi) && (!logY || thr > 0);
  const xMax = x.domain()[1]!;
  const stepsPerBucket = xMax / chart.bucketCount;

  const onPointerMove = (event: PointerEvent<SVGRectElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const px = Math.min(geometry.innerWidth, Math.max(0, event.clientX - box.left));
    setHoverStep(snapStep(curves, x.invert(px)));
  };

  // A result file dropped on the panel opens as with "Open result…".
  const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');
  const onDragOver = (event: DragEvent<HTMLElement>) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDropping(true);
  };
  const onDrop = (event: DragEvent<HTMLElement>) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    setDropping(false);
    const file = event.dataTransfer.files[0];
    if (file) void openResultFile(file);
  };

  return (
    <section
      className={`panel loss-panel${dropping ? ' dropping' : ''}`}
      data-testid="loss-panel"
      data-source={opened ? 'file' : 'live'}
      aria-labelledby="loss-title"
      onDragOver={onDragOver}
      onDragLeave={() => setDropping(false)}
      onDrop={onDrop}
    >
      <header className="panel-head">
        <h2 id="loss-title">Training: Gaussian vs orthogonal</h2>
        <div className="panel-options">
          <ParamControl paramKey="lm" />
          <ParamControl paramKey="ly" />
          <ParamControl paramKey="thr" />
        </div>
      </header>
      <OpenedRunsBanner />
      <div
        ref={containerRef}
        className="loss-chart"
        data-metric={metric.key}
        data-last-step={chart.lastStep}
        style={{ height: geometry.height }}
      >
        <svg
          width={geometry.width}
          height={geometry.height}
          role="img"
          aria-label={describeChart(curves, marks, metric, logY, thr, xMax)}
        >
          <defs>
            <clipPath id={clipId}>
              <rect width={geometry.innerWidth} height={geometry.innerHeight} />
            </clipPath>
          </defs>
          <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
            <LossAxes geometry={geometry} yTitle={axisTitle(metric, logY)} />
            <g clipPath={`url(#${clipId})`} pointerEvents="none">
              {curves.map(
                (c) =>
                  c.bandPath && <path key={c.init} className={`loss-band loss-${c.init}`} d={c.bandPath} />,
              )}
              {thresholdVisible && (
                <g className="loss-threshold" data-testid="loss-threshold">
                  <line x1={0} x2={geometry.innerWidth} y1={y(thr)} y2={y(thr)} />
                  <text x={geometry.innerWidth - 4} y={y(thr) - 4} textAnchor="end">
                    threshold {formatQuantity(thr)}
                  </text>
                </g>
              )}
              {curves.map(
                (c, i) =>
                  c.tau !== null && (
                    <g
                      key={c.init}
                      className={`tau-marker loss-${c.init}`}
                      data-testid={`tau-marker-${c.init}`}
                    >
                      <line x1={x(c.tau)} x2={x(c.tau)} y1={0} y2={geometry.innerHeight} />
                      <text x={x(c.tau) + 3} y={12 + 14 * i}>
                        τ
                        <tspan baselineShift="sub" fontSize="9">
                          {c.init === 'gaussian' ? 'G' : 'O'}
                        </tspan>
                      </text>
                    </g>
                  ),
              )}
              {curves.map(
                (c) =>
                  c.linePath && (
                    <path
                      key={c.init}
                      className={`loss-mean loss-${c.init}`}
                      data-testid={`loss-curve-${c.init}`}
                      data-points={c.aggregate.length}
                      data-drawn={c.drawn.length}
                      d={c.linePath}
                    />
                  ),
              )}
            </g>
            {marks.map((m) => (
              <g
                key={m.runId}
                className={`diverged-mark loss-${m.init}`}
                data-testid="diverged-mark"
                data-run-id={m.runId}
                data-step={m.step}
                transform={`translate(${x(m.point?.step ?? m.step)},${m.point ? y(m.point.value) : 0})`}
              >
                <path d={CROSS} />
                <title>{divergedText(m)}</title>
              </g>
            ))}
            {reading && (
              <g className="loss-hover" pointerEvents="none">
                <line x1={x(reading.step)} x2={x(reading.step)} y1={0} y2={geometry.innerHeight} />
                {curves.map((c, i) => {
                  const mean = reading.entries[i]?.mean ?? NaN;
                  if (!Number.isFinite(mean) || (logY && mean <= 0)) return null;
                  return (
                    <circle
                      key={c.init}
                      className={`loss-${c.init}`}
                      cx={x(reading.step)}
                      cy={y(mean)}
                      r={4}
                    />
                  );
                })}
              </g>
            )}
            <rect
              className="loss-capture"
              width={geometry.innerWidth}
              height={geometry.innerHeight}
              onPointerMove={onPointerMove}
              onPointerDown={onPointerMove}
              onPointerLeave={() => setHoverStep(null)}
            />
          </g>
        </svg>
        {!hasPoints && <EmptyMessage view={view} metric={metric} />}
      </div>
      <Legend chart={chart} metric={metric} threshold={thr} thresholdVisible={thresholdVisible} />
      {metric.smoothed && stepsPerBucket > 1.5 && hasPoints && (
        <p className="loss-note">
          Lines and bands are means over buckets of ≈{formatQuantity(stepsPerBucket, 2)} steps; τ and the
          readout use every step.
        </p>
      )}
      {lm === 'acc' && ly === 'log' && (
        <p className="loss-note">Accuracy is a fraction in [0, 1]; its axis stays linear.</p>
      )}
      <HoverReadout reading={reading} />
    </section>
  );
}

function Legend({
  chart,
  metric,
  threshold,
  thresholdVisible,
}: {
  chart: LossChart;
  metric: MetricView;
  threshold: number;
  thresholdVisible: boolean;
}) {
  const { curves, marks } = chart;
  return (
    <div className="loss-legend">
      <ul className="legend">
        {curves.map((c) => (
          <li key={c.init}>
            <svg width="30" height="14" aria-hidden="true">
              {c.runs.length > 1 && (
                <rect className={`loss-band loss-${c.init}`} x="1" y="1" width="28" height="12" />
              )}
              <line className={`loss-mean loss-${c.init}`} x1="1" x2="29" y1="7" y2="7" />
            </svg>
            {c.label}
            {c.runs.length > 1
              ? ` — mean of ${c.runs.length} seeds, band: min–max across seeds`
              : ` — 1 seed`}
          </li>
        ))}
        <li>
          <svg width="30" height="14" aria-hidden="true">
            <line className="loss-threshold-swatch" x1="1" x2="29" y1="7" y2="7" />
          </svg>
          threshold: {thresholdCondition(metric, threshold)}
          {thresholdVisible ? '' : ' (outside the axis)'}
        </li>
        {marks.map((m) => (
          <li key={m.runId} className="loss-diverged">
            <svg width="30" height="14" aria-hidden="true">
              <path className={`diverged-mark loss-${m.init}`} d={CROSS} transform="translate(15,7)" />
            </svg>
            {divergedText(m)}
          </li>
        ))}
      </ul>
      {curves.some((c) => c.aggregate.length > 0) && (
        <p className="tau-readout" data-testid="tau-readout" aria-live="polite">
          {tauText(curves)}
        </p>
      )}
    </div>
  );
}

/** The live view with an opened file's runs in place of the live ones: done, nothing building. */
function openedView(live: TrainingView, runs: TrainingView['runs']): TrainingView {
  return { ...live, runs, state: 'done', error: null, building: null };
}

function EmptyMessage({ view, metric }: { view: TrainingView; metric: MetricView }) {
  let text: string;
  if (!metric.defined) {
    text =
      'Test accuracy is defined for classification only; choose training or test loss for this regression.';
  } else if (view.error) {
    text = `No curves: ${view.error.message}`;
  } else if (view.state === 'starting' || view.state === 'building' || view.runs.length === 0) {
    text = 'Building the networks…';
  } else if (view.state === 'done') {
    text = `No ${metric.name} in these runs.`;
  } else if (metric.key === 'train') {
    text = 'Waiting for the first steps…';
  } else {
    text = 'Waiting for the first evaluation…';
  }
  return (
    <p className="loss-status" role="status">
      {text}
    </p>
  );
}

function HoverReadout({ reading }: { reading: HoverReading | null }) {
  return (
    <p className="hover-readout" data-testid="loss-hover-readout" aria-live="off">
      {reading
        ? `Step ${reading.step}: ` +
          reading.entries
            .map(
              (e) =>
                `${e.label} mean ${formatQuantity(e.mean)} (` +
                e.runs
                  .map((r) => `seed ${r.seed} ${r.diverged ? 'diverged' : formatQuantity(r.value)}`)
                  .join(', ') +
                ')',
            )
            .join(' · ')
        : 'Hover over the curves to read each init’s mean and every run’s value at a step.'}
    </p>
  );
}
