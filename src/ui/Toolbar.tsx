import { toQuery } from '../config/index.ts';
import { ShareMenu } from '../export/ShareMenu.tsx';
import { LectureButton } from '../lecture/LectureButton.tsx';
import { useLab } from '../state/store.ts';
import { useSweep } from '../state/sweep.ts';
import { PresetMenu } from './PresetMenu.tsx';
import {
  EXPERIMENTS_QUERY,
  GALLERY_QUERY,
  SWEEP_VIEW_QUERY,
  followLink,
  useView,
  type ViewName,
} from './route.ts';
import './toolbar.css';
import './views.css';

/** Title, the views (lab, sweep, experiments), presets and the share button. */
export function Toolbar() {
  const view = useView((s) => s.view);
  return (
    <header className="toolbar">
      <div className="brand">
        <h1>Isometry Lab</h1>
        <p>How weight initialization decides whether deep networks can learn</p>
      </div>
      <ViewTabs view={view} />
      <PresetMenu />
      {view === 'lab' && <LectureButton />}
      <ShareMenu lab={view === 'lab'} />
    </header>
  );
}

/** Links, so that each view can be opened in a new tab; a plain click switches in place. */
function ViewTabs({ view }: { readonly view: ViewName }) {
  const config = useLab((s) => s.config);
  const sweepLink = useSweep((s) => (s.origin === 'computed' && s.query ? s.query : SWEEP_VIEW_QUERY));
  const tabs: { view: ViewName; label: string; href: string }[] = [
    { view: 'lab', label: 'Lab', href: toQuery(config) },
    { view: 'gallery', label: 'Gallery', href: GALLERY_QUERY },
    { view: 'sweep', label: 'Sweep', href: sweepLink },
    { view: 'experiments', label: 'Experiments', href: EXPERIMENTS_QUERY },
  ];
  return (
    <nav className="view-tabs" aria-label="Views">
      {tabs.map((tab) => (
        <a
          key={tab.view}
          href={tab.href}
          aria-current={tab.view === view ? 'page' : undefined}
          data-testid={`view-tab-${tab.view}`}
          onClick={followLink(tab.href)}
        >
          {tab.label}
        </a>
      ))}
    </nav>
  );
}
