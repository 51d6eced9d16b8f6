import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ByteSource } from './dataset.ts';

/** Node only (CLI, tests): reads the prepared data files from a folder. The engine never imports this. */
export function fileByteSource(folder: string): ByteSource {
  return async (fileName) => {
    try {
      return new Uint8Array(await readFile(join(folder, fileName)));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        throw new Error(`${join(folder, fileName)} is missing; run \`node scripts/prepare-mnist.mjs\``, {
          cause: error,
        });
      throw error;
    }
  };
}
