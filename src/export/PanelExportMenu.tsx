import { useEffect, useId, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { downloadBlob } from './download.ts';
import { downloadFigure } from './figureExport.ts';
import { dataExports, type DataExports, type ExportTarget } from './panelData.ts';
import './export.css';

type Format = 'svg' | 'png' | 'csv' | 'json';

const ITEMS: readonly { readonly format: Format; readonly label: string; readonly hint: string }[] = [
  { format: 'svg', label: 'Figure (SVG)', hint: 'vector: title, axes, legend and the link' },
  { format: 'png', label: 'Figure (PNG, 2×)', hint: 'twice the panel’s size on screen' },
  { format: 'csv', label: 'Data (CSV)', hint: 'the numbers the panel shows' },
  { format: 'json', label: 'Data (JSON)', hint: 'the same, with the configuration' },
];

/**
 * The "Export" button at a panel's top right and its menu: the panel as a figure (SVG, PNG at 2×)
 * and, where the panel has data, its numbers (CSV, JSON). Arrow keys move through the menu,
 * Escape closes it and gives the focus back to the button.
 */
export function PanelExportMenu({
  panel,
  title,
  slot,
}: {
  readonly panel: ExportTarget;
  readonly title: string;
  /** The panel's slot; without it, the panel is the section the menu sits in. */
  readonly slot?: RefObject<HTMLElement | null>;
}) {
  const [open, setOpen] = useState(false);
  const [data, setData] = useState<DataExports>({ csv: null, json: null });
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const menuId = useId();

  const panelElement = (): HTMLElement | null =>
    slot?.current?.querySelector<HTMLElement>('section.panel') ??
    root.current?.closest<HTMLElement>('section.panel') ??
    null;

  const items = () =>
    Array.from(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]:enabled') ?? []);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  const toggle = () => {
    if (open) return close(false);
    setData(dataExports(panel, panelElement()));
    setMessage(null);
    setOpen(true);
  };

  useEffect(() => {
    if (!open) return;
    items()[0]?.focus();
    const outside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  const run = async (format: Format) => {
    const element = panelElement();
    if (!element) return;
    setBusy(true);
    setMessage(null);
    try {
      if (format === 'svg' || format === 'png') {
        await downloadFigure(panel, element, title, format);
      } else {
        const make = data[format];
        if (!make) return;
        const file = await make();
        downloadBlob(new Blob([file.text], { type: file.type }), file.name);
      }
      close(true);
    } catch (error) {
      setMessage(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setBusy(false);
    }
  };

  const onMenuKey = (event: KeyboardEvent) => {
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLButtonElement);
    const move: Record<string, number> = {
      ArrowDown: at + 1,
      ArrowUp: at - 1,
      Home: 0,
      End: list.length - 1,
    };
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close(true);
    } else if (event.key === 'Tab') {
      setOpen(false);
    } else if (event.key in move && list.length > 0) {
      event.preventDefault();
      list[(move[event.key]! + list.length) % list.length]!.focus();
    }
  };

  return (
    <div className="export-menu" ref={root} data-export="skip">
      <button
        ref={button}
        type="button"
        className="export-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={`Export ${title}`}
        data-testid={`export-${panel}`}
        onClick={toggle}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && !open) {
            event.preventDefault();
            toggle();
          }
        }}
      >
        {busy ? 'Exporting…' : 'Export'}
      </button>
      {open && (
        <div
          ref={menu}
          id={menuId}
          role="menu"
          aria-label={`Export ${title}`}
          className="export-items"
          onKeyDown={onMenuKey}
        >
          {ITEMS.map(({ format, label, hint }) => {
            const unavailable = (format === 'csv' || format === 'json') && !data[format];
            if (unavailable && panel !== 'training' && panel !== 'spectrum' && panel !== 'sweep') return null;
            return (
              <button
                key={format}
                type="button"
                role="menuitem"
                data-format={format}
                disabled={busy || unavailable}
                onClick={() => void run(format)}
              >
                <span className="export-label">{label}</span>
                <span className="export-hint">{unavailable ? 'no data yet' : hint}</span>
              </button>
            );
          })}
          {message && (
            <p className="export-message" role="alert">
              {message}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
