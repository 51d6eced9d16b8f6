import { PARAMS, type ChoiceKey, type LabConfig } from '../config/index.ts';
import { useLab } from '../state/store.ts';

/** A labelled select for one choice parameter. */
export function ChoiceControl({ paramKey }: { paramKey: ChoiceKey }) {
  const param = PARAMS[paramKey];
  const value = useLab((s) => s.config[paramKey]);
  const update = useLab((s) => s.update);
  return (
    <div className="control">
      <label className="control-head">
        <span>{param.label}</span>
        <select value={value} onChange={(e) => update({ [paramKey]: e.target.value } as Partial<LabConfig>)}>
          {param.choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <p className="control-help">{param.help}</p>
    </div>
  );
}
