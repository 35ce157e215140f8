/**
 * The Runs view's model: every run of the workspace, grouped by the git commit it started from,
 * plus the text each tree row shows. No `vscode` import, so grouping, HEAD marks, descriptions and
 * tooltips are unit-tested; `tree.ts` only turns these into `TreeItem`s.
 *
 * Elements are plain data: a {@link CommitGroup} or a core `RunRecord`.
 */
import { Emitter, type Event } from '../../core/base/emitter';
import type { Disposable } from '../../core/base/disposable';
import type { CommitInfo } from '../../core/git/gitContext';
import { checkCounts } from '../../core/checks/evaluate';
import type { RunLineage } from '../../core/runs/runLineage';
import { isFinalStatus, type RunRecord } from '../../core/runs/types';
import { runContextValue, ViewItems } from '../ids';
import { markParts } from './runMarks';
import { runTooltip, slurmLabel } from './runTooltip';
import { formatDuration, formatNumber, shortSha } from '../../shared/formatting';
import {
  escapeMarkdown,
  keyMetricsText,
  relativeTime,
  runDurationMs,
  statusIcon,
  type StatusIcon,
} from '../runLabels';
import {
  buildSortedRuns,
  patchSortedRuns,
  removeFromSortedRuns,
  type CommitGroup,
  type SortedRuns,
} from './sortedRuns';

export type { CommitGroup } from './sortedRuns';

/** An element of the Runs tree. */
export type RunsElement = CommitGroup | RunRecord;

/** True when `element` is a commit group (else it is a run). */
export function isCommitGroup(element: RunsElement): element is CommitGroup {
  return (element as Partial<CommitGroup>).kind === 'commit';
}

/** What a tree row shows; `tooltip` is Markdown source. */
export interface RowText {
  id: string;
  label: string;
  description: string;
  tooltip: string;
  icon: StatusIcon;
  contextValue: string;
}

/** Commit groups expanded when first shown (the HEAD group and the next ones). */
export const EXPANDED_GROUPS = 3;
/**
 * Commit groups the Runs view shows at first and adds with each "Show more commits" (as DVC's
 * experiments tree pages commits), so thousands of runs build a few dozen rows, not every one.
 */
export const COMMITS_PER_PAGE = 10;

/** Commits print as everywhere else (`src/shared/formatting.ts`). */
export { shortSha } from '../../shared/formatting';

/** Which tasks' runs a change of the Runs model touched ({@link RunsModel.onDidChangeRuns}). */
export interface RunsChange {
  /** The tasks with a run added, replaced or removed; undefined: any task (every run was replaced). */
  tasks?: ReadonlySet<string>;
}

/**
 * All runs of a workspace plus the git facts needed to group them. Fires {@link onDidChange} after
 * every update and {@link onDidFinishRun} when a run is seen reaching a final status.
 *
 * Sorting and grouping happen once, not per call: the tree asks for a group's runs and position for
 * every row it draws, and redraws every 2 s while runs are active, so per-call sorting made one redraw
 * grow with runs × groups (`bench/runsView.bench.ts`). A change of runs patches the sorted lists in
 * place (`sortedRuns.ts`): a running run's new record costs a lookup, not a sort of every run.
 */
export class RunsModel implements Disposable {
  private readonly runs = new Map<string, RunRecord>();
  private readonly commits = new Map<string, CommitInfo>();
  private head: string | null = null;
  private loaded = false;
  private settleLoad: () => void = () => undefined;
  private readonly loadSettled = new Promise<void>((resolve) => {
    this.settleLoad = resolve;
  });
  private cached: SortedRuns | undefined;
  private readonly changeEmitter = new Emitter<void>();
  private readonly runsEmitter = new Emitter<RunsChange>();
  private readonly finishEmitter = new Emitter<RunRecord>();

  /** Fires after any change of runs, HEAD or commit descriptions. */
  readonly onDidChange: Event<void> = this.changeEmitter.event;
  /**
   * Fires just before {@link onDidChange} when runs changed, with the tasks whose runs changed (so a
   * per-task aggregate needs rebuilding only for them).
   */
  readonly onDidChangeRuns: Event<RunsChange> = this.runsEmitter.event;
  /**
   * Fires with a run that reached a final status while the model watched: it was seen queued or
   * running before, or it appeared already finished after the initial load (a short run).
   */
  readonly onDidFinishRun: Event<RunRecord> = this.finishEmitter.event;

  /** Replaces every run (a full reload). The first call is the initial load and fires no finish events. */
  setRuns(runs: readonly RunRecord[]): void {
    this.cached = undefined;
    const ids = new Set(runs.map((r) => r.id));
    for (const id of [...this.runs.keys()]) {
      if (!ids.has(id)) {
        this.runs.delete(id);
      }
    }
    const finished = runs.filter((r) => this.store(r));
    this.loaded = true;
    this.settleLoad();
    this.runsEmitter.fire({});
    this.changeEmitter.fire();
    finished.forEach((r) => this.finishEmitter.fire(r));
  }

