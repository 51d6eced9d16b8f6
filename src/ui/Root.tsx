import { SweepForm } from '../panels/sweep/SweepForm.tsx';
import { SweepPanel } from '../panels/sweep/SweepPanel.tsx';
import { GalleryView } from '../gallery/GalleryView.tsx';
import { App } from './App.tsx';
import { ExperimentsView } from './ExperimentsView.tsx';
import { useView } from './route.ts';
import { Toolbar } from './Toolbar.tsx';
import './views.css';

/** The view the link asks for (src/ui/route.ts): the lab, a sweep, or the Experiments view. */
export function Root() {
  const view = useView((s) => s.view);
  if (view === 'lab') return <App />;
  return (
    <div className="app">
      <Toolbar />
      <main className="page-view">
        {view === 'sweep' ? (
          <>
            <SweepForm />
            <SweepPanel />
          </>
        ) : view === 'gallery' ? (
          <GalleryView />
        ) : (
          <ExperimentsView />
        )}
      </main>
    </div>
  );
}
