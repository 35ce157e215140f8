/**
 * The run store: `.xlens/runs/<id>/` folders with `run.json` (written atomically), `metrics.jsonl`,
 * `output.log` and `artifacts/` (see DESIGN.md, "A run"). `.xlens/.gitignore` holds `*` so git never
 * tracks the store. Listing tolerates damaged folders: they are reported, never thrown.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { asDict, dict } from '../../shared/dict';
import type { Disposable } from '../base/disposable';
import { Emitter, type Event } from '../base/emitter';
import { UserInputError } from '../base/errors';
import { NotRegularFileError, readRegularFile } from '../base/regularFile';
import { writeFaultError } from '../base/fsErrors';
import { deleteRunRef } from '../git/gitContext';
import { JsonlMetricsParser, type MetricLine } from '../metrics/jsonl';
import type { ReadWarning } from '../metrics/series';
import { toJsonText, writeFileAtomic, writeFileAtomicSync } from './atomicWrite';
import { isRunId, newRunId } from './ids';
import { addLineToSummaries } from './summaries';
import { unreadableRecord } from './unreadableRecord';
import type { MetricSummary, RunRecord, RunStatus } from './types';

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
  /**
   * The task's exit status (a POSIX shell's `$?`: 128 + n for signal n), written atomically by the
   * process that starts the task when the task ends, so the status is known without the supervisor.
   */
  exitCode: 'exit_code',
  /** Space set aside while the run goes on, given back to write the final record on a full disk. */
  reserve: 'space.reserve',
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

  /**
   * Creates `.xlens/runs/` and `.xlens/.gitignore` (`*`) when missing.
   * @throws UserInputError when the disk or workspace refuses the write (read-only, full, permissions).
   */
  async ensure(): Promise<void> {
    try {
      await mkdir(this.runsDir, { recursive: true });
    } catch (error) {
      throw writeFaultError(error, 'create', this.runsDir) ?? error;
    }
    await this.ensureIgnored();
  }

  /**
   * Creates `.xlens/` and its `.gitignore` (`*`) when missing, without `runs/`: for caches written
   * before any run exists.
   * @throws UserInputError when the disk or workspace refuses the write (read-only, full, permissions).
   */
  async ensureIgnored(): Promise<void> {
    try {
      await mkdir(this.storeDir, { recursive: true });
    } catch (error) {
      throw writeFaultError(error, 'create', this.storeDir) ?? error;
    }
    const ignore = join(this.storeDir, '.gitignore');
    if (!existsSync(ignore)) {
      await writeFile(ignore, '# Experiment Lens run store: never tracked by git\n*\n').catch(
        (error: unknown) => {
          throw writeFaultError(error, 'write', ignore) ?? error;
        },
      );
    }
  }

  /**
   * Creates a run folder (with `artifacts/`) and its first `run.json`.
   * The id is new and unique: on the rare clash of the random suffix another is drawn.
   * @throws UserInputError when the disk or workspace refuses the write (read-only, full,
   *   permissions); no half-made run folder is left behind.
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
        throw writeFaultError(error, 'create', this.runDir(id)) ?? error;
      }
      try {
        return await this.createRecord(id, created, fields);
      } catch (error) {
        await rm(this.runDir(id), { recursive: true, force: true }).catch(() => undefined);
        throw writeFaultError(error, 'write', this.file(id, 'record')) ?? error;
      }
    }
  }

  private async createRecord(
    id: string,
    created: Date,
    fields: Omit<RunRecord, 'schema' | 'id' | 'createdAt'> & { createdAt?: string },
  ): Promise<RunRecord> {
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
    } catch (error) {
      throw new UserInputError(
        existsSync(this.runDir(id))
          ? await unreadableRecord(file, error)
          : `no run "${id}" in ${this.runsDir}.`,
        { file },
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
   * @throws UserInputError when `ref` is empty or blank (it names no run: `xlens rm ''` must delete
   * nothing), when several runs match, or for `latest` when there is no run.
   */
  async find(ref: string): Promise<RunRecord | undefined> {
    if (ref.trim() === '') {
      throw new UserInputError(
        `the run reference ${JSON.stringify(ref)} is empty; give a run id (a full id, a unique prefix of one, \`latest\` or \`latest:<task>\`). List runs with \`xlens runs\`.`,
      );
    }
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
    await rm(this.runDir(id), { recursive: true, force: true }).catch((error: unknown) => {
      throw writeFaultError(error, 'delete', this.runDir(id)) ?? error;
    });
    if (options.keepRef !== true) {
      await deleteRunRef(this.root, id);
    }
    this.changed.fire({ kind: 'deleted', id });
  }

  /**
   * The accepted metric lines of a run (`metrics.jsonl`), with warnings for damaged lines. A missing file
   * reads as no lines; anything but a regular file in its place (a FIFO, a link to a device) as no lines
   * with a warning, never read.
   */
  async readMetrics(id: string): Promise<{ lines: MetricLine[]; warnings: ReadWarning[] }> {
    const file = this.file(id, 'metrics');
    const parser = new JsonlMetricsParser(file);
    let buffer: Buffer;
    try {
      // Only a regular file: a FIFO or a link to a device in its place would block or never end.
      buffer = await readRegularFile(file);
    } catch (error) {
      return {
        lines: [],
        warnings: error instanceof NotRegularFileError ? [{ file, message: error.message }] : [],
      };
    }
    const first = parser.push(buffer);
    const last = parser.end();
    return { lines: [...first.lines, ...last.lines], warnings: [...first.warnings, ...last.warnings] };
  }

  /** Summaries of every metric in `metrics.jsonl` (non-finite values, written as `null`, counted). */
  async summarize(id: string): Promise<Record<string, MetricSummary>> {
    const summaries = dict<MetricSummary>();
    const pending = new Map<string, number>();
    for (const line of (await this.readMetrics(id)).lines) {
      addLineToSummaries(summaries, line.step, line.values, Object.keys(line.nonFinite ?? {}), pending);
    }
    return summaries;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function parseRecord(text: string, file: string, id: string): RunRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserInputError(
      `${file}: not valid JSON (${(error as Error).message}); the record of run ${id} is damaged. ` +
        `Repair the JSON (the run's other files are intact), or delete the folder ${dirname(file)} to drop the run.`,
      { file },
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
    throw new UserInputError(`${file}: not a run record (needs id, task and status).`, { file });
  }
  if (record.id !== id) {
    throw new UserInputError(`${file}: records run "${record.id}" but sits in folder "${id}".`, { file });
  }
  return {
    ...record,
    git: record.git ?? { commit: null, branch: null, dirty: false, snapshot: null },
    // Names from data as ordinary keys: an absent `constructor` must not read Object.prototype's.
    params: record.params ?? {},
    data: record.data ?? [],
    metrics: asDict(record.metrics),
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
