/**
 * Reconciliation: gives orphaned runs (left `queued`/`running` by a supervisor that died without a
 * trace) their final status, from what their run folder shows: the task's exit status (`exit_code`,
 * written by the process that started the task, see `runner/processTree.ts`) and what the task wrote
 * to its metrics file after the supervisor died. Listing never depends on writing: when the run folder
 * cannot be written (read-only workspace, full disk), the final status is returned without being saved.
 */
import { appendFile, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { dict } from '../../shared/dict';
import { describeWriteFailure } from '../base/fsErrors';
import { withChecks } from '../checks/evaluate';
import { isSameProcess } from '../base/process';
import { heldByQueue } from '../queue/queueFiles';
import { JsonlMetricsParser, type MetricLine } from '../metrics/jsonl';
import { runOutcome, type Outcome } from '../runner/outcome';
import { signalName } from '../runner/processTree';
import { slurmVerdicts } from '../executors/slurm/slurmReconcile';
import { metricsFileLine, unrecordedLines } from './metricsFile';
import { RUN_FILES, type RunStore } from './store';
import { addLineToSummaries } from './summaries';
import { isFinalStatus, type MetricSummary, type RunRecord } from './types';

/** The message recorded on runs found `running` after their supervisor and child are gone. */
export const ORPHANED_RUN_ERROR = 'the process supervising the run exited before it finished';

/** Options of {@link reconcileRuns}. */
export interface ReconcileOptions {
  /**
   * Told, with a message naming the run, the file and the reason, when a finalised run could not be
   * saved (it is returned all the same, and finalised again by a later listing).
   */
  warn?: (message: string) => void;
  /**
   * Only these runs are looked at (e.g. the unfinished ones of a listing through the runs index), so
   * a store of many finished runs is not read again; default: every run of the store.
   */
  ids?: readonly string[];
}

/**
 * Gives a final status to the runs of `store` left `queued`/`running` by a supervisor that died: when
 * neither the supervisor nor the task's process is alive (on this host; a pid now held by another
 * process, told apart by its recorded start time, counts as dead). What the task wrote to its metrics
 * file and is not yet in `metrics.jsonl` is added to it, and the summaries are recomputed. With the
 * task's `exit_code` file, the run gets its true outcome (`succeeded` on 0) and its end is when that
 * file was written; without it, the run becomes `failed` with {@link ORPHANED_RUN_ERROR} and as its
 * end (`endedAtInferred`) the last sign of life in its folder (the newest mtime of its `heartbeat`,
 * touched every second while supervised, `output.log`, metrics files and `run.json`). Either way a
 * warning says that supervision was lost. Runs from other hosts, and queued runs the local queue holds
 * (`core/queue`), are left alone.
 * @returns the runs it finalised, also those it could not save (see {@link ReconcileOptions.warn}).
 */
export async function reconcileRuns(store: RunStore, options: ReconcileOptions = {}): Promise<RunRecord[]> {
  const fixed: RunRecord[] = [];
  const here = hostname();
  const slurmRuns: RunRecord[] = [];
  for (const id of options.ids ?? (await store.ids())) {
    let record = await store.get(id);
    if (!record || isFinalStatus(record.status) || (record.host !== undefined && record.host !== here)) {
      continue;
    }
    if (record.slurm !== undefined) {
      if (!isSameProcess(record.supervisorPid, record.supervisorStart)) {
        slurmRuns.push(record);
      }
      continue;
    }
    if (
      isSameProcess(record.supervisorPid, record.supervisorStart) ||
      isSameProcess(record.pid, record.pidStart) ||
      heldByQueue(store.root, record)
    ) {
      continue;
    }
    // The supervisor writes the final status and then exits: if it did so after the read above, the
    // copy in hand is stale. Both processes are gone now, so the record on disk can no longer change
    // under us: read it again and finalise only what is still unfinished.
    record = await store.get(id);
    if (!record || isFinalStatus(record.status)) {
      continue;
    }
    fixed.push(await finalise(store, record, options));
  }
  fixed.push(...(await reconcileSlurm(store, slurmRuns, options)));
  return fixed;
}

/**
 * Slurm runs without a live supervisor, brought up to date from Slurm (`slurmVerdicts`): updated while
 * the job is pending or running, finalised (with the metrics the job wrote) once it ended.
 */
async function reconcileSlurm(
  store: RunStore,
  runs: RunRecord[],
  options: ReconcileOptions,
): Promise<RunRecord[]> {
  const out: RunRecord[] = [];
  for (const verdict of await slurmVerdicts(store, runs)) {
    if (verdict.outcome) {
      out.push(await finalise(store, verdict.record, options, verdict.outcome));
    } else {
      const record =
        verdict.record.status === 'running' ? await withLateMetrics(store, verdict.record) : undefined;
      if (!verdict.changed && record === undefined) {
        continue;
      }
      verdict.record = record ?? verdict.record;
      await store
        .write(verdict.record)
        .catch((error: unknown) =>
          options.warn?.(
            `run ${verdict.record.id}: ${describeWriteFailure(error, 'writing', store.file(verdict.record.id, 'record'))}`,
          ),
        );
      out.push(verdict.record);
    }
  }
  return out;
}

/**
 * A running Slurm run without a supervisor, with the points its job wrote to the metrics file since
 * the last look appended to `metrics.jsonl` and its summaries brought up to date (live curves for a
 * detached run); undefined when there is nothing new.
 */
async function withLateMetrics(store: RunStore, record: RunRecord): Promise<RunRecord | undefined> {
  const metrics = await lateMetrics(store, record);
  if (metrics.added === 0 && metrics.warnings.length === 0) {
    return undefined;
  }
  if (metrics.text !== '') {
    // A workspace that cannot be written: the points are taken in by a later listing that can.
    const written = await appendFile(store.file(record.id, 'metrics'), metrics.text).then(
      () => true,
      () => false,
    );
    if (!written) {
      return undefined;
    }
  }
  const warnings = [...(record.warnings ?? []), ...metrics.warnings].slice(0, 100);
  return {
    ...record,
    metrics: { ...record.metrics, ...metrics.summaries },
    ...(warnings.length > 0
      ? {
          warnings,
          warningCount: (record.warningCount ?? record.warnings?.length ?? 0) + metrics.warnings.length,
        }
      : {}),
  };
}

/** The final record of an orphaned run, saved with its last metric points when the disk allows. */
async function finalise(
  store: RunStore,
  record: RunRecord,
  options: ReconcileOptions,
  slurm?: Outcome,
): Promise<RunRecord> {
  const id = record.id;
  const start = Date.parse(record.startedAt ?? record.createdAt);
  const exit = await readExitCode(store.file(id, 'exitCode'));
  const metrics = await lateMetrics(store, record);
  const endedAt =
    slurm && !exit
      ? Math.max(start, Math.round(await lastWrite(store.runDir(id))))
      : exit
        ? Math.max(start, Math.round(exit.at))
        : Math.max(start, Math.round(await lastWrite(store.runDir(id))));
  const outcome: Outcome = slurm
    ? slurm
    : exit
      ? runOutcome(exit.signal ? { code: null, signal: exit.signal } : { code: exit.code, signal: null }, {
          started: true,
          task: { kind: record.kind },
        })
      : { status: 'failed', error: ORPHANED_RUN_ERROR };
  const note = slurm
    ? `followed through Slurm: job ${record.slurm?.jobId ?? '?'} ended ${record.slurm?.state ?? 'unknown to Slurm'}` +
      `${metrics.added > 0 ? `; ${metrics.added} metric point(s) were read from ${RUN_FILES.rawMetrics}` : ''}`
    : `supervision was lost: the xlens process supervising the run (pid ${record.supervisorPid ?? '?'}) ` +
      `exited before the task ended; ${exit ? `the task's exit status was read from ${RUN_FILES.exitCode}` : 'how the task ended is unknown'}` +
      `${metrics.added > 0 ? `, ${metrics.added} metric point(s) it wrote afterwards were read from ${RUN_FILES.rawMetrics}` : ''}` +
      '; output it printed afterwards is not in output.log';
  // The note is kept even when the record already holds the most warnings it keeps (100).
  const warnings = [...[...(record.warnings ?? []), ...metrics.warnings].slice(0, 99), note];
  const { pid: _pid, pidStart: _pidStart, error: _error, ...rest } = record;
  const finalRecord: RunRecord = await withChecks(store, {
    ...rest,
    status: outcome.status,
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
    ...(outcome.signal ? { signal: outcome.signal } : {}),
    endedAt: new Date(endedAt).toISOString(),
    ...(exit ? {} : { endedAtInferred: true }),
    durationMs: endedAt - start,
    metrics: { ...record.metrics, ...metrics.summaries },
    warnings,
    warningCount: (record.warningCount ?? record.warnings?.length ?? 0) + metrics.warnings.length + 1,
  });
  // Points first: should the record fail to save, a later pass finds them recorded and adds none.
  let writing = store.file(id, 'metrics');
  try {
    if (metrics.text !== '') {
      await appendFile(writing, metrics.text);
    }
    writing = store.file(id, 'record');
    await store.write(finalRecord);
    await rm(store.file(id, 'reserve'), { force: true }).catch(() => undefined);
  } catch (error) {
    options.warn?.(
      `run ${id} is ${finalRecord.status} (its supervising process is gone), but that could not be saved: ` +
        `${describeWriteFailure(error, 'writing', writing)}; it is shown as such until it can be`,
    );
  }
  return finalRecord;
}

/** The task's exit status from its `exit_code` file (`$?` of a POSIX shell) and when it was written. */
async function readExitCode(
  file: string,
): Promise<{ code: number; signal?: NodeJS.Signals; at: number } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    if (!/^\d{1,3}\n?$/.test(text)) {
      return undefined;
    }
    const code = Number(text.trim());
    // A shell reports a command killed by signal n as 128 + n.
    const signal = code > 128 ? signalName(code - 128) : undefined;
    return { code, ...(signal ? { signal } : {}), at: info.mtimeMs };
  } catch {
    return undefined;
  }
}

