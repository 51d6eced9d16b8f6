/**
 * The sweep result file (SweepResultFile), as the page saves it and `npm run sweep` prints it,
 * and a strict reader for reopening one: anything that is not such a file, or a version this lab
 * does not read, or a field missing or of the wrong kind, is refused with a one-line reason that
 * names the field. Fields the reader does not know are kept (later versions may add some).
 */
import {
  DEFAULT_CONFIG,
  PARAMS,
  PARAM_KEYS,
  isValidNumber,
  type LabConfig,
  type Param,
} from '../config/index.ts';
import { axisParam } from './axisKey.ts';
import { SweepDefinitionError } from './axis.ts';
import { parseSweepQuery } from './definition.ts';
import type { SweepAxis, SweepResultFile } from './types.ts';
import { isObject, jsonFieldReaders, resultFileRecord, type Json } from './jsonFields.ts';

export const SWEEP_FILE_FORMAT = 'isometry-lab-sweep';
export const SWEEP_FILE_VERSION = 1;

/** The file's text: JSON, two-space indented, ending in a newline. */
export function sweepResultText(file: SweepResultFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** A file that cannot be reopened: the message says why, naming the field. */
export class SweepFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepFileError';
  }
}

const {
  field,
  text: text_,
  finite,
  wholeNumber,
  array,
  object,
  numbers,
  measured,
} = jsonFieldReaders((message) => new SweepFileError(message));

/** Reads a saved sweep; throws SweepFileError with the reason. */
export function parseSweepResult(text: string): SweepResultFile {
  const file = resultFileRecord(
    text,
    { name: 'sweep', format: SWEEP_FILE_FORMAT, version: SWEEP_FILE_VERSION },
    (message) => new SweepFileError(message),
  );
  if (file.experiment !== null) text_(file, 'experiment');
  const query = text_(file, 'query');
  const config = completedConfig(field(file, 'config'));
  const over = array(file, 'over').map((spec, i) => {
    if (typeof spec !== 'string') throw new SweepFileError(`over[${i}] is not text`);
    return spec;
  });
  const measure = text_(file, 'measure');
  let axes: readonly SweepAxis[];
  try {
    const { definition } = parseSweepQuery(query);
    axes = definition.axes;
    if (definition.measure !== measure)
      throw new SweepFileError(`measure ${measure} differs from the query's`);
  } catch (error) {
    if (error instanceof SweepDefinitionError) throw new SweepFileError(`query: ${error.message}`);
    throw error;
  }
  if (axes.map((axis) => axis.spec).join('|') !== over.join('|'))
    throw new SweepFileError(`over ${JSON.stringify(over)} differs from the query's axes`);
  const threshold = object(file, 'threshold');
  if (!['train', 'test', 'acc'].includes(text_(threshold, 'metric', 'threshold.')))
    throw new SweepFileError('threshold.metric is not one of train, test, acc');
  finite(threshold, 'value', 'threshold.');
  text_(threshold, 'rule', 'threshold.');
  wholeNumber(file, 'steps');
  const points = array(file, 'points');
  points.forEach((point, i) => checkPoint(point, i, axes));
  array(file, 'curves').forEach((curve, i) => checkCurve(curve, i, points.length));
  if (typeof file.complete !== 'boolean') throw new SweepFileError('complete is missing or not true/false');
  if (finite(file, 'seconds') < 0) throw new SweepFileError('seconds is negative');
  return { ...(file as unknown as SweepResultFile), config };
}

/**
 * The file's configuration, every value checked. A parameter the file does not name was added to
 * the lab after it was written (the schema only ever adds keys), so it takes its default, which
 * is how the lab behaved before the parameter existed (orth=none trains as before it had orth).
 */
export function completedConfig(config: Json): LabConfig {
  if (!isObject(config)) throw new SweepFileError('config is not an object');
  const completed: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const key of PARAM_KEYS) {
    const param: Param = PARAMS[key];
    const value = config[key];
    if (value === undefined) continue;
    const valid =
      param.kind === 'number'
        ? typeof value === 'number' && isValidNumber(param, value)
        : param.choices.some((choice) => choice.value === value);
    if (!valid) throw new SweepFileError(`config.${key} = ${JSON.stringify(value)} is not a value of ${key}`);
    completed[key] = value;
  }
  return completed as LabConfig;
}

const INITS = ['gaussian', 'orthogonal'];

function checkPoint(point: Json, i: number, axes: readonly SweepAxis[]): void {
  const at = `points[${i}].`;
  if (!isObject(point)) throw new SweepFileError(`points[${i}] is not an object`);
  if (!INITS.includes(text_(point, 'init', at)))
    throw new SweepFileError(`${at}init is not gaussian or orthogonal`);
  wholeNumber(point, 'seed', at);
  if (point.tau !== null) wholeNumber(point, 'tau', at);
  if (typeof point.diverged !== 'boolean')
    throw new SweepFileError(`${at}diverged is missing or not true/false`);
  if (point.divergedAtStep !== null) wholeNumber(point, 'divergedAtStep', at);
  if (point.finalLoss !== null) finite(point, 'finalLoss', at);
  wholeNumber(point, 'stepsTrained', at);
  if (point.ntkChange !== undefined) finite(point, 'ntkChange', at);
  if (point.weightChange !== undefined) numbers(point, 'weightChange', at);
  for (const key of ['lambdaMaxFisher', 'sMaxSq', 'qStar', 'finalTestLoss'])
    if (point[key] !== undefined && point[key] !== null) finite(point, key, at);
  for (const axis of axes) {
    const key = axisParam(axis.key).urlKey;
    if (!axis.values.includes(point[key] as never))
      throw new SweepFileError(
        `${at}${key} = ${JSON.stringify(point[key])} is not a value of the axis ${axis.spec}`,
      );
  }
}

function checkCurve(curve: Json, i: number, pointCount: number): void {
  const at = `curves[${i}].`;
  if (!isObject(curve)) throw new SweepFileError(`curves[${i}] is not an object`);
  const point = wholeNumber(curve, 'point', at);
  if (point >= pointCount)
    throw new SweepFileError(`${at}point ${point} is not one of the ${pointCount} points`);
  const steps = numbers(curve, 'steps', at);
  if (numbers(curve, 'trainLoss', at).length !== steps.length)
    throw new SweepFileError(`${at}trainLoss and steps differ in length`);
  if (curve.evalSteps !== undefined || curve.evalMetric !== undefined) {
    if (numbers(curve, 'evalSteps', at).length !== numbers(curve, 'evalMetric', at).length)
      throw new SweepFileError(`${at}evalMetric and evalSteps differ in length`);
  }
  if (curve.curvatureSteps !== undefined || curve.lambdaMax !== undefined) {
    if (numbers(curve, 'curvatureSteps', at).length !== measured(curve, 'lambdaMax', at).length)
      throw new SweepFileError(`${at}lambdaMax and curvatureSteps differ in length`);
  }
  if (curve.weightSteps !== undefined || curve.weightSv !== undefined) {
    const count = numbers(curve, 'weightSteps', at).length;
    const sv = object(curve, 'weightSv', at);
    for (const key of ['mean', 'std', 'min', 'max'])
      if (measured(sv, key, `${at}weightSv.`).length !== count)
        throw new SweepFileError(`${at}weightSv.${key} and weightSteps differ in length`);
  }
}
