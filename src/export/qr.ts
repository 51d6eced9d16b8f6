import qrcode from 'qrcode-generator';

/** The white border a reader needs around the symbol, in modules (ISO/IEC 18004 asks for 4). */
export const QUIET_ZONE = 4;

/** A QR symbol as a square of modules, true where dark; rows first. */
export interface QrMatrix {
  readonly size: number;
  /** 1 … 40; the size is 17 + 4·version. */
  readonly version: number;
  readonly dark: readonly (readonly boolean[])[];
}

/**
 * The QR symbol of `text`, at the smallest version that holds it with error correction level M
 * (15 % of the symbol may be unreadable: a projector's glare or a far seat).
 */
export function qrMatrix(text: string): QrMatrix {
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  const size = code.getModuleCount();
  const dark = Array.from({ length: size }, (_, row) =>
    Array.from({ length: size }, (_, col) => code.isDark(row, col)),
  );
  return { size, version: (size - 17) / 4, dark };
}

/**
 * One path of unit squares, one per dark module, offset by the quiet zone: drawn in a viewBox of
 * size + 2·QUIET_ZONE modules, it scales to any size without blurring.
 */
export function qrPath(matrix: QrMatrix): string {
  const parts: string[] = [];
  matrix.dark.forEach((row, r) =>
    row.forEach((isDark, c) => {
      if (isDark) parts.push(`M${c + QUIET_ZONE} ${r + QUIET_ZONE}h1v1h-1z`);
    }),
  );
  return parts.join('');
}

/** The modules a path drawn by qrPath covers, as "row,col" keys: what a test or a reader sees. */
export function modulesOfPath(path: string): Set<string> {
  const modules = new Set<string>();
  for (const [, x, y] of path.matchAll(/M(\d+) (\d+)h1v1h-1z/g))
    modules.add(`${Number(y) - QUIET_ZONE},${Number(x) - QUIET_ZONE}`);
  return modules;
}
