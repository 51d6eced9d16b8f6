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

type Json = unknown;
type Record_ = Readonly<Record<string, Json>>;

/** Reads a saved sweep; throws SweepFileError with the reason. */
export function parseSweepResult(text: string): SweepResultFile {
  let data: Json;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SweepFileError(`not a sweep result file: not JSON (${(error as Error).message})`);
  }
  if (!isObject(data)) throw new SweepFileError('not a sweep result file: the JSON is not an object');
  if (data.format !== SWEEP_FILE_FORMAT)
    throw new SweepFileError(
      `not a sweep result file: format is ${JSON.stringify(data.format) ?? 'missing'}, expected "${SWEEP_FILE_FORMAT}"`,
    );
  if (data.version !== SWEEP_FILE_VERSION)
    throw new SweepFileError(
      `sweep file version ${JSON.stringify(data.version) ?? 'missing'}: this lab reads version ${SWEEP_FILE_VERSION}`,
    );
  const file = data;
  text_(file, 'labVersion');
  const createdAt = text_(file, 'createdAt');
  if (Number.isNaN(Date.parse(createdAt))) throw new SweepFileError(`createdAt "${createdAt}" is not a date`);
  text_(file, 'backend');
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
function completedConfig(config: Json): LabConfig {
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

/** A measured series: numbers, with null where a diverged run had none (JSON has no NaN). */
function measured(record: Record_, key: string, at = ''): readonly (number | null)[] {
  const values = array(record, key, at);
  values.forEach((value, i) => {
    if (value !== null && (typeof value !== 'number' || !Number.isFinite(value)))
      throw new SweepFileError(`${at}${key}[${i}] is neither a finite number nor null`);
  });
  return values as (number | null)[];
}

function isObject(value: Json): value is Record_ {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(record: Record_, key: string, at = ''): Json {
  if (!(key in record)) throw new SweepFileError(`${at}${key} is missing`);
  return record[key];
}

function text_(record: Record_, key: string, at = ''): string {
  const value = field(record, key, at);
  if (typeof value !== 'string') throw new SweepFileError(`${at}${key} is not text`);
  return value;
}

function finite(record: Record_, key: string, at = ''): number {
  const value = field(record, key, at);
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new SweepFileError(`${at}${key} is not a finite number`);
  return value;
}

function wholeNumber(record: Record_, key: string, at = ''): number {
  const value = finite(record, key, at);
  if (!Number.isInteger(value) || value < 0)
    throw new SweepFileError(`${at}${key} is not a whole number ≥ 0`);
  return value;
}

function array(record: Record_, key: string, at = ''): readonly Json[] {
  const value = field(record, key, at);
  if (!Array.isArray(value)) throw new SweepFileError(`${at}${key} is not a list`);
  return value;
}

function object(record: Record_, key: string, at = ''): Record_ {
  const value = field(record, key, at);
  if (!isObject(value)) throw new SweepFileError(`${at}${key} is not an object`);
  return value;
}

function numbers(record: Record_, key: string, at = ''): readonly number[] {
  const values = array(record, key, at);
  values.forEach((value, i) => {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new SweepFileError(`${at}${key}[${i}] is not a finite number`);
  });
  return values as number[];
}
