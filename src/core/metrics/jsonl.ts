/**
 * The metrics protocol of Experiment Lens: one JSON object per line,
 * `{"step": 12, "time": 1764000000123, "values": {"loss": 0.31, "val/accuracy": 0.88}}`.
 * `step` is an integer from 0 to 2^53 − 1 (when absent, the number of non-blank lines before it, bad ones included,
 * so a damaged line does not shift the steps of later ones), `time` Unix ms between 2000 and 2100
 * (optional; seconds or nanoseconds are refused, naming the unit), `values` a map
 * of finite numbers. A value that is not finite — `NaN`, `Infinity`, `-Infinity` as Python's
 * `json.dumps` writes them, `null` as JavaScript's `JSON.stringify` writes NaN, or an overflowing
 * `1e999` — is left out with a warning naming it and the line; the line's other values are kept
 * and the line reports the name in `nonFinite` (summaries count them). Other bad lines are reported
 * with their 1-based line number and skipped; the other lines are kept. Text quoted from a line into a
 * warning is cut at {@link MAX_QUOTED_CHARS} characters.
 *
 * {@link JsonlMetricsParser} is incremental: feed it chunks as a file grows; a last line without
 * its newline is kept until the next chunk (or {@link JsonlMetricsParser.end}).
 */
import { StringDecoder } from 'node:string_decoder';
import type { ReadWarning } from './series';
import { dict } from '../../shared/dict';
import { scanMetricLine } from './jsonlScan';

/** One accepted line of the protocol. */
export interface MetricLine {
  step: number;
  /** Unix ms, when the line has it. */
  time?: number;
  /** Metric name → finite value (may be empty when every value of the line was non-finite). */
  values: Record<string, number>;
  /**
   * Names whose value was not a finite number, with how it was written (`NaN`, `Infinity`,
   * `-Infinity`, `null`, ...); absent when there were none. At least one of `values` and `nonFinite`
   * has an entry.
   */
  nonFinite?: Record<string, string>;
  /** 1-based line number in the file. */
  line: number;
}

export interface ParseChunkResult {
  lines: MetricLine[];
  warnings: ReadWarning[];
}

/** Marks a bare `NaN`/`Infinity`/`-Infinity` token while the line is parsed as JSON. */
const MARK = '\u0000xlens-non-finite:';

/**
 * Parses a JSON text that may hold the bare tokens `NaN`, `Infinity` and `-Infinity` outside strings
 * (Python's `json.dumps` default): they become marked strings (see {@link MARK}).
 * @throws SyntaxError like `JSON.parse` for anything else that is not JSON.
 */
function parseJsonWithNonFinite(text: string): unknown {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') {
        i++;
      } else if (c === '"') {
        inString = false;
      }
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    const token = /^(-?Infinity|NaN)(?![\w$])/.exec(text.slice(i, i + 10));
    if (token && !/[\w$.]/.test(text[i - 1] ?? '')) {
      out += text.slice(last, i) + JSON.stringify(MARK + token[1]);
      i += token[1].length - 1;
      last = i + 1;
    }
  }
  return JSON.parse(out + text.slice(last));
}

/** How a non-finite value was written, when `v` is one (see {@link parseMetricLine}). */
function nonFiniteText(v: unknown): string | undefined {
  if (typeof v === 'string' && v.startsWith(MARK)) {
    return v.slice(MARK.length);
  }
  if (typeof v === 'number' && !Number.isFinite(v)) {
    return `${v} (out of the range of a double, e.g. 1e999)`;
  }
  return v === null ? 'null' : undefined;
}

/** A parsed JSON value for a message; JSON.stringify would show an overflowed number (1e999) as null. */
function shown(value: unknown): string {
  const nonFinite = typeof value === 'string' || typeof value === 'number' ? nonFiniteText(value) : undefined;
  return clip(nonFinite ?? JSON.stringify(value));
}

/** The longest text (UTF-16 units) quoted from a line into a warning, which goes to stderr and run.json. */
export const MAX_QUOTED_CHARS = 200;

