import { useMemo, useState } from 'react';
import { PARAMS, type LabConfig, type ParamKey } from '../../config/index.ts';
import { useLab } from '../../state/store.ts';
import { isSweepActive, useSweep } from '../../state/sweep.ts';
import { sweepDefinition, sweepQuery } from '../../sweep/definition.ts';
import type { SweepDefinition, SweepMeasure } from '../../sweep/types.ts';
import { navigate } from '../../ui/route.ts';
import { describeSweep, formatDuration, runCount } from './describe.ts';
import { predictedSweepSeconds } from './prediction.ts';
import { suggestedAxisValues, sweepableKeys } from './suggestedAxis.ts';
import './sweepForm.css';

interface AxisInput {
  readonly key: ParamKey | null;
  readonly values: string;
}

/**
 * A sweep set up by hand: one or two parameters of the Lab's configuration and their values, in
 * the grammar links use (checked as typed, by the same parser). Run opens the sweep's link, so
 * what runs is exactly what the address bar then shares.
 */
export function SweepForm() {
  const config = useLab((s) => s.config);
  const active = useSweep((s) => isSweepActive(s.phase));
  const shown = useSweep((s) => s.definition !== null || s.result !== null);
  const keys = useMemo(() => sweepableKeys(config), [config]);
  const [first, setFirst] = useState<AxisInput>(() => ({
    key: 'lr',
    values: suggestedAxisValues('lr', config),
  }));
  const [second, setSecond] = useState<AxisInput>({ key: null, values: '' });
  const [measure, setMeasure] = useState<SweepMeasure>('tau');
  const checked = useMemo(() => check(config, [first, second], measure), [config, first, second, measure]);
  const seconds = useMemo(
    () => (checked.definition ? predictedSweepSeconds(checked.definition) : null),
    [checked.definition],
  );
  const metric = PARAMS.lm.choices.find((c) => c.value === config.lm)?.label ?? config.lm;

  return (
    <details className="panel sweep-form" open={!shown} data-testid="sweep-form">
      <summary>New sweep from the Lab’s configuration</summary>
      <p className="sweep-form-note">
        Every parameter not swept is the Lab’s; each point trains its inits × seeds ({config.init},{' '}
        {config.seeds} {config.seeds === 1 ? 'seed' : 'seeds'}). τ is the first step at which the {metric}{' '}
        reaches {config.thr}, the Lab’s curve and threshold. Values: <code>a..b:n:log</code> (n values in
        equal ratios), <code>a..b:n</code> (equal steps) or <code>v1,v2,…</code>.
      </p>
      <AxisRow label="Sweep over" axis={first} keys={keys} config={config} onChange={setFirst} required />
      <AxisRow
        label="and over"
        axis={second}
        keys={keys.filter((key) => key !== first.key)}
        config={config}
        onChange={setSecond}
      />
      <div className="sweep-form-row">
        <label>
          <span>measure</span>
          <select value={measure} onChange={(event) => setMeasure(event.target.value as SweepMeasure)}>
            <option value="tau">τ, steps to the threshold</option>
            <option value="ntk">τ and the NTK’s and weights’ change</option>
          </select>
        </label>
      </div>
      {checked.definition ? (
        <p className="sweep-form-summary" data-testid="sweep-form-summary">
          {describeSweep(checked.definition)}
          {seconds !== null &&
            ` · predicted ${measure === 'tau' ? 'at most ' : ''}${formatDuration(seconds)} on WebAssembly`}
        </p>
      ) : (
        <p className="sweep-form-error" role="alert" data-testid="sweep-form-error">
          {checked.error}
        </p>
      )}
      <button
        type="button"
        className="sweep-run"
        disabled={!checked.definition || active}
        onClick={() => checked.definition && navigate(`?${sweepQuery(checked.definition)}`)}
      >
        {active ? 'A sweep is running' : `Run ${checked.definition ? runCount(checked.definition) : ''} runs`}
      </button>
    </details>
  );
}

function check(
  config: LabConfig,
  axes: readonly AxisInput[],
  measure: SweepMeasure,
): { readonly definition?: SweepDefinition; readonly error?: string } {
  const over = axes.flatMap((axis) => (axis.key ? [`${PARAMS[axis.key].urlKey}=${axis.values}`] : []));
  try {
    return { definition: sweepDefinition(config, over, measure) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function AxisRow(props: {
  readonly label: string;
  readonly axis: AxisInput;
  readonly keys: readonly ParamKey[];
  readonly config: LabConfig;
  readonly onChange: (axis: AxisInput) => void;
  readonly required?: boolean;
}) {
  const { label, axis, keys, config, onChange, required = false } = props;
  return (
    <div className="sweep-form-row">
      <label>
        <span>{label}</span>
        <select
          value={axis.key ?? ''}
          onChange={(event) => {
            const key = (event.target.value || null) as ParamKey | null;
            onChange({ key, values: key ? suggestedAxisValues(key, config) : '' });
          }}
        >
          {!required && <option value="">nothing else</option>}
          {keys.map((key) => (
            <option key={key} value={key}>
              {PARAMS[key].label}
            </option>
          ))}
        </select>
      </label>
      {axis.key && (
        <label>
          <span className="visually-hidden">values of {PARAMS[axis.key].label}</span>
          <input
            type="text"
            value={axis.values}
            spellCheck={false}
            onChange={(event) => onChange({ key: axis.key, values: event.target.value })}
          />
        </label>
      )}
    </div>
  );
}
