import { PhaseDiagramPanel } from '../panels/phaseDiagram/PhaseDiagramPanel.tsx';
import { TheoryReadout } from '../panels/TheoryReadout.tsx';
import { ControlPanel } from './ControlPanel.tsx';
import { NoticeBanner } from './NoticeBanner.tsx';
import { Toolbar } from './Toolbar.tsx';

export function App() {
  return (
    <div className="app">
      <Toolbar />
      <NoticeBanner />
      <main className="layout">
        <ControlPanel />
        <PhaseDiagramPanel />
        <TheoryReadout />
      </main>
    </div>
  );
}
