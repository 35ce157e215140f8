/**
 * Small conversions shared by the text-based readers: number cells, param flattening, YAML params files.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { ParamValue } from '../runs/types';
import type { ReadWarning } from './series';
import { dict } from '../../shared/dict';

/**
 * Parses a number as written by Python/NumPy loggers: decimal and scientific notation, and the
 * non-finite spellings `nan`, `inf`, `-inf`, `NaN`, `Infinity`.
 * @returns the number (possibly NaN or ±Infinity), or `undefined` when `text` is not a number.
 */
export function parseNumberCell(text: string): number | undefined {
  const s = text.trim();
  if (s === '') {
    return undefined;
  }
  const n = Number(s);
  if (!Number.isNaN(n)) {
    return n;
  }
  switch (s.toLowerCase()) {
    case 'nan':
    case '-nan':
      return Number.NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Number.POSITIVE_INFINITY;
    case '-inf':
    case '-infinity':
      return Number.NEGATIVE_INFINITY;
    default:
      return undefined;
  }
}

/**
 * A step read from a log: a non-negative integer; integral floats such as `40.0` are accepted.
 * @returns the step, or `undefined` when the text is not such a number.
 */
export function parseStepCell(text: string): number | undefined {
  const n = parseNumberCell(text);
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Flattens nested maps into dotted keys (`optimizer.lr`); arrays and other non-scalar values are kept
 * as their JSON text, so every value fits {@link ParamValue}.
 */
export function flattenParams(
  value: unknown,
  prefix = '',
  out: Record<string, ParamValue> = dict(),
): Record<string, ParamValue> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) {
      out[prefix] = '{}';
    }
    for (const [k, v] of entries) {
      flattenParams(v, prefix ? `${prefix}.${k}` : k, out);
    }
    return out;
  }
  if (!prefix) {
    return out;
  }
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    out[prefix] = value;
  } else if (value === undefined) {
    out[prefix] = null;
  } else {
    out[prefix] = JSON.stringify(value);
  }
  return out;
}

/**
 * Reads a YAML params file (`params.yaml`, Lightning's `hparams.yaml`) into flattened params.
 * A missing file gives `undefined`; a file that is not valid YAML gives a warning and no params.
 * Python-specific tags (`!!python/tuple`, written by PyYAML) are unresolved and read as plain data.
 */
export async function readYamlParams(
  file: string,
  warnings: ReadWarning[],
): Promise<Record<string, ParamValue> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      warnings.push({ file, message: `cannot read params: ${(error as Error).message}` });
    }
    return undefined;
  }
  try {
    const data: unknown = parseYaml(text, { logLevel: 'silent', uniqueKeys: false });
    return flattenParams(data ?? {});
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    warnings.push({
      file,
      line,
      message: `params are not valid YAML: ${(error as Error).message.split('\n')[0]}`,
    });
    return undefined;
  }
}
