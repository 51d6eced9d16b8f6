import type { ReactNode } from 'react';
import type { JacobianProbe } from '../../engine/jacobianSummary.ts';
import type { JacobianMoments, MaxSingularValueSquared, WeightInit } from '../../theory/index.ts';
import { formatQuantity } from '../../ui/format.ts';
import type { JacobianDepth } from './jacobianDepth.ts';
import type { InitSpectrum } from './model.ts';
import { INIT_LABEL } from './SpectrumChart.tsx';
import { intervalText } from './intervalText.ts';
import { spreadNote, type DrawStatus } from './spreadNote.ts';
import type { Spread, SpreadStatistic } from './spread.ts';

/** Theory at the shared depth; null where there is none (no square layer). */
export interface SpectrumTheory {
  readonly moments: JacobianMoments | null;
  /** s²_max for piecewise-linear φ (a large-L formula); null for smooth φ. */
  readonly sMaxSquared: MaxSingularValueSquared | null;
}

/** What the grey intervals under the measured values are, in a few words (the column's head). */
function spreadTag(spread: Spread): string {
  if (spread.source === 'bootstrap') return '90% bootstrap';
  return spread.source === 'seeds' ? `range of ${spread.count} seeds` : `range of ${spread.count}`;
}

function Measured({
  spectrum,
  statistic,
  testId,
}: {
  spectrum: InitSpectrum;
  statistic: SpreadStatistic;
  testId?: string;
}) {
  const interval = spectrum.spread?.intervals[statistic] ?? null;
  return (
    <td>
      <span data-testid={testId}>{formatQuantity(spectrum.stats[statistic])}</span>
      {interval && spectrum.spread && (
        <span className="spectrum-spread" data-testid={`spectrum-spread-${statistic}-${spectrum.init}`}>
          {intervalText(interval)}
        </span>
      )}
    </td>
  );
}

function Row({
  label,
  spectra,
  statistic,
  theory,
  testIds = false,
}: {
  label: ReactNode;
  spectra: InitSpectrum[];
  statistic: SpreadStatistic;
  theory: (init: WeightInit) => ReactNode;
  testIds?: boolean;
}) {
  const id = statistic === 'meanSq' ? 'mean' : statistic;
  return (
    <tr>
      <th scope="row">{label}</th>
      {spectra.map((s) => [
        <Measured
          key={`${s.init}-m`}
          spectrum={s}
          statistic={statistic}
          {...(testIds ? { testId: `spectrum-${id}-${s.init}` } : {})}
        />,
        <td
          key={`${s.init}-t`}
          className="spectrum-theory-value"
          data-testid={`spectrum-theory-${id}-${s.init}`}
        >
          {theory(s.init)}
        </td>,
      ])}
    </tr>
  );
}

/**
 * Measured moments with their spread next to theory, at the depth both panels share
 * (jacobianDepth), and a line saying what the spread is.
 */
export function SpectrumTable({
  spectra,
  theory,
  depth,
  probe,
  draws,
}: {
  spectra: InitSpectrum[];
  theory: SpectrumTheory;
  depth: JacobianDepth;
  probe: JacobianProbe;
  draws: DrawStatus;
}) {
  const { moments, sMaxSquared } = theory;
  const momentTheory = (key: 'meanSq' | 'variance') => (init: WeightInit) =>
    moments ? formatQuantity(moments[init][key]) : '—';
  return (
    <>
      <table className="numbers spectrum-table">
        <caption>
          <span data-testid="spectrum-depth-note">{depth.note}</span> J = ∏ D^l W^l at{' '}
          {probe === 'data'
            ? 'a held-out example (theory assumes variance q* in every layer, which a real input only approaches)'
            : 'the fixed-point probe'}
          ; measured (mean over seeds) and theory (infinite width).
        </caption>
        <thead>
          <tr>
            <td />
            {spectra.map((s) => (
              <th key={s.init} scope="col" colSpan={2}>
                {INIT_LABEL[s.init]}
              </th>
            ))}
          </tr>
          <tr>
            <td />
            {spectra.map((s) => [
              <th key={`${s.init}-m`} scope="col">
                measured
                {s.spread && (
                  <span className="spectrum-spread" data-testid={`spectrum-spread-kind-${s.init}`}>
                    {spreadTag(s.spread)}
                  </span>
                )}
              </th>,
              <th key={`${s.init}-t`} scope="col">
                theory
              </th>,
            ])}
          </tr>
        </thead>
        <tbody>
          <Row
            label="mean of σ²"
            spectra={spectra}
            statistic="meanSq"
            theory={momentTheory('meanSq')}
            testIds
          />
          <Row
            label="variance of σ²"
            spectra={spectra}
            statistic="variance"
            theory={momentTheory('variance')}
            testIds
          />
          <Row
            label="s_max"
            spectra={spectra}
            statistic="sMax"
            theory={(init) =>
              sMaxSquared ? (
                <span title="large-depth formula for piecewise-linear φ (THEORY.md §3)">
                  {formatQuantity(Math.sqrt(sMaxSquared[init]))}
                </span>
              ) : (
                '—'
              )
            }
          />
          <Row label="condition number" spectra={spectra} statistic="conditionNumber" theory={() => '—'} />
        </tbody>
      </table>
      <p className="spectrum-spread-note" data-testid="spectrum-spread-note">
        {spreadNote(spectra, draws, depth.width)}
      </p>
    </>
  );
}
