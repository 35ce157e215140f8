/**
 * The run store: `.xlens/runs/<id>/` folders with `run.json` (written atomically), `metrics.jsonl`,
 * `output.log` and `artifacts/` (see DESIGN.md, "A run"). `.xlens/.gitignore` holds `*` so git never
 * tracks the store. Listing tolerates damaged folders: they are reported, never thrown.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Disposable } from '../base/disposable';
import { Emitter, type Event } from '../base/emitter';
import { UserInputError } from '../base/errors';
import { deleteRunRef } from '../git/gitContext';
import { JsonlMetricsParser, type MetricLine } from '../metrics/jsonl';
import type { ReadWarning } from '../metrics/series';
import { toJsonText, writeFileAtomic, writeFileAtomicSync } from './atomicWrite';
import { isRunId, newRunId } from './ids';
import { addLineToSummaries } from './summaries';
import { isFinalStatus, type MetricSummary, type RunRecord, type RunStatus } from './types';

/** The store folder at the workspace root. */
export const STORE_DIR = '.xlens';

/** Names inside a run folder. */
export const RUN_FILES = {
  record: 'run.json',
  /** Accepted metric points (protocol lines), written by the runner. */
  metrics: 'metrics.jsonl',
  /** What the task writes through `XLENS_METRICS_FILE`; the runner checks each line into `metrics.jsonl`. */
  rawMetrics: 'metrics.raw.jsonl',
  output: 'output.log',
  artifacts: 'artifacts',
  params: 'params.json',
  task: 'task.json',
  info: 'info.json',
  /** Touched every second by the supervising process while the run is supervised. */
  heartbeat: 'heartbeat',
} as const;

/** A run folder that could not be read. */
export interface RunProblem {
  id: string;
  dir: string;
  message: string;
}

export interface RunList {
  /** Newest first. */
  runs: RunRecord[];
  problems: RunProblem[];
}

export interface RunStoreChange {
  kind: 'created' | 'updated' | 'deleted';
  id: string;
  record?: RunRecord;
}

/** The message recorded on runs found `running` after their supervisor and child are gone. */
export const ORPHANED_RUN_ERROR = 'the process supervising the run exited before it finished';

const STATUSES: readonly RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** The run store of one workspace. */
export class RunStore implements Disposable {
  /** Absolute path of `.xlens`. */
  readonly storeDir: string;
  /** Absolute path of `.xlens/runs`. */
  readonly runsDir: string;
  private readonly changed = new Emitter<RunStoreChange>();
  /** Fires after this process creates, updates or deletes a run (other processes: watch the files). */
  readonly onDidChange: Event<RunStoreChange> = this.changed.event;

  constructor(readonly root: string) {
    this.root = resolve(root);
    this.storeDir = join(this.root, STORE_DIR);
    this.runsDir = join(this.storeDir, 'runs');
  }

  runDir(id: string): string {
    return join(this.runsDir, id);
  }

  file(id: string, name: keyof typeof RUN_FILES): string {
    return join(this.runDir(id), RUN_FILES[name]);
  }

  /** `.xlens/cache/fingerprints.json`. */
  get fingerprintCache(): string {
    return join(this.storeDir, 'cache', 'fingerprints.json');
  }

  /** Creates `.xlens/runs/` and `.xlens/.gitignore` (`*`) when missing. */
  async ensure(): Promise<void> {
    await mkdir(this.runsDir, { recursive: true });
    const ignore = join(this.storeDir, '.gitignore');
    if (!existsSync(ignore)) {
      await writeFile(ignore, '# Experiment Lens run store: never tracked by git\n*\n');
    }
  }

