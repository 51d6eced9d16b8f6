import { useEffect, useState } from 'react';
import { theoryClient } from './theoryClient.ts';
import type { TheoryJob, TheoryJobs } from './theoryProtocol.ts';

export type TheoryState<R> =
  | { readonly status: 'computing'; readonly previous: R | null }
  | { readonly status: 'ready'; readonly result: R }
  | { readonly status: 'error'; readonly message: string };

type Outcome<J extends TheoryJob> = { readonly spec: TheoryJobs[J]['spec'] } & (
  { readonly result: TheoryJobs[J]['result'] } | { readonly error: string }
);

/**
 * The theory worker's answer for a spec (pass a memoized spec object); the last answer stays
 * available as `previous` while a new one is computed.
 */
export function useTheory<J extends TheoryJob>(
  job: J,
  spec: TheoryJobs[J]['spec'] | null,
): TheoryState<TheoryJobs[J]['result']> {
  const [latest, setLatest] = useState<Outcome<J> | null>(null);
  useEffect(() => {
    if (spec === null || theoryClient.cached(job, spec)) return;
    let current = true;
    theoryClient.run(job, spec).then(
      (result) => current && setLatest({ spec, result }),
      (error: Error) => current && setLatest({ spec, error: error.message }),
    );
    return () => {
      current = false;
    };
  }, [job, spec]);

  const hit = spec === null ? undefined : theoryClient.cached(job, spec);
  if (hit !== undefined) return { status: 'ready', result: hit };
  if (latest?.spec === spec && 'error' in latest) return { status: 'error', message: latest.error };
  return { status: 'computing', previous: latest && 'result' in latest ? latest.result : null };
}
