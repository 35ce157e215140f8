/**
 * The supervisor of one run (used by `TaskRunner`): starts the task process (a shell command or a
 * built-in job) after recording git state and inputs, stops it on cancel, timeout or the supervisor's
 * own exit (SIGTERM to its process group, SIGKILL after the grace period), waits for it, and turns how
 * it ended into the run's outcome and final record. Output goes through {@link OutputCapture}, the
 * record through {@link RecordWriter}; `runInputs.ts` records what precedes the start, `jobInfo.ts`
 * reads a built-in job's report.
 */
import { resolve } from 'node:path';
import type { Disposable } from '../base/disposable';
import { resolveEntrypoint, type EntrypointName } from '../base/entrypoints';
import { describeWriteFailure, isWriteFault } from '../base/fsErrors';
import { setLongTimeout } from '../base/longTimeout';
import { processStartToken } from '../base/process';
import type { ProjectConfig, TaskConfig } from '../config/types';
import { withChecks } from '../checks/evaluate';
import { ORPHANED_RUN_ERROR } from '../runs/reconcile';
import type { RunStore } from '../runs/store';
import type { RunRecord } from '../runs/types';
import { collectArtifacts, staleOutputWarning } from './artifacts';
import { startHeartbeat } from './heartbeat';
import { explainFailure, jobWarnings, readJobInfo } from './jobInfo';
import { MetricSourcesTail } from './metricSources';
import type { MetricsTail } from './metricsTail';
import { runOutcome, type Outcome } from './outcome';
import { OutputCapture } from './outputCapture';
import { signalTree, spawnProgram, spawnShell, type TaskProcess } from './processTree';
import { RecordWriter } from './recordWriter';
import { RunSink } from './runSink';
import type { ResolvedTask } from './resolveTask';
import { captureRunGit, writeRunInputs } from './runInputs';
import { SpaceReserve } from './spaceReserve';
import { taskEnvironment } from './taskEnv';
import type { RunEmitters, TaskRunnerOptions } from './types';

/** The bundle that runs each built-in task kind. */
const JOB_ENTRY: Record<Exclude<TaskConfig['kind'], 'command'>, EntrypointName> = {
  'tfjs-train': 'trainer',
  'tfjs-eval': 'trainer',
  drift: 'driftJob',
  eval: 'evalJob',
  monitor: 'monitorJob',
};

