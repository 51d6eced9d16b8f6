import { paramsInGroup } from '../config/index.ts';
import { ParamControl } from './ParamControl.tsx';

/** The controls of the mean-field parameters, in schema order. */
export function ControlPanel() {
  return (
    <aside className="panel controls" aria-label="Network parameters">
      <h2>Network at initialization</h2>
      {paramsInGroup('meanField').map((key) => (
        <ParamControl key={key} paramKey={key} />
      ))}
    </aside>
  );
}
