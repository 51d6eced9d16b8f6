import { spawnSync } from 'node:child_process';

/**
 * The Python 3 that tests run exported programs with: $ISOMETRY_PYTHON when set, else the first of
 * `python3` and Debian's /usr/bin/python3 that imports torch (a pyenv or venv python3 on PATH
 * often does not see Debian's python3-torch). Node only.
 */
export function pythonWithTorch(): string {
  const candidates = process.env.ISOMETRY_PYTHON
    ? [process.env.ISOMETRY_PYTHON]
    : ['python3', '/usr/bin/python3'];
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
    if (!probe.error && probe.status === 0) return python;
  }
  throw new Error(
    `no Python 3 with torch and numpy among ${candidates.join(', ')}: install Debian's python3-torch and python3-numpy (.ci/run does), or set ISOMETRY_PYTHON`,
  );
}

/** Runs `python` on `args` with `input` on stdin; throws with its stderr when it fails. */
export function runPython(python: string, args: readonly string[], input = '', timeoutMs = 120_000): string {
  const run = spawnSync(python, args, {
    input,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 256 * 2 ** 20,
  });
  if (run.error) throw new Error(`${python} could not be started: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`${python} ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}
