import { Fragment } from 'react';
import { paramsInGroup, type ParamKey } from '../config/index.ts';
import { visibleControls } from '../lecture/controls.ts';
import { ShowAllControls } from '../lecture/ShowAllControls.tsx';
import { usePresentation } from '../state/presentation.ts';
import { CostReadout } from './CostReadout.tsx';
import { ParamControl } from './ParamControl.tsx';

/** The panel's sections in schema order: the network at initialization, then its training. */
const SECTIONS: readonly { readonly title: string; readonly keys: readonly ParamKey[] }[] = [
  { title: 'Network at initialization', keys: [...paramsInGroup('meanField'), ...paramsInGroup('network')] },
  { title: 'Training', keys: [...paramsInGroup('training'), 'backend'] },
];

const PANEL_CONTROLS: readonly ParamKey[] = SECTIONS.flatMap((section) => section.keys);

/**
 * The parameter controls. In lecture mode only those the link's `show` lists (a few by default),
 * with a switch to all of them; a section with none shown is left out.
 */
export function ControlPanel() {
  const lecture = usePresentation((s) => s.lecture);
  const show = usePresentation((s) => s.show);
  const visible = visibleControls(PANEL_CONTROLS, { lecture, show });
  const complete = visible.length === PANEL_CONTROLS.length;
  return (
    <aside className="panel controls" aria-label="Parameters" data-testid="controls">
      {lecture && <ShowAllControls />}
      {SECTIONS.map((section) => {
        const keys = section.keys.filter((key) => visible.includes(key));
        if (keys.length === 0) return null;
        return (
          <Fragment key={section.title}>
            <h2>{section.title}</h2>
            {keys.map((key) => (
              <ParamControl key={key} paramKey={key} />
            ))}
          </Fragment>
        );
      })}
      {complete && <CostReadout />}
    </aside>
  );
}
