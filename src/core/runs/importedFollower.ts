/**
 * Follows one run of another tool's logs (TensorBoard, MLflow, DVCLive, CSV) while its dashboard is
 * open: the source is tailed by a metrics watcher (on the worker thread in the editor), and the points
 * of this run are kept in the same shape {@link RunFollower} keeps, so the dashboard draws imported
 * runs exactly as its own and updates them live while the tool is still writing. No `vscode` import.
 */
import type { Disposable } from '../base/disposable';
import { Emitter, type Event } from '../base/emitter';
import type { ImportedRun } from '../metrics/discovery/importedRun';
import type { SourceSpec } from '../metrics/readers';
import type { MetricPoint, SeriesRun } from '../metrics/series';
import type { WatchUpdate } from '../metrics/watch';
import { emptyRunChange, type RunChange } from './runFollower';
import type { DashboardImportedSource } from '../../protocol/dashboard';
import type { ParamValue, RunStatus } from './types';

/** Starts tailing sources; the listener gets the initial read of each source, then every update. */
export type WatchSources = (sources: SourceSpec[], listener: (update: WatchUpdate) => void) => Disposable;

const MAX_WARNINGS = 100;

/** What another tool's logs say about an imported run, besides its series. */
export interface ImportedRunState {
  source: DashboardImportedSource;
  /** The key of the run in the Runs view (`<format>:<source>#<id>`), used as the dashboard's run id. */
  key: string;
  name: string;
  status?: RunStatus;
  gitCommit?: string;
  /** Unix ms, where the source records them. */
  startTime?: number;
  endTime?: number;
  params: Record<string, ParamValue>;
}

/** The dashboard state of an imported run from the discovery's summary of it (series still empty). */
export function importedRunState(run: ImportedRun): ImportedRunState {
  return {
    key: run.key,
    name: run.name,
    source: {
      format: run.format,
      path: run.source,
      relativePath: run.relativePath,
      sourceRunId: sourceRunId(run),
      experiment: run.experiment ?? null,
    },
    status: run.status,
    gitCommit: run.gitCommit,
    startTime: run.startTime,
    endTime: run.endTime,
    params: { ...run.params },
  };
}

/**
 * The id the source's reader gives the run. Discovery names a TensorBoard run folder (reader id `.`)
 * by its path, so that id is mapped back.
 */
function sourceRunId(run: ImportedRun): string {
  return run.format === 'tensorboard' && run.id === run.relativePath ? '.' : run.id;
}

/** Tails the source of one imported run and accumulates that run's series. */
export class ImportedFollower implements Disposable {
  private readonly changeEmitter = new Emitter<RunChange>();
  /** Fires after every read that brought something for this run. */
  readonly onDidChange: Event<RunChange> = this.changeEmitter.event;
  private readonly seriesByName = new Map<string, MetricPoint[]>();
  private maxStep: number | null = null;
  private readonly warningList: string[] = [];
  private readonly warningSet = new Set<string>();
  private missingValue = false;
  private readErrorValue: string | undefined;
  private initialReads = 0;
  private watching: Disposable | undefined;
  private disposed = false;
  private info: ImportedRunState;

  constructor(
    initial: ImportedRunState,
    private readonly watchSources: WatchSources,
  ) {
    this.info = initial;
  }

  /** The run's facts from its source (params, status, times), as last read. */
  get imported(): ImportedRunState {
    return this.info;
  }

  /** Imported runs have no `run.json`. */
  get record(): undefined {
    return undefined;
  }

  get series(): ReadonlyMap<string, readonly MetricPoint[]> {
    return this.seriesByName;
  }

  get lastStep(): number | null {
    return this.maxStep;
  }

  /** Other tools' logs have no output for us to show. */
  get log(): { lines: string[]; truncated: boolean } {
    return { lines: [], truncated: false };
  }

  get warnings(): readonly string[] {
    return this.warningList;
  }

  /** True once the run disappeared from its source (its folder or row deleted). */
  get missing(): boolean {
    return this.missingValue;
  }

