import { describe, expect, it } from 'vitest';
import { csvNumber, parseCsv, toCsv } from './csv.ts';

describe('CSV', () => {
  it('reads back every field as written, quoting commas, quotes and line breaks', () => {
    const table = {
      header: ['name', 'value', 'note'],
      rows: [
        ['gaussian', 0.1 + 0.2, 'plain'],
        ['a, b', -1e-300, 'say "hi"'],
        ['two\nlines', Number.NaN, null],
        ['inf', Number.POSITIVE_INFINITY, true],
      ],
    };
    const text = toCsv(table);
    const parsed = parseCsv(text);
    expect(parsed).toEqual([
      ['name', 'value', 'note'],
      ['gaussian', '0.30000000000000004', 'plain'],
      ['a, b', '-1e-300', 'say "hi"'],
      ['two\nlines', 'NaN', ''],
      ['inf', 'Infinity', 'true'],
    ]);
    expect(parsed.slice(1).map((row) => csvNumber(row[1]!))).toEqual([0.1 + 0.2, -1e-300, NaN, Infinity]);
    expect(csvNumber('')).toBeNull();
  });

  it('ends every row with CRLF (RFC 4180) and leaves no empty row at the end', () => {
    const text = toCsv({ header: ['a'], rows: [[1], [2]] });
    expect(text).toBe('a\r\n1\r\n2\r\n');
    expect(parseCsv(text)).toHaveLength(3);
  });
});
