/**
 * The exported program in the page: the Python modules come in as text with the bundle (Vite's
 * ?raw), so exporting needs no request, and the program names the page's own data folder as where
 * to download the MNIST files from.
 */
import labRandom from './lab_random.py?raw';
import labTheory from './lab_theory.py?raw';
import labInit from './lab_init.py?raw';
import labData from './lab_data.py?raw';
import labMlp from './lab_mlp.py?raw';
import labRnn from './lab_rnn.py?raw';
import labMeasures from './lab_measures.py?raw';
import labConfig from './lab_config.py?raw';
import labTraining from './lab_training.py?raw';
import labSweep from './lab_sweep.py?raw';
import labResults from './lab_results.py?raw';
import labRunner from './lab_runner.py?raw';
import { pythonProgram, type PythonSources } from './program.ts';
import { programSpecOf } from './programSpec.ts';

const SOURCES: PythonSources = {
  lab_random: labRandom,
  lab_theory: labTheory,
  lab_init: labInit,
  lab_data: labData,
  lab_mlp: labMlp,
  lab_rnn: labRnn,
  lab_measures: labMeasures,
  lab_config: labConfig,
  lab_training: labTraining,
  lab_sweep: labSweep,
  lab_results: labResults,
  lab_runner: labRunner,
};

/** The program of a link (a sweep link exports its sweep); throws SweepDefinitionError for a bad sweep. */
export function pythonProgramFor(query: string): string {
  const dataUrl = new URL(`${import.meta.env.BASE_URL}data/`, window.location.origin).href;
  return pythonProgram(programSpecOf(query, { dataDir: null, dataUrl }), SOURCES);
}
