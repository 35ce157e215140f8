/**
 * Starting, cancelling and deleting runs from the editor. Runs start as detached `xlens run`
 * processes (see launcher.ts); the controller waits until the run's folder appears in the model (its
 * `supervisorPid` is the process's pid) so callers get the {@link RunRecord}, and turns a CLI that
 * exits without creating a run (bad params, broken config) into an error carrying the CLI's message.
 */
import type { Disposable } from '../../core/base/disposable';
import { CancelledError } from '../../core/base/errors';
import type { ParamValue, RunRecord } from '../../core/runs/types';
import { UserFacingError } from '../../vscode/commandRunner';
import type { Log } from '../../vscode/output';
import { requireTrust } from '../requireTrust';
import {
  cancelRun,
  changedParams,
  cliRunArgs,
  isRunOf,
  launchRun,
  readLaunchLog,
  removeLaunchLog,
  type LaunchedProcess,
} from '../../core/runner/launcher';
import type { RunsModel } from './runsModel';
import type { RunsService } from './runsService';
import { dict } from '../../shared/dict';

/** How long to wait for a started CLI to create its run folder (git snapshots of big trees take time). */
const RUN_APPEAR_TIMEOUT_MS = 60_000;
const APPEAR_POLL_MS = 300;

/**
 * Owns no process: runs are detached and outlive the editor. What it owns are the waits for a started
 * run's folder; disposing ends them (with a CancelledError) so no poll outlives the extension.
 */
export class RunController implements Disposable {
  private disposed = false;

  constructor(
    private readonly root: string,
    private readonly model: RunsModel,
    private readonly service: RunsService,
    private readonly log: Log,
  ) {}

  /**
   * Starts `task` with `overrides` as a detached run and resolves with its record once it exists.
   * @throws UserFacingError in an untrusted workspace, or when the CLI refused to start the run
   *   (its message says why: unknown task, bad `--set`, broken `xlens.yaml`).
   */
  async start(task: string, overrides: Record<string, ParamValue> = dict()): Promise<RunRecord> {
    requireTrust('Running tasks');
    this.log.info(`Starting: xlens ${cliRunArgs(task, overrides).join(' ')} (in ${this.root})`);
    const launched = launchRun({ root: this.root, task, overrides });
    this.log.info(`Run supervisor started, pid ${launched.pid}`);
    const run = await this.waitForRun(launched);
    this.log.info(`Run ${run.id} (${task}) is ${run.status}`);
    void launched.exited.then(() => removeLaunchLog(launched));
    return run;
  }

  /**
   * Adds a run of `task` to the workspace's local queue (`xlens run --queue`, detached) and resolves
   * with the queued run once the model has it. The queue's worker starts it (see `core/queue`).
   * @throws UserFacingError in an untrusted workspace, or when the CLI refused (its message).
   */
  async queue(task: string, overrides: Record<string, ParamValue> = dict()): Promise<RunRecord> {
    requireTrust('Queueing tasks');
    const args = ['run', '--queue', ...cliRunArgs(task, overrides).slice(1)];
    this.log.info(`Queueing: xlens ${args.join(' ')} (in ${this.root})`);
    const launched = launchRun({ root: this.root, task, args });
    const exit = await launched.exited;
    const printed = await readLaunchLog(launched);
    await removeLaunchLog(launched);
    const id = /· run (\S+) · position/.exec(printed)?.[1];
    if (exit.code !== 0 || id === undefined) {
      throw new UserFacingError(
        `The task was not queued (xlens exited with ${exit.code ?? exit.signal}): ${printed || 'no message'}`,
      );
    }
    this.log.info(printed);
    await this.service.reloadRuns([id]);
    const run = this.model.get(id);
    if (run === undefined) {
      throw new Error(`run ${id} was queued but cannot be read from .xlens/runs`);
    }
    return run;
  }

  /**
   * Reproduces `run` (`xlens reproduce <id>`, detached) and resolves with the new run once it exists,
   * and with the process's end.
   * @throws UserFacingError in an untrusted workspace, or when the CLI refused (changed data, code
   *   not in the repository: its message).
   */
  async reproduce(run: RunRecord): Promise<{ started: RunRecord; ended: Promise<unknown> }> {
    requireTrust('Reproducing runs');
    const args = ['reproduce', run.id, '--quiet'];
    this.log.info(`Starting: xlens ${args.join(' ')} (in ${this.root})`);
    const launched = launchRun({ root: this.root, task: run.task, args });
    const started = await this.waitForRun(launched);
    const ended = launched.exited.then(() => removeLaunchLog(launched));
    return { started, ended };
  }

  /** Starts the run's task again with the params it recorded that differ from the task's current ones. */
  async rerun(run: RunRecord, currentParams: Record<string, ParamValue> | undefined): Promise<RunRecord> {
    return this.start(run.task, changedParams(run.params, currentParams));
  }

  /**
   * Cancels runs: SIGTERM to each supervisor, which records `cancelled`. Runs whose supervisor is
   * gone are reconciled from their files instead. A run of the local queue still waiting leaves the
   * queue and is recorded `cancelled`; one the queue started is stopped like any run.
   */
  async cancel(runs: readonly RunRecord[]): Promise<void> {
    requireTrust('Cancelling runs');
    let orphaned = false;
    for (const run of runs) {
      if (run.queue !== undefined) {
        const { cancelQueuedRun } = await import('../../core/queue/localQueue');
        const how = await cancelQueuedRun(await this.service.runStore(), run);
        this.log.info(`Cancelling queued run ${run.id}: ${how}`);
        await this.service.reloadRuns([run.id]);
      } else if (cancelRun(run)) {
        this.log.info(
          run.slurm
            ? `Cancelling run ${run.id} (Slurm job ${run.slurm.jobId})`
            : `Sent SIGTERM to the supervisor (pid ${run.supervisorPid}) of run ${run.id}`,
        );
      } else {
        this.log.warn(`Run ${run.id} has no live supervisor; reading its final status from its files`);
        orphaned = true;
      }
    }
    if (orphaned) {
      await this.service.reloadAll();
    }
  }

  private async waitForRun(launched: LaunchedProcess): Promise<RunRecord> {
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: unknown;
    launched.exited.then(
      (e) => (exit = e),
      (error: unknown) => (spawnError = error),
    );
    const deadline = Date.now() + RUN_APPEAR_TIMEOUT_MS;
    for (;;) {
      if (this.disposed) {
        throw new CancelledError();
      }
      const found = this.model.all().find((r) => isRunOf(r, launched));
      if (found) {
        return found;
      }
      if (spawnError !== undefined) {
        throw spawnError instanceof Error
          ? spawnError
          : new Error(`could not start xlens: ${JSON.stringify(spawnError)}`);
      }
      if (exit !== undefined) {
        // The process is gone: one last read, then report what it printed.
        await this.service.reloadRuns([]);
        const late = this.model.all().find((r) => isRunOf(r, launched));
        if (late) {
          return late;
        }
        const printed = await readLaunchLog(launched);
        await removeLaunchLog(launched);
        throw new UserFacingError(
          `The run did not start (xlens exited with ${exit.code ?? exit.signal}): ${printed || 'no message'}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `xlens (pid ${launched.pid}) has not created a run folder after ${RUN_APPEAR_TIMEOUT_MS / 1000} s; ` +
            `see ${launched.launchLog}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, APPEAR_POLL_MS));
      await this.service.reloadRuns([]);
    }
  }

  /** Stops waiting for started runs to appear; the runs themselves keep running. */
  dispose(): void {
    this.disposed = true;
  }
}
