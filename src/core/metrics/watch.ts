/**
 * Live tailing of metric sources: watches each source's files with `fs.watch` (recursive for
 * folders), debounces bursts of change events, and re-reads the source with its incremental reader,
 * which reads only the bytes or rows appended. A slower poll runs alongside, because file-system
 * events are not delivered everywhere (network drives, some containers, folders created after the
 * watch started); when `fs.watch` cannot be used at all, polling alone drives the reads.
 *
 * Timing: a change is read after `debounceMs` (default 150 ms) of quiet, or at most `maxDelayMs`
 * (default 400 ms) after the first event of a continuous burst, so a process writing all the time
 * still shows new points within a second.
 */
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Disposable } from '../base/disposable';
import { Emitter, type Event } from '../base/emitter';
import { createSourceReader } from './readerFactory';
import type { MetricReader, ReadResult, SourceSpec } from './readers';
import { emptyResult, isEmptyResult } from './readers';

export interface WatchOptions {
  /** Quiet time after the last change event before reading, ms. Default 150. */
  debounceMs?: number;
  /** Longest wait from the first change event of a burst to the read, ms. Default 400. */
  maxDelayMs?: number;
  /** Safety poll interval, ms, while `fs.watch` works. Default 1000. */
  pollMs?: number;
  /** Poll interval when `fs.watch` is unavailable or `usePolling` is set, ms. Default 250. */
  fallbackPollMs?: number;
  /** Poll only, never use `fs.watch`. */
  usePolling?: boolean;
  /** Makes the reader of a source; default {@link createSourceReader}. */
  createReader?: (source: SourceSpec) => MetricReader;
}

/** New data from one source. */
export interface WatchUpdate {
  source: SourceSpec;
  result: ReadResult;
  /** True for the first read of the source (its full contents). */
  initial: boolean;
  /** What started the read: a file-system event, a poll, or the initial read. */
  trigger: 'event' | 'poll' | 'initial';
  /** Unix ms of the first change event behind this read (event-triggered reads only). */
  changedAt?: number;
  /** Unix ms when the read finished. */
  readAt: number;
  /**
   * Set when the source could not be read at all (no reader for its format, or the reader threw):
   * the reason, e.g. `ENOENT: no such file or directory`. Only on an `initial` update, whose `result`
   * is then empty, so a consumer waiting for the first read always gets an answer.
   */
  error?: string;
}

interface Entry {
  source: SourceSpec;
  reader: MetricReader;
  watchers: FSWatcher[];
  poll?: NodeJS.Timeout;
  debounce?: NodeJS.Timeout;
  firstEventAt?: number;
  reading?: Promise<void>;
  again: boolean;
  initialDone: boolean;
  disposed: boolean;
  /** Warnings of the previous read (file, line, offset, message), to report a lasting problem once. */
  lastWarnings: Set<string>;
  /** Message of the error the previous read threw, to report a lasting failure once. */
  lastError?: string;
}

