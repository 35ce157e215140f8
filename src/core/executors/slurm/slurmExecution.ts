/**
 * The supervisor of a run on Slurm (used by `TaskRunner` for a `run:` task with `executor: slurm`):
 * records git state and inputs like a local run, writes `job.sh` to the run folder, submits it with
 * `sbatch --parsable` (the run is then `queued` with its job id), and, unless detached, follows the
 * job to its end: its state from `squeue --json` (see {@link SlurmPolling}), its output from
 * `output.log` and its metrics from `XLENS_METRICS_FILE`, both written by the job into the run folder,
 * which is read exactly as for a local run (the same `MetricsTail` and `RecordWriter`). A detached run,
 * or one whose supervisor went away, is brought up to date by reconciliation (`core/runs/reconcile.ts`).
 */
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeWriteFailure, isWriteFault } from '../../base/fsErrors';
import type { ProjectConfig, SlurmOptions } from '../../config/types';
import { withChecks } from '../../checks/evaluate';
import type { RunStore } from '../../runs/store';
import type { RunRecord } from '../../runs/types';
import { collectArtifacts } from '../../runner/artifacts';
import type { MetricsTail } from '../../runner/metricsTail';
import type { Outcome } from '../../runner/outcome';
import { errorTailOf, OutputCapture } from '../../runner/outputCapture';
import { RecordWriter } from '../../runner/recordWriter';
import { RunSink } from '../../runner/runSink';
import type { ResolvedTask } from '../../runner/resolveTask';
import { captureRunGit, writeRunInputs } from '../../runner/runInputs';
import { taskEnvironment } from '../../runner/taskEnv';
import type { RunEmitters, TaskRunnerOptions } from '../../runner/types';
import { jobScript, sbatchArgs, SLURM_FILES } from './jobScript';
import { cancelJob, queryJobs, submitJob, type SlurmJobState } from './slurmClient';
import { slurmOutcome } from './slurmOutcome';
import { SlurmPolling } from './slurmPolling';
import { recordWithJob } from './slurmRecord';
import { stateMeaning } from './slurmStates';

/** How often the run folder is checked for the job's output, start marker and exit status, ms. */
const FOLDER_POLL_MS = 250;

/** One run on Slurm from submission to final record. */
export class SlurmExecution {
  private readonly writer: RecordWriter;
  private readonly output: OutputCapture;
  private readonly sink: RunSink;
  private readonly runDir: string;
  private cancelled = false;
  private wake: (() => void) | undefined;
  private tail: MetricsTail | undefined;
  private outputOffset = 0;

  constructor(
    private readonly project: ProjectConfig,
    private readonly store: RunStore,
    record: RunRecord,
    private readonly resolved: ResolvedTask,
    private readonly slurm: SlurmOptions,
    private readonly options: TaskRunnerOptions,
    private readonly emit: RunEmitters,
  ) {
    this.runDir = store.runDir(record.id);
    this.writer = new RecordWriter(
      store,
      record,
      options.saveIntervalMs ?? 1000,
      (message) => this.warn(message),
      (file, error) => this.warn(describeWriteFailure(error, 'writing', file)),
    );
    this.sink = new RunSink(this.writer, emit);
    this.output = new OutputCapture(resolved.task.metrics, {
      onText: (stream, text) => this.emit.output.fire({ runId: this.record.id, stream, text }),
      onPoint: (step, time, values) => this.sink.point(step, time, values),
      onWarning: (message) => this.warn(message),
    });
  }

  private get record(): RunRecord {
    return this.writer.record;
  }

  private set record(record: RunRecord) {
    this.writer.record = record;
  }

  /** The Slurm client environment (the task's, so `SLURM_CONF` and `SBATCH_*` of the caller apply). */
  private environment(): NodeJS.ProcessEnv {
    return taskEnvironment(this.options.env ?? process.env, this.store, this.record.id, this.resolved);
  }

