/**
 * The Tasks view's model: the tasks of `xlens.yaml`, or the problems that keep it from loading, and
 * the text each row shows (with the last run of each task). No `vscode` import.
 *
 * Elements are plain data: a core `TaskConfig` or a {@link ConfigProblem}.
 */
import type { Disposable } from '../../core/base/disposable';
import { Emitter, type Event } from '../../core/base/emitter';
import { UserInputError } from '../../core/base/errors';
import type { ProjectConfig, SourceRange, TaskConfig } from '../../core/config/types';
import type { RunRecord } from '../../core/runs/types';
import { ViewItems } from '../ids';
import { relativeTime, statusIcon } from '../runLabels';
import type { RowText } from '../runs/runsModel';

/** A reason `xlens.yaml` cannot be used, placed at a range of the file when known. */
export interface ConfigProblem {
  kind: 'problem';
  /** The loader's message; it names the file, position and the fix. */
  message: string;
  /** Absolute path of the file the problem is in. */
  file: string;
  /** 1-based range; absent when the loader gave no position (e.g. the file cannot be read). */
  range?: SourceRange;
}

/**
 * What the workspace's `xlens.yaml` currently gives: nothing (no file), or the tasks that loaded
 * plus every problem found (a file with errors still offers its good tasks).
 */
export type ConfigState =
  | { kind: 'missing' }
  | { kind: 'loaded'; file: string; config: ProjectConfig | undefined; problems: ConfigProblem[] };

/** An element of the Tasks tree. */
export type TasksElement = TaskConfig | ConfigProblem;

export function isConfigProblem(element: TasksElement): element is ConfigProblem {
  return element.kind === 'problem';
}

/**
 * Turns the config loader's errors into problems with ranges: a `UserInputError` gives a problem at
 * its position (one character wide when no end is known); an `AggregateError` gives one problem per
 * inner error; anything else one without a range.
 * @param messageOf the text shown for a positioned error (the loader's `diagnosticMessage` drops the
 *   `file:line:col` prefix, which a diagnostic already shows).
 */
export function problemsFromErrors(
  errors: readonly unknown[],
  file: string,
  messageOf: (error: UserInputError) => string = (e) => e.message,
): ConfigProblem[] {
  return errors.flatMap((error): ConfigProblem[] => {
    if (error instanceof AggregateError) {
      return problemsFromErrors(error.errors, file, messageOf);
    }
    if (error instanceof UserInputError) {
      const line = error.line;
      const column = error.column ?? 1;
      return [
        {
          kind: 'problem',
          message: messageOf(error),
          file: error.file ?? file,
          range:
            line === undefined
              ? undefined
              : { line, column, endLine: error.endLine ?? line, endColumn: error.endColumn ?? column + 1 },
        },
      ];
    }
    return [{ kind: 'problem', message: error instanceof Error ? error.message : String(error), file }];
  });
}

/** Holds the config state; fires {@link onDidChange} when it is replaced. */
export class TasksModel implements Disposable {
  private state: ConfigState = { kind: 'missing' };
  private readonly emitter = new Emitter<void>();
  readonly onDidChange: Event<void> = this.emitter.event;

  get config(): ConfigState {
    return this.state;
  }

  setState(state: ConfigState): void {
    this.state = state;
    this.emitter.fire();
  }

  /** The tasks that loaded, in declaration order. */
  tasks(): TaskConfig[] {
    return this.state.kind === 'loaded' && this.state.config ? [...this.state.config.tasks.values()] : [];
  }

  /** The task named `name`, if it loaded. */
  task(name: string): TaskConfig | undefined {
    return this.state.kind === 'loaded' ? this.state.config?.tasks.get(name) : undefined;
  }

  /** The root rows: problems first, then the tasks. */
  elements(): TasksElement[] {
    return this.state.kind === 'loaded' ? [...this.state.problems, ...this.tasks()] : [];
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** How a task kind reads in a description. */
const KIND_TEXT: Record<TaskConfig['kind'], string> = {
  command: 'command',
  'tfjs-train': 'built-in trainer',
  'tfjs-eval': 'built-in evaluation',
  drift: 'drift check',
  eval: 'evaluation of predictions',
  monitor: 'monitoring over time',
};

/** Label, description and tooltip of a task row; its icon is the status of `lastRun`. */
export function describeTask(task: TaskConfig, lastRun: RunRecord | undefined, now: number): RowText {
  const last = lastRun
    ? `${lastRun.status} ${relativeTime(Date.parse(lastRun.createdAt), now)}`
    : 'never run';
  const what = task.description ?? (task.kind === 'command' ? task.run : KIND_TEXT[task.kind]);
  const params = Object.keys(task.params);
  const tooltip = [
    `**${task.name}** (${KIND_TEXT[task.kind]})${task.description ? `: ${task.description}` : ''}`,
    task.kind === 'command' ? `\`${task.run.replace(/`/g, "'")}\`` : undefined,
    params.length > 0 ? `Params: ${params.map((p) => `\`${p}\``).join(', ')}` : undefined,
    lastRun ? `Last run \`${lastRun.id}\`: ${lastRun.status}` : 'Never run',
  ]
    .filter((l): l is string => l !== undefined)
    .join('  \n');
  return {
    id: `task:${task.name}`,
    label: task.name,
    description: `${last} · ${what}`,
    tooltip,
    icon: lastRun ? statusIcon(lastRun.status) : { id: 'circle-large-outline' },
    contextValue: ViewItems.task,
  };
}

/** Row text of a config problem: the first line of the message, the position in the description. */
export function describeProblem(problem: ConfigProblem): RowText {
  const firstLine = problem.message.split('\n')[0];
  const where = problem.range ? `line ${problem.range.line}, column ${problem.range.column}` : '';
  return {
    id: `problem:${problem.file}:${problem.range?.line ?? 0}:${problem.range?.column ?? 0}:${firstLine}`,
    label: firstLine,
    description: where,
    tooltip: problem.message,
    icon: { id: 'error', color: 'errorForeground' },
    contextValue: ViewItems.configProblem,
  };
}
