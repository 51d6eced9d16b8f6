import { RUNS_FILE_FORMAT, parseRunsResult } from '../runs/runsFile.ts';
import { isObject } from '../sweep/jsonFields.ts';
import { SWEEP_FILE_FORMAT } from '../sweep/resultFile.ts';
import { SWEEP_VIEW_QUERY, navigate } from '../ui/route.ts';
import { tracesOfRunsFile, useOpenedRuns } from './openedRuns.ts';
import { openSweepFile } from './sweepClient.ts';
import { showOpenedRuns } from './trainingClient.ts';

/**
 * Opens a result file given to the Lab view (file picker or drop): a runs file is drawn in the
 * training panel; a sweep file, which the Lab view cannot draw, goes to the Sweep view; anything
 * else is refused with one line naming the field.
 */
export async function openResultFile(file: Blob & { readonly name?: string }): Promise<void> {
  const name = file.name ?? '';
  const text = await file.text();
  if (formatOf(text) === SWEEP_FILE_FORMAT) {
    // Drawn there, or refused there with the reason.
    await openSweepFile(file);
    navigate(SWEEP_VIEW_QUERY);
    return;
  }
  try {
    const parsed = parseRunsResult(text);
    showOpenedRuns({ fileName: name, file: parsed, runs: tracesOfRunsFile(parsed) });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    useOpenedRuns.setState({
      error: `${name ? `“${name}”` : 'This file'} cannot be opened: ${reason}. The Lab view opens ${RUNS_FILE_FORMAT} files (npm run experiment, or the exported PyTorch program).`,
    });
  }
}

function formatOf(text: string): unknown {
  try {
    const data: unknown = JSON.parse(text);
    return isObject(data) ? data.format : undefined;
  } catch {
    return undefined;
  }
}
