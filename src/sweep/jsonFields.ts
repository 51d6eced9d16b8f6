/**
 * Strict readers of a result file's JSON fields (sweep files, runs files): each returns the field
 * or throws the file's own error with a one-line reason that names it (`points[3].tau is not a
 * whole number ≥ 0`). `at` is the path to the record, e.g. `runs[2].`.
 */
export type Json = unknown;
export type JsonRecord = Readonly<Record<string, Json>>;

export function isObject(value: Json): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function jsonFieldReaders(fail: (message: string) => Error) {
  const field = (record: JsonRecord, key: string, at = ''): Json => {
    if (!(key in record)) throw fail(`${at}${key} is missing`);
    return record[key];
  };
  const text = (record: JsonRecord, key: string, at = ''): string => {
    const value = field(record, key, at);
    if (typeof value !== 'string') throw fail(`${at}${key} is not text`);
    return value;
  };
  const finite = (record: JsonRecord, key: string, at = ''): number => {
    const value = field(record, key, at);
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw fail(`${at}${key} is not a finite number`);
    return value;
  };
  const wholeNumber = (record: JsonRecord, key: string, at = ''): number => {
    const value = finite(record, key, at);
    if (!Number.isInteger(value) || value < 0) throw fail(`${at}${key} is not a whole number ≥ 0`);
    return value;
  };
  const array = (record: JsonRecord, key: string, at = ''): readonly Json[] => {
    const value = field(record, key, at);
    if (!Array.isArray(value)) throw fail(`${at}${key} is not a list`);
    return value;
  };
  const object = (record: JsonRecord, key: string, at = ''): JsonRecord => {
    const value = field(record, key, at);
    if (!isObject(value)) throw fail(`${at}${key} is not an object`);
    return value;
  };
  const numbers = (record: JsonRecord, key: string, at = ''): readonly number[] => {
    const values = array(record, key, at);
    values.forEach((value, i) => {
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw fail(`${at}${key}[${i}] is not a finite number`);
    });
    return values as number[];
  };
  /** A measured series: numbers, with null where there was none (JSON has no NaN). */
  const measured = (record: JsonRecord, key: string, at = ''): readonly (number | null)[] => {
    const values = array(record, key, at);
    values.forEach((value, i) => {
      if (value !== null && (typeof value !== 'number' || !Number.isFinite(value)))
        throw fail(`${at}${key}[${i}] is neither a finite number nor null`);
    });
    return values as (number | null)[];
  };
  return { field, text, finite, wholeNumber, array, object, numbers, measured };
}

/**
 * The common head of every result file: JSON, an object, the expected format and version, the
 * lab's version, a creation date and where it ran. Returns the file's record for the rest.
 */
export function resultFileRecord(
  text: string,
  kind: { readonly name: 'sweep' | 'runs'; readonly format: string; readonly version: number },
  fail: (message: string) => Error,
): JsonRecord {
  let data: Json;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw fail(`not a ${kind.name} result file: not JSON (${(error as Error).message})`);
  }
  if (!isObject(data)) throw fail(`not a ${kind.name} result file: the JSON is not an object`);
  if (data.format !== kind.format)
    throw fail(
      `not a ${kind.name} result file: format is ${JSON.stringify(data.format) ?? 'missing'}, expected "${kind.format}"`,
    );
  if (data.version !== kind.version)
    throw fail(
      `${kind.name} file version ${JSON.stringify(data.version) ?? 'missing'}: this lab reads version ${kind.version}`,
    );
  const { text: readText } = jsonFieldReaders(fail);
  readText(data, 'labVersion');
  const createdAt = readText(data, 'createdAt');
  if (Number.isNaN(Date.parse(createdAt))) throw fail(`createdAt "${createdAt}" is not a date`);
  readText(data, 'backend');
  return data;
}
