import { paramsInGroup } from '../config/index.ts';
import { CostReadout } from './CostReadout.tsx';
import { ParamControl } from './ParamControl.tsx';

/** The parameter controls in schema order: the network at initialization, then its training. */
export function ControlPanel() {
  return (
    <aside className="panel controls" aria-label="Parameters">
      <h2>Network at initialization</h2>
      {paramsInGroup('meanField').map((key) => (
        <ParamControl key={key} paramKey={key} />
      ))}
      {paramsInGroup('network').map((key) => (
        <ParamControl key={key} paramKey={key} />
      ))}
      <h2>Training</h2>
      {paramsInGroup('training').map((key) => (
        <ParamControl key={key} paramKey={key} />
      ))}
      <ParamControl paramKey="backend" />
      <CostReadout />
    </aside>
  );
}
