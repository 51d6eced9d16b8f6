import { useEffect, useState } from 'react';
import type { PhaseGridSpec } from '../../theory/index.ts';
import type { DiagramGrid } from '../../worker/phaseGridProtocol.ts';
import { phaseGridClient } from '../../worker/phaseGridClient.ts';

export type GridState =
  | { readonly status: 'computing'; readonly previous: DiagramGrid | null }
  | { readonly status: 'ready'; readonly diagram: DiagramGrid }
  | { readonly status: 'error'; readonly message: string };

type Outcome = { readonly spec: PhaseGridSpec } & (
  { readonly diagram: DiagramGrid } | { readonly error: string }
);

/** The diagram data for a spec, computed in the theory worker; the last map stays visible meanwhile. */
export function usePhaseGrid(spec: PhaseGridSpec): GridState {
  const [latest, setLatest] = useState<Outcome | null>(null);
  useEffect(() => {
    if (phaseGridClient.cached(spec)) return;
    let current = true;
    phaseGridClient.evaluate(spec).then(
      (diagram) => current && setLatest({ spec, diagram }),
      (error: Error) => current && setLatest({ spec, error: error.message }),
    );
    return () => {
      current = false;
    };
  }, [spec]);

  const hit = phaseGridClient.cached(spec);
  if (hit) return { status: 'ready', diagram: hit };
  if (latest?.spec === spec && 'error' in latest) return { status: 'error', message: latest.error };
  return { status: 'computing', previous: latest && 'diagram' in latest ? latest.diagram : null };
}
