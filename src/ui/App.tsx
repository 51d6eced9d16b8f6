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

export function App() {
  return (
    <div className="app">
      <Toolbar />
      <NoticeBanner />
      <main className="layout">
        <ControlPanel />
        <PanelBoundary name="Order–chaos phase diagram">
          <PhaseDiagramPanel />
        </PanelBoundary>
        <section className="training-area" aria-label="Training">
          <TrainingBar />
          <PanelBoundary name="Training">
            <LossPanel />
          </PanelBoundary>
        </section>
        <PanelBoundary name="Jacobian spectrum">
          <SpectrumPanel />
        </PanelBoundary>
        <PanelBoundary name="Signal propagation">
          <SignalPanel />
        </PanelBoundary>
        <PanelBoundary name="Weights during training">
          <WeightsPanel />
        </PanelBoundary>
        <PanelBoundary name="Mean-field theory">
          <TheoryReadout />
        </PanelBoundary>
        <PanelBoundary name="Neural tangent kernel">
          <NtkPanel />
        </PanelBoundary>
      </main>
    </div>
  );
}
