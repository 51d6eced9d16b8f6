import { PARAMS, type ChoiceKey, type NumberKey, type ParamKey } from '../config/index.ts';
import { ChoiceControl } from './ChoiceControl.tsx';
import { NumberControl } from './NumberControl.tsx';

/** The control the schema asks for: a slider with entry for numbers, a select for choices. */
export function ParamControl({ paramKey }: { paramKey: ParamKey }) {
  return PARAMS[paramKey].kind === 'number' ? (
    <NumberControl paramKey={paramKey as NumberKey} />
  ) : (
    <ChoiceControl paramKey={paramKey as ChoiceKey} />
  );
}
