import type { LabConfig, PanelId } from '../config/index.ts';
import { useOpenedRuns } from '../state/openedRuns.ts';
import { useLab } from '../state/store.ts';
import { useSweep } from '../state/sweep.ts';
import { useTraining, type SpectrumSnapshot } from '../state/training.ts';
import { LAB_VERSION } from '../sweep/labVersion.ts';
import { sweepResultText } from '../sweep/resultFile.ts';
import type { WeightInit } from '../theory/index.ts';
import { theoryClient } from '../worker/theoryClient.ts';
import { toCsv } from './csv.ts';
import { exportFileName, sweepExportFileName } from './fileName.ts';
import { spectrumJson, spectrumTable, type SpectrumDensities } from './spectrumData.ts';
import { sweepPointsTable } from './sweepData.ts';
import { trainingJson, trainingTable, type ExportSource } from './trainingData.ts';

/** What the export menu may export: a lab panel, or the sweep view. */
export type ExportTarget = PanelId | 'sweep';

/** A file ready to download. */
export interface DataFile {
  readonly text: string;
  readonly name: string;
  readonly type: string;
}

/** The data downloads a panel offers now: null where it has no data (yet). */
export interface DataExports {
  readonly csv: (() => Promise<DataFile>) | null;
  readonly json: (() => Promise<DataFile>) | null;
}

const CSV = 'text/csv';
const JSON_TYPE = 'application/json';

function source(): ExportSource {
  return {
    link: window.location.href,
    query: window.location.search,
    createdAt: new Date().toISOString(),
    labVersion: LAB_VERSION,
  };
}

function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The exports of `target` from the stores (the spectrum's shown snapshot is read from its panel). */
export function dataExports(target: ExportTarget, panel: Element | null): DataExports {
  const config = useLab.getState().config;
  if (target === 'training') return trainingExports(config);
  if (target === 'spectrum') return spectrumExports(config, panel);
  if (target === 'sweep') return sweepExports();
  return { csv: null, json: null };
}

function trainingExports(config: LabConfig): DataExports {
  // What the panel shows: an opened result file's runs, or the live ones.
  const opened = useOpenedRuns.getState().opened;
  const { runs, info } = opened ? { runs: opened.runs, info: null } : useTraining.getState();
  if (!runs.some((r) => r.train.length > 0 || r.testLoss.length > 0)) return { csv: null, json: null };
  const task =
    opened?.file.task ?? info?.dataset.task ?? (config.data === 'teacher' ? 'regression' : 'classification');
  return {
    csv: async () => ({
      text: toCsv(trainingTable(runs, task === 'classification')),
      name: exportFileName('training', config, 'csv'),
      type: CSV,
    }),
    json: async () => ({
      text: jsonText(trainingJson(runs, config, task, source())),
      name: exportFileName('training', config, 'json'),
      type: JSON_TYPE,
    }),
  };
}

/** The snapshot the panel shows (its scrubber may be on an older one); the newest otherwise. */
function shownSnapshot(panel: Element | null): SpectrumSnapshot | undefined {
  const snapshots = useTraining.getState().spectra;
  const shown = panel?.querySelector('[data-testid="spectrum-step"]')?.textContent;
  const step = shown === undefined || shown === null ? NaN : Number(shown);
  for (let i = snapshots.length - 1; i >= 0; i--) if (snapshots[i]!.step === step) return snapshots[i];
  return snapshots[snapshots.length - 1];
}

/** The theory the panel draws, from the theory worker's cache (computed if it is not there). */
async function densities(config: LabConfig, snapshot: SpectrumSnapshot): Promise<SpectrumDensities> {
  const depth = snapshot.spectra[0]?.depth;
  if (depth === undefined) return {};
  const inits: WeightInit[] = config.init === 'both' ? ['gaussian', 'orthogonal'] : [config.init];
  const { act, sw2, sb2 } = config;
  const results = await Promise.all(
    inits.map((init) => theoryClient.run('density', { act, sw2, sb2, depth, init }).catch(() => undefined)),
  );
  return Object.fromEntries(inits.flatMap((init, i) => (results[i] ? [[init, results[i]]] : [])));
}

function spectrumExports(config: LabConfig, panel: Element | null): DataExports {
  const snapshot = shownSnapshot(panel);
  if (!snapshot) return { csv: null, json: null };
  return {
    csv: async () => ({
      text: toCsv(spectrumTable(snapshot, await densities(config, snapshot))),
      name: exportFileName('spectrum', config, 'csv'),
      type: CSV,
    }),
    json: async () => ({
      text: jsonText(spectrumJson(snapshot, await densities(config, snapshot), config, source())),
      name: exportFileName('spectrum', config, 'json'),
      type: JSON_TYPE,
    }),
  };
}

/** CSV of the points so far (also while the sweep runs); JSON is the sweep's own result file. */
function sweepExports(): DataExports {
  const { points, result, definition } = useSweep.getState();
  const experiment = result?.experiment ?? definition?.experiment ?? null;
  const over = result?.over ?? definition?.axes.map((a) => a.spec) ?? [];
  return {
    csv:
      points.length === 0
        ? null
        : async () => ({
            text: toCsv(sweepPointsTable(points)),
            name: sweepExportFileName(experiment, over, 'csv'),
            type: CSV,
          }),
    json: result
      ? async () => ({
          text: sweepResultText(result),
          name: sweepExportFileName(experiment, over, 'json').replace('-points.json', '.json'),
          type: JSON_TYPE,
        })
      : null,
  };
}
