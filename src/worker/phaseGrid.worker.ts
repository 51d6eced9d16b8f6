/// <reference lib="webworker" />
import { criticalLine, evaluatePhaseGrid } from '../theory/index.ts';
import type { PhaseGridEvent, PhaseGridRequest } from './phaseGridProtocol.ts';

/** Evaluates mean-field grids off the main thread, so that changing φ never freezes the page. */
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<PhaseGridRequest>) => {
  const { requestId, spec } = event.data;
  try {
    const grid = evaluatePhaseGrid(spec);
    const criticalSw2 = criticalLine(spec.act, grid.sb2Values);
    const reply: PhaseGridEvent = { type: 'grid', requestId, diagram: { grid, criticalSw2 } };
    const arrays = [
      grid.sw2Values,
      grid.sb2Values,
      grid.chi1,
      grid.xiC,
      grid.qStar,
      grid.trainableDepth,
      criticalSw2,
    ];
    scope.postMessage(
      reply,
      arrays.map((a) => a.buffer as ArrayBuffer),
    );
  } catch (error) {
    const reply: PhaseGridEvent = {
      type: 'error',
      requestId,
      message: error instanceof Error ? error.message : String(error),
    };
    scope.postMessage(reply);
  }
};
