import type { SweepPoint } from '../sweep/types.ts';
import type { CsvTable, CsvValue } from './csv.ts';

/**
 * A sweep's points as a table, one row per run, in the order the file keeps them: the swept
 * parameters under their URL keys and every measured field, in the order first met. A per-layer
 * array (weightChange: hidden layers 1…L, then the readout) becomes one column per entry,
 * `weightChange_1` … `weightChange_k`.
 */
export function sweepPointsTable(points: readonly SweepPoint[]): CsvTable {
  const keys: string[] = [];
  const widths = new Map<string, number>();
  for (const point of points) {
    for (const [key, value] of Object.entries(point)) {
      if (!widths.has(key)) {
        keys.push(key);
        widths.set(key, 0);
      }
      if (Array.isArray(value)) widths.set(key, Math.max(widths.get(key)!, value.length));
    }
  }
  const header = keys.flatMap((key) =>
    widths.get(key)! > 0 ? Array.from({ length: widths.get(key)! }, (_, i) => `${key}_${i + 1}`) : [key],
  );
  const rows = points.map((point) =>
    keys.flatMap((key): CsvValue[] => {
      const value = point[key];
      const width = widths.get(key)!;
      if (width === 0) return [value as CsvValue];
      const list = Array.isArray(value) ? (value as readonly number[]) : [];
      return Array.from({ length: width }, (_, i) => list[i]);
    }),
  );
  return { header, rows };
}
