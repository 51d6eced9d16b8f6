import { useEffect, useState } from 'react';
import { useTraining, type TrainingView } from '../../state/training.ts';

/**
 * The training view, re-read at most once per animation frame however often the worker appends:
 * each `revision` bump schedules one frame, and the series are read in place, never copied.
 */
export function useTrainingPerFrame(): TrainingView {
  const [view, setView] = useState(() => useTraining.getState());
  useEffect(() => {
    let frame = 0;
    const flush = () => {
      frame = 0;
      setView(useTraining.getState());
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(flush);
    };
    const unsubscribe = useTraining.subscribe(schedule);
    // Catch up with anything appended between the first render and this subscription.
    schedule();
    return () => {
      unsubscribe();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, []);
  return view;
}
