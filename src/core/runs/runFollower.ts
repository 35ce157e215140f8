/**
 * The one follower of a run folder. It reads `run.json` when it changes, tails `metrics.jsonl` (only
 * appended bytes are read; a partial last line waits for its newline) and `output.log` through the one
 * {@link FileTail}, and fires a {@link RunChange} for each refresh that found something new. Changes
 * are noticed through `fs.watch` on the folder plus a poll while the run is not final, so a line
 * written by the training process reaches listeners well within a second.
 *
 * Every surface that shows a run (the dashboard, the task terminal, the Runs view and status bar, and
 * `xlens show --follow`) reads the same follower, usually through {@link RunFollowers}, so they show
 * the same step at the same moment: {@link RunFollower.liveRecord} is `run.json` with its metric
 * summaries brought up to the points read so far, computed with the runner's own summary code.
 * No `vscode` import: tested with real files and real writers.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asDict, dictFrom } from '../../shared/dict';
import { Emitter, type Event } from '../base/emitter';
import type { Disposable } from '../base/disposable';
import { FileTail } from '../base/fileTail';
import { PointsByName, type MetricColumns } from '../metrics/metricColumns';
import type { MetricPoint } from '../metrics/series';
import { FollowedMetrics } from './followedMetrics';
import { isFinalStatus, type RunRecord } from './types';

/** What changed in one refresh. */
export interface RunChange {
  /** The new `run.json`, when it changed. */
  record?: RunRecord;
  /** Metric name → number of points appended in this refresh (read them from {@link RunFollower.series}). */
  appended: Map<string, number>;
  /** True when `metrics.jsonl` was rewritten and every series was read again from its start. */
  reset: boolean;
  /** Lines appended to `output.log`, in order (the first read gives the end of the log only). */
  logLines: string[];
  /** New problems (bad metric lines, unreadable run.json), each naming file and line. */
  warnings: string[];
  /** True when the run folder or its `run.json` disappeared. */
  missing: boolean;
  /** For an imported run: true when its params, status or times changed in its source. */
  info?: boolean;
}

/** A change that says nothing yet, for a refresh to fill in. */
export function emptyRunChange(): RunChange {
  return { appended: new Map(), reset: false, logLines: [], warnings: [], missing: false };
}

/** Tuning of a follower (defaults suit the editor). */
export interface RunFollowerOptions {
  /** Poll interval in ms while the run is not final (a safety net under `fs.watch`). Default 400. */
  pollMs?: number;
  /** Delay in ms that coalesces bursts of file events into one refresh. Default 30. */
  debounceMs?: number;
  /** Lines of `output.log` kept in {@link RunFollower.log}. Default 200. */
  logLines?: number;
  /** Bytes of an existing `output.log` read on the first refresh (its end). Default 64 KiB. */
  logBacklogBytes?: number;
  /**
   * Keep the process alive while following (a CLI that only follows). Default false: the editor and
   * tests do not want a follower to hold the event loop.
   */
  keepAlive?: boolean;
}

const MAX_WARNINGS = 100;

/**
 * Reads a run folder and keeps following it until disposed. Call {@link start} once; listen to
 * {@link onDidChange}. The accumulated state is always available through the getters.
 */
export class RunFollower implements Disposable {
  private readonly changeEmitter = new Emitter<RunChange>();
  /** Fires after every refresh that found something new. */
  readonly onDidChange: Event<RunChange> = this.changeEmitter.event;

  private recordValue: RunRecord | undefined;
  private recordText = '';
  private readonly metrics: FollowedMetrics;
  private readonly seriesByName: Map<string, MetricColumns>;
  private readonly pointsByName: PointsByName;
  private readonly logFile: FileTail;
  private logTail: string[] = [];
  /** The log's last line while it has no newline yet (e.g. a progress bar). */
  private logPartial = '';
  private logTruncated = false;
  private readonly warningList: string[] = [];
  private missingValue = false;
  /** True once the record is final and the log's last line (without newline) was taken. */
  private flushed = false;