/**
 * What the task wrote to its metrics file that `metrics.jsonl` lacks (read with the runner's parser,
 * see {@link unrecordedLines}): the text to append, the summaries of all points, and warnings for bad
 * lines not reported yet. Points without a time get the file's last write (their true time is unknown).
 */
async function lateMetrics(
  store: RunStore,
  record: RunRecord,
): Promise<{ text: string; added: number; summaries: Record<string, MetricSummary>; warnings: string[] }> {
  const recorded = (await store.readMetrics(record.id)).lines;
  // A line the supervisor was writing when it died may lack its newline: the next one starts afresh.
  const before = await readFile(store.file(record.id, 'metrics')).catch(() => undefined);
  let text = before !== undefined && before.length > 0 && before[before.length - 1] !== 0x0a ? '\n' : '';
  const rawFile = store.file(record.id, 'rawMetrics');
  const raw = await readFile(rawFile).catch(() => undefined);
  const fallbackTime = Math.round((await stat(rawFile).catch(() => undefined))?.mtimeMs ?? Date.now());
  let late: MetricLine[] = [];
  const warnings: string[] = [];
  if (raw !== undefined) {
    const parser = new JsonlMetricsParser(RUN_FILES.rawMetrics);
    const first = parser.push(raw);
    const last = parser.end();
    const found = unrecordedLines([...first.lines, ...last.lines], recorded);
    late = found.lines;
    for (const w of [...first.warnings, ...last.warnings]) {
      if (w.line !== undefined && w.line > found.lastRecorded) {
        warnings.push(`${w.file}:${w.line}: ${w.message}`);
      }
    }
  }
  const summaries: Record<string, MetricSummary> = dict(); // names from data: see src/shared/dict.ts
  const pending = new Map<string, number>();
  for (const line of [...recorded, ...late]) {
    const nonFinite = Object.keys(line.nonFinite ?? {});
    addLineToSummaries(summaries, line.step, line.values, nonFinite, pending);
  }
  for (const line of late) {
    text += metricsFileLine(
      line.step,
      line.time ?? fallbackTime,
      line.values,
      Object.keys(line.nonFinite ?? {}),
    );
  }
  return { text: late.length > 0 ? text : '', added: late.length, summaries, warnings };
}

/** The newest mtime (Unix ms) of the run folder's files, or now when none exists. */
async function lastWrite(dir: string): Promise<number> {
  let newest = 0;
  for (const name of Object.values(RUN_FILES)) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (info) {
      newest = Math.max(newest, info.mtimeMs);
    }
  }
  return newest || Date.now();
}
