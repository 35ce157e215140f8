/**
 * Incremental reader of one TensorBoard run directory (the directory that directly holds
 * `*tfevents*` files). Each {@link TensorBoardRunReader.read} reads only the bytes appended since
 * the previous one, in every event file of the run, and returns the new points per tag.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricPoint, ReadWarning } from '../series';
import { EventDecoder } from './eventDecoder';
import { type FileCursor, newCursor, RecordScanner, DEFAULT_CHUNK_BYTES } from './recordScanner';

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
   * Never throws for bad data or an unreadable file: those become warnings. Calls made while a
   * read runs are queued behind it.
   */
  read(options: { maxBytes?: number } = {}): Promise<TensorBoardReadResult> {
    // Reads share the scanner and cursors: a read asked for while one runs waits for it.
    const result = this.queue.then(() => this.readNow(options));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async readNow(options: { maxBytes?: number }): Promise<TensorBoardReadResult> {
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
        const result = await this.scanner.scan(cursor, this.decoder, warnings, budget);
        bytesRead += result.bytesConsumed;
        budget -= result.bytesConsumed;
        if (result.more) {
          more = true;
          break;
        }
      } catch (error) {
        warnings.push({
          file: cursor.path,
          offset: cursor.offset,
          message: `cannot read event file: ${(error as Error).message}`,
        });
      }
    }
    return { ...this.collect(warnings), warnings, bytesRead, more };
  }

  /** Skipped non-scalar values per plugin over all reads so far. */
  get skippedPlugins(): Record<string, number> {
    return Object.fromEntries(this.skippedTotal);
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

  private collect(warnings: ReadWarning[]): Pick<TensorBoardReadResult, 'newPoints' | 'skippedPlugins'> {
    const newPoints = new Map<string, MetricPoint[]>();
    for (const series of this.decoder.takeTouched()) {
      if (series.batch.length > 0) {
        newPoints.set(series.name, series.batch);
        series.batch = [];
      }
      if (series.dropped > 0) {
        warnings.push({
          file: this.dir,
          message: `${series.dropped} point(s) of '${series.name}' skipped: value not finite or step negative (first at step ${series.firstDroppedStep})`,
        });
        series.dropped = 0;
      }
    }
    const skippedPlugins: Record<string, number> = {};
    for (const [plugin, count] of this.decoder.takeSkipped()) {
      skippedPlugins[plugin] = count;
      this.skippedTotal.set(plugin, (this.skippedTotal.get(plugin) ?? 0) + count);
    }
    return { newPoints, skippedPlugins };
  }
}