  /** Adds or replaces runs and removes the runs in `removedIds` (an incremental reload). */
  update(changed: readonly RunRecord[], removedIds: readonly string[] = []): void {
    const tasks = new Set<string>();
    for (const id of removedIds) {
      const previous = this.runs.get(id);
      if (previous !== undefined) {
        this.runs.delete(id);
        tasks.add(previous.task);
        this.patch((index) => removeFromSortedRuns(index, previous, this.head));
      }
    }
    const finished: RunRecord[] = [];
    for (const run of changed) {
      const previous = this.runs.get(run.id);
      if (previous !== undefined && JSON.stringify(previous) === JSON.stringify(run)) {
        continue;
      }
      tasks.add(run.task).add(previous?.task ?? run.task);
      if (this.store(run)) {
        finished.push(run);
      }
      this.patch((index) => patchSortedRuns(index, previous, run, this.head));
    }
    if (tasks.size > 0) {
      this.runsEmitter.fire({ tasks });
      this.changeEmitter.fire();
    }
    finished.forEach((r) => this.finishEmitter.fire(r));
  }

  /** Applies a change to the sorted runs in place, or drops them (rebuilt on the next question). */
  private patch(apply: (index: SortedRuns) => boolean): void {
    if (this.cached !== undefined && !apply(this.cached)) {
      this.cached = undefined;
    }
  }

  /** Stores `run`; true when this is the moment the model sees it finish. */
  private store(run: RunRecord): boolean {
    const previous = this.runs.get(run.id);
    this.runs.set(run.id, run);
    if (!isFinalStatus(run.status)) {
      return false;
    }
    return previous === undefined ? this.loaded : !isFinalStatus(previous.status);
  }

  /** Sets the workspace's HEAD commit (the group marked HEAD). */
  setHead(sha: string | null): void {
    if (sha !== this.head) {
      this.head = sha;
      this.cached = undefined;
      this.changeEmitter.fire();
    }
  }

  /** Adds subjects and dates of commits (from `describeCommits`). */
  addCommitInfo(infos: Iterable<CommitInfo>): void {
    let changed = false;
    for (const info of infos) {
      if (!this.commits.has(info.sha)) {
        this.commits.set(info.sha, info);
        changed = true;
      }
    }
    if (changed) {
      this.changeEmitter.fire();
    }
  }

  /** Commit SHAs of runs whose subject and date are not known yet. */
  commitsToDescribe(): string[] {
    const shas = new Set<string>();
    for (const run of this.runs.values()) {
      if (run.git.commit !== null && !this.commits.has(run.git.commit)) {
        shas.add(run.git.commit);
      }
    }
    return [...shas];
  }

  dispose(): void {
    this.settleLoad();
    this.changeEmitter.dispose();
    this.runsEmitter.dispose();
    this.finishEmitter.dispose();
  }

  get headCommit(): string | null {
    return this.head;
  }

  get(id: string): RunRecord | undefined {
    return this.runs.get(id);
  }

  /** Every run, newest first (ids sort by time). */
  all(): RunRecord[] {
    return [...this.index().all];
  }

  /**
   * Every run, newest first, once the initial load is over: what a run picker offers. A command run
   * right after the window opens would otherwise offer no runs ("There are no runs to choose from").
   * Resolves with what is known if the initial load failed (see {@link endInitialLoad}).
   */
  async allLoaded(): Promise<RunRecord[]> {
    await this.loadSettled;
    return this.all();
  }

  /** Marks the initial load as over even if it failed, so {@link allLoaded} does not wait forever. */
  endInitialLoad(): void {
    this.settleLoad();
  }

  /** Runs that are queued or running, newest first. */
  active(): RunRecord[] {
    return this.index().all.filter((r) => !isFinalStatus(r.status));
  }

  /** The newest `count` runs of the workspace, newest first. */
  newest(count: number): RunRecord[] {
    return this.index().all.slice(0, Math.max(0, count));
  }

  /** The newest run of `task`, if any. */
  latestOf(task: string): RunRecord | undefined {
    return this.index().byTask.get(task)?.[0];
  }

  /** The newest `count` runs of `task`, newest first (fewer when it has fewer). */
  latestRunsOf(task: string, count: number): RunRecord[] {
    return (this.index().byTask.get(task) ?? []).slice(0, Math.max(0, count));
  }

  /**
   * The commit groups: the HEAD commit first, then by their newest run, newest first; runs without a
   * commit last.
   */
  groups(): CommitGroup[] {
    return [...this.index().groups];
  }

  /** The position of `group` in {@link groups}, or -1 when it has no runs. */
  groupIndex(group: CommitGroup): number {
    return this.index().position.get(group.sha) ?? -1;
  }

  /** The runs of a group, newest first. */
  runsIn(group: CommitGroup): RunRecord[] {
    return [...(this.index().byCommit.get(group.sha) ?? [])];
  }

