import { useRef } from 'react';

/** A button that picks one JSON file (a result file) and hands it over; the same file may be picked again. */
export function OpenFileButton(props: {
  readonly label: string;
  readonly title?: string;
  /** The hidden file input's test id. */
  readonly testId: string;
  readonly onFile: (file: File) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="secondary" onClick={() => input.current?.click()} title={props.title}>
        {props.label}
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid={props.testId}
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) props.onFile(file);
        }}
      />
    </>
  );
}
