/**
 * What the built-in jobs (drift, eval: child processes started by the runner with a `task.json`) share:
 * reading their task file, and writing their HTML report when the report renderer can be loaded.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { UserInputError } from '../base/errors';
import type { TaskConfig } from '../config/types';

/**
 * Reads the resolved task a job was started with (`task.json` in the run folder).
 * @throws UserInputError naming the file when it cannot be read or parsed, or holds a task of another kind.
 */
export function readJobTask<K extends TaskConfig['kind']>(
  path: string,
  kind: K,
): Extract<TaskConfig, { kind: K }> {
  let task: TaskConfig;
  try {
    task = JSON.parse(readFileSync(path, 'utf8')) as TaskConfig;
  } catch (error) {
    throw new UserInputError(`${path}: cannot read the task (${(error as Error).message}).`, { file: path });
  }
  if (task.kind !== kind) {
    throw new UserInputError(`${path}: expected a task of kind "${kind}", got "${String(task.kind)}".`, {
      file: path,
    });
  }
  return task as Extract<TaskConfig, { kind: K }>;
}

/**
 * Writes a job's HTML report: `render` loads the renderer (a dynamic import, so a job without the report
 * bundle still runs) and returns the page.
 * @returns undefined when written, else why not (the job warns and goes on).
 */
export async function writeJobReport(
  render: () => Promise<string>,
  out: string,
): Promise<string | undefined> {
  try {
    writeFileSync(out, await render());
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * A job's exit code for an error that ended it: 2 with the message for a user's mistake, 1 with the
 * stack for anything else (`what` names the job, e.g. `drift job`).
 */
export function jobFailure(error: unknown, stderr: NodeJS.WritableStream, what: string): number {
  if (error instanceof UserInputError) {
    stderr.write(`${error.message}\n`);
    return 2;
  }
  stderr.write(`${what} failed: ${(error as Error).stack ?? String(error)}\n`);
  return 1;
}

/** Runs `job` on the task file named by the first command-line argument, as a job's entry point does. */
export function runJobFromArgv(name: string, job: (taskPath: string) => Promise<number>): void {
  const taskPath = process.argv[2];
  if (!taskPath) {
    process.stderr.write(`usage: ${name} <task.json>\n`);
    process.exitCode = 2;
    return;
  }
  void job(taskPath).then((code) => {
    process.exitCode = code;
  });
}
