import { ChangeChart } from './ChangeChart.tsx';
import { CurvesChart } from './CurvesChart.tsx';
import type { SweepDrawing } from './drawing.ts';
import { TauChart } from './TauChart.tsx';
import './sweep.css';

/** A sweep drawn as its chart kind calls for; `compact` for the Experiments view's cards. */
export function SweepChart({
  drawing,
  compact = false,
}: {
  readonly drawing: SweepDrawing;
  readonly compact?: boolean;
}) {
  if (drawing.kind === 'change-vs-width' && drawing.axes.length > 0)
    return <ChangeChart drawing={drawing} compact={compact} />;
  if (drawing.kind === 'tau-vs-x' && drawing.axes.length > 0)
    return <TauChart drawing={drawing} compact={compact} />;
  return <CurvesChart drawing={drawing} compact={compact} />;
}
