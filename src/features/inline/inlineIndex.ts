/**
 * The one in-memory index the editor previews answer from: the run aggregates of `core/inline/runIndex`
 * over the Runs model (which the run followers keep current; a change of runs drops the aggregates of
 * the tasks it touched, rebuilt on the next question about them),
 * the tasks of `xlens.yaml`, and where each param is written in the params files the tasks name (read
 * when the tasks or those files change, never on a provide call). Parsed documents are cached per
 * version, so a provider asked again for an unchanged document only looks things up.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import type * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/disposable';
import { Emitter, type Event } from '../../core/base/emitter';
import { openRegularFile } from '../../core/base/regularFile';
import type { TaskConfig } from '../../core/config/types';
import { paramPositions, type ParamPosition } from '../../core/inline/paramPositions';
import { RunIndex } from '../../core/inline/runIndex';
import type { MetricPoint } from '../../core/metrics/series';
import type { RunFollowerLease, RunFollowers } from '../../core/runs/runFollowers';
import type { RunsModel } from '../runs/runsModel';
import type { TasksModel } from '../tasks/tasksModel';
import type { InlineSettings } from '../../vscode/config';

/** A params file named by tasks: which tasks, and where each param is written. */
export interface ParamsFile {
  tasks: string[];
  positions: ParamPosition[];
}

/** Largest params file indexed (bytes); a bigger one is data, not params. */
const MAX_PARAMS_FILE = 1 << 20;

/** Runs whose series are held (the latest runs hovered last); each holds a shared follower. */
const SERIES_RUNS = 4;

export class InlineIndex {
  private readonly store = new DisposableStore();
  private readonly changed = this.store.track(new Emitter<void>());
  private runIndex: RunIndex | undefined;
  private files = new Map<string, ParamsFile>();
  private filesVersion = 0;
  private readonly documents = new Map<string, { version: number; key: string; value: unknown }>();
  private readonly leases = new Map<string, RunFollowerLease>();
  /** {@link tasksRunning} by path, until the tasks change. */
  private readonly running = new Map<string, TaskConfig[]>();

  /** Fires when what the previews show may have changed (runs, tasks, params files, settings). */
  readonly onDidChange: Event<void> = this.changed.event;

  constructor(
    readonly root: string,
    readonly runs: RunsModel,
    readonly tasks: TasksModel,
    private settingsNow: InlineSettings,
    private readonly followers?: RunFollowers,
  ) {
    this.store.track(
      runs.onDidChangeRuns(({ tasks }) => {
        if (tasks === undefined) {
          this.runIndex = undefined;
        } else {
          this.runIndex?.invalidate(tasks);
        }
        this.changed.fire();
      }),
    );
    this.store.track(
      tasks.onDidChange(() => {
        this.running.clear();
        void this.readParamsFiles();
      }),
    );
    void this.readParamsFiles();
  }

  get settings(): InlineSettings {
    return this.settingsNow;
  }

  /** New settings: the key metric and the number of runs may differ, so the aggregates are rebuilt. */
  setSettings(settings: InlineSettings): void {
    this.settingsNow = settings;
    this.runIndex = undefined;
    this.changed.fire();
  }

  /** The run aggregates over the Runs model (each built on its first question). */
  get index(): RunIndex {
    const runs = this.runs;
    this.runIndex ??= new RunIndex(
      {
        recent: (task, count) => (task === undefined ? runs.newest(count) : runs.latestRunsOf(task, count)),
      },
      { keyMetric: this.settingsNow.keyMetric, runs: this.settingsNow.runs },
    );
    return this.runIndex;
  }

  /** Absolute path of `xlens.yaml`. */
  get configFile(): string {
    return this.tasks.config.kind === 'loaded' ? this.tasks.config.file : join(this.root, 'xlens.yaml');
  }

  /** The absolute folder a task's relative paths resolve against. */
  taskDir(task: TaskConfig): string {
    return task.cwd === undefined ? this.root : isAbsolute(task.cwd) ? task.cwd : join(this.root, task.cwd);
  }

  /** The params file at `path` (absolute), when a task names it. */
  paramsFile(path: string): ParamsFile | undefined {
    return this.files.get(path);
  }