  /** How `run` relates to the earlier runs of its task (params changed, re-run), for its row. */
  lineage(run: RunRecord): RunLineage {
    return this.index().lineage(run);
  }

  /** Sorts and groups the runs when they were replaced or a change could not be patched in. */
  private index(): SortedRuns {
    this.cached ??= buildSortedRuns(this.runs.values(), this.head);
    return this.cached;
  }

  /** Label, description and tooltip of a commit group. */
  describeGroup(group: CommitGroup, now: number): RowText {
    const runs = this.runsIn(group);
    const count = `${runs.length} run${runs.length === 1 ? '' : 's'}`;
    if (group.sha === null) {
      const note = runs.find((r) => r.git.note)?.git.note;
      return {
        id: 'commit:none',
        label: 'No commit',
        description: count,
        tooltip: `Runs recorded without a git commit${note ? ` (${escapeMarkdown(note)})` : ''}.`,
        icon: { id: 'circle-large-outline' },
        contextValue: ViewItems.commit,
      };
    }
    const info = this.commits.get(group.sha);
    const subject = info?.subject ?? runs.find((r) => r.git.subject)?.git.subject ?? '';
    const isHead = group.sha === this.head;
    const branch = runs.find((r) => r.git.branch)?.git.branch;
    const description = [isHead ? 'HEAD' : undefined, info ? relativeTime(info.date, now) : undefined, count]
      .filter((p): p is string => p !== undefined)
      .join(' · ');
    const tooltip = [
      `**${escapeMarkdown(subject || '(no subject)')}**`,
      '',
      `Commit \`${group.sha}\`${isHead ? ' (HEAD)' : ''}${branch ? ` on \`${branch}\`` : ''}`,
      info ? `Committed ${new Date(info.date).toISOString().replace('T', ' ').slice(0, 16)} UTC` : undefined,
      `${count}`,
    ]
      .filter((l): l is string => l !== undefined)
      .join('  \n');
    return {
      id: `commit:${group.sha}`,
      label: subject ? `${shortSha(group.sha)} ${subject}` : shortSha(group.sha),
      description,
      tooltip,
      icon: { id: 'git-commit', color: isHead ? 'charts.blue' : undefined },
      contextValue: ViewItems.commit,
    };
  }
}

/**
 * Where a run is: "epoch N" for the built-in trainer (its step is the epoch number) or when the run
 * logs an `epoch` metric, else "step N" from the highest step recorded; `undefined` before the
 * first metric.
 */
export function runProgress(run: RunRecord): string | undefined {
  const epoch = run.metrics.epoch;
  if (epoch !== undefined) {
    return `epoch ${formatNumber(epoch.last)}`;
  }
  const steps = Object.values(run.metrics).map((m) => m.lastStep);
  if (steps.length === 0) {
    return undefined;
  }
  return `${run.kind === 'tfjs-train' ? 'epoch' : 'step'} ${Math.max(...steps)}`;
}

/**
 * Label, description and Markdown tooltip of a run row.
 * @param keyMetrics metric names to show (the `xlens.runs.keyMetrics` setting); empty = automatic.
 * @param lineage the run's place among its task's runs ({@link RunsModel.lineage}): params changed
 *   since the previous run, re-run; without it the row shows neither.
 */
export function describeRun(
  run: RunRecord,
  now: number,
  keyMetrics: readonly string[] = [],
  lineage?: RunLineage,
): RowText {
  const duration = runDurationMs(run, now);
  const parts = [
    relativeTime(Date.parse(run.createdAt), now),
    duration === undefined ? undefined : formatDuration(duration),
    isFinalStatus(run.status) ? undefined : slurmLabel(run),
    isFinalStatus(run.status) ? undefined : runProgress(run),
    ...markParts(run, lineage),
    run.git.dirty ? `dirty${run.git.snapshot ? ` @ ${shortSha(run.git.snapshot)}` : ''}` : undefined,
    checksLabel(run),
    keyMetricsText(run.metrics, 2, keyMetrics) || undefined,
  ];
  const failedChecks = checkCounts(run).failed > 0;
  return {
    id: `run:${run.id}`,
    label: run.task,
    description: parts.filter((p): p is string => p !== undefined).join(' · '),
    tooltip: runTooltip(run, now, lineage),
    // A run that succeeded but failed a check is what `xlens run` exits 3 for: a warning, not a pass.
    icon:
      run.status === 'succeeded' && failedChecks
        ? { id: 'warning', color: 'problemsWarningIcon.foreground' }
        : statusIcon(run.status),
    contextValue: runContextValue(run.status, run.kind),
  };
}

/** `✔ 3/3 checks` or `✖ 1/3 checks` (failed of total) for a row; undefined without check results. */
export function checksLabel(run: RunRecord): string | undefined {
  const { passed, failed } = checkCounts(run);
  const total = passed + failed;
  if (total === 0) {
    return undefined;
  }
  return failed === 0 ? `✔ ${total}/${total} checks` : `✖ ${failed}/${total} checks failed`;
}