/** One run from spawn to final record. */
export class RunExecution {
  private readonly store: RunStore;
  private readonly runDir: string;
  private readonly writer: RecordWriter;
  private readonly output: OutputCapture;
  private readonly sink: RunSink;
  private child: TaskProcess | undefined;
  private stopReason: 'cancel' | 'timeout' | 'fault' | undefined;
  /** Why recording failed (`disk full (ENOSPC) writing <file>`): the run then ends `failed` with it. */
  private fault: string | undefined;
  /** True once the task was stopped because of {@link fault}. */
  private stoppedForFault = false;
  private readonly reserve: SpaceReserve;
  private killTimer: NodeJS.Timeout | undefined;
  /** The task's `timeout:` (any length: see `setLongTimeout`). */
  private timeoutTimer: Disposable | undefined;
  private finished = false;
  private tail: MetricsTail | undefined;
  /** The task's `metrics:` file sources (TensorBoard, MLflow, DVCLive, CSV, JSONL), when it names any. */
  private sources: MetricSourcesTail | undefined;
  /** Notices found before the task starts (git snapshot), told once the run's output is open. */
  private pendingNotices: string[] = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly project: ProjectConfig,
    store: RunStore,
    record: RunRecord,
    private readonly resolved: ResolvedTask,
    private readonly options: TaskRunnerOptions,
    private readonly emit: RunEmitters,
  ) {
    this.store = store;
    this.runDir = this.store.runDir(record.id);
    this.writer = new RecordWriter(
      store,
      record,
      options.saveIntervalMs ?? 1000,
      (message) => this.notice(message),
      (file, error) => this.writeFailed(file, error),
    );
    this.sink = new RunSink(this.writer, emit);
    this.reserve = new SpaceReserve(store.file(record.id, 'reserve'));
    this.output = new OutputCapture(resolved.task.metrics, {
      onText: (stream, text) => this.emit.output.fire({ runId: this.record.id, stream, text }),
      onPoint: (step, time, values) => this.sink.point(step, time, values),
      onWarning: (message) => this.warn(message),
    });
  }

  /** The run's record as it stands (kept by the {@link RecordWriter}). */
  private get record(): RunRecord {
    return this.writer.record;
  }

  private set record(record: RunRecord) {
    this.writer.record = record;
  }

  /**
   * Runs the task to its end: git state and inputs, start, wait, final record.
   * @param signal cancels the run (as {@link stop} with `cancel`).
   * @returns the final record (also written to run.json when the disk allows); never rejects.
   */
  async execute(signal?: AbortSignal): Promise<RunRecord> {
    let outcome: Outcome = { status: 'failed', error: 'the run stopped before its task started' };
    const onAbort = (): void => this.stop('cancel', false);
    const onExit = (): void => this.supervisorExit();
    process.on('exit', onExit);
    signal?.addEventListener('abort', onAbort);
    this.heartbeatTimer = startHeartbeat(
      this.store.file(this.record.id, 'heartbeat'),
      this.options.heartbeatMs ?? 1000,
    );
    try {
      const { git, notice } = await captureRunGit(this.project, this.record.id);
      if (notice !== undefined) {
        this.pendingNotices.push(notice);
      }
      this.record = { ...this.record, git };
      await this.reserve.take();
      await writeRunInputs(this.store, this.record.id, this.resolved);
      // No early `return` here: it would hand `done` the record from before `finish()` ran.
      outcome =
        signal?.aborted || this.stopReason === 'cancel'
          ? { status: 'cancelled', error: 'cancelled before the task started' }
          : await this.spawnAndWait();
    } catch (error) {
      const reason = isWriteFault(error) ? describeWriteFailure(error, 'writing') : (error as Error).message;
      outcome = { status: 'failed', error: `could not run the task: ${reason}` };
    } finally {
      signal?.removeEventListener('abort', onAbort);
      process.off('exit', onExit);
      await this.finish(outcome);
    }
    return this.record;
  }

  /**
   * Cancels (or times out, or stops after a write {@link fault}) the task: SIGTERM to its process
   * group, SIGKILL after the grace period.
   */
  stop(reason: 'cancel' | 'timeout' | 'fault', force: boolean): void {
    if (this.finished) {
      return;
    }
    this.stopReason ??= reason;
    const pid = this.child?.pid;
    if (pid === undefined || this.child?.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    if (force) {
      signalTree(pid, 'SIGKILL');
      return;
    }
    signalTree(pid, 'SIGTERM');
    this.killTimer ??= setTimeout(() => signalTree(pid, 'SIGKILL'), this.options.killGraceMs ?? 5000);
  }

  private environment(): NodeJS.ProcessEnv {
    return taskEnvironment(this.options.env ?? process.env, this.store, this.record.id, this.resolved);
  }

  private spawnTask(): TaskProcess {
    const task = this.resolved.task;
    const env = this.environment();
    // The task's exit status is also written to the run folder: known even if this process dies.
    const exitFile = this.store.file(this.record.id, 'exitCode');
    if (task.kind === 'command') {
      return spawnShell(task.run, this.resolved.cwd, env, exitFile);
    }
    const entry = resolveEntrypoint(JOB_ENTRY[task.kind]);
    return spawnProgram(
      process.execPath,
      [...entry.execArgv, entry.script, this.store.file(this.record.id, 'task')],
      this.resolved.cwd,
      env,
      exitFile,
    );
  }

  private async spawnAndWait(): Promise<Outcome> {
    const onError = (file: string, error: Error): void => this.writeFailed(file, error);
    this.output.open(this.store.file(this.record.id, 'output'), onError);
    this.writer.openMetrics(this.store.file(this.record.id, 'metrics'), onError);
    const startedAt = new Date().toISOString();
    await this.followSources();
    const child = this.spawnTask();
    this.child = child;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
      (resolve) => {
        child.once('error', (error) => resolve({ code: null, signal: null, error }));
        child.once('exit', (code, signal) => resolve({ code, signal }));
      },
    );
    const closed = Promise.all([
      new Promise<void>((r) => child.stdout.once('close', r)),
      new Promise<void>((r) => child.stderr.once('close', r)),
    ]);
    child.stdout.on('data', this.output.handler('stdout'));
    child.stderr.on('data', this.output.handler('stderr'));

    // Listeners hear `running` (with git state and pid) in this same tick, before any output event
    // can be delivered: the CLI's header comes before the task's first line even when piped.
    const pidStart = processStartToken(child.pid);
    this.record = {
      ...this.record,
      status: 'running',
      startedAt,
      pid: child.pid,
      ...(pidStart !== undefined ? { pidStart } : {}),
    };
    this.emit.status.fire(this.record);
    this.flushNotices();
    await this.writer.save();

    this.tail = this.sink.followRawMetrics(this.store, this.options.pollIntervalMs ?? 200);
    this.tail.start();
    this.sources?.start();
    const timeoutMs = this.resolved.task.timeoutMs;
    if (timeoutMs !== undefined) {
      this.timeoutTimer = setLongTimeout(() => this.stop('timeout', false), timeoutMs);
    }
    if (this.stopReason === 'cancel') {
      this.stop('cancel', false);
    }
    if (this.fault !== undefined && !this.stoppedForFault) {
      // A write failed before the task existed: stop it now.
      this.stoppedForFault = true;
      this.stop('fault', false);
    }

    const exit = await exited;
    // Output still buffered in the pipes comes after 'exit'; give it a moment (when stopping, the
    // rest of the grace period, so the task's other processes get it too), then stop waiting for
    // background processes of the task that keep the pipes open.
    let drainTimer: NodeJS.Timeout | undefined;
    const drainMs = this.stopReason ? (this.options.killGraceMs ?? 5000) + 1000 : 1000;
    const drained = await Promise.race([
      closed.then(() => true),
      new Promise<boolean>((r) => (drainTimer = setTimeout(() => r(false), drainMs))),
    ]);
    clearTimeout(drainTimer);
    if (!drained) {
      signalTree(child.pid, 'SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
    }
    this.output.flushLines();
    return runOutcome(exit, {
      stopReason: this.stopReason === 'fault' ? undefined : this.stopReason,
      started: child.pid !== undefined,
      task: this.resolved.task,
    });
  }

  /** Sets aside what the task's file sources hold before it starts (only later points are its own). */
  private async followSources(): Promise<void> {
    const sources = new MetricSourcesTail(
      this.resolved.task.metrics,
      this.resolved.cwd,
      {
        onPoint: (step, time, values, nonFinite) => this.sink.point(step, time, values, nonFinite),
        onWarning: (message) => this.warn(message),
      },
      this.options.pollIntervalMs ?? 500,
    );
    if (sources.active) {
      await sources.begin();
      this.sources = sources;
    }
  }

  private warn(message: string): void {
    this.sink.warn(message);
  }

  private flushNotices(): void {
    const notices = this.pendingNotices;
    this.pendingNotices = [];
    notices.forEach((message) => this.notice(message));
  }

  /** A warning that also goes into `output.log`, so the run's output says it where it happened. */
  private notice(message: string): void {
    this.output.writeNotice(message);
    this.warn(message);
  }

  /**
   * A write of the run failed (disk full, read-only, permissions, I/O error): nothing the task writes
   * from now on can be recorded, so the task is stopped (SIGTERM, SIGKILL after the grace period) and
   * the run ends `failed` with the reason, its final record written in the space set aside.
   */
  private writeFailed(file: string, error: unknown): void {
    if (this.fault !== undefined || this.finished) {
      return;
    }
    this.fault = describeWriteFailure(error, 'writing', file);
    const running =
      this.child?.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null;
    if (running) {
      this.stoppedForFault = true;
      this.stop('fault', false);
    }
  }

  /** The outcome of a run whose recording failed ({@link writeFailed}); else `outcome` unchanged. */
  private faultOutcome(outcome: Outcome): Outcome {
    if (this.fault === undefined) {
      return outcome;
    }
    const stopped = this.stoppedForFault
      ? '; the task was stopped, as nothing more it wrote could be recorded'
      : '';
    return { ...outcome, status: 'failed', error: `${this.fault}${stopped}` };
  }

  private async finish(outcome: Outcome): Promise<void> {
    clearInterval(this.heartbeatTimer);
    this.timeoutTimer?.dispose();
    clearTimeout(this.killTimer);
    this.writer.cancelScheduledSave();
    try {
      this.flushNotices(); // the task never started: still recorded
      await this.tail?.stop();
      await this.sources?.stop();
      await Promise.all([this.writer.closeMetrics(), this.output.close()]);
      const info = await readJobInfo(this.store.file(this.record.id, 'info'), (m) => this.warn(m));
      outcome = explainFailure(outcome, info, this.stopReason !== undefined);
      this.takeJobWarnings(info);
      const { artifacts, missing, stale, refused } = await collectArtifacts(
        this.runDir,
        this.project.root,
        this.resolved.task.outputs,
        this.resolved.cwd,
        this.record.startedAt !== undefined ? Date.parse(this.record.startedAt) : undefined,
      );
      stale.forEach((s) => this.warn(staleOutputWarning(s)));
      refused.forEach((message) => this.warn(message));
      missing.forEach((m) =>
        this.warn(`output "${m}" was not found after the run (looked for ${resolve(this.resolved.cwd, m)})`),
      );
      this.record = {
        ...this.record,
        artifacts,
        ...(info ? { info: { ...this.record.info, ...info } } : {}),
      };
    } catch (error) {
      this.warn(`finishing the run: ${(error as Error).message}`);
    } finally {
      outcome = this.faultOutcome(outcome);
      this.finished = true;
      this.writer.close();
      await this.reserve.release(); // room for the final record, also on a disk that filled up
      const endedAt = new Date();
      const started = Date.parse(this.record.startedAt ?? this.record.createdAt);
      const { pid: _pid, pidStart: _pidStart, ...rest } = this.record;
      const final: RunRecord = {
        ...rest,
        status: outcome.status,
        endedAt: endedAt.toISOString(),
        durationMs: endedAt.getTime() - started,
        ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
        ...(outcome.signal ? { signal: outcome.signal } : {}),
        ...(outcome.error ? { error: outcome.error } : {}),
        ...(outcome.status === 'failed' && this.child ? this.output.errorTail() : {}),
      };
      await this.writer.writeFinal(await withChecks(this.store, final)); // README: Checks
      this.emit.status.fire(this.record);
    }
  }

  /**
   * A built-in job's warnings (`warnings` in its `info.json`: bad cells, a tiny validation split) go
   * into the run's warnings too, where `xlens show` and the editor list them. They were printed in the
   * job's output as they happened, so listeners are not told again.
   */
  private takeJobWarnings(info: Record<string, unknown> | undefined): void {
    for (const message of jobWarnings(info)) {
      if (!(this.record.warnings ?? []).includes(message)) {
        this.writer.addWarning(message);
      }
    }
  }

  /** The supervising process is exiting with the run unfinished: stop the task, record why. */
  private supervisorExit(): void {
    if (this.finished) {
      return;
    }
    clearInterval(this.heartbeatTimer);
    signalTree(this.child?.pid, 'SIGTERM');
    this.reserve.releaseSync();
    const { pid: _pid, pidStart: _pidStart, ...rest } = this.record;
    this.writer.writeFinalSync({
      ...rest,
      status: 'failed',
      endedAt: new Date().toISOString(),
      durationMs: Math.round(Date.now() - Date.parse(this.record.startedAt ?? this.record.createdAt)),
      error: ORPHANED_RUN_ERROR,
    });
  }
}
