/**
 * Incremental reader of one TensorBoard run directory (the directory that directly holds
 * `*tfevents*` files). Each {@link TensorBoardRunReader.read} reads only the bytes appended since
 * the previous one, in every event file of the run, and returns the new points per tag: as
 * {@link MetricPoint} objects (the common series model), or with
 * {@link TensorBoardRunReader.readColumns} as typed-array columns, which large reads should use.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParamValue } from '../../runs/types';
import type { MetricPoint, ReadWarning } from '../series';
import { EventDecoder } from './eventDecoder';
import { emptyColumns, type TagSeries } from './tagSeries';
import { type FileCursor, newCursor, RecordScanner, DEFAULT_CHUNK_BYTES } from './recordScanner';
import { dict } from '../../../shared/dict';
import { CancelledError } from '../../base/errors';

/**
 * A batch of one tag's points, columnar: point i is `(steps[i], values[i], times[i])`, with
 * `times` the event wall time in Unix ms. The three arrays have exactly `length` entries and
 * belong to the caller.
 */
export interface PointColumns {
  readonly length: number;
  readonly steps: Float64Array;
  readonly values: Float64Array;
  readonly times: Float64Array;
}

/** What one {@link TensorBoardRunReader.readColumns} found. */
export interface TensorBoardColumnsResult {
  /** Tag → points appended since the previous read, in file order, columnar. */
  columns: Map<string, PointColumns>;
  /** Corruption, decode and I/O problems met in this read (file + byte offset). */
  warnings: ReadWarning[];
  /** Non-scalar values skipped in this read, per plugin (e.g. `{ histograms: 120 }`). */
  skippedPlugins: Record<string, number>;
  /** Bytes consumed in this read. */
  bytesRead: number;
  /** True when `maxBytes` stopped the read before the end of the data: call again. */
  more: boolean;
}

/** Points of a {@link PointColumns} batch as {@link MetricPoint} objects (the common series model). */
export function columnsToPoints(columns: PointColumns): MetricPoint[] {
  const { length, steps, values, times } = columns; // the arrays may be longer than `length`
  const points = new Array<MetricPoint>(length);
  for (let i = 0; i < length; i++) {
    points[i] = { step: steps[i], value: values[i], time: times[i] };
  }
  return points;
}

/** What one {@link TensorBoardRunReader.read} found. */
export interface TensorBoardReadResult {
  /** Tag → points appended since the previous read, in file order. */
  newPoints: Map<string, MetricPoint[]>;
  /** Corruption, decode and I/O problems met in this read (file + byte offset). */
  warnings: ReadWarning[];
  /** Non-scalar values skipped in this read, per plugin (e.g. `{ histograms: 120 }`). */
  skippedPlugins: Record<string, number>;
  /** Bytes consumed in this read. */
  bytesRead: number;
  /** True when `maxBytes` stopped the read before the end of the data: call again. */
  more: boolean;
}

/** Options of {@link TensorBoardRunReader}. */
/** Options of one read. */
export interface ReadOptions {
  /** Stop after consuming about this many bytes (then `more` is true). */
  maxBytes?: number;
  /** Stops the read between chunks with a `CancelledError`. */
  signal?: AbortSignal;
}

export interface TensorBoardRunReaderOptions {
  /** Streaming chunk size in bytes (default 1 MiB); memory use is about this per reader. */
  chunkBytes?: number;
}

/** Matches event file names, as TensorBoard does (`tfevents` in the base name). */
export function isEventFileName(name: string): boolean {
  return name.includes('tfevents');
}

/**
 * Sort key of an event file: the creation time written in its name
 * (`events.out.tfevents.<unix seconds>.<host>.<pid>.<n>[.v2]`), then the name.
 */
