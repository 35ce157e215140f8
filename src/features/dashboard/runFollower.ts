/**
 * Follows one run folder while a dashboard shows it: `run.json` re-read when it changes, `metrics.jsonl`
 * tailed incrementally (only appended bytes are read; a partial last line waits for its newline),
 * and the end of `output.log`. Changes are noticed through `fs.watch` on the folder plus a poll while
 * the run is not final, so a metric line written by the training process reaches listeners well
 * within a second. No `vscode` import: tested with real files and real writers.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Emitter, type Event } from '../../core/base/emitter';
import type { Disposable } from '../../core/base/disposable';
import { parseMetricLine } from '../../core/metrics/jsonl';
import type { MetricPoint } from '../../core/metrics/series';
import { TextTail } from '../../core/metrics/tail';
import { isFinalStatus, type RunRecord } from '../../core/runs/types';

/** What changed in one refresh. */
export interface RunChange {
  /** The new `run.json`, when it changed. */
  record?: RunRecord;
  /** Metric name → number of points appended in this refresh (read them from {@link RunFollower.series}). */
  appended: Map<string, number>;
  /** True when `metrics.jsonl` was rewritten and every series was read again from its start. */
  reset: boolean;
  /** Lines appended to `output.log`. */
  logLines: string[];
  /** New problems (bad metric lines, unreadable run.json), each naming file and line. */
  warnings: string[];
  /** True when the run folder or its `run.json` disappeared. */
  missing: boolean;
  /** For an imported run: true when its params, status or times changed in its source. */
  info?: boolean;
}

/** Tuning of a follower (defaults suit the editor). */
export interface RunFollowerOptions {
  /** Poll interval in ms while the run is not final (a safety net under `fs.watch`). */
  pollMs?: number;
  /** Delay in ms that coalesces bursts of file events into one refresh. */
  debounceMs?: number;
  /** Lines of `output.log` kept. */
  logLines?: number;
}