  /**
   * Creates a run folder (with `artifacts/`) and its first `run.json`.
   * The id is new and unique: on the rare clash of the random suffix another is drawn.
   */
  async create(
    fields: Omit<RunRecord, 'schema' | 'id' | 'createdAt'> & { createdAt?: string },
  ): Promise<RunRecord> {
    await this.ensure();
    const created = fields.createdAt ? new Date(fields.createdAt) : new Date();
    for (let attempt = 0; ; attempt++) {
      const id = newRunId(created);
      try {
        await mkdir(this.runDir(id));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 20) {
          continue;
        }
        throw error;
      }
      await mkdir(join(this.runDir(id), RUN_FILES.artifacts));
      const { createdAt: _createdAt, task, kind, status, ...rest } = fields;
      const record: RunRecord = {
        schema: 1,
        id,
        task,
        kind,
        status,
        createdAt: created.toISOString(),
        ...rest,
        host: fields.host ?? hostname(),
      };
      await writeFileAtomic(this.file(id, 'record'), toJsonText(record));
      this.changed.fire({ kind: 'created', id, record });
      return record;
    }
  }

  /** Writes `run.json` atomically. */
  async write(record: RunRecord): Promise<void> {
    await writeFileAtomic(this.file(record.id, 'record'), toJsonText(record));
    this.changed.fire({ kind: 'updated', id: record.id, record });
  }

  /** Synchronous {@link write}, for exit handlers. */
  writeSync(record: RunRecord): void {
    writeFileAtomicSync(this.file(record.id, 'record'), toJsonText(record));
  }

  /**
   * Reads one run.
   * @throws UserInputError when the folder or its `run.json` is missing or unreadable.
   */
  async read(id: string): Promise<RunRecord> {
    const file = this.file(id, 'record');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new UserInputError(
        existsSync(this.runDir(id))
          ? `${file}: missing; the run folder is incomplete (half-deleted or interrupted). Delete the folder.`
          : `no run "${id}" in ${this.runsDir}.`,
        file,
      );
    }
    return parseRecord(text, file, id);
  }

  /** Like {@link read}, but undefined instead of an error. */
  async get(id: string): Promise<RunRecord | undefined> {
    try {
      return await this.read(id);
    } catch {
      return undefined;
    }
  }

  /**
   * All run ids (folder names shaped like ids), oldest first. Ids carry the start time to the second;
   * runs created within the same second are ordered by their recorded `createdAt` (ms), read from
   * their `run.json` (an unreadable one sorts first), so "latest" is right for quick successive runs.
   */
  async ids(): Promise<string[]> {
    let ids: string[];
    try {
      const entries = await readdir(this.runsDir, { withFileTypes: true });
      ids = entries
        .filter((e) => e.isDirectory() && isRunId(e.name))
        .map((e) => e.name)
        .sort();
    } catch {
      return [];
    }
    const second = (id: string): string => id.slice(0, id.indexOf('-'));
    const sameSecond = ids.filter(
      (id, i) => second(id) === second(ids[i - 1] ?? '') || second(id) === second(ids[i + 1] ?? ''),
    );
    if (sameSecond.length === 0) {
      return ids;
    }
    const created = new Map<string, number>();
    for (const id of sameSecond) {
      const at = Date.parse((await this.get(id))?.createdAt ?? '');
      created.set(id, Number.isFinite(at) ? at : 0);
    }
    return ids.sort(
      (a, b) =>
        second(a).localeCompare(second(b)) ||
        (created.get(a) ?? 0) - (created.get(b) ?? 0) ||
        a.localeCompare(b),
    );
  }

  /** Runs newest first, optionally of one task, at most `limit`; unreadable folders go to `problems`. */
  async list(options: { task?: string; limit?: number } = {}): Promise<RunList> {
    const runs: RunRecord[] = [];
    const problems: RunProblem[] = [];
    for (const id of (await this.ids()).reverse()) {
      if (options.limit !== undefined && runs.length >= options.limit) {
        break;
      }
      try {
        const record = await this.read(id);
        if (options.task === undefined || record.task === options.task) {
          runs.push(record);
        }
      } catch (error) {
        problems.push({ id, dir: this.runDir(id), message: (error as Error).message });
      }
    }
    return { runs, problems };
  }

  /** The newest run of `task` (any task when undefined) with `status` (any when undefined). */
  async latest(task?: string, status?: RunStatus): Promise<RunRecord | undefined> {
    for (const id of (await this.ids()).reverse()) {
      const record = await this.get(id);
      if (
        record &&
        (task === undefined || record.task === task) &&
        (status === undefined || record.status === status)
      ) {
        return record;
      }
    }
    return undefined;
  }

  /**
   * Finds a run by full id, unique prefix of the id or of its random part, `latest`, or `latest:<task>`.
   * @throws UserInputError when nothing or more than one run matches.
   */
  async resolve(ref: string): Promise<RunRecord> {
    const run = await this.find(ref);
    if (!run) {
      throw new UserInputError(`no run matches "${ref}". List runs with \`xlens runs\`.`);
    }
    return run;
  }

  /**
   * Like {@link resolve}, but undefined when no id matches (callers may look elsewhere, e.g. among
   * imported runs).
   * @throws UserInputError when several runs match, or for `latest` when there is no run.
   */
  async find(ref: string): Promise<RunRecord | undefined> {
    const latest = /^latest(?::(.+))?$/.exec(ref);
    if (latest) {
      const run = await this.latest(latest[1]);
      if (!run) {
        throw new UserInputError(
          latest[1]
            ? `no runs of task "${latest[1]}" yet.`
            : 'no runs yet; start one with `xlens run <task>`.',
        );
      }
      return run;
    }
    const ids = await this.ids();
    if (ids.includes(ref)) {
      return this.read(ref);
    }
    // A prefix of the id, or of its random part (`7f3a` for `20261124T090612Z-7f3a09c2`).
    const matches = ids.filter((id) => id.startsWith(ref) || id.includes(`-${ref}`));
    if (matches.length === 1) {
      return this.read(matches[0]);
    }
    if (matches.length > 1) {
      throw new UserInputError(
        `"${ref}" matches ${matches.length} runs (${matches.slice(-5).join(', ')}${matches.length > 5 ? ', ...' : ''}); give more of the id.`,
      );
    }
    return undefined;
  }

  /**
   * Deletes a run folder and, unless `options.keepRef`, its git snapshot ref (if any; no hook runs).
   * @throws UserInputError when `id` is not a run id.
   */
  async delete(id: string, options: { keepRef?: boolean } = {}): Promise<void> {
    if (!isRunId(id)) {
      throw new UserInputError(`"${id}" is not a run id.`);
    }
    await rm(this.runDir(id), { recursive: true, force: true });
    if (options.keepRef !== true) {
      await deleteRunRef(this.root, id);
    }
    this.changed.fire({ kind: 'deleted', id });
  }

  /** The accepted metric lines of a run (`metrics.jsonl`), with warnings for damaged lines. */
  async readMetrics(id: string): Promise<{ lines: MetricLine[]; warnings: ReadWarning[] }> {
    const file = this.file(id, 'metrics');
    const parser = new JsonlMetricsParser(file);
    let buffer: Buffer;
    try {
      buffer = await readFile(file);
    } catch {
      return { lines: [], warnings: [] };
    }
    const first = parser.push(buffer);
    const last = parser.end();
    return { lines: [...first.lines, ...last.lines], warnings: [...first.warnings, ...last.warnings] };
  }

  /** Summaries of every metric in `metrics.jsonl` (non-finite values, written as `null`, counted). */
  async summarize(id: string): Promise<Record<string, MetricSummary>> {
    const summaries: Record<string, MetricSummary> = {};
    const pending = new Map<string, number>();
    for (const line of (await this.readMetrics(id)).lines) {
      addLineToSummaries(summaries, line.step, line.values, Object.keys(line.nonFinite ?? {}), pending);
    }
    return summaries;
  }

  /**
   * Gives a final status to runs left `queued`/`running` by a supervisor that died: when neither the
   * supervisor nor the child process is alive (on this host; a pid now held by another process, told
   * apart by its recorded start time, counts as dead), the run becomes `failed` with
   * {@link ORPHANED_RUN_ERROR}, summaries recomputed, and as its end (`endedAtInferred`) the last sign
   * of life in its folder: the newest mtime of its `heartbeat` (touched every second while supervised),
   * `output.log`, metrics files and `run.json`.
   * Runs from other hosts are left alone.
   * @returns the runs it finalised.
   */
  async reconcile(): Promise<RunRecord[]> {
    const fixed: RunRecord[] = [];
    const here = hostname();
    for (const id of await this.ids()) {
      let record = await this.get(id);
      if (!record || isFinalStatus(record.status) || (record.host !== undefined && record.host !== here)) {
        continue;
      }
      if (
        isSameProcess(record.supervisorPid, record.supervisorStart) ||
        isSameProcess(record.pid, record.pidStart)
      ) {
        continue;
      }
      // The supervisor writes the final status and then exits: if it did so after the read above, the
      // copy in hand is stale. Both processes are gone now, so the record on disk can no longer change
      // under us: read it again and finalise only what is still unfinished.
      record = await this.get(id);
      if (!record || isFinalStatus(record.status)) {
        continue;
      }
      const start = Date.parse(record.startedAt ?? record.createdAt);
      const endedAt = Math.max(start, Math.round(await lastWrite(this.runDir(id))));
      const { pid: _pid, pidStart: _pidStart, ...rest } = record;
      const finalRecord: RunRecord = {
        ...rest,
        status: 'failed',
        error: ORPHANED_RUN_ERROR,
        endedAt: new Date(endedAt).toISOString(),
        endedAtInferred: true,
        durationMs: endedAt - start,
        metrics: { ...record.metrics, ...(await this.summarize(id)) },
      };
      await this.write(finalRecord);
      fixed.push(finalRecord);
    }
    return fixed;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * True when a process with this pid exists and has not exited (signal 0 probes without signalling).
 * On Linux a zombie (exited, not yet reaped, common for orphans in containers) counts as exited.
 */
export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform === 'linux') {
    try {
      // /proc/<pid>/stat: "pid (comm) state ..."; comm may contain spaces and parentheses.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Identifies one process over its lifetime on this machine, so a recycled pid is not mistaken for the
 * process that held it before: on Linux `<boot time>:<start time>`, the boot time in Unix seconds
 * (`btime` of `/proc/stat`) and the start time in clock ticks after boot (field 22 of
 * `/proc/<pid>/stat`, see proc(5)). Undefined elsewhere or when the process does not exist.
 */
export function processStartToken(pid: number | undefined): string | undefined {
  if (pid === undefined || pid <= 0 || process.platform !== 'linux') {
    return undefined;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; fields after it start at 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[22 - 3];
    const boot = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
    return ticks !== undefined && /^\d+$/.test(ticks) && boot !== undefined ? `${boot}:${ticks}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when `pid` is alive ({@link isAlive}) and is still the process recorded with start token
 * `start` ({@link processStartToken}). Without a recorded token, or where tokens cannot be read, the
 * pid alone decides.
 */
export function isSameProcess(pid: number | undefined, start: string | undefined): boolean {
  if (!isAlive(pid)) {
    return false;
  }
  if (start === undefined) {
    return true;
  }
  const now = processStartToken(pid);
  return now === undefined || now === start;
}

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

function parseRecord(text: string, file: string, id: string): RunRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserInputError(
      `${file}: not valid JSON (${(error as Error).message}); the run record is damaged.`,
      file,
    );
  }
  const record = value as Partial<RunRecord> | null;
  if (
    record === null ||
    typeof record !== 'object' ||
    typeof record.id !== 'string' ||
    typeof record.task !== 'string' ||
    !STATUSES.includes(record.status as RunStatus)
  ) {
    throw new UserInputError(`${file}: not a run record (needs id, task and status).`, file);
  }
  if (record.id !== id) {
    throw new UserInputError(`${file}: records run "${record.id}" but sits in folder "${id}".`, file);
  }
  return {
    ...record,
    git: record.git ?? { commit: null, branch: null, dirty: false, snapshot: null },
    params: record.params ?? {},
    data: record.data ?? [],
    metrics: record.metrics ?? {},
    artifacts: record.artifacts ?? [],
  } as RunRecord;
}

/** Reads a run record synchronously (for callers outside async code); undefined when unreadable. */
export function readRecordSync(file: string, id: string): RunRecord | undefined {
  try {
    return parseRecord(readFileSync(file, 'utf8'), file, id);
  } catch {
    return undefined;
  }
}
