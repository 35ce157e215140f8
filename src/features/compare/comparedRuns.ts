/**
 * The runs a compare view follows, own or imported, behind one shape: a run of the store through its
 * shared {@link RunFollowers} lease, a run another tool logged (TensorBoard, MLflow, W&B, ...) through an
 * {@link ImportedFollower} tailing its source on the metrics worker, seen as a record
 * (`core/runs/importedRecord.ts`) whose metric summaries come from the series read.
 */
import { Emitter, type Event } from '../../core/base/emitter';
import type { Disposable } from '../../core/base/disposable';
import type { ImportedRun } from '../../core/metrics/discovery/importedRun';
import type { SeriesInput } from '../../core/metrics/metricColumns';
import { ImportedFollower, importedRunState, type WatchSources } from '../../core/runs/importedFollower';
import { importedRunRecord, readImportedRecord } from '../../core/runs/importedRecord';
import type { RunFollowers } from '../../core/runs/runFollowers';
import type { RunRecord } from '../../core/runs/types';

/** One compared run. */
export interface ComparedRun extends Disposable {
  /** The run's record as last read (undefined before the first read, or when it cannot be found). */
  readonly record: RunRecord | undefined;
  /** Metric name → series: a run of the store's columns as its follower keeps them, without objects. */
  readonly series: ReadonlyMap<string, SeriesInput>;
  /** Fires when the record or the series changed. */
  readonly onDidChange: Event<unknown>;
  /** Resolves after the first read (also when it failed; the caller logs rejections). */
  readonly ready: Promise<void>;
  /** Why the run cannot be shown, once that is known (a sentence naming the run and the fix). */
  readonly unavailable?: string;
  /** The arguments of Open Run Dashboard for this run. */
  dashboardArgs(): unknown[];
}

/** A run of the store, through a lease of its shared follower. */
export function ownComparedRun(followers: RunFollowers, runId: string): ComparedRun {
  const lease = followers.follow(runId);
  return {
    get record() {
      return lease.follower.liveRecord;
    },
    get series() {
      return lease.follower.columns;
    },
    onDidChange: lease.follower.onDidChange,
    ready: lease.ready,
    dashboardArgs: () => [runId],
    dispose: () => lease.dispose(),
  };
}

/** Where imported runs are found: the Runs view's model of the workspace scan. */
export interface ImportedRunsSource {
  /** The run of the last scan whose record id is `id`. */
  byRecordId(id: string): ImportedRun | undefined;
  /** Fires after each scan. */
  readonly onDidChange: Event<void>;
  /**
   * Where the scan is: a run missing once a scan is `done` is gone, not yet to come; none comes while
   * scanning is `off` or after a scan `failed` (until the logs change).
   */
  readonly state: { kind: string; message?: string };
}

const NO_SERIES: ReadonlyMap<string, SeriesInput> = new Map();

/** Scan states after which no scan is on its way: a run missing then is unavailable. */
const SETTLED = new Set(['done', 'off', 'failed']);

/**
 * A run another tool logged, found by its record id in the scan (waiting for the first scan after a
 * window reload), then followed live through an {@link ImportedFollower}. When the scan has it not
 * (turned off, failed, the logs gone) the run is {@link unavailable}, and followed once a later scan
 * finds it (scanning turned back on).
 */
export class ImportedComparedRun implements ComparedRun {
  private follower: ImportedFollower | undefined;
  private base: RunRecord | undefined;
  private cached: RunRecord | undefined;
  private readonly emitter = new Emitter<unknown>();
  private readonly waiting: Disposable[] = [];
  private disposed = false;
  private reason: string | undefined;
  readonly onDidChange: Event<unknown> = this.emitter.event;
  readonly ready: Promise<void>;

  constructor(
    private readonly recordId: string,
    private readonly imported: ImportedRunsSource,
    private readonly watch: () => Promise<WatchSources>,
  ) {
    this.ready = this.start();
  }

  get record(): RunRecord | undefined {
    if (this.cached === undefined && this.base !== undefined) {
      const follower = this.follower;
      // An imported run's follower keeps point arrays (only own runs' followers keep columns).
      this.cached = readImportedRecord(this.base, follower?.imported.params, follower?.series ?? new Map());
    }
    return this.cached;
  }

  get series(): ReadonlyMap<string, SeriesInput> {
    return this.follower?.series ?? NO_SERIES;
  }

  get unavailable(): string | undefined {
    return this.reason;
  }

  dashboardArgs(): unknown[] {
    const run = this.imported.byRecordId(this.recordId);
    return run ? [{ kind: 'importedRun', run }] : [];
  }

  private async start(): Promise<void> {
    const run = await this.found();
    if (this.disposed) {
      return;
    }
    if (run === undefined) {
      this.reason = this.whyMissing();
      this.followWhenFound();
      return;
    }
    await this.follow(run);
  }

  /** Why the settled scan has not this run, and what brings it back. */
  private whyMissing(): string {
    const state = this.imported.state;
    if (state.kind === 'off') {
      return (
        `Run ${this.recordId} is not shown: it comes from another tool's logs, and scanning for them is ` +
        'turned off. Turn on the setting xlens.imported.enabled (Experiment Lens › Imported: Enabled) to compare it.'
      );
    }
    if (state.kind === 'failed') {
      return `Run ${this.recordId} is not shown: scanning the workspace for other tools' logs failed (${state.message ?? 'no reason given'}).`;
    }
    return `Run ${this.recordId} is not shown: the scan of the workspace no longer finds its logs (moved or deleted).`;
  }

  /** Follows the run once a later scan finds it (scanning turned back on, logs restored). */
  private followWhenFound(): void {
    const listener = this.imported.onDidChange(() => {
      const run = this.imported.byRecordId(this.recordId);
      if (run === undefined) {
        this.reason = this.whyMissing();
        this.emitter.fire(undefined);
        return;
      }
      listener.dispose();
      this.reason = undefined;
      this.follow(run).then(
        () => this.emitter.fire(undefined),
        (error: unknown) => {
          this.reason = `Run ${this.recordId} is not shown: its logs could not be read (${String(error)}).`;
          this.emitter.fire(undefined);
        },
      );
    });
    this.waiting.push(listener);
  }

  private async follow(run: ImportedRun): Promise<void> {
    this.base = importedRunRecord(run);
    const watch = await this.watch();
    if (this.disposed) {
      return;
    }
    const follower = new ImportedFollower(importedRunState(run), watch);
    this.follower = follower;
    follower.onDidChange(() => {
      this.cached = undefined;
      this.emitter.fire(undefined);
    });
    await follower.start();
  }

  /** The run, now or after the next scans until one has finished; undefined when the scan has it not. */
  private found(): Promise<ImportedRun | undefined> {
    const now = this.imported.byRecordId(this.recordId);
    if (now !== undefined || SETTLED.has(this.imported.state.kind)) {
      return Promise.resolve(now);
    }
    return new Promise((resolve) => {
      const listener = this.imported.onDidChange(() => {
        const run = this.imported.byRecordId(this.recordId);
        if (run !== undefined || SETTLED.has(this.imported.state.kind) || this.disposed) {
          listener.dispose();
          resolve(run);
        }
      });
      this.waiting.push({
        dispose: () => {
          listener.dispose();
          resolve(undefined);
        },
      });
    });
  }

  dispose(): void {
    this.disposed = true;
    this.waiting.forEach((w) => w.dispose());
    this.follower?.dispose();
    this.emitter.dispose();
  }
}
