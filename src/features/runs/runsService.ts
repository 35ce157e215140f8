/**
 * Keeps the {@link RunsModel} in step with `.xlens/runs/` whoever writes it: runs started here, by
 * the CLI in a terminal, or before a window reload. The listing of `.xlens/runs` is kept by a file
 * watcher on run folders appearing and disappearing (debounced) plus a slow listing poll; each active
 * run is followed by its shared core {@link RunFollower} (the one the dashboard and task terminal
 * read), whose live record goes into the model, so the Runs view and status bar show the step the
 * dashboard shows. A short liveness check gives runs whose processes are gone their true final status
 * through `reconcileRuns()`. A run folder deleted under the editor's feet simply leaves the model.
 */
import { relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/disposable';
import type { RunFollowerLease, RunFollowers } from '../../core/runs/runFollowers';
import type { RunStore } from '../../core/runs/store';
import { isFinalStatus, type RunRecord } from '../../core/runs/types';
import type { Log } from '../../vscode/output';
import type { RunsModel } from './runsModel';

const WATCH_DEBOUNCE_MS = 150;
/**
 * Interval of the liveness check while runs are active: whether their supervisor and task processes
 * still exist (no file is read; a run's files are followed by its follower).
 */
const LIVENESS_MS = 1500;
/**
 * Interval of the safety-net listing of `.xlens/runs` (one readdir). Linux recursive watchers (inotify) miss
 * everything under a folder created together with its parent (`mkdir -p .xlens/runs`): the folder is
 * watched only after its children appear, and stays unwatched. Seen with VS Code's watcher in code-server.
 */
const LISTING_POLL_MS = 4000;

/** The run store paths, relative to the workspace root, that the service watches. */
const RUNS_GLOB = '.xlens/runs/**';
const GIT_GLOB = '.git/{HEAD,packed-refs,refs/heads/**}';

export class RunsService implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private store: RunStore | undefined;
  private listingPending = false;
  private fullReloadPending = false;
  /** The followers of the active runs, by run id. */
  private readonly followed = new Map<string, RunFollowerLease>();
  private debounce: NodeJS.Timeout | undefined;
  private liveness: NodeJS.Timeout | undefined;
  private listingPoll: NodeJS.Timeout | undefined;
  private work: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    readonly root: string,
    private readonly model: RunsModel,
    private readonly log: Log,
    private readonly followers: RunFollowers,
  ) {}

  /**
   * Starts watching `.xlens/runs` and git's HEAD, then reads every run. Called once, after
   * activation (file watchers cost milliseconds activation does not need to spend).
   */
  start(): Promise<void> {
    const runs = this.disposables.track(
      vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(this.root, RUNS_GLOB)),
    );
    // Only folders appearing and disappearing matter here: what changes inside a run folder reaches the
    // model through the run's follower.
    const onRunFile = (uri: vscode.Uri): void => this.noteChange(uri.fsPath);
    this.disposables.track(runs.onDidCreate(onRunFile));
    this.disposables.track(runs.onDidDelete(onRunFile));

    const git = this.disposables.track(
      vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(this.root, GIT_GLOB)),
    );
    const onGit = (): void => void this.refreshGit().catch(() => undefined);
    this.disposables.track(git.onDidCreate(onGit));
    this.disposables.track(git.onDidChange(onGit));
    this.disposables.track(git.onDidDelete(onGit));
    this.disposables.track(vscode.workspace.onDidGrantWorkspaceTrust(onGit));
    this.disposables.track(
      this.model.onDidChange(() => {
        this.syncFollowers();
        this.scheduleLiveness();
      }),
    );
    this.listingPoll = setInterval(() => void this.pollListing(), LISTING_POLL_MS);
    return this.reloadAll().finally(() => this.model.endInitialLoad());
  }

  /** Picks up run folders that appeared or vanished without a file event. */
  private async pollListing(): Promise<void> {
    const store = this.store;
    if (store === undefined || this.disposed) {
      return;
    }
    const onDisk = new Set(await store.ids().catch(() => [] as string[]));
    const known = this.model.all().map((r) => r.id);
    const gone = known.filter((id) => !onDisk.has(id));
    if (gone.length > 0 || onDisk.size > known.length - gone.length) {
      await this.reloadRuns(gone);
    }
  }

  /** The store, loaded on first use (it brings git and metric parsing along). */
  async runStore(): Promise<RunStore> {
    if (this.store === undefined) {
      const { RunStore } = await import('../../core/runs/store');
      this.store = this.disposables.track(new RunStore(this.root));
    }
    return this.store;
  }

  /**
   * Reads every run (each `run.json` once, a few at a time) and replaces the model's runs; runs
   * orphaned while the editor was away get their final status first (reconcile). Serialised with other
   * reloads.
   */
  reloadAll(): Promise<void> {
    return this.enqueue(async () => {
      const store = await this.runStore();
      const { loadRuns } = await import('../../core/runs/loadRuns');
      const { runs, problems, reconciled } = await loadRuns(store);
      for (const run of reconciled) {
        this.log.info(
          `Run ${run.id} (${run.task}) had lost its process; recorded as ${run.status}: ${run.error}`,
        );
      }
      for (const problem of problems) {
        this.log.warn(`Skipping run folder ${problem.dir}: ${problem.message}`);
      }
      this.model.setRuns(runs);
      await this.refreshGitNow();
    });
  }

  /** Re-reads the given runs (removing those whose folders are gone) and picks up new run folders. */
  reloadRuns(ids: Iterable<string>): Promise<void> {
    const wanted = new Set(ids);
    return this.enqueue(async () => {
      const store = await this.runStore();
      const onDisk = new Set(await store.ids());
      for (const id of onDisk) {
        if (this.model.get(id) === undefined) {
          wanted.add(id);
        }
      }
      const changed: RunRecord[] = [];
      const removed: string[] = [];
      for (const id of wanted) {
        const record = onDisk.has(id) ? await store.get(id) : undefined;
        if (record) {
          changed.push(record);
        } else if (!onDisk.has(id)) {
          removed.push(id);
        }
        // A folder without a readable run.json yet (being created) is left for the next change.
      }
      this.model.update(changed, removed);
      if (this.model.commitsToDescribe().length > 0) {
        await this.refreshGitNow();
      }
    });
  }

  /**
   * Deletes runs (folders and, unless `keepRefs`, snapshot refs) and drops them from the model.
   * @param options.keepRefs leave the git refs alone (Restricted Mode runs no git process).
   */
  deleteRuns(ids: readonly string[], options: { keepRefs?: boolean } = {}): Promise<void> {
    return this.enqueue(async () => {
      const store = await this.runStore();
      for (const id of ids) {
        await store.delete(id, { keepRef: options.keepRefs === true });
      }
      this.model.update([], ids);
    });
  }

  private noteChange(path: string): void {
    const store = this.store;
    if (store === undefined) {
      return;
    }
    const rel = relative(store.runsDir, path);
    const id = rel.split(sep)[0];
    if (rel === '' || rel.startsWith('..') || id === undefined) {
      // `.xlens/runs` itself (or `.xlens`) was created or deleted.
      this.fullReloadPending = true;
    } else {
      this.listingPending = true;
    }
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.flush(), WATCH_DEBOUNCE_MS);
  }

  private flush(): void {
    if (this.fullReloadPending) {
      this.fullReloadPending = false;
      this.listingPending = false;
      // Failures are logged by enqueue(); the next file event reads again.
      this.reloadAll().catch(() => undefined);
    } else if (this.listingPending) {
      this.listingPending = false;
      void this.pollListing().catch(() => undefined);
    }
  }

  /**
   * Follows every active run through its shared follower and lets go of the others. Called after each
   * model change: a run reaching a final status is released once its follower has read it all.
   */
  private syncFollowers(): void {
    if (this.disposed) {
      return;
    }
    const active = new Set(this.model.active().map((r) => r.id));
    for (const [id, lease] of this.followed) {
      if (!active.has(id) && (lease.follower.done || this.model.get(id) === undefined)) {
        this.followed.delete(id);
        lease.dispose();
      }
    }
    for (const id of active) {
      if (!this.followed.has(id)) {
        this.follow(id);
      }
    }
  }

  private follow(id: string): void {
    const lease = this.followers.follow(id);
    const subscription = lease.follower.onDidChange((change) => {
      if (change.missing) {
        this.model.update([], [id]);
        return;
      }
      const record = lease.follower.liveRecord;
      if (record !== undefined && (change.record !== undefined || change.appended.size > 0)) {
        this.model.update([record]);
      }
      if (lease.follower.done && isFinalStatus(record?.status ?? 'running')) {
        this.syncFollowers();
      }
    });
    this.followed.set(id, {
      follower: lease.follower,
      ready: lease.ready,
      dispose: () => {
        subscription.dispose();
        lease.dispose();
      },
    });
  }

  /** Checks the processes of active runs: a killed supervisor leaves `running` in run.json forever. */
  private scheduleLiveness(): void {
    if (this.liveness !== undefined || this.disposed || this.model.active().length === 0) {
      return;
    }
    this.liveness = setTimeout(() => {
      this.liveness = undefined;
      this.checkLiveness()
        .catch(() => undefined)
        .finally(() => this.scheduleLiveness());
    }, LIVENESS_MS);
  }

  private async checkLiveness(): Promise<void> {
    const { isAlive } = await import('../../core/base/process');
    const { heldByQueue } = await import('../../core/queue/queueFiles');
    const orphaned = (): boolean =>
      this.model
        .active()
        .some((r) => !isAlive(r.supervisorPid) && !isAlive(r.pid) && !heldByQueue(this.root, r));
    if (!orphaned()) {
      return;
    }
    // Re-read first: the supervisor may have written the final status just before exiting.
    await Promise.all([...this.followed.values()].map((lease) => lease.follower.refresh()));
    if (orphaned()) {
      await this.reloadAll();
    }
  }

  private refreshGit(): Promise<void> {
    return this.enqueue(() => this.refreshGitNow());
  }

  /**
   * HEAD and the subjects/dates of the commits runs were made from. Not in Restricted Mode: no git
   * process runs for a workspace that is not trusted (its config could name programs for git to run);
   * rows then show what run.json records, and the subjects appear once the folder is trusted.
   */
  private async refreshGitNow(): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      return;
    }
    try {
      const { headCommit, describeCommits } = await import('../../core/git/gitContext');
      this.model.setHead(await headCommit(this.root));
      const missing = this.model.commitsToDescribe();
      if (missing.length > 0) {
        this.model.addCommitInfo((await describeCommits(this.root, missing)).values());
      }
    } catch (error) {
      this.log.warn(`Could not read git state of ${this.root}: ${String(error)}`);
    }
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const next = this.work.then(async () => {
      if (!this.disposed) {
        await job();
      }
    });
    this.work = next.catch((error: unknown) => {
      this.log.error(
        `Reading runs failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    });
    return next;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.debounce);
    clearTimeout(this.liveness);
    clearInterval(this.listingPoll);
    for (const lease of this.followed.values()) {
      lease.dispose();
    }
    this.followed.clear();
    this.disposables.dispose();
  }
}
