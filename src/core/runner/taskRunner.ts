/**
 * Runs a task of `xlens.yaml` as a tracked run: creates the run folder, records git state, params and
 * data fingerprints, spawns the task (a shell command or a built-in job), streams its output to
 * `output.log` and to listeners, follows its metrics, and always writes a final status, whether the
 * task exits, fails, is killed by a signal, times out or is cancelled.
 */
import type { Disposable } from '../base/disposable';
import { Emitter, type Event } from '../base/emitter';
import { UserInputError } from '../base/errors';
import { didYouMean } from '../config/suggest';
import { hostname } from 'node:os';
import type { ProjectConfig, TaskConfig } from '../config/types';
import { Fingerprinter } from '../runs/fingerprint';
import { processStartToken } from '../base/process';
import type { RunStore } from '../runs/store';
import type { MetricSummary, ParamValue, RunRecord } from '../runs/types';
import { SlurmExecution } from '../executors/slurm/slurmExecution';
import { RunExecution } from './runExecution';
import { resolveTask } from './resolveTask';
import { storeWriteError } from '../base/fsErrors';
import { inputReadError } from './inputErrors';
import type { RunMetric, RunOutput, RunWarning, TaskRunnerOptions } from './types';
import { dict } from '../../shared/dict';
import { shellQuote } from '../base/shellQuote';

export interface RunTaskOptions {
  /** `--set key=value` params. */
  overrides?: Record<string, ParamValue>;
  /** Cancels the run: SIGTERM to the task's process group, SIGKILL after the grace period. */
  signal?: AbortSignal;
  /** Arguments appended to a command task's command line (shell-quoted). */
  extraArgs?: string[];
  /** For `xlens reproduce`: the id of the run reproduced, recorded as `reproducedFrom`. */
  reproducedFrom?: string;
  /**
   * A run made by {@link TaskRunner.enqueue} that a queue worker now starts: it keeps its id and
   * creation time, and its record is filled in as for a new run.
   */
  queued?: RunRecord;
  /** For a queued run: the GPU its worker handed out (`CUDA_VISIBLE_DEVICES`), recorded under `queue`. */
  gpu?: string;
  /**
   * For a task with `executor: slurm`: return once the job is submitted (`done` resolves with the
   * `queued` record); reconciliation follows it from then on (`core/runs/reconcile.ts`).
   */
  detach?: boolean;
}

/** A started run. */
export interface RunHandle {
  id: string;
  runDir: string;
  /** The record as created (status `queued`). */
  record: RunRecord;
  /** Resolves with the final record; never rejects. */
  done: Promise<RunRecord>;
  /** Cancels the run; `force` skips the grace period (SIGKILL at once). */
  cancel(options?: { force?: boolean }): void;
}

/** The runner of one workspace. Listeners hear every run it starts. */
export class TaskRunner implements Disposable {
  private readonly statusEmitter = new Emitter<RunRecord>();
  private readonly outputEmitter = new Emitter<RunOutput>();
  private readonly metricEmitter = new Emitter<RunMetric>();
  private readonly warningEmitter = new Emitter<RunWarning>();
  /** Fires with the record whenever a run's status changes (queued, running, final). */
  readonly onDidChangeStatus: Event<RunRecord> = this.statusEmitter.event;
  readonly onOutput: Event<RunOutput> = this.outputEmitter.event;
  readonly onMetric: Event<RunMetric> = this.metricEmitter.event;
  readonly onWarning: Event<RunWarning> = this.warningEmitter.event;

  constructor(
    readonly project: ProjectConfig,
    readonly store: RunStore,
    private readonly options: TaskRunnerOptions = {},
  ) {}

  /** Runs a task to the end. */
  async run(taskName: string, options: RunTaskOptions = {}): Promise<RunRecord> {
    return (await this.start(taskName, options)).done;
  }