  /** The params files the tasks name (absolute paths). */
  paramsFiles(): ReadonlyMap<string, ParamsFile> {
    return this.files;
  }

  /**
   * The tasks whose `run:` command names the file at `path` (absolute): its path relative to the
   * task's folder or its base name appears as a word of the command.
   */
  tasksRunning(path: string): TaskConfig[] {
    let found = this.running.get(path);
    if (!found) {
      found = this.findTasksRunning(path);
      this.running.set(path, found);
    }
    return found;
  }

  private findTasksRunning(path: string): TaskConfig[] {
    return this.tasks.tasks().filter((task) => {
      if (task.kind !== 'command') {
        return false;
      }
      const rel = relative(this.taskDir(task), path).split(sep).join('/');
      if (rel.startsWith('..')) {
        return false;
      }
      const words = task.run.split(/[\s;&|()'"=]+/).map((w) => w.replace(/^\.\//, ''));
      return words.includes(rel);
    });
  }

  /**
   * A value derived from a document, computed once per document version.
   * @param kind distinguishes several values of one document.
   * @param compute given the value of the version computed last, if any (to reuse what did not change).
   */
  cached<T>(document: vscode.TextDocument, kind: string, compute: (previous?: T) => T): T {
    const id = `${kind}\0${document.uri.toString()}`;
    const hit = this.documents.get(id);
    if (hit && hit.version === document.version) {
      return hit.value as T;
    }
    const value = compute(hit?.value as T | undefined);
    this.documents.set(id, { version: document.version, key: kind, value });
    if (this.documents.size > 64) {
      const [oldest] = this.documents.keys();
      this.documents.delete(oldest);
    }
    return value;
  }

  /**
   * The points of metric `name` in run `runId` read so far, from the run's shared follower (which
   * tails a running run's metrics). The first question about a run leases its follower and returns
   * undefined; {@link onDidChange} fires as the follower reads, so the next question has the points.
   * The newest {@link SERIES_RUNS} runs asked about are held; older leases are released.
   */
  series(runId: string, name: string): readonly MetricPoint[] | undefined {
    let lease = this.leases.get(runId);
    if (lease) {
      // Most recently used last.
      this.leases.delete(runId);
      this.leases.set(runId, lease);
      return lease.follower.series.get(name);
    }
    if (!this.followers) {
      return undefined;
    }
    try {
      lease = this.followers.follow(runId);
    } catch {
      // Not a run of this workspace's store (an imported run): no series to follow.
      return undefined;
    }
    const held = lease;
    const subscription = held.follower.onDidChange(() => this.changed.fire());
    this.leases.set(runId, {
      follower: held.follower,
      ready: held.ready,
      dispose: () => {
        subscription.dispose();
        held.dispose();
      },
    });
    void held.ready.then(() => this.changed.fire());
    if (this.leases.size > SERIES_RUNS) {
      const [oldest, release] = this.leases.entries().next().value as [string, RunFollowerLease];
      this.leases.delete(oldest);
      release.dispose();
    }
    return held.follower.series.get(name);
  }

  /** Reads the params files the tasks name, then fires {@link onDidChange}. Unreadable files are skipped. */
  async readParamsFiles(): Promise<void> {
    const version = ++this.filesVersion;
    const byFile = new Map<string, string[]>();
    for (const task of this.tasks.tasks()) {
      for (const file of task.paramFiles) {
        const path = isAbsolute(file) ? file : join(this.taskDir(task), file);
        byFile.set(path, [...(byFile.get(path) ?? []), task.name]);
      }
    }
    const files = new Map<string, ParamsFile>();
    for (const [path, tasks] of byFile) {
      files.set(path, { tasks, positions: await positionsOf(path) });
    }
    if (version === this.filesVersion) {
      this.files = files;
      this.changed.fire();
    }
  }

  dispose(): void {
    for (const lease of this.leases.values()) {
      lease.dispose();
    }
    this.leases.clear();
    this.store.dispose();
  }
}

async function positionsOf(path: string): Promise<ParamPosition[]> {
  try {
    const handle = await openRegularFile(path);
    try {
      const { size } = await handle.stat();
      return size > MAX_PARAMS_FILE ? [] : paramPositions(await readFile(handle, 'utf8'));
    } finally {
      await handle.close();
    }
  } catch {
    return [];
  }
}
