import { usePresentation } from '../state/presentation.ts';
import { setLecture } from './actions.ts';

/** Lecture mode on or off (also the L key and `lecture=1` in a link). */
export function LectureButton() {
  const lecture = usePresentation((s) => s.lecture);
  return (
    <button
      type="button"
      className="lecture-button"
      aria-pressed={lecture}
      title="Lecture mode: large type, the preset's caption, its panels enlarged (key L; ? lists all keys)"
      onClick={() => setLecture(!lecture)}
    >
      Lecture
    </button>
  );
}