  /** `could not read <path>: <reason>` while the source cannot be read; undefined once a read worked. */
  get readError(): string | undefined {
    return this.readErrorValue;
  }

  /**
   * Starts tailing; resolves after the initial read of the source, also when that read failed
   * (then {@link readError} says why).
   */
  start(): Promise<void> {
    return new Promise<void>((resolve) => {
      const source: SourceSpec = {
        format: this.info.source.format as SourceSpec['format'],
        path: this.info.source.path,
      };
      this.watching = this.watchSources([source], (update) => {
        if (!this.disposed) {
          this.apply(update);
        }
        if (update.initial) {
          resolve();
        }
      });
    });
  }

  /**
   * Applies one read of the source: only the points, facts and removal of this run matter. An
   * `initial` read holds the whole source (the first read, or a re-read after the metrics worker
   * restarted), so it replaces what is held instead of adding to it. A failed read keeps what was
   * read before and records why.
   */
  apply(update: WatchUpdate): void {
    const id = this.info.source.sourceRunId;
    const { result } = update;
    const change = emptyRunChange();
    if (update.error !== undefined) {
      const text = `could not read ${update.source.path}: ${update.error}`;
      if (text !== this.readErrorValue) {
        this.readErrorValue = text;
        change.info = true;
        this.changeEmitter.fire(change);
      }
      return;
    }
    if (this.readErrorValue !== undefined) {
      this.readErrorValue = undefined;
      change.info = true;
    }
    const mine = result.runs.find((r) => r.id === id);
    const replaces = update.initial && this.initialReads++ > 0;
    if ((replaces && mine) || result.reset?.includes(id)) {
      this.seriesByName.clear();
      this.maxStep = null;
      change.reset = true;
    }
    if (mine) {
      this.missingValue = false;
      change.info = this.updateInfo(mine) || change.info === true;
      for (const [name, points] of mine.metrics) {
        if (points.length === 0) {
          continue;
        }
        let series = this.seriesByName.get(name);
        if (!series) {
          series = [];
          this.seriesByName.set(name, series);
        }
        let appended = 0;
        for (const point of points) {
          if (!Number.isFinite(point.value)) {
            continue; // charts draw finite points; the run's listing counts the others
          }
          series.push(point);
          appended += 1;
          this.maxStep = this.maxStep === null ? point.step : Math.max(this.maxStep, point.step);
        }
        if (appended > 0) {
          change.appended.set(name, appended);
        }
      }
    }
    // A full re-read without this run: it is gone, and what was read before stays on screen.
    if ((result.removed?.includes(id) || (replaces && !mine)) && !this.missingValue) {
      this.missingValue = true;
      change.missing = true;
    }
    for (const w of result.warnings) {
      if (this.warningList.length >= MAX_WARNINGS) {
        break;
      }
      const text = `${w.file}${w.line !== undefined ? `:${w.line}` : ''}: ${w.message}`;
      // A re-read from the start (worker restart, rewritten file) meets the same problems again.
      if (!this.warningSet.has(text)) {
        this.warningSet.add(text);
        this.warningList.push(text);
        change.warnings.push(text);
      }
    }
    if (
      change.reset ||
      change.info ||
      change.appended.size > 0 ||
      change.missing ||
      change.warnings.length > 0
    ) {
      this.changeEmitter.fire(change);
    }
  }

  /** Takes the source's current params, status and times; true when any of them changed. */
  private updateInfo(run: SeriesRun): boolean {
    const next: ImportedRunState = {
      ...this.info,
      name: run.name && run.name !== '.' ? run.name : this.info.name,
      status: run.status ?? this.info.status,
      gitCommit: run.gitCommit ?? this.info.gitCommit,
      startTime: run.startTime ?? this.info.startTime,
      endTime: run.endTime ?? this.info.endTime,
      params: { ...this.info.params, ...run.params },
    };
    const changed = JSON.stringify(next) !== JSON.stringify(this.info);
    this.info = next;
    return changed;
  }

  dispose(): void {
    this.disposed = true;
    this.watching?.dispose();
    this.changeEmitter.dispose();
  }
}
