import { useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { PARAMS, fromSliderPosition, toSliderPosition } from '../../config/index.ts';
import { useLab } from '../../state/store.ts';
import { getActivation, meanFieldPoint, type MeanFieldPoint } from '../../theory/index.ts';
import { ParamControl } from '../../ui/ParamControl.tsx';
import { formatQuantity } from '../../ui/format.ts';
import { useElementWidth } from '../../ui/useElementWidth.ts';
import type { DiagramGrid } from '../../worker/theoryProtocol.ts';
import { useTheory, type TheoryState } from '../../worker/useTheory.ts';
import { Annotations } from './Annotations.tsx';
import { Axes } from './Axes.tsx';
import { ColourBar } from './ColourBar.tsx';
import { Heatmap } from './Heatmap.tsx';
import { MARGIN, diagramGeometry, gridSpec, pointToValues } from './geometry.ts';
import { QUANTITY_VIEWS } from './quantities.ts';
import { MNIST_ROWS } from '../../engine/rnn/sequence.ts';

export function PhaseDiagramPanel() {
  const { act, sw2, sb2, L: layers, pd, pdy, arch } = useLab((s) => s.config);
  // The recurrent network's depth is its 28 time steps through one W (L is not used there).
  const L = arch === 'rnn' ? MNIST_ROWS.steps : layers;
  const update = useLab((s) => s.update);
  const containerRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(containerRef, 720);
  const geometry = useMemo(() => diagramGeometry(width, pdy), [width, pdy]);
  const spec = useMemo(() => gridSpec(act, pdy), [act, pdy]);
  const state = useTheory('phase-grid', spec);
  const diagram =
    state.status === 'ready'
      ? state.result
      : state.status === 'computing' && state.previous?.grid.spec.sb2.scale === pdy
        ? state.previous
        : null;
  const view = QUANTITY_VIEWS[pd];
  const [hover, setHover] = useState<{ sw2: number; sb2: number } | null>(null);
  const hoverPoint = useMemo(() => (hover ? meanFieldPoint(act, hover.sw2, hover.sb2) : null), [hover, act]);
  const dragging = useRef(false);

  const setFromPointer = (event: PointerEvent<SVGRectElement>, commit: boolean) => {
    const box = event.currentTarget.getBoundingClientRect();
    const values = pointToValues(geometry, event.clientX - box.left, event.clientY - box.top);
    setHover(values);
    if (commit) update(values);
  };

  const onKeyDown = (event: KeyboardEvent<SVGSVGElement>) => {
    const coarse = event.shiftKey ? 10 : 1;
    const sb2Step = (direction: number) =>
      fromSliderPosition(PARAMS.sb2, toSliderPosition(PARAMS.sb2, sb2) + direction * 10 * coarse);
    const moves: Record<string, () => void> = {
      ArrowLeft: () => update({ sw2: sw2 - 0.01 * coarse }),
      ArrowRight: () => update({ sw2: sw2 + 0.01 * coarse }),
      ArrowUp: () => update({ sb2: sb2Step(1) }),
      ArrowDown: () => update({ sb2: sb2Step(-1) }),
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      move();
    }
  };

  const markerY = Math.max(geometry.y.domain()[0]!, sb2);
  const markerBelowAxis = sb2 < geometry.y.domain()[0]!;

  return (
    <section className="panel phase-panel" aria-labelledby="phase-title">
      <header className="panel-head">
        <h2 id="phase-title">Order–chaos phase diagram · {getActivation(act).label}</h2>
        <div className="panel-options">
          <ParamControl paramKey="pd" />
          <ParamControl paramKey="pdy" />
        </div>
      </header>
      <div
        ref={containerRef}
        className="diagram"
        data-testid="phase-diagram"
        data-status={state.status}
        data-act={diagram?.grid.spec.act}
        style={{ height: geometry.height }}
      >
        <div
          className="plot-area"
          style={{
            left: MARGIN.left,
            top: MARGIN.top,
            width: geometry.innerWidth,
            height: geometry.innerHeight,
          }}
        >
          {diagram && (
            <Heatmap grid={diagram.grid} view={view} geometry={geometry} dimmed={state.status !== 'ready'} />
          )}
        </div>
        <svg
          className="diagram-overlay"
          width={geometry.width}
          height={geometry.height}
          tabIndex={0}
          role="group"
          aria-label="Phase diagram: click or drag to set σ_w² and σ_b²; arrow keys move the point"
          onKeyDown={onKeyDown}
        >
          <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
            <Axes geometry={geometry} scale={pdy} />
            {diagram && <Annotations diagram={diagram} geometry={geometry} depth={L} />}
            {hover && (
              <g className="crosshair" pointerEvents="none">
                <line
                  x1={geometry.x(hover.sw2)}
                  x2={geometry.x(hover.sw2)}
                  y1={0}
                  y2={geometry.innerHeight}
                />
                <line
                  x1={0}
                  x2={geometry.innerWidth}
                  y1={geometry.y(Math.max(hover.sb2, geometry.y.domain()[0]!))}
                  y2={geometry.y(Math.max(hover.sb2, geometry.y.domain()[0]!))}
                />
              </g>
            )}
            <g
              className="marker"
              data-testid="phase-marker"
              data-sw2={sw2}
              data-sb2={sb2}
              transform={`translate(${geometry.x(sw2)},${geometry.y(markerY)})`}
              pointerEvents="none"
            >
              {markerBelowAxis ? <path d="M-7,-12 L7,-12 L0,0 Z" /> : <circle r={7} />}
              <title>
                current point σ_w² = {sw2}, σ_b² = {sb2}
                {markerBelowAxis ? ' (below the log axis)' : ''}
              </title>
            </g>
            <rect
              className="pointer-capture"
              data-testid="phase-capture"
              width={geometry.innerWidth}
              height={geometry.innerHeight}
              onPointerDown={(e) => {
                dragging.current = true;
                e.currentTarget.setPointerCapture(e.pointerId);
                setFromPointer(e, true);
              }}
              onPointerMove={(e) => setFromPointer(e, dragging.current)}
              onPointerUp={() => {
                dragging.current = false;
              }}
              onPointerLeave={() => !dragging.current && setHover(null)}
            />
          </g>
        </svg>
        <GridStatus state={state} act={act} />
      </div>
      <div className="diagram-foot">
        <div>
          <p className="colour-title">{view.title}</p>
          <ColourBar view={view} width={Math.min(360, geometry.innerWidth - 40)} />
        </div>
        <ul className="legend">
          <li>
            <svg width="28" height="10" aria-hidden="true">
              <line className="critical-line" x1="2" x2="26" y1="5" y2="5" />
            </svg>
            critical line χ₁ = 1
          </li>
          <li>
            <svg width="28" height="10" aria-hidden="true">
              <line className="trainable-line" x1="2" x2="26" y1="5" y2="5" />
            </svg>
            {arch === 'rnn'
              ? `trainable over T = ${L} time steps (T ≤ 6 ξ_c; the layered theory, a guide for the recurrent W)`
              : `trainable at depth L = ${L} (L ≤ 6 ξ_c)`}
          </li>
          <li>
            <svg width="28" height="14" aria-hidden="true">
              <circle className="legend-marker" cx="14" cy="7" r="5" />
            </svg>
            current (σ_w², σ_b²)
          </li>
        </ul>
      </div>
      <HoverReadout point={hoverPoint} />
    </section>
  );
}

function GridStatus({ state, act }: { state: TheoryState<DiagramGrid>; act: string }) {
  if (state.status === 'ready') return null;
  if (state.status === 'error') {
    return (
      <p className="diagram-status error" role="alert">
        The phase diagram could not be computed: {state.message}
      </p>
    );
  }
  return (
    <p className="diagram-status" role="status">
      Computing the mean-field map for {act}…
    </p>
  );
}

function HoverReadout({ point }: { point: MeanFieldPoint | null }) {
  return (
    <p className="hover-readout" data-testid="hover-readout" aria-live="off">
      {point ? (
        <>
          At σ_w² = {formatQuantity(point.sw2)}, σ_b² = {formatQuantity(point.sb2)}: q* ={' '}
          {formatQuantity(point.qStar)}, χ₁ = {formatQuantity(point.chi1)}, ξ_c = {formatQuantity(point.xiC)}{' '}
          layers · {point.phase}
        </>
      ) : (
        'Hover over the diagram to read q*, χ₁ and ξ_c; click or drag to move the network there.'
      )}
    </p>
  );
}
