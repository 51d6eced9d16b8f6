import { useId, useState } from 'react';
import {
  PARAMS,
  SLIDER_STEPS,
  checkNumber,
  clip,
  formatValue,
  fromSliderPosition,
  isSliderKey,
  toSliderPosition,
  valueAfterKey,
  type NumberKey,
} from '../config/index.ts';
import { useLab } from '../state/store.ts';
import { unusedBecause } from './relevance.ts';

/**
 * A slider with a numeric entry for one number parameter. The entry commits on Enter or blur;
 * a value it cannot use is answered next to it and the last good value stays.
 */
export function NumberControl({ paramKey }: { paramKey: NumberKey }) {
  const param = PARAMS[paramKey];
  const value = useLab((s) => s.config[paramKey]);
  const update = useLab((s) => s.update);
  const [draft, setDraft] = useState<string | null>(null);
  // A message belongs to the value it answered; once the value moves on, it is stale and hidden.
  const [answer, setAnswer] = useState<{ text: string; forValue: number } | null>(null);
  const message = answer && answer.forValue === value ? answer.text : null;
  const helpId = useId();
  const messageId = useId();

  const commit = () => {
    if (draft === null) return;
    const checked = checkNumber(param, draft);
    setDraft(null);
    if (checked.fix?.kind === 'replaced') {
      setAnswer({
        text: `“${clip(draft)}” is not a number; kept ${formatValue(param, value)}.`,
        forValue: value,
      });
      return;
    }
    update({ [paramKey]: checked.value }, { exact: true });
    setAnswer(
      checked.fix ? { text: `${clip(draft)}: ${checked.fix.reason}.`, forValue: checked.value } : null,
    );
  };

  const unused = useLab((s) => unusedBecause(paramKey, s.config));
  const symbolLabel = param.label;
  return (
    <div className="control">
      <div className="control-head">
        <label htmlFor={`${helpId}-${param.entryOnly ? 'entry' : 'slider'}`}>{symbolLabel}</label>
        <input
          id={`${helpId}-entry`}
          className="control-entry"
          type="text"
          inputMode="decimal"
          role="spinbutton"
          aria-label={`${symbolLabel} value`}
          aria-valuenow={value}
          aria-valuemin={param.min}
          aria-valuemax={param.max}
          aria-invalid={message !== null}
          aria-describedby={message ? messageId : helpId}
          value={draft ?? formatValue(param, value)}
          disabled={unused !== null}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') setDraft(null);
          }}
        />
        {param.unit && <span className="control-unit">{param.unit}</span>}
      </div>
      {param.entryOnly ? (
        <button
          type="button"
          className="control-new-value"
          disabled={unused !== null}
          onClick={() => update({ [paramKey]: randomValue(param.min, param.max) }, { exact: true })}
        >
          New {symbolLabel}
        </button>
      ) : (
        <input
          id={`${helpId}-slider`}
          type="range"
          min={0}
          max={SLIDER_STEPS}
          step={1}
          aria-label={symbolLabel}
          aria-valuetext={`${formatValue(param, value)}${param.unit ? ` ${param.unit}` : ''}`}
          value={toSliderPosition(param, value)}
          disabled={unused !== null}
          onChange={(e) => update({ [paramKey]: fromSliderPosition(param, Number(e.target.value)) })}
          onKeyDown={(e) => {
            // The browser's step is one of 1000 positions: too small for whole numbers on a log track.
            if (!isSliderKey(e.key)) return;
            e.preventDefault();
            update({ [paramKey]: valueAfterKey(param, value, e.key) }, { exact: true });
          }}
        />
      )}
      <p id={helpId} className="control-help">
        {unused ?? param.help}
      </p>
      {message && (
        <p id={messageId} className="control-message" role="status">
          {message}
        </p>
      )}
    </div>
  );
}

/** A uniformly drawn whole number in [min, max] from the browser's cryptographic generator. */
function randomValue(min: number, max: number): number {
  const [draw] = crypto.getRandomValues(new Uint32Array(1));
  return min + (draw! % (max - min + 1));
}
