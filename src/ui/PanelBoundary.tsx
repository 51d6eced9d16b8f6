import { Component, useRef, type ReactNode } from 'react';
import { useLab } from '../state/store.ts';
import { PanelActions } from './PanelActions.tsx';
import { panelName, type PanelId } from '../config/panels.ts';

interface BoundaryProps {
  /** What the panel shows, for the message ("Jacobian spectrum"). */
  readonly name: string;
  /** The configuration the failure happened in (the store's immutable object): a new one retries. */
  readonly config: object;
  readonly children: ReactNode;
}

interface BoundaryState {
  readonly error: Error | null;
  readonly config: object;
}

/**
 * Keeps one panel's failure inside that panel: it says what failed and why, and the rest of the lab
 * goes on (without it, a throw while drawing one panel leaves a blank page). The panel is drawn
 * again once the configuration changes.
 */
export class Boundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { error: null, config: this.props.config };

  static getDerivedStateFromError(error: unknown): Partial<BoundaryState> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: BoundaryProps, state: BoundaryState): Partial<BoundaryState> | null {
    return props.config === state.config ? null : { error: null, config: props.config };
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <section className="panel panel-failed" role="alert" data-testid="panel-failed">
        <h2>{this.props.name}</h2>
        <p>
          This panel could not be drawn for this configuration: {error.message}. The rest of the lab is
          unaffected; change a setting to try again.
        </p>
      </section>
    );
  }
}

/**
 * A panel in its own slot (the grid item a link, a shortcut or the enlarge button addresses by id,
 * and what export reads) and its own error boundary, reset by any change of the configuration.
 */
export function PanelBoundary({ id, children }: { readonly id: PanelId; readonly children: ReactNode }) {
  const config = useLab((s) => s.config);
  const slot = useRef<HTMLDivElement>(null);
  const name = panelName(id);
  return (
    <div className={`panel-slot panel-slot-${id}`} data-panel={id} ref={slot}>
      <PanelActions id={id} name={name} slot={slot} />
      <Boundary name={name} config={config}>
        {children}
      </Boundary>
    </div>
  );
}