/** Watches metric sources and fires {@link WatchUpdate}s with their new points. */
export class MetricsWatcher implements Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly updateEmitter = new Emitter<WatchUpdate>();
  private readonly errorEmitter = new Emitter<{ source: SourceSpec; error: Error }>();
  private readonly options: Required<Omit<WatchOptions, 'createReader'>> & Pick<WatchOptions, 'createReader'>;

  /** Fires for the initial read of each source and for every later read that found something. */
  readonly onDidUpdate: Event<WatchUpdate> = this.updateEmitter.event;
  /** Fires when a read fails unexpectedly (readers turn bad data into warnings; this is for bugs and I/O). */
  readonly onDidError: Event<{ source: SourceSpec; error: Error }> = this.errorEmitter.event;

  constructor(options: WatchOptions = {}) {
    this.options = {
      debounceMs: options.debounceMs ?? 150,
      maxDelayMs: options.maxDelayMs ?? 400,
      pollMs: options.pollMs ?? 1000,
      fallbackPollMs: options.fallbackPollMs ?? 250,
      usePolling: options.usePolling ?? false,
      createReader: options.createReader,
    };
  }

  /** Sources being watched. */
  get sources(): SourceSpec[] {
    return [...this.entries.values()].map((e) => e.source);
  }

  /**
   * Starts watching `source` and reads it once; resolves when that initial read was emitted.
   * Adding a source twice is a no-op.
   */
  async add(source: SourceSpec): Promise<void> {
    const key = sourceKey(source);
    if (this.entries.has(key)) {
      return;
    }
    let reader: MetricReader;
    try {
      reader = (this.options.createReader ?? createSourceReader)(source);
    } catch (error) {
      // Nothing to watch (e.g. a format without a reader): answer the first read with the reason.
      const reason = error instanceof Error ? error : new Error(String(error));
      this.updateEmitter.fire(failedInitialRead(source, reason));
      this.errorEmitter.fire({ source, error: reason });
      return;
    }
    const entry: Entry = {
      source,
      reader,
      watchers: [],
      again: false,
      initialDone: false,
      disposed: false,
      lastWarnings: new Set(),
    };
    this.entries.set(key, entry);
    const watching = this.options.usePolling ? false : await this.startWatching(entry);
    if (entry.disposed) {
      return;
    }
    const interval = watching ? this.options.pollMs : this.options.fallbackPollMs;
    entry.poll = setInterval(() => this.schedule(entry, 'poll'), interval);
    entry.poll.unref?.();
    await this.run(entry, 'initial');
  }

  /** Stops watching `source`. */
  remove(source: SourceSpec): void {
    const key = sourceKey(source);
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.close(entry);
    }
  }

  /** Reads every source now (e.g. after the user asked for a refresh); resolves when done. */
  async refresh(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => this.run(e, 'poll')));
  }

  dispose(): void {
    for (const entry of this.entries.values()) {
      this.close(entry);
    }
    this.entries.clear();
    this.updateEmitter.dispose();
    this.errorEmitter.dispose();
  }

  private close(entry: Entry): void {
    entry.disposed = true;
    for (const w of entry.watchers) {
      w.close();
    }
    entry.watchers = [];
    clearInterval(entry.poll);
    clearTimeout(entry.debounce);
    entry.reader.dispose?.();
  }

  /**
   * Watches a folder recursively, or a file through its parent folder (so a file created or
   * replaced later is seen). Returns false when no watcher could be set up.
   */
  private async startWatching(entry: Entry): Promise<boolean> {
    const path = entry.source.path;
    let isDir = false;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch {
      // Not there yet: watch the parent for its creation.
    }
    if (entry.disposed) {
      // Removed while stat() ran: a watcher made now would never be closed.
      return false;
    }
    const target = isDir ? path : dirname(path);
    const name = basename(path);
    try {
      const watcher = fsWatch(target, { recursive: isDir, persistent: false }, (_event, filename) => {
        // A file's companions count too: SQLite's `mlflow.db-journal` disappears when a commit is done.
        if (isDir || filename == null || String(filename).startsWith(name)) {
          this.schedule(entry, 'event');
        }
      });
      watcher.on('error', () => {
        // The watched folder went away (e.g. a run folder deleted); polling still covers the source.
        watcher.close();
      });
      entry.watchers.push(watcher);
      return true;
    } catch {
      return false;
    }
  }

  private schedule(entry: Entry, trigger: 'event' | 'poll'): void {
    if (entry.disposed) {
      return;
    }
    if (trigger === 'poll') {
      if (!entry.debounce) {
        void this.run(entry, 'poll');
      }
      return;
    }
    const now = Date.now();
    entry.firstEventAt ??= now;
    clearTimeout(entry.debounce);
    const wait = Math.max(
      0,
      Math.min(this.options.debounceMs, entry.firstEventAt + this.options.maxDelayMs - now),
    );
    entry.debounce = setTimeout(() => {
      entry.debounce = undefined;
      void this.run(entry, 'event');
    }, wait);
  }

  /** Runs one read of the entry; a read requested while one runs is run once right after it. */
  private async run(entry: Entry, trigger: WatchUpdate['trigger']): Promise<void> {
    if (entry.reading) {
      entry.again = true;
      return entry.reading;
    }
    const changedAt = trigger === 'event' ? entry.firstEventAt : undefined;
    entry.firstEventAt = undefined;
    entry.reading = (async () => {
      try {
        const result = withoutRepeatedWarnings(entry, await entry.reader.read());
        if (entry.disposed) {
          return;
        }
        entry.lastError = undefined;
        const initial = !entry.initialDone;
        entry.initialDone = true;
        if (initial || !isEmptyResult(result)) {
          this.updateEmitter.fire({
            source: entry.source,
            result,
            initial,
            trigger,
            changedAt,
            readAt: Date.now(),
          });
        }
      } catch (error) {
        const reason = error instanceof Error ? error : new Error(String(error));
        if (!entry.disposed && entry.lastError !== reason.message) {
          entry.lastError = reason.message;
          if (!entry.initialDone) {
            // The first read failed: still answer it, so whoever waits for it can show the reason.
            // Polls keep trying; the first read that works is sent as `initial` with everything.
            this.updateEmitter.fire(failedInitialRead(entry.source, reason));
          }
          this.errorEmitter.fire({ source: entry.source, error: reason });
        }
      }
    })();
    try {
      await entry.reading;
    } finally {
      entry.reading = undefined;
    }
    if (entry.again && !entry.disposed) {
      entry.again = false;
      await this.run(entry, trigger === 'initial' ? 'poll' : trigger);
    }
  }
}

/**
 * Drops the warnings the previous read already reported: a file that stays unreadable is reported
 * once, not on every poll. Readers report each bad line or record once by themselves, so only
 * lasting problems repeat between consecutive reads.
 */
function withoutRepeatedWarnings(entry: Entry, result: ReadResult): ReadResult {
  const keys = result.warnings.map((w) => `${w.file}\0${w.line}\0${w.offset}\0${w.message}`);
  const fresh = result.warnings.filter((_, i) => !entry.lastWarnings.has(keys[i]));
  entry.lastWarnings = new Set(keys);
  return fresh.length === result.warnings.length ? result : { ...result, warnings: fresh };
}

/** The `initial` update of a source whose first read failed: no data, and the reason. */
function failedInitialRead(source: SourceSpec, error: Error): WatchUpdate {
  return {
    source,
    result: emptyResult(),
    initial: true,
    trigger: 'initial',
    readAt: Date.now(),
    error: error.message,
  };
}

function sourceKey(source: SourceSpec): string {
  return `${source.format}:${source.path}`;
}
