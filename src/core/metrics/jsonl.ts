/**
 * The metrics protocol of Experiment Lens: one JSON object per line,
 * `{"step": 12, "time": 1764000000123, "values": {"loss": 0.31, "val/accuracy": 0.88}}`.
 * `step` is an integer ≥ 0 (when absent, the line's index among accepted lines), `time` Unix ms
 * (optional), `values` a map of finite numbers. Bad lines are reported with their 1-based line
 * number and skipped; the other lines are kept.
 *
 * {@link JsonlMetricsParser} is incremental: feed it chunks as a file grows; a last line without
 * its newline is kept until the next chunk (or {@link JsonlMetricsParser.end}).
 */
import { StringDecoder } from 'node:string_decoder';
import type { ReadWarning } from './series';

/** One accepted line of the protocol. */
export interface MetricLine {
  step: number;
  /** Unix ms, when the line has it. */
  time?: number;
  /** Metric name → finite value (at least one). */
  values: Record<string, number>;
  /** 1-based line number in the file. */
  line: number;
}

export interface ParseChunkResult {
  lines: MetricLine[];
  warnings: ReadWarning[];
}

const NON_FINITE = /(?<![\w."])(-?Infinity|NaN)(?![\w"])/;

/** A parsed JSON value for a message; JSON.stringify would show an overflowed number (1e999) as null. */
function shown(value: unknown): string {
  return typeof value === 'number' && !Number.isFinite(value)
    ? `${value} (out of the range of a double, e.g. 1e999)`
    : JSON.stringify(value);
}

/** Incremental parser of a metrics JSONL file. */
export class JsonlMetricsParser {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private lineNumber = 0;
  private accepted = 0;

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

  private parseLines(texts: string[]): ParseChunkResult {
    const result: ParseChunkResult = { lines: [], warnings: [] };
    for (const text of texts) {
      this.lineNumber++;
      const parsed = parseMetricLine(text.replace(/\r$/, ''), this.accepted);
      if (parsed === undefined) {
        continue;
      }
      if (typeof parsed === 'string') {
        result.warnings.push({ file: this.file, line: this.lineNumber, message: parsed });
      } else {
        this.accepted++;
        result.lines.push({ ...parsed, line: this.lineNumber });
      }
    }
    return result;
  }
}

/**
 * Checks one line of the protocol.
 * @param index the number of lines accepted before it (the step when the line has none).
 * @returns the point, a message saying what is wrong (the line is to be skipped), or undefined for a
 *   blank line.
 */
export function parseMetricLine(text: string, index: number): Omit<MetricLine, 'line'> | string | undefined {
  if (text.trim().length === 0) {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const bad = NON_FINITE.exec(text);
    if (bad) {
      return `non-finite value ${bad[1]}; metric values must be finite numbers (line skipped)`;
    }
    return `not valid JSON (${(error as Error).message}); line skipped`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'expected a JSON object like {"step": 1, "values": {"loss": 0.3}}; line skipped';
  }
  const record = value as Record<string, unknown>;
  let step = index;
  if (record.step !== undefined) {
    if (typeof record.step !== 'number' || !Number.isInteger(record.step) || record.step < 0) {
      return `"step" must be an integer >= 0, got ${shown(record.step)}; line skipped`;
    }
    step = record.step;
  }
  if (record.time !== undefined && (typeof record.time !== 'number' || !Number.isFinite(record.time))) {
    return `"time" must be Unix milliseconds (a number), got ${shown(record.time)}; line skipped`;
  }
  const values = record.values;
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    return 'missing "values" object, e.g. {"step": 1, "values": {"loss": 0.3}}; line skipped';
  }
  const out: Record<string, number> = {};
  for (const [name, v] of Object.entries(values)) {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      return `non-finite value ${shown(v)} of "${name}"; metric values must be finite numbers (line skipped)`;
    }
    if (typeof v !== 'number') {
      const what = v === null ? 'null (non-finite)' : JSON.stringify(v);
      return `value of "${name}" must be a finite number, got ${what}; line skipped`;
    }
    out[name] = v;
  }
  if (Object.keys(out).length === 0) {
    return '"values" is empty; line skipped';
  }
  return { step, ...(record.time !== undefined ? { time: record.time } : {}), values: out };
}
