import { spawnSync } from 'node:child_process';

/** What a command printed and how it ended. */
export interface CliOutcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command of src/cli as `npm run <command>` would (tsx), for the CLI tests. */
export function spawnCli(command: string, args: readonly string[]): CliOutcome {
  const result = spawnSync(process.execPath, ['--import', 'tsx', `src/cli/${command}.ts`, ...args], {
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