/** `text`, or its first {@link MAX_QUOTED_CHARS} characters and "…" with the full length. */
export function clip(text: string): string {
  if (text.length <= MAX_QUOTED_CHARS) {
    return text;
  }
  // Do not split a surrogate pair (an emoji) in two.
  const end = /[\uD800-\uDBFF]/.test(text[MAX_QUOTED_CHARS - 1]) ? MAX_QUOTED_CHARS - 1 : MAX_QUOTED_CHARS;
  return `${text.slice(0, end)}… (${text.length} characters)`;
}

/** Unix ms of 2000-01-01 and 2100-01-01 (UTC): the range of a plausible `time`. */
export const TIME_RANGE_MS = [Date.UTC(2000, 0, 1), Date.UTC(2100, 0, 1)] as const;

/**
 * Why `time` (a finite number) is not a plausible Unix time in milliseconds, naming the unit it was
 * probably written in (seconds, microseconds, nanoseconds), or undefined when it is plausible.
 */
export function timeProblem(time: number): string | undefined {
  const [from, to] = TIME_RANGE_MS;
  if (time >= from && time < to) {
    return undefined;
  }
  const units: [string, number][] = [
    ['seconds', 1e-3],
    ['microseconds', 1e3],
    ['nanoseconds', 1e6],
  ];
  const unit = units.find(([, scale]) => time >= from * scale && time < to * scale);
  const hint = unit ? ` (it looks like Unix ${unit[0]}: write ${Math.round(time / unit[1])})` : '';
  return `"time" must be Unix milliseconds between 2000-01-01 and 2100-01-01 (${from} to ${to}), got ${clip(String(time))}${hint}`;
}

/**
 * The warnings for the non-finite values of a parsed line, one per name, e.g.
 * `non-finite value NaN of "loss" left out (metric values must be finite numbers); the line's other values are kept`.
 */
export function nonFiniteWarnings(line: Pick<MetricLine, 'nonFinite'>): string[] {
  return Object.entries(line.nonFinite ?? {}).map(
    ([name, how]) =>
      `non-finite value ${how} of "${clip(name)}" left out (metric values must be finite numbers); ` +
      "the line's other values are kept",
  );
}

/** Incremental parser of a metrics JSONL file. */
export class JsonlMetricsParser {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private lineNumber = 0;
  /** Non-blank lines so far, good or bad: the step of a line without one. */
  private nonBlank = 0;
  /** Metric names of earlier lines, by position, for the scanner to reuse (see `scanMetricLine`). */
  private readonly names: string[] = [];

  /** @param file the path named in warnings. */
  constructor(readonly file: string) {}

  /** Number of complete lines seen so far (good, bad and empty). */
  get linesRead(): number {
    return this.lineNumber;
  }

  /** Parses the complete lines in `chunk` (plus what was pending). */
  push(chunk: Buffer | string): ParseChunkResult {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const parts = this.pending.split('\n');
    this.pending = parts.pop() ?? '';
    return this.parseLines(parts);
  }

  /** Parses a last line that has no trailing newline (the writer finished or died). */
  end(): ParseChunkResult {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest.length > 0 ? this.parseLines([rest]) : { lines: [], warnings: [] };
  }

  /**
   * Parses complete lines (without their `\n`) that follow what was parsed so far, e.g. the lines a
   * `FileTail` returned. Do not mix with {@link push} on the same parser.
   */
  pushLines(texts: readonly string[]): ParseChunkResult {
    return this.parseLines(texts);
  }

  private parseLines(texts: readonly string[]): ParseChunkResult {
    const result: ParseChunkResult = { lines: [], warnings: [] };
    for (const raw of texts) {
      this.lineNumber++;
      const text = raw.charCodeAt(raw.length - 1) === 0x0d ? raw.slice(0, -1) : raw;
      const parsed = parseMetricLine(text, this.nonBlank, this.names);
      if (parsed === undefined) {
        continue;
      }
      this.nonBlank++;
      if (typeof parsed === 'string') {
        result.warnings.push({ file: this.file, line: this.lineNumber, message: parsed });
        continue;
      }
      if (parsed.nonFinite !== undefined) {
        for (const message of nonFiniteWarnings(parsed)) {
          result.warnings.push({ file: this.file, line: this.lineNumber, message });
        }
      }
      const line = parsed as MetricLine;
      line.line = this.lineNumber;
      result.lines.push(line);
    }
    return result;
  }
}