const LOG_TAIL_BYTES = 64 * 1024;
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
  private readonly seriesByName = new Map<string, MetricPoint[]>();
  private maxStep: number | null = null;
  /** Lines of metrics.jsonl accepted so far: the implied step of a line without one. */
  private acceptedLines = 0;
  private readonly metricsTail: TextTail;
  private logOffset = 0;
  private logPartial = '';
  private logTail: string[] = [];
  private logTruncated = false;
  private readonly warningList: string[] = [];
  private missingValue = false;

  private watcher: FSWatcher | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private again = false;
  private disposed = false;
  private readonly pollMs: number;
  private readonly debounceMs: number;
  private readonly logLimit: number;

  constructor(
    /** Absolute path of `.xlens/runs/<id>`. */
    readonly runDir: string,
    options: RunFollowerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 400;
    this.debounceMs = options.debounceMs ?? 30;
    this.logLimit = options.logLines ?? 200;
    this.metricsTail = new TextTail(join(runDir, 'metrics.jsonl'));
  }

  get record(): RunRecord | undefined {
    return this.recordValue;
  }

  /** Every metric read so far, in first-seen order. */
  get series(): ReadonlyMap<string, readonly MetricPoint[]> {
    return this.seriesByName;
  }

  /** Highest step in the metrics, or null before the first line. */
  get lastStep(): number | null {
    return this.maxStep;
  }

  /** The last lines of `output.log`, including a last line still without its newline. */
  get log(): { lines: string[]; truncated: boolean } {
    const lines = this.logPartial === '' ? [...this.logTail] : [...this.logTail, this.logPartial];
    return {
      lines: lines.slice(-this.logLimit),
      truncated: this.logTruncated || lines.length > this.logLimit,
    };
  }

  get warnings(): readonly string[] {
    return this.warningList;
  }

  get missing(): boolean {
    return this.missingValue;
  }

  /** Reads everything there is, then starts following. Resolves after the first read. */
  async start(): Promise<void> {
    await this.refresh();
    if (this.disposed) {
      return;
    }
    try {
      this.watcher = watch(this.runDir, { persistent: false }, () => this.schedule());
      this.watcher.on('error', () => {
        // The folder was deleted or became unreadable: the poll notices and reports it.
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      // No folder to watch (missing run): the poll below still runs until the run is final.
    }
    this.pollTimer = setInterval(() => {
      if (!this.recordValue || !isFinalStatus(this.recordValue.status)) {
        this.schedule(0);
      }
    }, this.pollMs);
    this.pollTimer.unref?.();
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
    const change: RunChange = {
      appended: new Map(),
      reset: false,
      logLines: [],
      warnings: [],
      missing: false,
    };
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
    if (this.missingValue) {
      this.missingValue = false;
    }
    if (record) {
      change.record = record;
    }
    change.reset = await this.readMetrics(change.appended);
    change.logLines = await this.readLog();
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
      this.recordText = text;
      this.recordValue = parsed;
      return parsed;
    } catch (error) {
      // run.json is written atomically, so this is a damaged file, not a half-written one.
      const message = `${file}: cannot read the run record: ${(error as Error).message}`;
      if (!this.warningList.includes(message)) {
        this.addWarning(message);
      }
      return undefined;
    }
  }

  /** Reads the lines appended to `metrics.jsonl`; true when the file was rewritten and read anew. */
  private async readMetrics(appended: Map<string, number>): Promise<boolean> {
    const { lines, reset } = await this.metricsTail.read();
    if (reset) {
      this.seriesByName.clear();
      this.maxStep = null;
      this.acceptedLines = 0;
    }
    for (const { text, line } of lines) {
      this.parseMetricLine(text, line, appended);
    }
    return reset;
  }

  /**
   * Parses one line of the metrics protocol with the runner's own parser ({@link parseMetricLine} in
   * core), so the dashboard accepts exactly the lines that `run.json`'s summaries are built from.
   */
  private parseMetricLine(raw: string, lineNumber: number, appended: Map<string, number>): void {
    const parsed = parseMetricLine(raw.replace(/\r$/, ''), this.acceptedLines);
    if (parsed === undefined) {
      return;
    }
    if (typeof parsed === 'string') {
      this.addWarning(`${this.metricsTail.file}:${lineNumber}: ${parsed}`);
      return;
    }
    this.acceptedLines++;
    const { step, values } = parsed;
    for (const [name, value] of Object.entries(values)) {
      let points = this.seriesByName.get(name);
      if (!points) {
        points = [];
        this.seriesByName.set(name, points);
      }
      points.push({ step, value });
      appended.set(name, (appended.get(name) ?? 0) + 1);
    }
    this.maxStep = this.maxStep === null ? step : Math.max(this.maxStep, step);
  }

  /** Reads what was appended to `output.log`; returns the complete new lines. */
  private async readLog(): Promise<string[]> {
    const file = join(this.runDir, 'output.log');
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      return [];
    }
    if (size < this.logOffset) {
      this.logOffset = 0;
      this.logPartial = '';
      this.logTail = [];
    }
    if (size === this.logOffset) {
      return [];
    }
    // Only the end matters: skip what the tail would drop anyway.
    let start = this.logOffset;
    let jumped = false;
    if (size - start > LOG_TAIL_BYTES) {
      start = size - LOG_TAIL_BYTES;
      jumped = true;
      this.logPartial = '';
      this.logTruncated = true;
    }
    const handle = await open(file, 'r');
    let text: string;
    try {
      const buffer = Buffer.alloc(size - start);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
      text = buffer.subarray(0, bytesRead).toString('utf8');
      this.logOffset = start + bytesRead;
    } finally {
      await handle.close();
    }
    const lines = (this.logPartial + text).split(/\r?\n/);
    this.logPartial = lines.pop() ?? '';
    if (jumped) {
      // The first line was cut by the jump.
      lines.shift();
    }
    const fresh = lines.map((l) => l.replace(/\r/g, ''));
    this.logTail.push(...fresh);
    if (this.logTail.length > this.logLimit) {
      this.logTail.splice(0, this.logTail.length - this.logLimit);
      this.logTruncated = true;
    }
    return fresh.slice(-this.logLimit);
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
