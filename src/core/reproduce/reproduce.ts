/**
 * `xlens reproduce`: re-runs a recorded run from its own code, data and params, and compares the
 * outcome with the original.
 *
 * 1. The run's code (its snapshot, or its commit when the tree was clean) is checked out into a
 *    temporary git worktree (`core/git/worktree.ts`): the user's working tree, index, stash and branch
 *    are never touched.
 * 2. Inputs that git does not hold (ignored data sets, untracked files the snapshot left out) are
 *    linked into the worktree from the workspace, then every recorded input's sha256 is checked.
 * 3. The task runs through the normal {@link TaskRunner} from the worktree's `xlens.yaml` with the
 *    recorded params (plus `--set` overrides), recorded in the workspace's store with
 *    `reproducedFrom`. Outputs it writes into the worktree are copied into the new run's
 *    `artifacts/outputs/`, since the worktree is removed afterwards.
 */
import { cp, lstat, mkdir, symlink } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { UserInputError } from '../base/errors';
import { loadProject } from '../config/load';
import type { ProjectConfig } from '../config/types';
import { resolveTask } from '../runner/resolveTask';
import { requireRunCode } from '../git/runCode';
import { addRunWorktree } from '../git/worktree';
import { TaskRunner } from '../runner/taskRunner';
import type { TaskRunnerOptions } from '../runner/types';
import type { RunStore } from '../runs/store';
import type { Artifact, ParamValue, RunRecord } from '../runs/types';
import { compareMetrics, type MetricComparison } from './comparison';
import { changedInputs, DataChangedError, type DataChange } from './dataCheck';
import { dict } from '../../shared/dict';

/** Options of {@link reproduceRun}. */
export interface ReproduceOptions {
  /** Params to change (`--set`), applied over the recorded ones. */
  overrides?: Record<string, ParamValue>;
  /** Run even when inputs changed since the original run (the changes are returned). */
  allowDataChange?: boolean;
  /** Cancels the reproduction's task. */
  signal?: AbortSignal;
  runnerOptions?: TaskRunnerOptions;
  /** Called with the runner before the task starts (to follow its output and metrics). */
  onRunner?: (runner: TaskRunner) => void;
  /** Called once the new run exists (its id and folder), before it ends. */
  onStarted?: (id: string, runDir: string) => void;
}

/** The result of a reproduction. */
export interface Reproduction {
  original: RunRecord;
  /** The new run's final record (`reproducedFrom: original.id`). */
  record: RunRecord;
  runDir: string;
  comparison: MetricComparison[];
  /** Inputs that differ from the original's (only with `allowDataChange`). */
  dataChanges: DataChange[];
}

/**
 * Reproduces `original` (a run of the workspace at `root`, whose store is `store`).
 * @throws DataChangedError (a UserInputError) when inputs changed and `allowDataChange` is not set;
 *   UserInputError when the run's code is not available, its `xlens.yaml` has problems or no longer
 *   has the task, or a param is unknown. The reproduction itself failing is not an error: the new
 *   record says `failed`.
 */
export async function reproduceRun(
  root: string,
  store: RunStore,
  original: RunRecord,
  options: ReproduceOptions = {},
): Promise<Reproduction> {
  const { repoRoot } = await requireRunCode(root, original);
  const worktree = await addRunWorktree(repoRoot, original.git.commit, original.git.snapshot);
  try {
    const workspace = join(worktree.path, relative(repoRoot, root));
    await linkMissing(
      [
        ...original.data.map((d) => d.path),
        ...(original.git.skipped ?? []).map((f) => relative(root, join(repoRoot, f.path))),
      ],
      root,
      workspace,
    );
    const dataChanges = await changedInputs(workspace, original.data, store.fingerprintCache);
    if (dataChanges.length > 0 && options.allowDataChange !== true) {
      throw new DataChangedError(original.id, dataChanges);
    }
    const { config, errors } = await loadProject(workspace);
    if (!config) {
      throw new UserInputError(
        `the xlens.yaml of run ${original.id}'s code has problems:\n${errors.map((e) => `  ${e.message}`).join('\n')}`,
      );
    }
    const runner = new TaskRunner(config, store, options.runnerOptions);
    try {
      options.onRunner?.(runner);
      const overrides = await recordedOverrides(config, store, original);
      Object.assign(overrides, options.overrides ?? {});
      const handle = await runner.start(original.task, {
        overrides,
        reproducedFrom: original.id,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      options.onStarted?.(handle.id, handle.runDir);
      let record = await handle.done;
      record = await keepOutputs(store, record, workspace, handle.runDir);
      return {
        original,
        record,
        runDir: handle.runDir,
        comparison: compareMetrics(original, record),
        dataChanges,
      };
    } finally {
      runner.dispose();
    }
  } finally {
    await worktree.remove();
  }
}

/**
 * The recorded params that differ from what the run's own `xlens.yaml` gives (those the original run
 * got through `--set`), as overrides.
 * @throws UserInputError when the task is no longer in that `xlens.yaml`.
 */
async function recordedOverrides(
  config: ProjectConfig,
  store: RunStore,
  original: RunRecord,
): Promise<Record<string, ParamValue>> {
  const task = config.tasks.get(original.task);
  if (!task) {
    throw new UserInputError(`run ${original.id}'s code has no task "${original.task}" in ${config.file}.`);
  }
  const { params } = await resolveTask(config, task, store);
  const overrides: Record<string, ParamValue> = dict();
  for (const [key, value] of Object.entries(original.params)) {
    if (!Object.hasOwn(params, key) || !Object.is(params[key], value)) {
      overrides[key] = value;
    }
  }
  return overrides;
}

/** Links each path missing under `workspace` to the same path under `root`, when it exists there. */
async function linkMissing(paths: readonly string[], root: string, workspace: string): Promise<void> {
  for (const path of paths) {
    const target = resolve(workspace, path);
    if (relative(workspace, target).startsWith('..')) {
      continue; // an input outside the workspace is read where it is
    }
    const exists = await lstat(target).then(
      () => true,
      () => false,
    );
    const source = resolve(root, path);
    if (
      !exists &&
      (await lstat(source).then(
        () => true,
        () => false,
      ))
    ) {
      await mkdir(dirname(target), { recursive: true });
      await symlink(source, target);
    }
  }
}

/**
 * Copies the outputs the task wrote into the worktree (`root: 'workspace'` artifacts) into the run's
 * `artifacts/outputs/<path>`, and records them there.
 */
async function keepOutputs(
  store: RunStore,
  record: RunRecord,
  workspace: string,
  runDir: string,
): Promise<RunRecord> {
  const outputs = record.artifacts.filter((a) => a.root === 'workspace');
  if (outputs.length === 0) {
    return record;
  }
  const artifacts: Artifact[] = record.artifacts.filter((a) => a.root !== 'workspace');
  for (const output of outputs) {
    const path = `artifacts/outputs/${output.path}`;
    await mkdir(dirname(join(runDir, path)), { recursive: true });
    await cp(join(workspace, output.path), join(runDir, path), { recursive: true, verbatimSymlinks: true });
    artifacts.push({ ...output, path, root: 'run' });
  }
  const updated = { ...record, artifacts };
  await store.write(updated);
  return updated;
}
