import { ChangeChart } from './ChangeChart.tsx';
import { CurvatureScatter } from './CurvatureScatter.tsx';
import { CurvesChart } from './CurvesChart.tsx';
import type { SweepChartProps, SweepDrawing } from './drawing.ts';
import { LambdaChart } from './LambdaChart.tsx';
import { SampleSizeChart } from './SampleSizeChart.tsx';
import { SingularValuesChart } from './SingularValuesChart.tsx';
import { TauChart } from './TauChart.tsx';
import './sweep.css';

/** The chart of each kind; a kind whose axes are missing falls back to the loss curves. */
function MainChart({ drawing, compact = false }: SweepChartProps) {
  const hasAxes = drawing.axes.length > 0;
  switch (drawing.kind) {
    case 'change-vs-width':
      return hasAxes ? (
        <ChangeChart drawing={drawing} compact={compact} />
      ) : (
        <CurvesChart drawing={drawing} compact={compact} />
      );
    case 'tau-vs-x':
      return hasAxes ? (
        <TauChart drawing={drawing} compact={compact} />
      ) : (
        <CurvesChart drawing={drawing} compact={compact} />
      );
    case 'curvature-scatter':
      return <CurvatureScatter drawing={drawing} compact={compact} />;
    case 'singular-values':
      return <SingularValuesChart drawing={drawing} compact={compact} />;
    case 'error-vs-n':
      return <SampleSizeChart drawing={drawing} compact={compact} />;
    case 'curves':
      return <CurvesChart drawing={drawing} compact={compact} />;
  }
}

/**
 * Whether the curves carry λ_max along training, worth a chart of its own: more than the two
 * measurements (step 0 and the last) of a run that only measures its initialization.
 */
function hasCurvatureCurves(drawing: SweepDrawing): boolean {
  return drawing.curves.some((curve) => (curve.lambdaMax?.length ?? 0) > 2);
}

/**
 * A sweep drawn as its chart kind calls for; `compact` for the Experiments view's cards. A sweep
 * that measured curvature along training also shows λ_max against steps (Sokół & Park's Figs. 1
 * and 3, or 2 and 3, are one run).
 */
export function SweepChart({ drawing, compact = false }: SweepChartProps) {
  return (
    <>
      <MainChart drawing={drawing} compact={compact} />
      {hasCurvatureCurves(drawing) && <LambdaChart drawing={drawing} compact={compact} />}
    </>
  );
}
