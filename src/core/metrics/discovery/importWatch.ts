/**
 * Follows the metric logs under one path from the start (`xlens import --watch`): waits for the path
 * when it does not exist yet, follows every source found there (`MetricsWatcher`, `../watch.ts`), and
 * scans the path again every `rescanMs` so logs created later (a new `version_N/`, a new TensorBoard
 * run, a CSV a training has just begun) are followed too.
 */
import { stat } from 'node:fs/promises';
import type { Disposable } from '../../base/disposable';
import { Emitter, type Event } from '../../base/emitter';
import type { SourceSpec } from '../readers';
import { MetricsWatcher, type WatchOptions, type WatchUpdate } from '../watch';
import { findImportSources } from './discovery';
import type { DiscoveryOptions } from './scan';

/** Options of {@link ImportWatch}. */
export interface ImportWatchOptions extends WatchOptions {
  /** Time between scans for new sources (and checks that the path exists), ms. Default 1000. */
  rescanMs?: number;
  /** Options of the scan (`scan.ts`). */
  discovery?: DiscoveryOptions;
}

/** New data from one source; `listed` when the source was known at the start (its first read is old data). */
export interface ImportUpdate extends WatchUpdate {
  listed: boolean;
}

/** Follows the logs under a path, including those that appear after it started. */
export class ImportWatch implements Disposable {
  private readonly watcher: MetricsWatcher;
  private readonly updateEmitter = new Emitter<ImportUpdate>();
  private readonly sourceEmitter = new Emitter<SourceSpec>();
  private readonly listed = new Set<string>();
  private readonly followed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private disposed = false;

  /** Every read of a followed source that found something (and each source's first read). */
  readonly onDidUpdate: Event<ImportUpdate> = this.updateEmitter.event;
  /** A source found after the start. */
  readonly onDidAddSource: Event<SourceSpec> = this.sourceEmitter.event;
  /** A read that failed unexpectedly (see `MetricsWatcher.onDidError`). */
  readonly onDidError: Event<{ source: SourceSpec; error: Error }>;

  /** @param path absolute path of the folder to scan or the log to follow; it may not exist yet. */
  constructor(
    readonly path: string,
    private readonly options: ImportWatchOptions = {},
  ) {
    this.watcher = new MetricsWatcher(options);
    this.onDidError = this.watcher.onDidError;
    this.watcher.onDidUpdate((update) =>
      this.updateEmitter.fire({ ...update, listed: this.listed.has(keyOf(update.source)) }),
    );
  }

  /** The sources followed so far. */
  get sources(): SourceSpec[] {
    return this.watcher.sources;
  }

  /**
   * Starts following `listed` (the sources already shown: their first read is not news) and scanning
   * for more; resolves once their first reads are done.
   */
  async start(listed: readonly SourceSpec[]): Promise<void> {
    listed.forEach((source) => this.listed.add(keyOf(source)));
    await Promise.all(listed.map((source) => this.follow(source)));
    this.schedule();
  }

  /**
   * Resolves when `path` exists (checked every `rescanMs`), or when `signal` aborts.
   * @returns true when the path exists.
   */
  static async waitFor(path: string, signal: AbortSignal, intervalMs = 1000): Promise<boolean> {
    while (!signal.aborted) {
      if (await exists(path)) {
        return true;
      }
      await new Promise<void>((done) => {
        const timer = setTimeout(done, intervalMs);
        signal.addEventListener('abort', () => (clearTimeout(timer), done()), { once: true });
      });
    }
    return false;
  }

  /** Scans the path once for sources not followed yet and follows them. */
  rescan(): Promise<void> {
    this.scanning ??= this.scanOnce().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.watcher.dispose();
    this.updateEmitter.dispose();
    this.sourceEmitter.dispose();
  }

  private schedule(): void {
    if (this.disposed) {
      return;
    }
    this.timer = setTimeout(
      () => void this.rescan().then(() => this.schedule()),
      this.options.rescanMs ?? 1000,
    );
    this.timer.unref?.();
  }

  private async scanOnce(): Promise<void> {
    if (!(await exists(this.path))) {
      return;
    }
    let found: SourceSpec[];
    try {
      ({ sources: found } = await findImportSources(this.path, this.options.discovery));
    } catch {
      return; // the folder went away during the scan: the next scan tries again
    }
    for (const source of found) {
      if (this.disposed) {
        return;
      }
      if (!this.followed.has(keyOf(source)) && (await exists(source.path))) {
        this.sourceEmitter.fire(source);
        await this.follow(source);
      }
    }
  }

  private async follow(source: SourceSpec): Promise<void> {
    this.followed.add(keyOf(source));
    await this.watcher.add(source);
  }
}

function keyOf(source: SourceSpec): string {
  return `${source.format}:${source.path}`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
