/**
 * VS Code tasks of type `xlens`: every task of `xlens.yaml` appears under Terminal › Run Task. Each
 * runs through a pseudo-terminal that starts the same detached run as the Run Task command and shows
 * its `output.log` live, then the final status. Ctrl+C in the terminal cancels the run; closing the
 * terminal (or reloading the window) leaves the run going, visible in the Runs view.
 */
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/disposable';
import { Emitter } from '../../core/base/emitter';
import type { RunFollowers } from '../../core/runs/runFollowers';
import { streamRun } from '../../core/runs/runStream';
import { isFinalStatus, type RunRecord } from '../../core/runs/types';
import type { Log } from '../../vscode/output';
import { TASK_TYPE } from '../ids';
import { formatDuration } from '../../shared/formatting';
import { keyMetricsText } from '../runLabels';
import type { RunsModel } from '../runs/runsModel';
import type { RunController } from '../runs/runController';
import type { TasksModel } from '../tasks/tasksModel';
import { definitionOf, parseDefinition, taskDetail, taskLabel, type XlensTaskDefinition } from './definition';

/** What the provider needs from the composition root. */
export interface TaskProviderServices {
  log: Log;
  tasks: TasksModel;
  runs: RunsModel;
  controller: RunController;
  /** The shared followers of the workspace's run folders: the terminal streams its run from one. */
  followers: RunFollowers;
  /** Resolves once `xlens.yaml` has been loaded (tasks are asked for right after activation). */
  ready: Promise<void>;
}

export class XlensTaskProvider implements vscode.TaskProvider {
  constructor(private readonly s: TaskProviderServices) {}

  async provideTasks(): Promise<vscode.Task[]> {
    await this.s.ready;
    return this.s.tasks.tasks().map((task) => {
      const made = this.makeTask(definitionOf(task), vscode.TaskScope.Workspace);
      made.detail = taskDetail(task);
      if (task.kind === 'tfjs-train') {
        made.group = vscode.TaskGroup.Build;
      } else if (
        task.kind === 'tfjs-eval' ||
        task.kind === 'drift' ||
        task.kind === 'eval' ||
        task.kind === 'monitor'
      ) {
        made.group = vscode.TaskGroup.Test;
      }
      return made;
    });
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const definition = parseDefinition(task.definition);
    if (typeof definition === 'string') {
      this.s.log.warn(`Ignoring task "${task.name}" from tasks.json: ${definition}`);
      return undefined;
    }
    return this.makeTask(definition, task.scope ?? vscode.TaskScope.Workspace, task.definition);
  }

  private makeTask(
    definition: XlensTaskDefinition,
    scope: vscode.TaskScope | vscode.WorkspaceFolder,
    original: vscode.TaskDefinition = definition,
  ): vscode.Task {
    const execution = new vscode.CustomExecution(() => Promise.resolve(new RunTerminal(this.s, definition)));
    const task = new vscode.Task(original, scope, taskLabel(definition), TASK_TYPE, execution, []);
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, clear: true };
    return task;
  }
}

/** Terminal text: lines end with CRLF; colours through ANSI escapes. */
const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');
const dim = (t: string): string => `\x1b[2m${t}\x1b[0m`;
const bold = (t: string): string => `\x1b[1m${t}\x1b[0m`;
const red = (t: string): string => `\x1b[31m${t}\x1b[0m`;
const green = (t: string): string => `\x1b[32m${t}\x1b[0m`;

/** The pseudo-terminal of one run: starts it, follows its output, reports the end. */
class RunTerminal implements vscode.Pseudoterminal {
  private readonly store = new DisposableStore();
  private readonly writeEmitter = this.store.track(new Emitter<string>());
  private readonly closeEmitter = this.store.track(new Emitter<number>());
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private run: RunRecord | undefined;
  private closed = false;

  constructor(
    private readonly s: TaskProviderServices,
    private readonly definition: XlensTaskDefinition,
  ) {}

  open(): void {
    void this.start();
  }

  handleInput(data: string): void {
    if (data === '\x03' && this.run && !isFinalStatus(this.run.status)) {
      this.write(dim('\nCancelling…\n'));
      void this.s.controller
        .cancel([this.run])
        .catch((error: unknown) => this.write(red(`\n${String(error)}\n`)));
    }
  }

  close(): void {
    // The run is detached: closing the terminal only stops following it.
    this.closed = true;
    this.store.dispose();
  }

  private write(text: string): void {
    if (!this.closed) {
      this.writeEmitter.fire(crlf(text));
    }
  }

  private async start(): Promise<void> {
    const { task, params } = this.definition;
    this.write(dim(`Experiment Lens: starting ${taskLabel(this.definition)}…\n`));
    try {
      this.run = await this.s.controller.start(task, params ?? {});
    } catch (error) {
      this.write(red(`${error instanceof Error ? error.message : String(error)}\n`));
      this.closeEmitter.fire(2);
      return;
    }
    const run = this.run;
    this.write(
      dim(
        `Run ${run.id} · output in .xlens/runs/${run.id}/output.log\n` +
          'Ctrl+C cancels the run; closing this terminal leaves it running.\n\n',
      ),
    );
    // The same follower the dashboard, Runs view and status bar read: they all show the same moment.
    const lease = this.store.track(this.s.followers.follow(run.id));
    this.store.track(
      streamRun(lease.follower, {
        lines: (lines) => this.write(lines.map((line) => `${line}\n`).join('')),
        end: (record) => this.finish(record),
        missing: () => {
          this.write(red('\nThe run folder was deleted.\n'));
          this.closeEmitter.fire(1);
        },
      }),
    );
  }

  private finish(run: RunRecord): void {
    const duration = run.durationMs === undefined ? '' : ` in ${formatDuration(run.durationMs)}`;
    const metrics = keyMetricsText(run.metrics, 4);
    const status = run.status === 'succeeded' ? green(run.status) : red(run.status);
    this.write(`\n${bold(`Run ${run.id}`)} ${status}${duration}${metrics ? ` · ${metrics}` : ''}\n`);
    if (run.error) {
      this.write(red(`${run.error}\n`));
    }
    this.closeEmitter.fire(run.status === 'succeeded' ? 0 : 1);
  }
}