  /**
   * Submits the job and, unless `detach`, follows it to its end.
   * @returns the record: `queued` with its job id when detached, else final; a run that could not be
   *   submitted ends `failed` with sbatch's message. Never rejects.
   */
  async execute(signal: AbortSignal | undefined, detach: boolean): Promise<RunRecord> {
    const onAbort = (): void => this.stop();
    signal?.addEventListener('abort', onAbort);
    try {
      const { git, notice } = await captureRunGit(this.project, this.record.id);
      this.record = { ...this.record, git };
      if (notice !== undefined) {
        this.warn(notice);
      }
      await writeRunInputs(this.store, this.record.id, this.resolved);
      const script = jobScript({
        runId: this.record.id,
        task: this.record.task,
        command: this.resolved.task.kind === 'command' ? this.resolved.task.run : this.record.command,
        options: this.slurm,
        ...(this.resolved.task.timeoutMs !== undefined ? { timeoutMs: this.resolved.task.timeoutMs } : {}),
      });
      await writeFile(join(this.runDir, SLURM_FILES.script), script, { mode: 0o755 });
      if (signal?.aborted || this.cancelled) {
        return await this.finish({ status: 'cancelled', error: 'cancelled before the job was submitted' });
      }
      const { jobId, cluster } = await submitJob(
        sbatchArgs(this.runDir, this.resolved.cwd),
        this.environment(),
      );
      this.record = recordWithJob(this.record, {
        jobId,
        state: 'PENDING',
        ...(cluster ? { cluster } : {}),
        ...(this.slurm.partition ? { partition: this.slurm.partition } : {}),
      });
      await this.writer.save();
      this.emit.status.fire(this.record);
      if (detach) {
        this.writer.close();
        return this.record;
      }
      if (this.cancelled) {
        await this.cancelJob();
      }
      return await this.finish(await this.follow(jobId));
    } catch (error) {
      const reason = isWriteFault(error) ? describeWriteFailure(error, 'writing') : (error as Error).message;
      return this.finish({ status: 'failed', error: reason });
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Cancels the run: `scancel` once the job exists; the run ends `cancelled` when Slurm says so. */
  stop(): void {
    if (this.cancelled) {
      return;
    }
    this.cancelled = true;
    if (this.record.slurm) {
      void this.cancelJob();
    }
    this.wake?.();
  }

  private async cancelJob(): Promise<void> {
    const jobId = this.record.slurm?.jobId;
    if (jobId !== undefined) {
      await cancelJob(jobId, this.environment()).catch((error: unknown) =>
        this.warn(`could not cancel Slurm job ${jobId}: ${(error as Error).message}`),
      );
      this.wake?.();
    }
  }

  /** Follows the job until Slurm reports a final state (or forgets the job). */
  private async follow(jobId: string): Promise<Outcome> {
    const polling = new SlurmPolling(this.options.slurmPollMs);
    let last: SlurmJobState | undefined;
    let known = true;
    let misses = 0;
    let lastProblem = '';
    for (;;) {
      let job: SlurmJobState | undefined;
      try {
        job = (await queryJobs([jobId], this.environment())).get(jobId);
        // Forgotten only when missed three times in a row (not a passing gap of the controller).
        misses = job === undefined ? misses + 1 : 0;
        known = misses < 3;
      } catch (error) {
        // Told once per message: a controller that is down for a while does not fill the warnings.
        const message = `could not read the state of Slurm job ${jobId}: ${(error as Error).message}`;
        if (message !== lastProblem) {
          lastProblem = message;
          this.warn(message);
        }
        job = last;
      }
      if (job) {
        await this.update(job);
        last = job;
      }
      const meaning = job ? stateMeaning(job.state) : undefined;
      if (!known || meaning?.final) {
        await this.readOutput();
        await this.tail?.stop();
        return slurmOutcome(jobId, known ? job : undefined, await this.traces(), this.cancelled, {
          runDir: this.runDir,
          ...(job?.nodes ? { nodes: job.nodes } : {}),
        });
      }
      await this.waitForChange(polling.next(job?.state ?? ''));
    }
  }

  /** Waits `ms`, or less when the run folder shows the job started or ended, or on cancel. */
  private async waitForChange(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    const startedBefore = await exists(join(this.runDir, SLURM_FILES.started));
    while (Date.now() < deadline) {
      let woken = false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(FOLDER_POLL_MS, deadline - Date.now()));
        this.wake = () => {
          woken = true;
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      await this.readOutput();
      if (
        woken ||
        (await exists(this.store.file(this.record.id, 'exitCode'))) ||
        (!startedBefore && (await exists(join(this.runDir, SLURM_FILES.started))))
      ) {
        return;
      }
    }
  }

  /** Takes in a new state: status, nodes, reason; starts following output and metrics once running. */
  private async update(job: SlurmJobState): Promise<void> {
    const before = this.record;
    const meaning = stateMeaning(job.state);
    this.record = recordWithJob(before, job);
    if (meaning.status === 'running' && before.status === 'queued') {
      this.record = {
        ...this.record,
        status: 'running',
        startedAt: new Date((job.startTime ?? Date.now() / 1000) * 1000).toISOString(),
      };
      this.writer.openMetrics(this.store.file(this.record.id, 'metrics'), (file, error) =>
        this.warn(describeWriteFailure(error, 'writing', file)),
      );
      this.startMetrics();
    }
    const changed =
      before.status !== this.record.status ||
      before.slurm?.state !== job.state ||
      before.slurm?.reason !== this.record.slurm?.reason ||
      before.slurm?.nodes !== this.record.slurm?.nodes ||
      before.slurm?.position !== this.record.slurm?.position;
    if (changed && !meaning.final) {
      this.emit.status.fire(this.record);
      await this.writer.save();
    }
  }

  private startMetrics(): void {
    this.tail = this.sink.followRawMetrics(this.store, this.options.pollIntervalMs ?? 200);
    this.tail.start();
  }

  /** Hands what the job appended to `output.log` to listeners (and the `stdout:` patterns). */
  private async readOutput(): Promise<void> {
    const file = this.store.file(this.record.id, 'output');
    const handle = await open(file, 'r').catch(() => undefined);
    if (!handle) {
      return;
    }
    try {
      const { size } = await handle.stat();
      while (size > this.outputOffset) {
        const buffer = Buffer.alloc(Math.min(size - this.outputOffset, 1 << 20));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.outputOffset);
        if (bytesRead === 0) {
          break;
        }
        this.outputOffset += bytesRead;
        this.output.handler('stdout')(buffer.subarray(0, bytesRead));
      }
    } finally {
      await handle.close();
    }
  }

  private async traces(): Promise<{ exitCode?: number; started: boolean }> {
    const text = await readFile(this.store.file(this.record.id, 'exitCode'), 'utf8').catch(() => '');
    const started = await exists(join(this.runDir, SLURM_FILES.started));
    return /^\d{1,3}\n?$/.test(text) ? { exitCode: Number(text.trim()), started } : { started };
  }

  private warn(message: string): void {
    this.sink.warn(message);
  }

  private async finish(outcome: Outcome): Promise<RunRecord> {
    this.writer.cancelScheduledSave();
    await this.tail?.stop();
    this.output.flushLines();
    await this.writer.closeMetrics();
    const { artifacts, missing } = await collectArtifacts(
      this.runDir,
      this.project.root,
      this.resolved.task.outputs,
      this.resolved.cwd,
      this.record.startedAt !== undefined ? Date.parse(this.record.startedAt) : undefined,
    ).catch(() => ({ artifacts: [], missing: [] as string[] }));
    missing.forEach((m) => this.warn(`output "${m}" was not found after the run`));
    const log = await readFile(this.store.file(this.record.id, 'output'), 'utf8').catch(() => '');
    this.writer.close();
    const endedAt = new Date();
    const { pid: _pid, pidStart: _pidStart, ...rest } = this.record;
    const final: RunRecord = {
      ...rest,
      artifacts,
      status: outcome.status,
      endedAt: endedAt.toISOString(),
      durationMs: Math.max(0, endedAt.getTime() - Date.parse(this.record.startedAt ?? this.record.createdAt)),
      ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
      ...(outcome.status === 'failed' ? errorTailOf(log.slice(-16_384)) : {}),
    };
    await this.writer.writeFinal(await withChecks(this.store, final));
    this.emit.status.fire(this.record);
    return this.record;
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
