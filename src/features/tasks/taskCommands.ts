/**
 * The task commands: Run Task…, Run Task with Params…, Queue Task… and Create xlens.yaml.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { CancelledError } from '../../core/base/errors';
import type { TaskConfig } from '../../core/config/types';
import type { ParamValue, RunRecord } from '../../core/runs/types';
import { UserFacingError } from '../../vscode/commandRunner';
import { registerCommand } from '../registerCommand';
import type { Log } from '../../vscode/output';
import { inputText, pickMany, pickOne } from '../../vscode/quickPick';
import { Commands } from '../ids';
import { overrideText } from '../../core/runner/launcher';
import type { RunsModel } from '../runs/runsModel';
import type { RunController } from '../runs/runController';
import { describeTask, type TasksModel } from './tasksModel';
import { settableParams } from '../taskParams';
import { dict } from '../../shared/dict';

/** What the task commands need from the composition root. */
export interface TaskCommandServices {
  log: Log;
  tasks: TasksModel;
  runs: RunsModel;
  controller: RunController;
  /** Absolute path of the workspace's `xlens.yaml`. */
  configFile: string;
  /** Reloads the config after it was created. */
  reloadConfig(): Promise<void>;
  /** Shows a run in the Runs view. */
  reveal(run: RunRecord): void;
}

export function registerTaskCommands(s: TaskCommandServices): vscode.Disposable[] {
  const started = (run: RunRecord): void => {
    s.reveal(run);
    vscode.window.setStatusBarMessage(`$(play) Started ${run.task}: run ${run.id}`, 5000);
  };
  return [
    registerCommand(Commands.runTask, s.log, async (arg: unknown) => {
      const task = await chooseTask(s, arg, 'Task to run');
      started(await s.controller.start(task.name));
    }),

    registerCommand(Commands.runTaskWithParams, s.log, async (arg: unknown) => {
      const task = await chooseTask(s, arg, 'Task to run with params');
      const overrides = await askOverrides(task);
      started(await s.controller.start(task.name, overrides));
    }),

    registerCommand(Commands.queueTask, s.log, async (arg: unknown) => {
      const task = await chooseTask(s, arg, 'Task to queue');
      const run = await s.controller.queue(task.name);
      s.reveal(run);
      vscode.window.setStatusBarMessage(`$(list-ordered) Queued ${run.task}: run ${run.id}`, 5000);
    }),

    registerCommand(Commands.createConfig, s.log, async () => {
      if (!existsSync(s.configFile)) {
        await writeFile(s.configFile, await starterConfig(), { flag: 'wx' });
        s.log.info(`Created ${s.configFile}`);
        await s.reloadConfig();
      }
      await vscode.window.showTextDocument(vscode.Uri.file(s.configFile));
    }),
  ];
}

/**
 * The task named by `arg` (a task element of the tree or a task name), else the user's pick.
 * @throws UserFacingError when `xlens.yaml` is missing, has no usable task, or lacks the named one.
 */
async function chooseTask(s: TaskCommandServices, arg: unknown, placeHolder: string): Promise<TaskConfig> {
  const state = s.tasks.config;
  if (state.kind === 'missing') {
    throw new UserFacingError('This workspace has no xlens.yaml yet.', {
      title: Commands.createConfig.title,
      run: () => vscode.commands.executeCommand(Commands.createConfig.id),
    });
  }
  const problems = state.problems.length;
  const broken =
    problems > 0
      ? ` xlens.yaml has ${problems} problem${problems === 1 ? '' : 's'}: see the Problems panel.`
      : '';
  const name =
    typeof arg === 'string'
      ? arg
      : typeof arg === 'object' && arg !== null
        ? (arg as Partial<TaskConfig>).name
        : undefined;
  if (name !== undefined) {
    const task = s.tasks.task(name);
    if (task === undefined) {
      throw new UserFacingError(`There is no usable task "${name}" in xlens.yaml.${broken}`);
    }
    return task;
  }
  const tasks = s.tasks.tasks();
  if (tasks.length === 0) {
    throw new UserFacingError(`xlens.yaml declares no task that can run.${broken}`);
  }
  const now = Date.now();
  const task = await pickOne(
    tasks.map((t) => {
      const row = describeTask(t, s.runs.latestOf(t.name), now);
      return { label: t.name, icon: row.icon, description: row.description, value: t };
    }),
    placeHolder,
  );
  if (task === undefined) {
    throw new CancelledError();
  }
  return task;
}

/**
 * Lets the user choose params of `task` and type new values; the result is recorded as the run's
 * params (`--set key=value`).
 * @throws UserFacingError when the task declares no params; CancelledError when dismissed.
 */
async function askOverrides(task: TaskConfig): Promise<Record<string, ParamValue>> {
  const current = settableParams(task);
  const params = Object.entries(current);
  if (params.length === 0) {
    throw new UserFacingError(
      `Task "${task.name}" declares no params. Add a \`params:\` map or file to it in xlens.yaml, then run it with params.`,
    );
  }
  const chosen = await pickMany(
    params.map(([key, value]) => ({
      label: key,
      description: `current: ${overrideText(value)}`,
      value: key,
    })),
    `Params of ${task.name} to change (the others keep their values)`,
  );
  if (chosen === undefined || chosen.length === 0) {
    throw new CancelledError();
  }
  const overrides: Record<string, ParamValue> = dict();
  for (const [index, key] of chosen.entries()) {
    const text = await inputText({
      title: `${task.name}: param ${index + 1} of ${chosen.length}`,
      prompt: `New value of ${key} (numbers and true/false are read as such)`,
      value: overrideText(current[key] ?? null),
    });
    if (text === undefined) {
      throw new CancelledError();
    }
    overrides[key] = text;
  }
  return overrides;
}

/** The starter `xlens.yaml`, the same text `xlens init` writes. */
async function starterConfig(): Promise<string> {
  const { STARTER_CONFIG } = await import('../../core/config/starter');
  return STARTER_CONFIG;
}
