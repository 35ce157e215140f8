/**
 * Reads `metrics.jsonl` text (the metrics protocol of `jsonl.ts`) straight into metric columns, as the
 * run follower keeps a run's series: a piece of text holding many lines (what a `FileTail` sink gets)
 * is read in place, each usual line (`{"step":12,"time":1764000000123,"values":{"loss":0.31}}`, the
 * three keys in any order, `step` and `time` optional, JSON whitespace anywhere) appended value by
 * value to the columns of its names, with no string per line, no dictionary and no line object.
 *
 * Any other line is handed to the protocol's parser (`parseMetricLine`: the scanner of `jsonlScan.ts`,
 * else `JSON.parse`), which owns every message and the non-finite rules: a line this fast path takes is
 * one that parser reads to the same step and values with no warning (a property test in test/robustness
 * compares the columns and warnings of both on random files). It leaves to that parser: another key, a
 * duplicate key, an escape or a control character in a name, a name starting with a digit (such names
 * are array indices, which `JSON.parse` objects list first), a value that is not a finite JSON number,
 * an empty `values`, a step or time out of the protocol's range, text after the object, more than
 * {@link MAX_FAST_VALUES} values, and blank lines.
 */
import { MetricColumns } from './metricColumns';
import { parseMetricLine, timeProblem, type MetricLine } from './jsonl';
import * as jsonlScan from './jsonlScan';
import type { ReadWarning } from './series';

// Bound once: read through the module's exports, each of the millions of calls would first read a
// property (a getter, once the module is compiled to CommonJS as under tsx).
const readNumber = jsonlScan.readNumber;
const lastNumber = jsonlScan.lastNumber;

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const BACKSLASH = 0x5c;
const CR = 0x0d;
const ZERO = 0x30;
const NINE = 0x39;

/** Values a line may have and still take the fast path (a longer line goes to the general parser). */
export const MAX_FAST_VALUES = 64;

/** A line with non-finite values, kept whole: the follower's summaries count them in order. */
export interface NonFiniteLine {
  line: MetricLine;
  /** Points in each series of {@link MetricsBatch.series} before the line, in the map's order. */
  before: number[];
}

/**
 * What one read of a metrics file found, before it is added to a run: the points of the lines with
 * finite values only, as columns by name in first-seen order; the accepted lines with non-finite values
 * (their finite values are not in {@link series}); the bad lines' warnings, in line order.
 */
export class MetricsBatch {
  readonly series = new Map<string, MetricColumns>();
  /** The scanner's: the series of the names it holds by position, once known in this batch. */
  readonly byPosition: (MetricColumns | undefined)[] = [];
  readonly nonFiniteLines: NonFiniteLine[] = [];
  readonly warnings: ReadWarning[] = [];
  /** Highest step of the accepted lines, or null when there was none. */
  maxStep: number | null = null;
}

/** The index of the first character at or after `i` (and before `end`) that is not JSON whitespace. */
function skipWs(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== CR) {
      return i;
    }
    i++;
  }
  return end;
}

/** Reads the lines of one metrics file into batches; keeps what spans reads (line count, steps, names). */
export class JsonlColumnScanner {
  /** Non-blank lines so far, good or bad: the step of a line without one. */
  private nonBlank = 0;
  private lineNumber = 0;
  /**
   * Names of the previous line taken by the fast path, by position (lines repeat their names); their
   * series in a batch are the batch's `byPosition`.
   */
  private readonly names: string[] = [];
  /** Names of earlier lines for the general parser's scanner. */
  private readonly parserNames: string[] = [];
  /** The line being read: its names, their series in the batch (when there already) and values. */
  private readonly lineNames: string[] = [];
  private readonly lineColumns: (MetricColumns | undefined)[] = [];
  private readonly lineValues = new Float64Array(MAX_FAST_VALUES);
  private lineCount = 0;

  /** @param file the path named in warnings. */
  constructor(readonly file: string) {}

