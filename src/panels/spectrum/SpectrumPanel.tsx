import { area, axisBottom, axisLeft, curveStepAfter, line, scaleLinear, scaleLog, select } from 'd3';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { JacobianProbe } from '../../engine/index.ts';
import { useLab } from '../../state/store.ts';
import { useTraining, type SpectrumSnapshot } from '../../state/training.ts';
import { jacobianMoments, type JacobianDensity, type WeightInit } from '../../theory/index.ts';
import { ParamControl } from '../../ui/ParamControl.tsx';
import { formatQuantity } from '../../ui/format.ts';
import { useElementWidth } from '../../ui/useElementWidth.ts';
import type { DensitySpec } from '../../worker/theoryProtocol.ts';
import { useTheory } from '../../worker/useTheory.ts';
import { buildSpectra, type InitSpectrum } from './model.ts';
import './spectrum.css';

const MARGIN = { top: 10, right: 14, bottom: 40, left: 56 } as const;
const HEIGHT = 260;
const INIT_LABEL: Record<WeightInit, string> = { gaussian: 'Gaussian', orthogonal: 'orthogonal' };

/** The snapshot shown: the one the scrubber picked, or the newest while the scrubber is at its end. */
function useSnapshot(): {
  snapshots: readonly SpectrumSnapshot[];
  index: number;
  setIndex: (i: number | null) => void;
} {
  const snapshots = useTraining((s) => s.spectra);
  const [picked, setPicked] = useState<number | null>(null);
  const index = picked === null || picked >= snapshots.length ? snapshots.length - 1 : picked;
  return { snapshots, index, setIndex: setPicked };
}

function useDensity(spec: DensitySpec | null): JacobianDensity | undefined {
  const state = useTheory('density', spec);
  return state.status === 'ready' ? state.result : undefined;
}

export function SpectrumPanel() {
  const { act, sw2, sb2, sv, sx, init } = useLab((s) => s.config);
  const { snapshots, index, setIndex } = useSnapshot();
  const skipped = useTraining((s) => s.spectrumSkipped);
  const snapshot = snapshots[index];
  const depth = snapshot?.spectra[0]?.depth ?? null;
  const gaussianSpec = useMemo(
    () =>
      depth === null || init === 'orthogonal' ? null : { act, sw2, sb2, depth, init: 'gaussian' as const },
    [act, sw2, sb2, depth, init],
  );
  const orthogonalSpec = useMemo(
    () =>
      depth === null || init === 'gaussian' ? null : { act, sw2, sb2, depth, init: 'orthogonal' as const },
    [act, sw2, sb2, depth, init],
  );
  const gaussian = useDensity(gaussianSpec);
  const orthogonal = useDensity(orthogonalSpec);
  const moments = useMemo(
    () => (depth === null ? null : jacobianMoments(act, sw2, sb2, depth)),
    [act, sw2, sb2, depth],
  );
  const spectra = useMemo(
    () => (snapshot ? buildSpectra(snapshot.spectra, { gaussian, orthogonal }, sv, sx) : []),
    [snapshot, gaussian, orthogonal, sv, sx],
  );

  return (
    <section className="panel spectrum-panel" aria-labelledby="spectrum-title" data-testid="spectrum-panel">
      <header className="panel-head">
        <h2 id="spectrum-title">Jacobian spectrum: Gaussian vs orthogonal</h2>
        <div className="panel-options">
          <ParamControl paramKey="jp" />
          <ParamControl paramKey="sv" />
          <ParamControl paramKey="sx" />
        </div>
      </header>
      {snapshot ? (
        <>
          <SpectrumChart spectra={spectra} variable={sv} scale={sx} />
          <Scrubber
            snapshots={snapshots}
            index={index}
            onPick={(i) => setIndex(i === snapshots.length - 1 ? null : i)}
          />
          <SpectrumTable
            spectra={spectra}
            moments={moments}
            depth={depth ?? 0}
            probe={snapshot.spectra[0]?.probe ?? 'fixed-point'}
          />
        </>
      ) : skipped ? (
        <p className="spectrum-empty" role="status">
          No spectrum for this configuration: {skipped}.
        </p>
      ) : (
        <p className="spectrum-empty">
          Waiting for the networks: the spectrum is taken at initialization and during training.
        </p>
      )}
    </section>
  );
}