  /**
   * Creates the run and starts the task.
   * @throws UserInputError before any run is created: unknown task or param, an input that does not
   *   exist, `${runs.<task>.latest}` without a succeeded run, a run store that cannot be written
   *   (read-only workspace, full disk, permissions: see `writeFaultError`).
   */
  async start(taskName: string, options: RunTaskOptions = {}): Promise<RunHandle> {
    const { task, resolved } = await this.resolve(taskName, options);
    const executor = task.kind === 'command' ? task.executor : undefined;
    if (options.detach && executor?.type !== 'slurm') {
      throw new UserInputError(
        `--detach applies to tasks that run on Slurm (\`executor: slurm\`); "${taskName}" runs locally.`,
        { file: this.project.file },
      );
    }
    await this.store.ensure().catch((error: unknown) => {
      throw storeWriteError(error, this.store.storeDir);
    });
    const data = await new Fingerprinter(this.store.fingerprintCache)
      .fingerprint(this.project.root, resolved.task.data, resolved.cwd)
      .catch((error: unknown) => {
        throw inputReadError(error, this.project.file, this.store.storeDir);
      });
    const fields: Omit<RunRecord, 'schema' | 'id' | 'createdAt'> = {
      task: task.name,
      kind: task.kind,
      status: 'queued',
      command: resolved.command,
      cwd: resolved.cwd,
      supervisorPid: process.pid,
      ...optional('supervisorStart', processStartToken(process.pid)),
      git: { commit: null, branch: null, dirty: false, snapshot: null },
      params: resolved.params,
      paramSources: resolved.paramSources,
      data,
      metrics: dict<MetricSummary>(), // names from data: see src/shared/dict.ts
      artifacts: [],
      ...(task.checks?.length
        ? { checkConfig: { checks: task.checks, ...optional('baseline', task.baseline) } }
        : {}),
      ...optional('reproducedFrom', options.reproducedFrom),
    };
    const queued = options.queued;
    const record = await (
      queued
        ? this.adoptQueued(queued, {
            ...fields,
            queue: { ...queued.queue!, ...optional('gpu', options.gpu) },
          })
        : this.store.create(fields)
    ).catch((error: unknown) => {
      throw storeWriteError(error, this.store.runsDir);
    });
    this.statusEmitter.fire(record);
    const emitters = {
      status: this.statusEmitter,
      output: this.outputEmitter,
      metric: this.metricEmitter,
      warning: this.warningEmitter,
    };
    if (executor?.type === 'slurm') {
      const job = new SlurmExecution(
        this.project,
        this.store,
        record,
        resolved,
        executor.slurm,
        this.options,
        emitters,
      );
      return {
        id: record.id,
        runDir: this.store.runDir(record.id),
        record,
        done: job.execute(options.signal, options.detach === true),
        cancel: () => job.stop(),
      };
    }
    const execution = new RunExecution(this.project, this.store, record, resolved, this.options, emitters);
    const done = execution.execute(options.signal);
    return {
      id: record.id,
      runDir: this.store.runDir(record.id),
      record,
      done,
      cancel: (o) => execution.stop('cancel', o?.force ?? false),
    };
  }

  /**
   * Adds a run of `taskName` to the local queue's store side: checks the task and its params as
   * {@link start} does, then creates the run with status `queued`, its `queue` field and no supervisor
   * (the queue holds it; see `src/core/queue/`). Data is fingerprinted and git recorded when it starts.
   * @throws UserInputError as {@link start}, before any run is created.
   */
  async enqueue(taskName: string, options: RunTaskOptions = {}): Promise<RunRecord> {
    const { task, resolved } = await this.resolve(taskName, options);
    return this.store
      .create({
        task: task.name,
        kind: task.kind,
        status: 'queued',
        command: resolved.command,
        cwd: resolved.cwd,
        git: { commit: null, branch: null, dirty: false, snapshot: null },
        params: resolved.params,
        paramSources: resolved.paramSources,
        data: [],
        metrics: dict(), // names from data: see src/shared/dict.ts
        artifacts: [],
        queue: { enqueuedAt: new Date().toISOString() },
      })
      .catch((error: unknown) => {
        throw storeWriteError(error, this.store.runsDir);
      });
  }

  /** The queued run's record, now filled in for its start (same id, creation time and host). */
  private async adoptQueued(
    queued: RunRecord,
    fields: Omit<RunRecord, 'schema' | 'id' | 'createdAt'>,
  ): Promise<RunRecord> {
    const record: RunRecord = {
      schema: 1,
      id: queued.id,
      ...fields,
      createdAt: queued.createdAt,
      host: queued.host ?? hostname(),
    };
    await this.store.write(record);
    return record;
  }

  /** The task and its resolved command, params and inputs. @throws UserInputError as {@link start}. */
  private async resolve(
    taskName: string,
    options: RunTaskOptions,
  ): Promise<{ task: TaskConfig; resolved: Awaited<ReturnType<typeof resolveTask>> }> {
    const task = this.project.tasks.get(taskName);
    if (!task) {
      const names = [...this.project.tasks.keys()];
      throw new UserInputError(
        `no task "${taskName}" in ${this.project.file}.${didYouMean(taskName, names)}${
          names.length > 0 ? ` Tasks: ${names.join(', ')}.` : ''
        }`,
        { file: this.project.file },
      );
    }
    if (options.extraArgs?.length && task.kind !== 'command') {
      throw new UserInputError(
        `extra arguments only apply to tasks with \`run:\`; "${taskName}" is ${task.kind}.`,
      );
    }
    const executor = task.kind === 'command' ? task.executor : undefined;
    if (options.detach && executor?.type !== 'slurm') {
      throw new UserInputError(
        `--detach applies to tasks that run on Slurm (\`executor: slurm\`); "${taskName}" runs locally.`,
        { file: this.project.file },
      );
    }
    const resolved = await resolveTask(this.project, task, this.store, options.overrides);
    if (options.extraArgs?.length && resolved.task.kind === 'command') {
      const args = options.extraArgs.map(shellQuote).join(' ');
      resolved.task = { ...resolved.task, run: `${resolved.task.run} ${args}` };
      resolved.command = `${resolved.command} ${args}`;
    }
    return { task, resolved };
  }

  dispose(): void {
    this.statusEmitter.dispose();
    this.outputEmitter.dispose();
    this.metricEmitter.dispose();
    this.warningEmitter.dispose();
  }
}

/** `{ [key]: value }` when value is defined, else nothing (for optional record fields). */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
