/** The environment contract of a task, the same for every executor (DESIGN.md, "A run"). */
import type { RunStore } from '../runs/store';
import type { ResolvedTask } from './resolveTask';

/**
 * The environment a task runs with: `base`, `PYTHONUNBUFFERED=1` unless set, the task's `env:`, its
 * `XLENS_PARAM_*`/`XLENS_RUNS_*` variables, and `XLENS_RUN_ID`, `XLENS_RUN_DIR`,
 * `XLENS_METRICS_FILE`, `XLENS_PARAMS_FILE`, `XLENS_WORKSPACE`.
 */
export function taskEnvironment(
  base: NodeJS.ProcessEnv,
  store: RunStore,
  runId: string,
  resolved: ResolvedTask,
): NodeJS.ProcessEnv {
  return {
    ...base,
    ...(base.PYTHONUNBUFFERED === undefined ? { PYTHONUNBUFFERED: '1' } : {}),
    ...resolved.task.env,
    ...resolved.paramEnv,
    XLENS_RUN_ID: runId,
    XLENS_RUN_DIR: store.runDir(runId),
    XLENS_METRICS_FILE: store.file(runId, 'rawMetrics'),
    XLENS_PARAMS_FILE: store.file(runId, 'params'),
    XLENS_WORKSPACE: store.root,
  };
}