function SpectrumChart({
  spectra,
  variable,
  scale,
}: {
  spectra: InitSpectrum[];
  variable: 'sq' | 'abs';
  scale: 'log' | 'linear';
}) {
  const containerRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(containerRef, 560);
  const xAxisRef = useRef<SVGGElement>(null);
  const yAxisRef = useRef<SVGGElement>(null);
  const innerWidth = width - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;

  const { x, y } = useMemo(() => {
    let lo = Infinity;
    let hi = -Infinity;
    let top = 0;
    for (const s of spectra) {
      const edges = s.histogram.edges;
      if (edges.length > 0) {
        lo = Math.min(lo, edges[0]!);
        hi = Math.max(hi, edges[edges.length - 1]!);
      }
      for (const d of s.histogram.density) top = Math.max(top, d);
    }
    if (lo === Infinity) [lo, hi] = scale === 'log' ? [0.1, 10] : [0, 2];
    if (scale === 'log' && lo === hi) [lo, hi] = [lo / 2, hi * 2];
    if (scale === 'linear' && lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
    const xScale = (scale === 'log' ? scaleLog() : scaleLinear()).domain([lo, hi]).range([0, innerWidth]);
    // Theory may peak above the bars (near-singular peaks); it is clipped at 1.5× the tallest bar.
    if (top === 0) {
      for (const s of spectra)
        if (s.theory && 'y' in s.theory) for (const v of s.theory.y) top = Math.max(top, v);
    } else {
      top *= 1.5;
    }
    return {
      x: xScale,
      y: scaleLinear()
        .domain([0, top > 0 ? top : 1])
        .range([innerHeight, 0]),
    };
  }, [spectra, scale, innerWidth, innerHeight]);

  useEffect(() => {
    if (xAxisRef.current)
      select(xAxisRef.current).call(
        axisBottom(x).ticks(scale === 'log' ? 6 : 8, scale === 'log' ? '~g' : undefined),
      );
    if (yAxisRef.current) select(yAxisRef.current).call(axisLeft(y).ticks(5));
  }, [x, y, scale]);

  const variableLabel = variable === 'sq' ? 'σ² (eigenvalue of JJᵀ)' : 'σ (singular value of J)';
  const densityLabel = scale === 'log' ? `density per unit ln ${variable === 'sq' ? 'σ²' : 'σ'}` : 'density';
  const [xLo, xHi] = x.domain() as [number, number];

  return (
    <div ref={containerRef} className="spectrum-chart">
      <svg
        width={width}
        height={HEIGHT}
        role="img"
        aria-label={`Histogram of ${variableLabel} for each initialization, with the free-probability prediction drawn over it`}
      >
        <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
          {spectra.map((s) => {
            const edges = s.histogram.edges;
            if (edges.length === 0) return null;
            const points = Array.from(s.histogram.density, (d, i) => [edges[i]!, d] as const);
            points.push([edges[edges.length - 1]!, 0]);
            const path = area<readonly [number, number]>()
              .curve(curveStepAfter)
              .x(([e]) => x(e))
              .y0(innerHeight)
              .y1(([, d]) => y(d))(points);
            return (
              <path
                key={`h-${s.init}`}
                className={`spectrum-bars spectrum-${s.init}`}
                d={path ?? ''}
                data-testid={`spectrum-histogram-${s.init}`}
              />
            );
          })}
          {spectra.map((s) => {
            if (!s.theory || !('x' in s.theory)) return null;
            const { x: tx, y: ty } = s.theory;
            const path = line<number>()
              .defined((i) => tx[i]! >= xLo && tx[i]! <= xHi && Number.isFinite(ty[i]!))
              .x((i) => x(tx[i]!))
              .y((i) => y(Math.min(ty[i]!, y.domain()[1]!)))(Array.from(tx.keys()));
            return (
              <path
                key={`t-${s.init}`}
                className={`spectrum-theory spectrum-${s.init}`}
                d={path ?? ''}
                data-testid={`spectrum-theory-${s.init}`}
              />
            );
          })}
          {spectra.flatMap((s) =>
            s.atoms
              .filter((a) => a.x >= xLo && a.x <= xHi)
              .map((a) => (
                <line
                  key={`a-${s.init}-${a.x}`}
                  className={`spectrum-atom spectrum-${s.init}`}
                  x1={x(a.x)}
                  x2={x(a.x)}
                  y1={innerHeight}
                  y2={0}
                  data-testid={`spectrum-atom-${s.init}`}
                >
                  <title>
                    theory: a point mass of {formatQuantity(a.weight * 100, 3)}% at {formatQuantity(a.x)}
                  </title>
                </line>
              )),
          )}
          <g ref={xAxisRef} transform={`translate(0,${innerHeight})`} />
          <g ref={yAxisRef} />
          <text className="axis-title" x={innerWidth / 2} y={innerHeight + 34} textAnchor="middle">
            {variableLabel}
            {scale === 'log' ? ', log scale' : ''}
          </text>
          <text
            className="axis-title"
            transform={`translate(${-MARGIN.left + 14},${innerHeight / 2}) rotate(-90)`}
            textAnchor="middle"
          >
            {densityLabel}
          </text>
        </g>
      </svg>
      <ul className="legend spectrum-legend">
        {spectra.map((s) => (
          <li key={s.init}>
            <span className={`swatch spectrum-${s.init}`} aria-hidden="true" />
            {INIT_LABEL[s.init]}: {s.histogram.total} values from {s.stats.runs} network
            {s.stats.runs > 1 ? 's' : ''}
            {s.histogram.excluded > 0 && ` (${s.histogram.excluded} off the axis)`}; line: theory
            {s.theory && 'unavailable' in s.theory && (
              <span className="spectrum-unavailable" role="note">
                {' '}
                — theory unavailable here: {s.theory.unavailable}
              </span>
            )}
            {s.atZero > 0 && ` · theory puts ${formatQuantity(s.atZero * 100, 3)}% at σ = 0`}
            {s.offGrid > 1e-3 &&
              ` · ${formatQuantity(s.offGrid * 100, 3)}% of theory’s mass lies beyond double precision`}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Scrubber({
  snapshots,
  index,
  onPick,
}: {
  snapshots: readonly SpectrumSnapshot[];
  index: number;
  onPick: (i: number) => void;
}) {
  const snapshot = snapshots[index]!;
  return (
    <label className="scrubber">
      <span>
        snapshot at step <strong data-testid="spectrum-step">{snapshot.step}</strong> ({index + 1} of{' '}
        {snapshots.length}
        {index === snapshots.length - 1 ? ', newest' : ''}; {formatQuantity(snapshot.seconds, 2)} s to
        compute)
      </span>
      <input
        type="range"
        min={0}
        max={snapshots.length - 1}
        step={1}
        value={index}
        aria-label="spectrum snapshot"
        onChange={(e) => onPick(Number(e.target.value))}
        disabled={snapshots.length < 2}
      />
    </label>
  );
}

function SpectrumTable({
  spectra,
  moments,
  depth,
  probe,
}: {
  spectra: InitSpectrum[];
  moments: ReturnType<typeof jacobianMoments> | null;
  depth: number;
  probe: JacobianProbe;
}) {
  return (
    <table className="numbers spectrum-table">
      <caption>
        J over {depth} square layers D^l W^l at{' '}
        {probe === 'data'
          ? 'a held-out example (theory assumes variance q* in every layer, which a real input only approaches)'
          : 'the fixed-point probe'}
        ; measured (mean over seeds) and theory (infinite width)
      </caption>
      <thead>
        <tr>
          <th scope="col" />
          {spectra.map((s) => (
            <th key={s.init} scope="col" colSpan={2}>
              {INIT_LABEL[s.init]}
            </th>
          ))}
        </tr>
        <tr>
          <th scope="col" />
          {spectra.map((s) => [<th key={`${s.init}-m`}>measured</th>, <th key={`${s.init}-t`}>theory</th>])}
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">mean of σ²</th>
          {spectra.map((s) => [
            <td key={`${s.init}-m`} data-testid={`spectrum-mean-${s.init}`}>
              {formatQuantity(s.stats.meanSq)}
            </td>,
            <td key={`${s.init}-t`}>{moments ? formatQuantity(moments[s.init].meanSq) : '—'}</td>,
          ])}
        </tr>
        <tr>
          <th scope="row">variance of σ²</th>
          {spectra.map((s) => [
            <td key={`${s.init}-m`} data-testid={`spectrum-variance-${s.init}`}>
              {formatQuantity(s.stats.variance)}
            </td>,
            <td key={`${s.init}-t`}>{moments ? formatQuantity(moments[s.init].variance) : '—'}</td>,
          ])}
        </tr>
        <tr>
          <th scope="row">s_max</th>
          {spectra.map((s) => [
            <td key={`${s.init}-m`}>{formatQuantity(s.stats.sMax)}</td>,
            <td key={`${s.init}-t`} />,
          ])}
        </tr>
        <tr>
          <th scope="row">condition number</th>
          {spectra.map((s) => [
            <td key={`${s.init}-m`}>{formatQuantity(s.stats.conditionNumber)}</td>,
            <td key={`${s.init}-t`} />,
          ])}
        </tr>
      </tbody>
    </table>
  );
}