  private watcher: FSWatcher | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private started: Promise<void> | undefined;
  private refreshing: Promise<void> | undefined;
  private again = false;
  private disposed = false;
  private readonly pollMs: number;
  private readonly debounceMs: number;
  private readonly logLimit: number;
  private readonly keepAlive: boolean;

  constructor(
    /** Absolute path of `.xlens/runs/<id>`. */
    readonly runDir: string,
    options: RunFollowerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 400;
    this.debounceMs = options.debounceMs ?? 30;
    this.logLimit = options.logLines ?? 200;
    this.keepAlive = options.keepAlive ?? false;
    this.metrics = new FollowedMetrics(join(runDir, 'metrics.jsonl'));
    this.seriesByName = this.metrics.series;
    this.pointsByName = new PointsByName(this.seriesByName);
    this.logFile = new FileTail(join(runDir, 'output.log'), {
      maxBacklogBytes: options.logBacklogBytes ?? 64 * 1024,
    });
  }

  /** The run's `run.json` as last read. */
  get record(): RunRecord | undefined {
    return this.recordValue;
  }

  /**
   * The record as every view should show it: `run.json` with its metric summaries computed from the
   * points read so far while the run is not final (the runner rewrites `run.json` only about once a
   * second); `run.json` itself once final.
   */
  get liveRecord(): RunRecord | undefined {
    const record = this.recordValue;
    if (record === undefined || isFinalStatus(record.status) || this.seriesByName.size === 0) {
      return record;
    }
    return {
      ...record,
      metrics: dictFrom([...Object.entries(record.metrics), ...Object.entries(this.metrics.summaries)]),
    };
  }

  /** Every metric read so far, in first-seen order, as points (built on first use from {@link columns}). */
  get series(): ReadonlyMap<string, readonly MetricPoint[]> {
    return this.pointsByName;
  }

  /** The same series as stored: steps and values in columns (16 bytes a point), read without objects. */
  get columns(): ReadonlyMap<string, MetricColumns> {
    return this.seriesByName;
  }

  /** Highest step in the metrics, or null before the first line. */
  get lastStep(): number | null {
    return this.metrics.lastStep;
  }

  /** The last lines of `output.log`, including a last line still without its newline. */
  get log(): { lines: string[]; truncated: boolean } {
    const lines = this.logPartial === '' ? this.logTail : [...this.logTail, this.logPartial];
    return {
      lines: lines.slice(-this.logLimit),
      truncated: this.logTruncated || lines.length > this.logLimit,
    };
  }

  /** The complete lines of `output.log` read so far (its last {@link RunFollowerOptions.logLines}). */
  get outputLines(): string[] {
    return this.logTail.slice(-this.logLimit);
  }

  get warnings(): readonly string[] {
    return this.warningList;
  }

  get missing(): boolean {
    return this.missingValue;
  }

  /** True when the run is final and everything it wrote has been read. */
  get done(): boolean {
    return this.flushed;
  }

  /**
   * Reads everything there is, then starts following. Resolves after the first read. Calling it again
   * (a second subscriber of a shared follower) returns the same promise.
   */
  start(): Promise<void> {
    this.started ??= this.startFollowing();
    return this.started;
  }

