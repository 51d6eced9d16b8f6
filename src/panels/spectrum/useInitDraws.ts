import { useEffect, useMemo, useState } from 'react';
import type { InitDraw } from '../../engine/jacobianDraws.ts';
import type { SpectrumSummary } from '../../engine/jacobianSummary.ts';
import type { WeightInit } from '../../theory/index.ts';
import { theoryClient } from '../../worker/theoryClient.ts';
import type { DrawPlan } from './initDraws.ts';

export interface InitDraws {
  readonly byInit: Partial<Record<WeightInit, readonly SpectrumSummary[]>>;
  readonly done: number;
  readonly planned: number;
  readonly error: string | null;
}

type PlannedDraws = Extract<DrawPlan, { spec: unknown }>;

const NONE: InitDraws = { byInit: {}, done: 0, planned: 0, error: null };

/**
 * The plan's draws from the theory worker, one request at a time so that a changed configuration
 * leaves at most one stale draw running; results arrive one by one and the interval widens as
 * they do. Pass null until the first spectrum has arrived, so that the draws never compete with
 * the first training steps.
 */
export function useInitDraws(plan: DrawPlan | null): InitDraws {
  const key = plan && 'spec' in plan ? JSON.stringify(plan) : null;
  const [state, setState] = useState<{ key: string; draws: InitDraw[]; error: string | null } | null>(null);
  useEffect(() => {
    if (key === null) return;
    // The key is the plan itself: equal plans (a new object on every render) draw once.
    const { spec, firstSeed, count } = JSON.parse(key) as PlannedDraws;
    let live = true;
    const run = async () => {
      const draws: InitDraw[] = [];
      for (let k = 0; k < count && live; k++) {
        draws.push(await theoryClient.run('jacobian-draw', { ...spec, seed: firstSeed + k }));
        if (live) setState({ key, draws: [...draws], error: null });
      }
    };
    run().catch(
      (error: Error) =>
        live && setState((s) => ({ key, draws: s?.key === key ? s.draws : [], error: error.message })),
    );
    return () => {
      live = false;
    };
  }, [key]);
  const current = state?.key === key ? state : null;
  return useMemo(() => {
    if (key === null) return NONE;
    const { spec, count } = JSON.parse(key) as PlannedDraws;
    const draws = current?.draws ?? [];
    const byInit: Partial<Record<WeightInit, SpectrumSummary[]>> = {};
    for (const init of spec.inits) byInit[init] = draws.map((d) => d[init]).filter((s) => s !== undefined);
    return { byInit, done: draws.length, planned: count, error: current?.error ?? null };
  }, [key, current]);
}
