/**
 * Writes runs into an MLflow file store (`mlruns/`), the layout MLflow's `FileStore` reads
 * (`mlflow/store/tracking/file_store.py`), so a team on MLflow sees these runs in its UI:
 *
 * ```
 * mlruns/<experiment id>/meta.yaml              experiment_id, name, artifact_location, lifecycle_stage
 * mlruns/<experiment id>/<run id>/meta.yaml     run_id, run_uuid, run_name, status (3 FINISHED, 4 FAILED,
 *                                               5 KILLED, 1 RUNNING), start_time, end_time (Unix ms), ...
 * mlruns/<experiment id>/<run id>/metrics/<key> "<timestamp ms> <value> <step>" per point
 * mlruns/<experiment id>/<run id>/params/<key>  the value as text
 * mlruns/<experiment id>/<run id>/tags/<key>    mlflow.runName, mlflow.source.git.commit, xlens.*
 * ```
 * Runs go to one experiment named `xlens` (created with the next free numeric id when absent). The
 * MLflow run id is derived from the xlens id (sha256, 32 hex digits), so exporting again rewrites the
 * same run instead of adding a copy. Keys MLflow would refuse (outside letters, digits, `_ - . /` and
 * space, or with empty, `.` or `..` parts) are left out and reported: names from data never become
 * paths outside the run folder.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { RunStore } from '../runs/store';
import type { RunRecord, RunStatus } from '../runs/types';

/** The experiment runs are exported to. */
export const EXPORT_EXPERIMENT = 'xlens';

const STATUS_CODE: Record<RunStatus, number> = {
  running: 1,
  queued: 2,
  succeeded: 3,
  failed: 4,
  cancelled: 5,
};

/** The MLflow run id of xlens run `id`: 32 hex digits, stable across exports. */
export function mlflowRunId(id: string): string {
  return createHash('sha256').update(`xlens:${id}`).digest('hex').slice(0, 32);
}

/** True for a key MLflow accepts and that stays inside its folder (both stores use the same rule). */
export function safeKey(key: string): boolean {
  return /^[\w\-. /]+$/.test(key) && key.split('/').every((p) => p !== '' && p !== '.' && p !== '..');
}

/** What {@link exportToMlflow} wrote. */
export interface MlflowExport {
  experimentId: string;
  /** xlens id → MLflow run id. */
  runs: Map<string, string>;
  /** Keys left out, `<run id>: <kind> "<key>"`. */
  skipped: string[];
}

/**
 * Writes `runs` into the file store at `mlruns` (created when missing).
 * @throws Error from the file system.
 */
export async function exportToMlflow(
  mlruns: string,
  store: RunStore,
  runs: readonly RunRecord[],
): Promise<MlflowExport> {
  const experimentId = await experiment(mlruns);
  const result: MlflowExport = { experimentId, runs: new Map(), skipped: [] };
  for (const run of runs) {
    const runId = mlflowRunId(run.id);
    const dir = join(mlruns, experimentId, runId);
    await rm(dir, { recursive: true, force: true });
    const put = async (kind: 'metrics' | 'params' | 'tags', key: string, text: string): Promise<void> => {
      if (!safeKey(key)) {
        result.skipped.push(`${run.id}: ${kind} "${key}"`);
        return;
      }
      await mkdir(dirname(join(dir, kind, key)), { recursive: true });
      await writeFile(join(dir, kind, key), text);
    };
    const start = Date.parse(run.startedAt ?? run.createdAt);
    await mkdir(join(dir, 'artifacts'), { recursive: true });
    await writeFile(
      join(dir, 'meta.yaml'),
      stringify({
        artifact_uri: `file://${join(dir, 'artifacts')}`,
        end_time: run.endedAt ? Date.parse(run.endedAt) : null,
        entry_point_name: '',
        experiment_id: experimentId,
        lifecycle_stage: 'active',
        run_id: runId,
        run_name: `${run.task}-${run.id.slice(-8)}`,
        run_uuid: runId,
        source_name: '',
        source_type: 4,
        source_version: run.git.commit ?? '',
        start_time: start,
        status: STATUS_CODE[run.status],
        tags: [],
        user_id: 'xlens',
      }),
    );
    for (const [key, value] of Object.entries(run.params)) {
      await put('params', key, value === null ? 'null' : String(value));
    }
    for (const [key, value] of runTags(run)) {
      await put('tags', key, value);
    }
    const series = new Map<string, string[]>();
    for (const line of (await store.readMetrics(run.id)).lines) {
      for (const [name, value] of Object.entries(line.values)) {
        const list = series.get(name) ?? [];
        list.push(`${line.time ?? start} ${value} ${line.step}`);
        series.set(name, list);
      }
    }
    for (const [name, lines] of series) {
      await put('metrics', name, `${lines.join('\n')}\n`);
    }
    result.runs.set(run.id, runId);
  }
  return result;
}

/** The MLflow run name of an exported run: `<task>-<last 8 characters of the id>`. */
export function mlflowRunName(run: RunRecord): string {
  return `${run.task}-${run.id.slice(-8)}`;
}

/**
 * The tags an exported run carries: `mlflow.runName`, `mlflow.source.git.commit` and
 * `mlflow.source.git.branch` (MLflow's own tag names, `mlflow/utils/mlflow_tags.py`), and `xlens.id`,
 * `xlens.task`, `xlens.snapshot`; tags without a value are left out.
 */
export function runTags(run: RunRecord): [string, string][] {
  const tags: [string, string | null | undefined][] = [
    ['mlflow.runName', mlflowRunName(run)],
    ['mlflow.source.git.commit', run.git.commit],
    ['mlflow.source.git.branch', run.git.branch],
    ['xlens.id', run.id],
    ['xlens.task', run.task],
    ['xlens.snapshot', run.git.snapshot],
  ];
  return tags.filter((t): t is [string, string] => typeof t[1] === 'string' && t[1] !== '');
}

/** The id of the `xlens` experiment in `mlruns`, created when absent. */
async function experiment(mlruns: string): Promise<string> {
  await mkdir(mlruns, { recursive: true });
  let next = 1;
  for (const entry of await readdir(mlruns, { withFileTypes: true })) {
    if (!entry.isDirectory() || !/^\d+$/.test(entry.name)) {
      continue;
    }
    next = Math.max(next, Number(entry.name) + 1);
    const meta = await readFile(join(mlruns, entry.name, 'meta.yaml'), 'utf8').catch(() => '');
    if (new RegExp(`^name: ${EXPORT_EXPERIMENT}$`, 'm').test(meta)) {
      return entry.name;
    }
  }
  const id = String(next);
  await mkdir(join(mlruns, id), { recursive: true });
  await writeFile(
    join(mlruns, id, 'meta.yaml'),
    stringify({
      artifact_location: `file://${join(mlruns, id)}`,
      creation_time: Date.now(),
      experiment_id: id,
      last_update_time: Date.now(),
      lifecycle_stage: 'active',
      name: EXPORT_EXPERIMENT,
    }),
  );
  return id;
}
