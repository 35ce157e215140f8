/**
 * What `activate()` returns: hooks for the extension-host tests and for other extensions. Read-only
 * views of the models plus a way to wait for the first load.
 */
import type { Event } from '../core/base/emitter';
import type { ParamValue, RunRecord } from '../core/runs/types';
import type { ImportedRunsModel } from './imported/importedModel';
import type { RunsModel } from './runs/runsModel';
import type { TasksModel } from './tasks/tasksModel';

export interface XlensApi {
  /**
   * Activation time of the extension's own code in ms: evaluating our modules (from the first to the
   * entry module) plus `activate()`, measured with `performance.now()`. Time the editor spends
   * between loading the bundle and calling `activate()` is not ours and not counted.
   */
  readonly activationMs: number;
  /** Workspace root in use, or undefined without a folder. */
  readonly root: string | undefined;
  /** Resolves when `xlens.yaml` and the runs have been read once after activation. */
  readonly ready: Promise<void>;
  /** Every run of the workspace, kept up to date from `.xlens/runs`. */
  readonly runs: RunsModel;
  /** The tasks and problems of `xlens.yaml`. */
  readonly tasks: TasksModel;
  /**
   * Runs found in other tools' logs (TensorBoard, MLflow, DVCLive, CSV); the first scan starts a few
   * seconds after {@link ready} and `onDidChange` fires when it is done.
   */
  readonly imported: ImportedRunsModel;
  /** Fires when a run is seen reaching a final status. */
  readonly onDidFinishRun: Event<RunRecord>;
  /**
   * Starts a task as the Run Task command does, resolving with the new run's record.
   * @throws the same errors the command reports (untrusted workspace, unknown task, bad params).
   */
  startRun(task: string, overrides?: Record<string, ParamValue>): Promise<RunRecord>;
}
