/**
 * Facts shared by the two MLflow stores (file store and SQLAlchemy/SQLite store): status codes and
 * the tags that carry run metadata. Source: MLflow's `RunStatus` enum (`mlflow/entities/run_status.py`,
 * values RUNNING=1, SCHEDULED=2, FINISHED=3, FAILED=4, KILLED=5) and `mlflow/utils/mlflow_tags.py`.
 */
import type { RunStatus } from '../../runs/types';

/** Tag holding the git commit of the code that ran. */
export const GIT_COMMIT_TAG = 'mlflow.source.git.commit';
/** Tag holding the run name in MLflow versions that did not store it in the run's meta. */
export const RUN_NAME_TAG = 'mlflow.runName';
/** Tag linking a nested run to its parent run id. */
export const PARENT_RUN_TAG = 'mlflow.parentRunId';

const BY_CODE: Record<string, RunStatus> = {
  '1': 'running',
  RUNNING: 'running',
  '2': 'queued',
  SCHEDULED: 'queued',
  '3': 'succeeded',
  FINISHED: 'succeeded',
  '4': 'failed',
  FAILED: 'failed',
  '5': 'cancelled',
  KILLED: 'cancelled',
};

/**
 * Maps an MLflow run status (the file store's integer code or the database's name) to ours:
 * RUNNING → running, SCHEDULED → queued, FINISHED → succeeded, FAILED → failed, KILLED → cancelled.
 * @returns `undefined` for an unknown or missing status.
 */
export function mlflowStatus(value: unknown): RunStatus | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') {
    return undefined;
  }
  return BY_CODE[String(value).trim().toUpperCase()];
}

/** A time in Unix ms from a meta field or column; `undefined` when absent or not a number. */
export function msTime(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}
