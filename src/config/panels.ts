/** The lab view's panels: the id a link and a shortcut name them by, and their title. */
export const LAB_PANELS = [
  { id: 'phase', name: 'Order–chaos phase diagram' },
  { id: 'training', name: 'Training' },
  { id: 'spectrum', name: 'Jacobian spectrum' },
  { id: 'signal', name: 'Signal propagation' },
  { id: 'weights', name: 'Weights during training' },
  { id: 'ntk', name: 'Neural tangent kernel' },
  { id: 'readout', name: 'Mean-field theory' },
] as const;

export type PanelId = (typeof LAB_PANELS)[number]['id'];

export function panelName(id: PanelId): string {
  return LAB_PANELS.find((panel) => panel.id === id)?.name ?? id;
}