  private async startFollowing(): Promise<void> {
    await this.refresh();
    if (this.disposed) {
      return;
    }
    try {
      this.watcher = watch(this.runDir, { persistent: this.keepAlive }, () => this.schedule());
      this.watcher.on('error', () => {
        // The folder was deleted or became unreadable: the poll notices and reports it.
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      // No folder to watch (missing run): the poll below still runs until the run is final.
    }
    this.pollTimer = setInterval(() => {
      if (!this.flushed) {
        this.schedule(0);
      }
    }, this.pollMs);
    if (!this.keepAlive) {
      this.pollTimer.unref?.();
    }
  }

  /** Re-reads now (coalesced with a refresh already running). */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = this.readAll()
      .catch((error: unknown) => {
        this.addWarning(`${this.runDir}: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        this.refreshing = undefined;
        if (this.again && !this.disposed) {
          this.again = false;
          void this.refresh();
        }
      });
    return this.refreshing;
  }

  private schedule(delay = this.debounceMs): void {
    if (this.disposed || this.debounceTimer) {
      return;
    }
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = undefined;
      void this.refresh();
    }, delay);
  }

  private async readAll(): Promise<void> {
    const change = emptyRunChange();
    const warningsBefore = this.warningList.length;
    const record = await this.readRecord();
    if (record === 'missing') {
      if (!this.missingValue) {
        this.missingValue = true;
        change.missing = true;
        this.emit(change);
      }
      return;
    }
    this.missingValue = false;
    if (record) {
      change.record = record;
      // A record that went back to running (a re-used folder) is followed again.
      this.flushed = false;
    }
    // The record is read before the files: once it is final, everything the run wrote is on disk.
    const final = this.recordValue !== undefined && isFinalStatus(this.recordValue.status);
    // The log first: nothing awaited between the metrics' last piece and the change that reports it, so
    // no view can take the series in between (and count the same points again from the change).
    change.logLines = await this.readLog(final);
    // One read to the end, added to the series in one turn: a view never sees part of what a change
    // reports. (Pieces told one by one made a dashboard opened mid-read start from part of a finished
    // run.) The views accept exactly the lines `run.json`'s summaries are built from.
    change.reset = await this.metrics.read(change.appended, (message) => this.addWarning(message));
    if (final) {
      this.flushed = true;
    }
    change.warnings = this.warningList.slice(warningsBefore);
    if (
      change.record ||
      change.reset ||
      change.appended.size > 0 ||
      change.logLines.length > 0 ||
      change.warnings.length > 0
    ) {
      this.emit(change);
    }
  }

  private emit(change: RunChange): void {
    if (!this.disposed) {
      this.changeEmitter.fire(change);
    }
  }

  /** The record when changed, undefined when unchanged or unreadable, 'missing' when gone. */
  private async readRecord(): Promise<RunRecord | undefined | 'missing'> {
    const file = join(this.runDir, 'run.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return 'missing';
      }
      throw error;
    }
    if (text === this.recordText) {
      return undefined;
    }
    try {
      const parsed = JSON.parse(text) as RunRecord;
      if (typeof parsed !== 'object' || parsed === null || typeof parsed.id !== 'string') {
        throw new Error('not a run record (no "id")');
      }
      // Names from data as ordinary keys: an absent `constructor` must not read Object.prototype's.
      const record = { ...parsed, metrics: asDict(parsed.metrics) };
      this.recordText = text;
      this.recordValue = record;
      return record;
    } catch (error) {
      // run.json is written atomically, so this is a damaged file, not a half-written one.
      const message = `${file}: cannot read the run record: ${(error as Error).message}`;
      if (!this.warningList.includes(message)) {
        this.addWarning(message);
      }
      return undefined;
    }
  }

  /** Reads what was appended to `output.log`; with `final`, also its last line without newline. */
  private async readLog(final: boolean): Promise<string[]> {
    const { lines, reset, skippedBytes, partial } = await this.logFile.read({ flush: final });
    this.logPartial = partial;
    if (reset) {
      this.logTail = [];
    }
    if (skippedBytes > 0) {
      this.logTruncated = true;
    }
    const fresh = lines.map((l) => l.text.replace(/\r/g, ''));
    this.logTail.push(...fresh);
    if (this.logTail.length > this.logLimit) {
      this.logTail.splice(0, this.logTail.length - this.logLimit);
      this.logTruncated = true;
    }
    return fresh;
  }

  private addWarning(message: string): void {
    if (this.warningList.length < MAX_WARNINGS) {
      this.warningList.push(message);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.watcher?.close();
    this.watcher = undefined;
    clearInterval(this.pollTimer);
    clearTimeout(this.debounceTimer);
    this.changeEmitter.dispose();
  }
}
