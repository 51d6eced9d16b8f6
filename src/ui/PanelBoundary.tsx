import { Component, type ReactNode } from 'react';
import { useLab } from '../state/store.ts';

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

/** A panel in its own error boundary, reset by any change of the configuration. */
export function PanelBoundary({ name, children }: { readonly name: string; readonly children: ReactNode }) {
  const config = useLab((s) => s.config);
  return (
    <Boundary name={name} config={config}>
      {children}
    </Boundary>
  );
}
