import { usePresentation } from '../state/presentation.ts';
import { showsAll, toggledShow } from './controls.ts';

/**
 * Lecture mode's switch between its few controls and all of them (the panels' view options
 * included); the choice goes into the link (`show`), so that a shared lecture link opens with the
 * same controls.
 */
export function ShowAllControls() {
  const show = usePresentation((s) => s.show);
  return (
    <button
      type="button"
      className="show-all-controls"
      aria-pressed={showsAll(show)}
      onClick={() => usePresentation.setState({ show: toggledShow(show) })}
    >
      Show all controls
    </button>
  );
}
