import type { RefObject } from 'react';
import { PanelExportMenu } from '../export/PanelExportMenu.tsx';
import type { PanelId } from '../config/panels.ts';
import { EnlargeButton } from '../lecture/EnlargeButton.tsx';
import { usePresentation } from '../state/presentation.ts';

/**
 * The small buttons at a panel's top right: export and enlarge. `data-focus` (1 or 2, the order in
 * which it was enlarged) lets lecture.css lay out the slot holding them (`:has()`).
 */
export function PanelActions({
  id,
  name,
  slot,
}: {
  readonly id: PanelId;
  readonly name: string;
  readonly slot: RefObject<HTMLDivElement | null>;
}) {
  const rank = usePresentation((s) => s.focus.indexOf(id) + 1);
  return (
    <div
      className="panel-actions"
      data-testid={`panel-actions-${id}`}
      data-focus={rank > 0 ? rank : undefined}
    >
      <PanelExportMenu panel={id} title={name} slot={slot} />
      <EnlargeButton panel={id} name={name} />
    </div>
  );
}
