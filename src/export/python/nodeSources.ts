import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PYTHON_MODULES, type PythonSources } from './program.ts';

/** The Python modules read from this folder (CLI and tests; the page bundles them with ?raw). */
export function nodePythonSources(): PythonSources {
  return Object.fromEntries(
    PYTHON_MODULES.map((name) => [
      name,
      readFileSync(fileURLToPath(new URL(`./${name}.py`, import.meta.url)), 'utf8'),
    ]),
  ) as PythonSources;
}
