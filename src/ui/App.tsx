import { LossPanel } from '../panels/loss/LossPanel.tsx';
import { NtkPanel } from '../panels/ntk/NtkPanel.tsx';
import { SignalPanel } from '../panels/signal/SignalPanel.tsx';
import { SpectrumPanel } from '../panels/spectrum/SpectrumPanel.tsx';
import { WeightsPanel } from '../panels/weights/WeightsPanel.tsx';
import { PhaseDiagramPanel } from '../panels/phaseDiagram/PhaseDiagramPanel.tsx';
import { TheoryReadout } from '../panels/TheoryReadout.tsx';
import { ControlPanel } from './ControlPanel.tsx';
import { NoticeBanner } from './NoticeBanner.tsx';
import { Toolbar } from './Toolbar.tsx';
import { TrainingBar } from './TrainingBar.tsx';

export function App() {
  return (
    <div className="app">
      <Toolbar />
      <NoticeBanner />
      <main className="layout">
        <ControlPanel />
        <PhaseDiagramPanel />
        <section className="training-area" aria-label="Training">
          <TrainingBar />
          <LossPanel />
        </section>
        <SpectrumPanel />
        <SignalPanel />
        <WeightsPanel />
        <TheoryReadout />
        <NtkPanel />
      </main>
    </div>
  );
}