/**
 * Checks one line of the protocol: the usual shape through the scanner of `jsonlScan.ts`, anything else
 * (and anything the scanner leaves) through `JSON.parse`, with the same result and messages either way.
 * @param index the number of non-blank lines before it in its file (the step when the line has none).
 * @param names metric names of earlier lines of the same file, for the scanner to reuse (optional).
 * @returns the point (non-finite values left out of `values` and named in `nonFinite`: see
 *   {@link nonFiniteWarnings}), a message saying what is wrong (the line is to be skipped), or
 *   undefined for a blank line. A new object each call (the caller may add its `line`).
 */
export function parseMetricLine(
  text: string,
  index: number,
  names?: string[],
): Omit<MetricLine, 'line'> | string | undefined {
  const scanned = scanMetricLine(text, names);
  if (scanned !== undefined) {
    const head = checkStepAndTime(scanned, index);
    return typeof head === 'string'
      ? head
      : head.time === undefined
        ? { step: head.step, values: scanned.values }
        : { step: head.step, time: head.time, values: scanned.values };
  }
  return parseGeneralLine(text, index);
}

/** `step` (or `index` when absent) and `time` of a parsed line, or what is wrong with them. */
function checkStepAndTime(
  record: { step?: unknown; time?: unknown },
  index: number,
): { step: number; time: number | undefined } | string {
  let step = index;
  if (record.step !== undefined) {
    if (typeof record.step !== 'number' || !Number.isInteger(record.step) || record.step < 0) {
      return `"step" must be an integer >= 0, got ${shown(record.step)}; line skipped`;
    }
    if (!Number.isSafeInteger(record.step)) {
      // Above 2^53 doubles skip integers: steps 2^53 and 2^53 + 1 would merge into one point.
      return `"step" ${shown(record.step)} is beyond 2^53 - 1 (${Number.MAX_SAFE_INTEGER}), where steps can no longer be told apart; line skipped`;
    }
    step = record.step;
  }
  if (record.time !== undefined && (typeof record.time !== 'number' || !Number.isFinite(record.time))) {
    return `"time" must be Unix milliseconds (a number), got ${shown(record.time)}; line skipped`;
  }
  if (typeof record.time === 'number') {
    const problem = timeProblem(record.time);
    if (problem !== undefined) {
      return `${problem}; line skipped`;
    }
  }
  return { step, time: record.time };
}

/** {@link parseMetricLine} through `JSON.parse`: every shape, every message. */
export function parseGeneralLine(text: string, index: number): Omit<MetricLine, 'line'> | string | undefined {
  if (text.trim().length === 0) {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    try {
      value = parseJsonWithNonFinite(text);
    } catch {
      return `not valid JSON (${clip((error as Error).message)}); line skipped`;
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'expected a JSON object like {"step": 1, "values": {"loss": 0.3}}; line skipped';
  }
  const record = value as Record<string, unknown>;
  const head = checkStepAndTime(record, index);
  if (typeof head === 'string') {
    return head;
  }
  const { step, time } = head;
  const values = record.values;
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    return 'missing "values" object, e.g. {"step": 1, "values": {"loss": 0.3}}; line skipped';
  }
  // Names are the task's: `__proto__` or `constructor` are ordinary keys here (src/shared/dict.ts).
  const out = dict<number>();
  const nonFinite = dict<string>();
  for (const [name, v] of Object.entries(values)) {
    const how = nonFiniteText(v);
    if (how !== undefined) {
      nonFinite[name] = how;
    } else if (typeof v !== 'number') {
      return `value of "${clip(name)}" must be a finite number, got ${clip(JSON.stringify(v))}; line skipped`;
    } else {
      out[name] = v;
    }
  }
  const anyNonFinite = Object.keys(nonFinite).length > 0;
  if (Object.keys(out).length === 0 && !anyNonFinite) {
    return '"values" is empty; line skipped';
  }
  return {
    step,
    ...(time !== undefined ? { time } : {}),
    values: out,
    ...(anyNonFinite ? { nonFinite } : {}),
  };
}
