/**
 * The record writer of one run: holds the run's record, appends accepted metric points to
 * `metrics.jsonl` and keeps their summaries, counts warnings (keeping the first {@link MAX_WARNINGS}),
 * and writes `run.json`: serialised saves while the run goes on, then the final write, which falls back
 * to a synchronous write and never throws.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { isWriteFault } from '../base/fsErrors';
import { metricsFileLine } from '../runs/metricsFile';
import { dictFrom } from '../../shared/dict';
import type { RunStore } from '../runs/store';
import { addLineToSummaries } from '../runs/summaries';
import type { RunRecord } from '../runs/types';
import { closeStream } from './closeStream';

/** At most this many warnings are kept in `run.json` (all are counted). */
const MAX_WARNINGS = 100;

/** The `run.json` and `metrics.jsonl` of one run, from its start to its final record. */
export class RecordWriter {
  /** The run's record as it stands; the supervisor replaces it as the run goes on. */
  record: RunRecord;
  private metricsOut: WriteStream | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  /** True once the final record is being written: no more intermediate saves. */
  private closed = false;
  /** True once a failed intermediate write of run.json was reported. */
  private saveWarned = false;
  private warningCount = 0;
  /** Non-finite values counted for metrics without a finite value (and so a summary) yet. */
  private readonly nonFinitePending = new Map<string, number>();

  /**
   * @param saveIntervalMs the delay of an intermediate save after a change, ms.
   * @param onSaveFailed told once, with a message naming `run.json` and the reason, when an
   *   intermediate write fails for another reason than a write fault (the run goes on).
   * @param onWriteFault told when a write fails because of the disk or workspace (full, read-only,
   *   permissions, I/O error: `isWriteFault`), with the file and the error.
   */
  constructor(
    private readonly store: RunStore,
    record: RunRecord,
    private readonly saveIntervalMs: number,
    private readonly onSaveFailed: (message: string) => void,
    private readonly onWriteFault: (file: string, error: unknown) => void = () => undefined,
  ) {
    this.record = record;
  }

  /**
   * Opens `file` (the run's `metrics.jsonl`) for appending the accepted points.
   * @param onError told once when writing it fails; points are then kept in the summaries only.
   */
  openMetrics(file: string, onError: (file: string, error: Error) => void): void {
    const out = createWriteStream(file, { flags: 'a' });
    out.once('error', (error) => {
      this.metricsOut = undefined;
      onError(file, error);
    });
    out.on('error', () => undefined); // later errors of the same failed stream: already told
    this.metricsOut = out;
  }

  /**
   * Records one point: a line of the checked `metrics.jsonl` (non-finite values written as `null`,
   * so the file stays strict JSON and still shows where a metric blew up) and the summaries in the
   * record; a save follows.
   * @param time Unix ms.
   * @param nonFinite names of metrics whose value at this step was not finite (absent from `values`).
   */
  addPoint(
    step: number,
    time: number,
    values: Record<string, number>,
    nonFinite: readonly string[] = [],
  ): void {
    this.metricsOut?.write(metricsFileLine(step, time, values, nonFinite));
    const metrics = dictFrom(Object.entries(this.record.metrics)); // names from data: see src/shared/dict.ts
    addLineToSummaries(metrics, step, values, nonFinite, this.nonFinitePending);
    this.record = { ...this.record, metrics };
    this.scheduleSave();
  }

  /** Counts a warning and keeps it in the record (the first {@link MAX_WARNINGS}). */
  addWarning(message: string): void {
    this.warningCount++;
    const warnings = this.record.warnings ?? [];
    this.record = {
      ...this.record,
      warnings: warnings.length < MAX_WARNINGS ? [...warnings, message] : warnings,
      warningCount: this.warningCount,
    };
  }

  /** Saves the record after the save interval, unless a save is already pending or the writer closed. */
  scheduleSave(): void {
    if (this.saveTimer || this.closed) {
      return;
    }
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      if (!this.closed) {
        void this.save();
      }
    }, this.saveIntervalMs);
  }

  /** Drops a pending scheduled save (a later change schedules another). */
  cancelScheduledSave(): void {
    clearTimeout(this.saveTimer);
  }

  /**
   * Writes run.json; writes are serialised so an older record never lands after a newer one. The
   * first failing write (disk full, run folder removed) is reported once, as a warning and in the
   * output; the run goes on and its final record is written (or retried) at the end.
   * @returns when this write is done; never rejects.
   */
  save(): Promise<void> {
    const snapshot = this.record;
    this.saving = this.saving
      .then(() => this.store.write(snapshot))
      .catch((error: unknown) => this.saveFailed(error));
    return this.saving;
  }

  /** Closes `metrics.jsonl`; resolves when it is flushed (at once when it was never opened). */
  closeMetrics(): Promise<void> {
    return closeStream(this.metricsOut);
  }

  /** Stops intermediate saves: the final record comes next ({@link writeFinal}). */
  close(): void {
    this.closed = true;
    clearTimeout(this.saveTimer);
  }

  /**
   * Writes the final record after the saves in flight: atomically, else synchronously; never throws.
   * When the disk refuses (full, removed), the record stays in {@link record} for the caller, and
   * `reconcileRuns` finalises the run on disk later.
   */
  async writeFinal(record: RunRecord): Promise<void> {
    this.record = record;
    await this.saving;
    try {
      await this.store.write(this.record);
    } catch {
      try {
        this.store.writeSync(this.record);
      } catch {
        // The disk refuses (full, removed): `done` still resolves with the record, and
        // `reconcileRuns` finalises the run on disk later.
      }
    }
  }

  /**
   * Writes `record` synchronously, for exit handlers; failures are ignored (nothing more can be done
   * while exiting; `reconcileRuns` finalises the run later).
   */
  writeFinalSync(record: RunRecord): void {
    try {
      this.store.writeSync(record);
    } catch {
      // Nothing more can be done while exiting; `reconcileRuns` finalises the run later.
    }
  }

  private saveFailed(error: unknown): void {
    if (this.closed) {
      return;
    }
    if (isWriteFault(error)) {
      this.onWriteFault(this.store.file(this.record.id, 'record'), error);
      return;
    }
    if (this.saveWarned) {
      return;
    }
    this.saveWarned = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.onSaveFailed(
      `could not update ${this.store.file(this.record.id, 'record')} (${reason}); the run goes on, ` +
        'and its final record is written when it ends',
    );
  }
}
