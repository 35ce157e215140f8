/**
 * What a run records before its task starts: the git state (with a notice for the untracked files the
 * snapshot leaves out), and the inputs given to the task: `params.json` and `task.json`.
 */
import { writeFile } from 'node:fs/promises';
import { formatBytes } from '../../shared/formatting';
import type { ProjectConfig } from '../config/types';
import { captureGitState, DEFAULT_SNAPSHOT_MAX_FILE_BYTES } from '../git/gitContext';
import type { RunStore } from '../runs/store';
import type { GitInfo } from '../runs/types';
import type { ResolvedTask } from './resolveTask';

/**
 * The git state of the workspace for run `runId` (commit, branch, dirty, snapshot ref), never
 * throwing: when git fails, an empty state with a `note` saying why.
 * @returns `notice` when the snapshot left out untracked files larger than the limit
 *   (`git.snapshot_max_file_mb`), naming them and the fix, for the run's warnings and output.
 */
export async function captureRunGit(
  project: ProjectConfig,
  runId: string,
): Promise<{ git: GitInfo; notice?: string }> {
  try {
    const limit = project.git?.snapshotMaxFileBytes;
    const git = await captureGitState(
      project.root,
      runId,
      limit !== undefined ? { maxUntrackedFileBytes: limit } : {},
    );
    if (git.skipped && git.skipped.length > 0) {
      const max = limit ?? DEFAULT_SNAPSHOT_MAX_FILE_BYTES;
      const listed = git.skipped.slice(0, 10).map((f) => `${f.path} (${formatBytes(f.size)})`);
      const more = git.skipped.length > 10 ? `, and ${git.skipped.length - 10} more` : '';
      const notice =
        `the git snapshot leaves out ${git.skipped.length} untracked file${git.skipped.length === 1 ? '' : 's'} ` +
        `larger than ${formatBytes(max)}: ${listed.join(', ')}${more} (listed in run.json git.skipped; ` +
        'commit them, ignore them in .gitignore, or raise git.snapshot_max_file_mb in xlens.yaml)';
      return { git, notice };
    }
    return { git };
  } catch (error) {
    return {
      git: {
        commit: null,
        branch: null,
        dirty: false,
        snapshot: null,
        note: `git failed: ${(error as Error).message.split('\n')[0]}`,
      },
    };
  }
}

/**
 * Writes the run's `params.json` (the resolved params) and `task.json` (the resolved task without its
 * source positions, read by the built-in jobs).
 * @throws Error from the file system (the caller fails the run with it).
 */
export async function writeRunInputs(store: RunStore, runId: string, resolved: ResolvedTask): Promise<void> {
  await writeFile(store.file(runId, 'params'), `${JSON.stringify(resolved.params, null, 2)}\n`);
  const { range: _range, fieldRanges: _fieldRanges, ...task } = resolved.task;
  // A `run:` command's values are variables it expands: recorded with it, so task.json says what ran.
  const paramEnv = resolved.paramEnv;
  const recorded = Object.keys(paramEnv).length > 0 ? { ...task, paramEnv } : task;
  await writeFile(store.file(runId, 'task'), `${JSON.stringify(recorded, null, 2)}\n`);
}
