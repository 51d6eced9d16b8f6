import { LossPanel } from '../panels/loss/LossPanel.tsx';
import { NtkPanel } from '../panels/ntk/NtkPanel.tsx';
import { SignalPanel } from '../panels/signal/SignalPanel.tsx';
import { SpectrumPanel } from '../panels/spectrum/SpectrumPanel.tsx';
import { WeightsPanel } from '../panels/weights/WeightsPanel.tsx';
import { PhaseDiagramPanel } from '../panels/phaseDiagram/PhaseDiagramPanel.tsx';
import { TheoryReadout } from '../panels/TheoryReadout.tsx';
import { ControlPanel } from './ControlPanel.tsx';
import { NoticeBanner } from './NoticeBanner.tsx';
import { PanelBoundary } from './PanelBoundary.tsx';
import { Toolbar } from './Toolbar.tsx';
import { TrainingBar } from './TrainingBar.tsx';
import { CaptionBar } from '../lecture/CaptionBar.tsx';
import { showsAll } from '../lecture/controls.ts';
import { focusLayoutClass } from '../lecture/focus.ts';
import { HelpOverlay } from '../lecture/HelpOverlay.tsx';
import { useShortcuts } from '../lecture/useShortcuts.ts';
import { usePresentation } from '../state/presentation.ts';
import './lecture.css';

/**
 * The lab view. Lecture mode (`.app.lecture`, src/ui/lecture.css) adds the caption bar, larger
 * type and fewer controls; enlarged panels (`layout-focus-1|2`) lead the grid or, in lecture mode,
 * are the only ones shown. The keyboard shortcuts work anywhere in this view.
 */
export function App() {
  const lecture = usePresentation((s) => s.lecture);
  const focus = usePresentation((s) => s.focus);
  const allControls = usePresentation((s) => showsAll(s.show));
  useShortcuts();
  // `all-controls`: lecture mode shows the panels' view options too (lecture.css).
  const mode = lecture ? (allControls ? 'lecture all-controls' : 'lecture') : '';
  return (
    <div className={['app', mode].filter(Boolean).join(' ')}>
      <Toolbar />
      {lecture && <CaptionBar />}
      <NoticeBanner />
      <main className={['layout', focusLayoutClass(focus)].filter(Boolean).join(' ')}>
        <ControlPanel />
        <PanelBoundary id="phase">
          <PhaseDiagramPanel />
        </PanelBoundary>
        <section className="training-area" aria-label="Training">
          <TrainingBar />
          <PanelBoundary id="training">
            <LossPanel />
          </PanelBoundary>
        </section>
        <PanelBoundary id="spectrum">
          <SpectrumPanel />
        </PanelBoundary>
        <PanelBoundary id="signal">
          <SignalPanel />
        </PanelBoundary>
        <PanelBoundary id="weights">
          <WeightsPanel />
        </PanelBoundary>
        <PanelBoundary id="readout">
          <TheoryReadout />
        </PanelBoundary>
        <PanelBoundary id="ntk">
          <NtkPanel />
        </PanelBoundary>
      </main>
      <HelpOverlay />
    </div>
  );
}
