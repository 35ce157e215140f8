/**
 * One run of a task from spawn to final record (used by `TaskRunner`): output to `output.log`
 * and listeners, metrics from the task's file and stdout patterns, cancellation, timeout, and the
 * final status written whatever happens.
 */
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Emitter } from '../base/emitter';
import { formatBytes } from '../../protocol/format';
import { resolveEntrypoint } from '../base/entrypoints';
import type { ProjectConfig } from '../config/types';
import { captureGitState, DEFAULT_SNAPSHOT_MAX_FILE_BYTES } from '../git/gitContext';
import type { MetricLine } from '../metrics/jsonl';
import { StdoutPattern } from '../metrics/stdoutPattern';
import { processStartToken, RUN_FILES, type RunStore } from '../runs/store';
import { addLineToSummaries } from '../runs/summaries';
import type { GitInfo, RunRecord } from '../runs/types';
import { collectArtifacts, staleOutputWarning } from './artifacts';
import { LineSplitter, MAX_MATCHED_LINE } from './lineSplitter';
import { MetricSourcesTail } from './metricSources';
import { MetricsTail } from './metricsTail';
import { runOutcome, type Outcome } from './outcome';
import { signalTree, spawnProgram, spawnShell, type TaskProcess } from './processTree';
import type { ResolvedTask } from './resolveTask';
import type { RunMetric, RunOutput, RunWarning, TaskRunnerOptions } from './taskRunner';

/** At most this many warnings are kept in `run.json` (all are counted). */
const MAX_WARNINGS = 100;
/** Bounds of `errorTail`: the last non-empty stderr lines of a failed run. */
const ERROR_TAIL_LINES = 20;
const ERROR_TAIL_BYTES = 4096;
/** How much of the end of stderr is kept in memory to build `errorTail`. */
const STDERR_KEEP_CHARS = 16_384;

export interface RunEmitters {
  status: Emitter<RunRecord>;
  output: Emitter<RunOutput>;
  metric: Emitter<RunMetric>;
  warning: Emitter<RunWarning>;
}