export function compareEventFileNames(a: string, b: string): number {
  const ta = eventFileTime(a);
  const tb = eventFileTime(b);
  if (ta !== tb) {
    return ta - tb;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function eventFileTime(name: string): number {
  const match = /tfevents\.(\d+)/.exec(name);
  return match ? Number(match[1]) : 0;
}

/**
 * Reads one run incrementally: per event file it keeps the byte offset reached, so each read
 * costs only what was appended; a record still being written stays pending and is read once
 * complete. Files are merged in creation order (see {@link compareEventFileNames}); files that
 * appear later are picked up by the next read.
 *
 * Memory: one chunk buffer (see {@link TensorBoardRunReaderOptions.chunkBytes}) plus the points
 * returned; with `maxBytes` a caller can drain a huge run in bounded batches.
 */
export class TensorBoardRunReader {
  private readonly cursors = new Map<string, FileCursor>();
  private readonly decoder = new EventDecoder();
  private readonly scanner: RecordScanner;
  private readonly skippedTotal = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    /** The run directory. */
    readonly dir: string,
    options: TensorBoardRunReaderOptions = {},
  ) {
    this.scanner = new RecordScanner(options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  }

  /**
   * Reads what was appended since the last call (everything on the first call).
   *
   * @param options.maxBytes stop after consuming about this many bytes (then `more` is true).
   * @param options.signal stops the read between chunks with a `CancelledError` (the reader is then
   *   not read again).
   * Never throws for bad data or an unreadable file: those become warnings. Calls made while a
   * read runs are queued behind it.
   */
  async read(options: ReadOptions = {}): Promise<TensorBoardReadResult> {
    const { batches, ...rest } = await this.enqueue(options, pointsOf);
    return { newPoints: batches, ...rest };
  }

  /**
   * Like {@link read}, with each tag's new points as typed-array columns instead of one object
   * per point: the fast path for large reads (no allocation per point).
   */
  async readColumns(options: ReadOptions = {}): Promise<TensorBoardColumnsResult> {
    const { batches, ...rest } = await this.enqueue(options, columnsOf);
    return { columns: batches, ...rest };
  }

  private enqueue<T>(options: ReadOptions, take: (series: TagSeries) => T): Promise<RawResult<T>> {
    // Reads share the scanner and cursors: a read asked for while one runs waits for it.
    const result = this.queue.then(() => this.readNow(options, take));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async readNow<T>(options: ReadOptions, take: (series: TagSeries) => T): Promise<RawResult<T>> {
    const warnings: ReadWarning[] = [];
    this.decoder.warnings = warnings;
    let budget = options.maxBytes ?? Infinity;
    let bytesRead = 0;
    let more = false;
    for (const cursor of await this.listFiles(warnings)) {
      if (budget <= 0) {
        more = true;
        break;
      }
      try {
        const result = await this.scanner.scan(cursor, this.decoder, warnings, budget, options.signal);
        bytesRead += result.bytesConsumed;
        budget -= result.bytesConsumed;
        if (result.more) {
          more = true;
          break;
        }
      } catch (error) {
        if (error instanceof CancelledError) {
          throw error;
        }
        warnings.push({
          file: cursor.path,
          offset: cursor.offset,
          message: `cannot read event file: ${(error as Error).message}`,
        });
      }
    }
    return { ...this.collect(warnings, take), warnings, bytesRead, more };
  }

  /** Skipped non-scalar values per plugin over all reads so far. */
  get skippedPlugins(): Record<string, number> {
    return Object.fromEntries(this.skippedTotal);
  }

  /** Hyperparameters of the HParams plugin's session start records read so far (`hparams.ts`). */
  get params(): Record<string, ParamValue> {
    return this.decoder.params;
  }

  /** Grows whenever {@link params} may have changed. */
  get paramsVersion(): number {
    return this.decoder.paramsVersion;
  }

  /** Tags seen so far, in first-seen order (including tags with no scalar points). */
  get tags(): string[] {
    return this.decoder.series.map((s) => s.name);
  }

  /** Earliest and latest event wall time seen with a summary (Unix ms), if any. */
  get timeRange(): { start: number; end: number } | undefined {
    const { firstTime, lastTime } = this.decoder;
    return firstTime <= lastTime ? { start: firstTime, end: lastTime } : undefined;
  }

  /** Bytes at the end of event files that do not form a complete record yet. */
  get pendingBytes(): number {
    let pending = 0;
    for (const cursor of this.cursors.values()) {
      pending += cursor.pendingBytes;
    }
    return pending;
  }

  /** The run's event files in read order, creating cursors for new ones. */
  private async listFiles(warnings: ReadWarning[]): Promise<FileCursor[]> {
    let names: string[];
    try {
      const entries = await readdir(this.dir, { withFileTypes: true });
      names = entries
        .filter((e) => (e.isFile() || e.isSymbolicLink()) && isEventFileName(e.name))
        .map((e) => e.name);
    } catch (error) {
      warnings.push({ file: this.dir, message: `cannot list run directory: ${(error as Error).message}` });
      names = [...this.cursors.keys()];
    }
    names.sort(compareEventFileNames);
    return names.map((name) => {
      let cursor = this.cursors.get(name);
      if (!cursor) {
        cursor = newCursor(join(this.dir, name));
        this.cursors.set(name, cursor);
      }
      return cursor;
    });
  }

  private collect<T>(
    warnings: ReadWarning[],
    take: (series: TagSeries) => T,
  ): Pick<RawResult<T>, 'batches' | 'skippedPlugins'> {
    const batches = new Map<string, T>();
    for (const series of this.decoder.takeTouched()) {
      if (series.count > 0) {
        batches.set(series.name, take(series));
        series.count = 0;
        if (series.steps.length > KEPT_CAPACITY) {
          // A big first read grew the arrays: do not hold that memory for the small reads that follow.
          const empty = emptyColumns(KEPT_CAPACITY);
          series.steps = empty.steps;
          series.values = empty.values;
          series.times = empty.times;
        }
      }
      if (series.dropped > 0) {
        warnings.push({
          file: this.dir,
          message: `${series.dropped} point(s) of '${series.name}' skipped: step negative (first at step ${series.firstDroppedStep})`,
        });
        series.dropped = 0;
      }
    }
    const skippedPlugins = dict<number>();
    for (const [plugin, count] of this.decoder.takeSkipped()) {
      skippedPlugins[plugin] = count;
      this.skippedTotal.set(plugin, (this.skippedTotal.get(plugin) ?? 0) + count);
    }
    return { batches, skippedPlugins };
  }
}

/** A read's result with each tag's new points in the shape `take` made them. */
interface RawResult<T> extends Omit<TensorBoardColumnsResult, 'columns'> {
  batches: Map<string, T>;
}

/** Column capacity a tag keeps between reads (points). */
const KEPT_CAPACITY = 1 << 13;

/** The new points of `series` as exact-size column copies (the decoder reuses its arrays). */
function columnsOf(series: TagSeries): PointColumns {
  const length = series.count;
  return {
    length,
    steps: series.steps.slice(0, length),
    values: series.values.slice(0, length),
    times: series.times.slice(0, length),
  };
}

/** The new points of `series` as {@link MetricPoint} objects. */
function pointsOf(series: TagSeries): MetricPoint[] {
  return columnsToPoints({
    length: series.count,
    steps: series.steps,
    values: series.values,
    times: series.times,
  });
}
