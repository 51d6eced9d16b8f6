/**
 * CSV as spreadsheets and pandas read it (RFC 4180): a header row, comma-separated fields, quoted
 * where a field holds a comma, a quote or a line break. Numbers are written in the shortest form
 * that reads back to the same float; NaN and ±Infinity (a diverged run) as `NaN`, `Infinity`,
 * `-Infinity`, which Number() and pandas both read; a missing value as an empty field.
 */
export type CsvValue = number | string | boolean | null | undefined;

export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly CsvValue[])[];
}

function field(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? String(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(table: CsvTable): string {
  const lines = [table.header, ...table.rows].map((row) => row.map(field).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** The fields of every row (header first), as written: the inverse of toCsv for strings. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let value = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        value += '"';
        i++;
      } else if (c === '"') quoted = false;
      else value += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(value);
      value = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(value);
      rows.push(row);
      row = [];
      value = '';
    } else value += c;
  }
  if (value !== '' || row.length > 0) {
    row.push(value);
    rows.push(row);
  }
  return rows;
}

/** A field read back as a number: empty → null, `NaN`/`Infinity` as written. */
export function csvNumber(text: string): number | null {
  return text === '' ? null : Number(text);
}
