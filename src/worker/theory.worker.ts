/// <reference lib="webworker" />
import { drawInitJacobian } from '../engine/jacobianDraws.ts';
import { criticalLine, evaluatePhaseGrid, jacobianDensity } from '../theory/index.ts';
import type { TheoryEvent, TheoryRequest } from './theoryProtocol.ts';

/**
 * Heavy theory off the main thread (phase grids, spectral densities), so no slider ever waits; and
 * extra networks at initialization for the spread of the spectrum's moments, so that they never
 * hold up training (the training worker has work enough).
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;

function buffersOf(value: object): ArrayBuffer[] {
  return Object.values(value)
    .filter((v): v is Float64Array => v instanceof Float64Array)
    .map((a) => a.buffer as ArrayBuffer);
}

scope.onmessage = (event: MessageEvent<TheoryRequest>) => {
  const request = event.data;
  const { requestId } = request;
  try {
    let reply: TheoryEvent;
    let transfer: Transferable[];
    if (request.job === 'phase-grid') {
      const grid = evaluatePhaseGrid(request.spec);
      const criticalSw2 = criticalLine(request.spec.act, grid.sb2Values);
      reply = { type: 'result', job: 'phase-grid', requestId, result: { grid, criticalSw2 } };
      transfer = [...buffersOf(grid), criticalSw2.buffer as ArrayBuffer];
    } else if (request.job === 'jacobian-draw') {
      reply = { type: 'result', job: 'jacobian-draw', requestId, result: drawInitJacobian(request.spec) };
      transfer = [];
    } else {
      const { act, sw2, sb2, depth, init } = request.spec;
      const result = jacobianDensity(act, sw2, sb2, depth, init);
      reply = { type: 'result', job: 'density', requestId, result };
      transfer = buffersOf(result);
    }
    scope.postMessage(reply, transfer);
  } catch (error) {
    const reply: TheoryEvent = {
      type: 'error',
      requestId,
      message: error instanceof Error ? error.message : String(error),
    };
    scope.postMessage(reply);
  }
};