  /**
   * Reads complete lines into `batch`.
   * @param text one or more lines joined by `\n`, without the last line's `\n` (a `FileTail` sink's
   *   piece); up to two `\r` at a line's end are dropped (as the tail and the parser each drop one).
   * @param firstLine the 1-based line number of its first line in the file; 1 starts the file again
   *   (after a reset: steps of lines without one count from 0 again).
   */
  scan(text: string, firstLine: number, batch: MetricsBatch): void {
    if (firstLine === 1) {
      this.nonBlank = 0;
    }
    this.lineNumber = firstLine - 1;
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      let end = newline < 0 ? text.length : newline;
      for (let cut = 0; cut < 2 && end > start && text.charCodeAt(end - 1) === CR; cut++) {
        end--;
      }
      this.lineNumber++;
      if (!this.fastLine(text, start, end, batch)) {
        this.generalLine(text.slice(start, end), batch);
      }
      if (newline < 0) {
        return;
      }
      start = newline + 1;
    }
  }

  /** Reads the line `text[start, end)` when it has the usual shape, into the batch; false otherwise. */
  private fastLine(text: string, start: number, end: number, batch: MetricsBatch): boolean {
    let i = skipWs(text, start, end);
    if (i === end || text.charCodeAt(i) !== OPEN) {
      return false;
    }
    i = skipWs(text, i + 1, end);
    let step = -1;
    let time = false;
    this.lineCount = 0;
    for (;;) {
      if (step < 0 && text.startsWith('"step"', i)) {
        i = readNumber(text, this.afterColon(text, i + 6, end));
        step = lastNumber();
        // -0 is a step (as JSON.parse reads it); anything else the general parser reports.
        if (i < 0 || !Number.isSafeInteger(step) || step < 0) {
          return false;
        }
      } else if (!time && text.startsWith('"time"', i)) {
        i = readNumber(text, this.afterColon(text, i + 6, end));
        if (i < 0 || timeProblem(lastNumber()) !== undefined) {
          return false;
        }
        time = true;
      } else if (this.lineCount === 0 && text.startsWith('"values"', i)) {
        i = this.readValues(text, this.afterColon(text, i + 8, end), end, batch);
        if (i < 0) {
          return false;
        }
      } else {
        return false;
      }
      i = skipWs(text, i, end);
      const c = text.charCodeAt(i);
      if (c === CLOSE && i < end) {
        break;
      }
      if (c !== COMMA || i >= end) {
        return false;
      }
      i = skipWs(text, i + 1, end);
    }
    if (this.lineCount === 0 || skipWs(text, i + 1, end) !== end) {
      return false;
    }
    if (step < 0) {
      step = this.nonBlank;
    }
    this.nonBlank++;
    for (let k = 0; k < this.lineCount; k++) {
      const name = this.lineNames[k];
      let column = this.lineColumns[k] ?? batch.series.get(name);
      if (column === undefined) {
        column = new MetricColumns();
        batch.series.set(name, column);
      }
      this.names[k] = name;
      batch.byPosition[k] = column;
      column.push(step, this.lineValues[k]);
    }
    batch.maxStep = batch.maxStep === null || step > batch.maxStep ? step : batch.maxStep;
    return true;
  }

  /** The index of the value after a key ending at `i` and its colon, or -1 without a colon. */
  private afterColon(text: string, i: number, end: number): number {
    i = skipWs(text, i, end);
    return i < end && text.charCodeAt(i) === COLON ? skipWs(text, i + 1, end) : -1;
  }

  /**
   * Reads the `values` object at `i` (before `end`) into the line's names, series and values, at least
   * one; returns the index after its `}`, or -1 when it is not one the fast path takes.
   */
  private readValues(text: string, i: number, end: number, batch: MetricsBatch): number {
    if (i < 0 || i >= end || text.charCodeAt(i) !== OPEN) {
      return -1;
    }
    i = skipWs(text, i + 1, end);
    for (let k = 0; k < MAX_FAST_VALUES; k++) {
      if (i >= end || text.charCodeAt(i) !== QUOTE) {
        return -1;
      }
      const guess = this.names[k];
      let name: string;
      let column: MetricColumns | undefined;
      if (
        guess !== undefined &&
        i + 1 + guess.length < end &&
        text.charCodeAt(i + 1 + guess.length) === QUOTE &&
        text.startsWith(guess, i + 1)
      ) {
        name = guess;
        column = batch.byPosition[k] ?? batch.series.get(name);
        i += 2 + guess.length;
      } else {
        const first = text.charCodeAt(i + 1);
        if (first >= ZERO && first <= NINE) {
          return -1;
        }
        let j = i + 1;
        for (; j < end; j++) {
          const c = text.charCodeAt(j);
          if (c === QUOTE) {
            break;
          }
          if (c === BACKSLASH || c < 0x20) {
            return -1;
          }
        }
        if (j >= end) {
          return -1;
        }
        name = text.slice(i + 1, j);
        column = batch.series.get(name);
        i = j + 1;
      }
      for (let m = 0; m < k; m++) {
        if (this.lineNames[m] === name) {
          return -1;
        }
      }
      this.lineNames[k] = name;
      this.lineColumns[k] = column;
      i = skipWs(text, i, end);
      if (i >= end || text.charCodeAt(i) !== COLON) {
        return -1;
      }
      const from = skipWs(text, i + 1, end);
      i = from < end ? readNumber(text, from) : -1;
      if (i < 0) {
        return -1;
      }
      this.lineValues[k] = lastNumber();
      i = skipWs(text, i, end);
      const c = i < end ? text.charCodeAt(i) : -1;
      if (c === CLOSE) {
        this.lineCount = k + 1;
        return i + 1;
      }
      if (c !== COMMA) {
        return -1;
      }
      i = skipWs(text, i + 1, end);
    }
    return -1;
  }

  /** A line the fast path left: the protocol's parser reads it (or reports it). */
  private generalLine(text: string, batch: MetricsBatch): void {
    const parsed = parseMetricLine(text, this.nonBlank, this.parserNames);
    if (parsed === undefined) {
      return;
    }
    this.nonBlank++;
    if (typeof parsed === 'string') {
      batch.warnings.push({ file: this.file, line: this.lineNumber, message: parsed });
      return;
    }
    const step = parsed.step;
    batch.maxStep = batch.maxStep === null || step > batch.maxStep ? step : batch.maxStep;
    if (parsed.nonFinite !== undefined) {
      const before = Array.from(batch.series.values(), (series) => series.length);
      batch.nonFiniteLines.push({ line: { ...parsed, line: this.lineNumber }, before });
      return;
    }
    for (const name in parsed.values) {
      let column = batch.series.get(name);
      if (column === undefined) {
        column = new MetricColumns();
        batch.series.set(name, column);
      }
      column.push(step, parsed.values[name]);
    }
  }
}
