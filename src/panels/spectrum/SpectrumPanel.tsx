import { useMemo, useState } from 'react';
import { useLab } from '../../state/store.ts';
import { useTraining, type SpectrumSnapshot } from '../../state/training.ts';
import { jacobianMoments, sMaxSquared, type JacobianDensity } from '../../theory/index.ts';
import { ParamControl } from '../../ui/ParamControl.tsx';
import { formatQuantity } from '../../ui/format.ts';
import type { DensitySpec } from '../../worker/theoryProtocol.ts';
import { useTheory } from '../../worker/useTheory.ts';
import { initDrawPlan } from './initDraws.ts';
import { jacobianDepth } from './jacobianDepth.ts';
import { buildSpectra } from './model.ts';
import { SpectrumChart } from './SpectrumChart.tsx';
import { SpectrumTable, type SpectrumTheory } from './SpectrumTable.tsx';
import { useInitDraws } from './useInitDraws.ts';
import './spectrum.css';

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
  const config = useLab((s) => s.config);
  const { act, sw2, sb2, sv, sx, init, L, N, data, dim } = config;
  const { snapshots, index, setIndex } = useSnapshot();
  const skipped = useTraining((s) => s.spectrumSkipped);
  const snapshot = snapshots[index];
  // The readout evaluates theory at this same depth (TheoryReadout: jacobianDepth).
  const depth = useMemo(() => jacobianDepth({ L, N, data, dim }), [L, N, data, dim]);
  const layers = snapshot && depth.layers > 0 ? depth.layers : null;
  const gaussianSpec = useMemo(
    () =>
      layers === null || init === 'orthogonal'
        ? null
        : { act, sw2, sb2, depth: layers, init: 'gaussian' as const },
    [act, sw2, sb2, layers, init],
  );
  const orthogonalSpec = useMemo(
    () =>
      layers === null || init === 'gaussian'
        ? null
        : { act, sw2, sb2, depth: layers, init: 'orthogonal' as const },
    [act, sw2, sb2, layers, init],
  );
  const gaussian = useDensity(gaussianSpec);
  const orthogonal = useDensity(orthogonalSpec);
  const theory: SpectrumTheory = useMemo(
    () =>
      layers === null
        ? { moments: null, sMaxSquared: null }
        : {
            moments: jacobianMoments(act, sw2, sb2, layers),
            sMaxSquared: sMaxSquared(act, sw2, sb2, layers),
          },
    [act, sw2, sb2, layers],
  );
  const probe = snapshot?.spectra[0]?.probe ?? 'fixed-point';
  // Extra networks at initialization, drawn once the first spectrum is in (never before the
  // first training steps), in the theory worker.
  const hasSpectrum = snapshots.length > 0;
  const initialProbe = snapshots[0]?.spectra[0]?.probe ?? 'fixed-point';
  const plan = useMemo(
    () => (hasSpectrum ? initDrawPlan(config, depth, initialProbe) : null),
    [hasSpectrum, config, depth, initialProbe],
  );
  const draws = useInitDraws(plan);
  const atInit = snapshot?.step === 0;
  const spectra = useMemo(
    () =>
      snapshot
        ? buildSpectra(snapshot.spectra, { gaussian, orthogonal }, sv, sx, {
            step: snapshot.step,
            draws: atInit ? draws.byInit : {},
          })
        : [],
    [snapshot, gaussian, orthogonal, sv, sx, atInit, draws.byInit],
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
            theory={theory}
            depth={depth}
            probe={probe}
            draws={{ plan, done: draws.done, error: draws.error, atInit }}
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