/** One run from spawn to final record. */
export class RunExecution {
  private record: RunRecord;
  private readonly store: RunStore;
  private readonly runDir: string;
  private child: TaskProcess | undefined;
  private stopReason: 'cancel' | 'timeout' | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private finished = false;
  private log: WriteStream | undefined;
  private metricsOut: WriteStream | undefined;
  private tail: MetricsTail | undefined;
  /** The task's `metrics:` file sources (TensorBoard, MLflow, DVCLive, CSV, JSONL), when it names any. */
  private sources: MetricSourcesTail | undefined;
  private readonly patterns: StdoutPattern[];
  /** Line splitting for the `stdout:` patterns, per stream (bounded, linear in the output). */
  private readonly lineBuffers = {
    stdout: new LineSplitter(MAX_MATCHED_LINE, () => this.warnLongLine()),
    stderr: new LineSplitter(MAX_MATCHED_LINE, () => this.warnLongLine()),
  };
  private longLineWarned = false;
  /** Non-finite values counted for metrics without a finite value (and so a summary) yet. */
  private readonly nonFinitePending = new Map<string, number>();
  /** True once a failed intermediate write of run.json was reported. */
  private saveWarned = false;
  /** Notices found before the task starts (git snapshot), told once the run's output is open. */
  private pendingNotices: string[] = [];
  private warningCount = 0;
  /** The end of the task's stderr (at most {@link STDERR_KEEP_CHARS}), for `errorTail`. */
  private stderrEnd = '';
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly project: ProjectConfig,
    store: RunStore,
    record: RunRecord,
    private readonly resolved: ResolvedTask,
    private readonly options: TaskRunnerOptions,
    private readonly emit: RunEmitters,
  ) {
    this.record = record;
    this.store = store;
    this.runDir = this.store.runDir(record.id);
    this.patterns = resolved.task.metrics.flatMap((m) =>
      'stdout' in m ? [new StdoutPattern(m.stdout)] : [],
    );
  }

  async execute(signal?: AbortSignal): Promise<RunRecord> {
    let outcome: Outcome = { status: 'failed', error: 'the run stopped before its task started' };
    const onAbort = (): void => this.stop('cancel', false);
    const onExit = (): void => this.supervisorExit();
    process.on('exit', onExit);
    signal?.addEventListener('abort', onAbort);
    this.startHeartbeat();
    try {
      this.record = { ...this.record, git: await this.captureGit() };
      await this.writeInputs();
      // No early `return` here: it would hand `done` the record from before `finish()` ran.
      outcome =
        signal?.aborted || this.stopReason === 'cancel'
          ? { status: 'cancelled', error: 'cancelled before the task started' }
          : await this.spawnAndWait();
    } catch (error) {
      outcome = { status: 'failed', error: `could not run the task: ${(error as Error).message}` };
    } finally {
      signal?.removeEventListener('abort', onAbort);
      process.off('exit', onExit);
      await this.finish(outcome);
    }
    return this.record;
  }

  /** Cancels (or times out) the task: SIGTERM to its process group, SIGKILL after the grace period. */
  stop(reason: 'cancel' | 'timeout', force: boolean): void {
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

  private async captureGit(): Promise<GitInfo> {
    try {
      const limit = this.project.git?.snapshotMaxFileBytes;
      const git = await captureGitState(
        this.project.root,
        this.record.id,
        limit !== undefined ? { maxUntrackedFileBytes: limit } : {},
      );
      if (git.skipped && git.skipped.length > 0) {
        const max = limit ?? DEFAULT_SNAPSHOT_MAX_FILE_BYTES;
        const listed = git.skipped.slice(0, 10).map((f) => `${f.path} (${formatBytes(f.size)})`);
        const more = git.skipped.length > 10 ? `, and ${git.skipped.length - 10} more` : '';
        this.pendingNotices.push(
          `the git snapshot leaves out ${git.skipped.length} untracked file${git.skipped.length === 1 ? '' : 's'} ` +
            `larger than ${formatBytes(max)}: ${listed.join(', ')}${more} (listed in run.json git.skipped; ` +
            'commit them, ignore them in .gitignore, or raise git.snapshot_max_file_mb in xlens.yaml)',
        );
      }
      return git;
    } catch (error) {
      return {
        commit: null,
        branch: null,
        dirty: false,
        snapshot: null,
        note: `git failed: ${(error as Error).message.split('\n')[0]}`,
      };
    }
  }

  private async writeInputs(): Promise<void> {
    await writeFile(
      this.store.file(this.record.id, 'params'),
      `${JSON.stringify(this.resolved.params, null, 2)}\n`,
    );
    const { range: _range, fieldRanges: _fieldRanges, ...task } = this.resolved.task;
    // A `run:` command's values are variables it expands: recorded with it, so task.json says what ran.
    const paramEnv = this.resolved.paramEnv;
    const recorded = Object.keys(paramEnv).length > 0 ? { ...task, paramEnv } : task;
    await writeFile(this.store.file(this.record.id, 'task'), `${JSON.stringify(recorded, null, 2)}\n`);
  }

  private environment(): NodeJS.ProcessEnv {
    const base = this.options.env ?? process.env;
    return {
      ...base,
      ...(base.PYTHONUNBUFFERED === undefined ? { PYTHONUNBUFFERED: '1' } : {}),
      ...this.resolved.task.env,
      ...this.resolved.paramEnv,
      XLENS_RUN_ID: this.record.id,
      XLENS_RUN_DIR: this.runDir,
      XLENS_METRICS_FILE: this.store.file(this.record.id, 'rawMetrics'),
      XLENS_PARAMS_FILE: this.store.file(this.record.id, 'params'),
      XLENS_WORKSPACE: this.project.root,
    };
  }

  private spawnTask(): TaskProcess {
    const task = this.resolved.task;
    const env = this.environment();
    if (task.kind === 'command') {
      return spawnShell(task.run, this.resolved.cwd, env);
    }
    const entry = resolveEntrypoint(task.kind === 'drift' ? 'driftJob' : 'trainer');
    return spawnProgram(
      process.execPath,
      [...entry.execArgv, entry.script, this.store.file(this.record.id, 'task')],
      this.resolved.cwd,
      env,
    );
  }

  private async spawnAndWait(): Promise<Outcome> {
    this.log = createWriteStream(this.store.file(this.record.id, 'output'), { flags: 'a' });
    this.metricsOut = createWriteStream(this.store.file(this.record.id, 'metrics'), { flags: 'a' });
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
    child.stdout.on('data', this.outputHandler('stdout'));
    child.stderr.on('data', this.outputHandler('stderr'));

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
    await this.save();

    this.tail = new MetricsTail(
      this.store.file(this.record.id, 'rawMetrics'),
      RUN_FILES.rawMetrics,
      {
        onLines: (lines) => this.acceptLines(lines),
        onWarnings: (warnings) =>
          warnings.forEach((w) =>
            this.warn(`${w.file}${w.line !== undefined ? `:${w.line}` : ''}: ${w.message}`),
          ),
      },
      this.options.pollIntervalMs ?? 200,
    );
    this.tail.start();
    this.sources?.start();
    const timeoutMs = this.resolved.task.timeoutMs;
    if (timeoutMs !== undefined) {
      this.timeoutTimer = setTimeout(() => this.stop('timeout', false), timeoutMs);
    }
    if (this.stopReason === 'cancel') {
      this.stop('cancel', false);
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
    this.flushLines();
    return runOutcome(exit, {
      stopReason: this.stopReason,
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
        onPoint: (step, time, values) => this.acceptPoint(step, time, values),
        onWarning: (message) => this.warn(message),
      },
      this.options.pollIntervalMs ?? 500,
    );
    if (sources.active) {
      await sources.begin();
      this.sources = sources;
    }
  }

  private outputHandler(stream: 'stdout' | 'stderr'): (chunk: Buffer) => void {
    const decoder = new StringDecoder('utf8');
    return (chunk) => {
      this.log?.write(chunk);
      const text = decoder.write(chunk);
      if (text.length === 0) {
        return;
      }
      this.emit.output.fire({ runId: this.record.id, stream, text });
      if (stream === 'stderr') {
        this.stderrEnd = (this.stderrEnd + text).slice(-STDERR_KEEP_CHARS);
      }
      if (this.patterns.length > 0) {
        this.lineBuffers[stream].push(text).forEach((line) => this.matchLine(line));
      }
    };
  }

  private flushLines(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.lineBuffers[stream].end();
      if (rest !== undefined) {
        this.matchLine(rest);
      }
    }
  }

  /** One warning per run for output lines too long to match whole. */
  private warnLongLine(): void {
    if (!this.longLineWarned) {
      this.longLineWarned = true;
      this.warn(
        `the task printed a line longer than ${MAX_MATCHED_LINE / (1 << 20)} MiB: only its last ` +
          `${MAX_MATCHED_LINE / (1 << 20)} MiB is matched against the stdout: patterns (output.log has all of it)`,
      );
    }
  }

  private matchLine(line: string): void {
    // Progress bars redraw with \r: keep what follows the last one (linear even for a multi-MB line).
    const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
    const clean = trimmed.slice(trimmed.lastIndexOf('\r') + 1);
    const time = Date.now();
    for (const pattern of this.patterns) {
      for (const point of pattern.match(clean)) {
        this.acceptPoint(point.step, time, { [point.name]: point.value });
      }
    }
  }

  private acceptLines(lines: MetricLine[]): void {
    const now = Date.now();
    for (const line of lines) {
      this.acceptPoint(line.step, line.time ?? now, line.values, Object.keys(line.nonFinite ?? {}));
    }
  }

  /**
   * Records one point: a line of the checked `metrics.jsonl` (non-finite values written as `null`,
   * so the file stays strict JSON and still shows where a metric blew up), summaries, listeners.
   */
  private acceptPoint(
    step: number,
    time: number,
    values: Record<string, number>,
    nonFinite: readonly string[] = [],
  ): void {
    const written =
      nonFinite.length === 0 ? values : { ...values, ...Object.fromEntries(nonFinite.map((n) => [n, null])) };
    this.metricsOut?.write(`${JSON.stringify({ step, time, values: written })}\n`);
    const metrics = { ...this.record.metrics };
    addLineToSummaries(metrics, step, values, nonFinite, this.nonFinitePending);
    this.record = { ...this.record, metrics };
    if (Object.keys(values).length > 0) {
      this.emit.metric.fire({ runId: this.record.id, step, time, values });
    }
    this.scheduleSave();
  }

  private warn(message: string): void {
    this.addWarning(message);
    this.emit.warning.fire({ runId: this.record.id, message });
    this.scheduleSave();
  }

  /** Counts a warning and keeps it in the record (the first {@link MAX_WARNINGS}). */
  private addWarning(message: string): void {
    this.warningCount++;
    const warnings = this.record.warnings ?? [];
    this.record = {
      ...this.record,
      warnings: warnings.length < MAX_WARNINGS ? [...warnings, message] : warnings,
      warningCount: this.warningCount,
    };
  }

  private scheduleSave(): void {
    if (this.saveTimer || this.finished) {
      return;
    }
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      if (!this.finished) {
        void this.save();
      }
    }, this.options.saveIntervalMs ?? 1000);
  }

  /**
   * Writes run.json; writes are serialised so an older record never lands after a newer one. The
   * first failing write (disk full, run folder removed) is reported once, as a warning and in the
   * output; the run goes on and its final record is written (or retried) at the end.
   */
  private save(): Promise<void> {
    const snapshot = this.record;
    this.saving = this.saving
      .then(() => this.store.write(snapshot))
      .catch((error: unknown) => this.saveFailed(error));
    return this.saving;
  }

  private saveFailed(error: unknown): void {
    if (this.saveWarned || this.finished) {
      return;
    }
    this.saveWarned = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.notice(
      `could not update ${this.store.file(this.record.id, 'record')} (${reason}); the run goes on, ` +
        'and its final record is written when it ends',
    );
  }

  private flushNotices(): void {
    const notices = this.pendingNotices;
    this.pendingNotices = [];
    notices.forEach((message) => this.notice(message));
  }

  /** A warning that also goes into `output.log`, so the run's output says it where it happened. */
  private notice(message: string): void {
    this.log?.write(`xlens: warning: ${message}\n`);
    this.warn(message);
  }

  private async finish(outcome: Outcome): Promise<void> {
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.killTimer);
    clearTimeout(this.saveTimer);
    try {
      this.flushNotices(); // the task never started: still recorded
      await this.tail?.stop();
      await this.sources?.stop();
      await Promise.all([closeStream(this.metricsOut), closeStream(this.log)]);
      const info = await this.readInfo();
      outcome = this.explainFailure(outcome, info);
      this.takeJobWarnings(info);
      const { artifacts, missing, stale } = await collectArtifacts(
        this.runDir,
        this.project.root,
        this.resolved.task.outputs,
        this.resolved.cwd,
        this.record.startedAt !== undefined ? Date.parse(this.record.startedAt) : undefined,
      );
      stale.forEach((s) => this.warn(staleOutputWarning(s)));
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
      this.finished = true;
      clearTimeout(this.saveTimer);
      const endedAt = new Date();
      const started = Date.parse(this.record.startedAt ?? this.record.createdAt);
      const { pid: _pid, pidStart: _pidStart, ...rest } = this.record;
      this.record = {
        ...rest,
        status: outcome.status,
        endedAt: endedAt.toISOString(),
        durationMs: endedAt.getTime() - started,
        ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
        ...(outcome.signal ? { signal: outcome.signal } : {}),
        ...(outcome.error ? { error: outcome.error } : {}),
        ...(outcome.status === 'failed' && this.child ? errorTailOf(this.stderrEnd) : {}),
      };
      await this.saving;
      try {
        await this.store.write(this.record);
      } catch {
        try {
          this.store.writeSync(this.record);
        } catch {
          // The disk refuses (full, removed): `done` still resolves with the record, and
          // `RunStore.reconcile` finalises the run on disk later.
        }
      }
      this.emit.status.fire(this.record);
    }
  }

  /**
   * A built-in job's warnings (`warnings` in its `info.json`: bad cells, a tiny validation split) go
   * into the run's warnings too, where `xlens show` and the editor list them. They were printed in the
   * job's output as they happened, so listeners are not told again.
   */
  private takeJobWarnings(info: Record<string, unknown> | undefined): void {
    const list = Array.isArray(info?.warnings) ? info.warnings : [];
    for (const message of list) {
      if (typeof message === 'string' && !(this.record.warnings ?? []).includes(message)) {
        this.addWarning(message);
      }
    }
  }

  /**
   * A failed run says why: a built-in job's message (`error` in its `info.json`) goes before the exit
   * description, e.g. `data.csv:1: target column "y" is not in the header ... (exited with code 2)`.
   */
  private explainFailure(outcome: Outcome, info: Record<string, unknown> | undefined): Outcome {
    const message = typeof info?.error === 'string' ? info.error.trim() : '';
    if (outcome.status !== 'failed' || this.stopReason !== undefined || message === '') {
      return outcome;
    }
    return { ...outcome, error: outcome.error ? `${message} (${outcome.error})` : message };
  }

  /**
   * Touches `<runDir>/heartbeat` every second while the run is supervised: when the supervisor dies
   * without a trace, its mtime is the last moment the run was known to be alive (see
   * `RunStore.reconcile`).
   */
  private startHeartbeat(): void {
    const file = this.store.file(this.record.id, 'heartbeat');
    const beat = (): void => {
      const now = new Date();
      void utimes(file, now, now).catch(() => writeFile(file, '').catch(() => undefined));
    };
    beat();
    this.heartbeatTimer = setInterval(beat, this.options.heartbeatMs ?? 1000);
    this.heartbeatTimer.unref();
  }

  private async readInfo(): Promise<Record<string, unknown> | undefined> {
    const file = this.store.file(this.record.id, 'info');
    if (!existsSync(file)) {
      return undefined;
    }
    try {
      const value: unknown = JSON.parse(await readFile(file, 'utf8'));
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        return value as Record<string, unknown>;
      }
      this.warn(`${RUN_FILES.info}: expected a JSON object; ignored`);
    } catch (error) {
      this.warn(`${RUN_FILES.info}: ${(error as Error).message}; ignored`);
    }
    return undefined;
  }

  /** The supervising process is exiting with the run unfinished: stop the task, record why. */
  private supervisorExit(): void {
    if (this.finished) {
      return;
    }
    clearInterval(this.heartbeatTimer);
    signalTree(this.child?.pid, 'SIGTERM');
    const { pid: _pid, pidStart: _pidStart, ...rest } = this.record;
    try {
      this.store.writeSync({
        ...rest,
        status: 'failed',
        endedAt: new Date().toISOString(),
        durationMs: Math.round(Date.now() - Date.parse(this.record.startedAt ?? this.record.createdAt)),
        error: 'the process supervising the run exited before it finished',
      });
    } catch {
      // Nothing more can be done while exiting; `RunStore.reconcile` finalises the run later.
    }
  }
}

function closeStream(stream: WriteStream | undefined): Promise<void> {
  return new Promise((resolve) => (stream && !stream.closed ? stream.end(() => resolve()) : resolve()));
}

/**
 * The last non-empty lines of a task's stderr (at most {@link ERROR_TAIL_LINES} lines and
 * {@link ERROR_TAIL_BYTES} bytes, cut at the start), with progress-bar redraws (`\r`) and terminal
 * colour codes removed; nothing when stderr was empty.
 */
export function errorTailOf(stderr: string): { errorTail?: string } {
  const lines = stderr
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .split('\n')
    .map((line) => {
      const trimmed = line.trimEnd();
      return trimmed.slice(trimmed.lastIndexOf('\r') + 1).trimEnd();
    })
    .filter((line) => line.trim() !== '')
    .slice(-ERROR_TAIL_LINES);
  let tail = lines.join('\n');
  while (Buffer.byteLength(tail) > ERROR_TAIL_BYTES) {
    const cut = tail.indexOf('\n');
    tail = cut < 0 ? tail.slice(-ERROR_TAIL_BYTES) : tail.slice(cut + 1);
  }
  return tail ? { errorTail: tail } : {};
}
