/**
 * A task's `baseline:` in `xlens.yaml`: the run whose metrics `baseline` stands for in its checks.
 * `latest` or `latest:<task>` is the latest succeeded run of a task (the task itself for `latest`)
 * created before the checked run; `latest:<task>@<branch>` the same among runs recorded on that git
 * branch (`git.branch` in run.json); anything else is a run id or a unique prefix of one, as `xlens show`
 * takes it.
 */
import { UserInputError } from '../base/errors';
import type { RunStore } from '../runs/store';
import type { RunRecord } from '../runs/types';

/** A parsed `baseline:`. */
export type BaselineRef = { kind: 'latest'; task: string; branch?: string } | { kind: 'run'; ref: string };

/** Task names as `xlens.yaml` allows them (schema: tasks' propertyNames). */
const TASK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Run ids and prefixes: the characters of `YYYYMMDDTHHMMSSZ-xxxxxxxx`. */
const RUN_REF = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const FORMS = 'write `latest:<task>`, `latest:<task>@<branch>` or a run id';

/**
 * Parses a `baseline:` value.
 * @param ownTask the task declaring it (what a bare `latest` means).
 * @throws UserInputError (without a position: the caller adds it) naming the forms accepted.
 */
export function parseBaseline(text: string, ownTask: string): BaselineRef {
  const value = text.trim();
  if (value === 'latest') {
    return { kind: 'latest', task: ownTask };
  }
  if (value.startsWith('latest:')) {
    const rest = value.slice('latest:'.length);
    const at = rest.indexOf('@');
    const task = at < 0 ? rest : rest.slice(0, at);
    const branch = at < 0 ? undefined : rest.slice(at + 1);
    if (!TASK_NAME.test(task)) {
      throw new UserInputError(`baseline ${JSON.stringify(text)}: name a task after "latest:"; ${FORMS}.`);
    }
    if (branch !== undefined && (branch === '' || /[\s\0~^:?*[\\]|\.\.|@\{/.test(branch))) {
      throw new UserInputError(
        `baseline ${JSON.stringify(text)}: "${branch}" is not a git branch name; ${FORMS}.`,
      );
    }
    return { kind: 'latest', task, ...(branch !== undefined ? { branch } : {}) };
  }
  if (!RUN_REF.test(value)) {
    throw new UserInputError(`baseline ${JSON.stringify(text)} is not a run reference; ${FORMS}.`);
  }
  return { kind: 'run', ref: value };
}

/** The baseline run, or why there is none (a sentence without a final period). */
export type BaselineLookup = { run: RunRecord } | { problem: string };

/**
 * Finds the baseline run of `current`. A `latest` form takes the newest succeeded run of the task
 * (on the branch, when given) created before `current` and other than it; a run id names any run of
 * the store, whatever its status, other than `current`.
 * @returns the run, or the reason there is none; never throws for a missing or ambiguous run.
 */
export async function findBaseline(
  store: RunStore,
  ref: BaselineRef,
  current: RunRecord,
): Promise<BaselineLookup> {
  if (ref.kind === 'run') {
    let run: RunRecord | undefined;
    try {
      run = await store.find(ref.ref);
    } catch (error) {
      return { problem: `baseline run "${ref.ref}": ${(error as Error).message.replace(/\.$/, '')}` };
    }
    if (!run) {
      return { problem: `no run matches baseline "${ref.ref}" (list runs with \`xlens runs\`)` };
    }
    return run.id === current.id
      ? { problem: `baseline "${ref.ref}" is this run itself; name an earlier run` }
      : { run };
  }
  const ids = (await store.ids()).reverse();
  for (const id of ids) {
    if (id === current.id) {
      continue;
    }
    const run = await store.get(id);
    if (
      run &&
      run.task === ref.task &&
      run.status === 'succeeded' &&
      run.createdAt < current.createdAt &&
      (ref.branch === undefined || run.git.branch === ref.branch)
    ) {
      return { run };
    }
  }
  const where = ref.branch !== undefined ? ` on branch "${ref.branch}"` : '';
  return {
    problem: `no succeeded run of task "${ref.task}"${where} before this run, so there is no baseline (${baselineText(ref)})`,
  };
}

/** A baseline as it would be written in `xlens.yaml`. */
export function baselineText(ref: BaselineRef): string {
  return ref.kind === 'run'
    ? ref.ref
    : `latest:${ref.task}${ref.branch !== undefined ? `@${ref.branch}` : ''}`;
}
