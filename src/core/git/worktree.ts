/**
 * A temporary `git worktree` holding a run's code, so a run can be re-executed without touching the
 * user's working tree, index, stash or branch. The worktree's HEAD is the run's commit (detached) and
 * its files are the run's snapshot tree when the run had uncommitted changes: exactly the state the
 * run started from, so the reproduced run records the same commit with an equal snapshot.
 *
 * Git writes the worktree's own metadata under `.git/worktrees/<name>`; `remove()` deletes it again.
 * No hook runs (`post-checkout`, `reference-transaction`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitAt } from './gitContext';

/** A worktree made by {@link addRunWorktree}. */
export interface TemporaryWorktree {
  /** Absolute path of the worktree's top folder (the repository root's counterpart). */
  path: string;
  /** Removes the worktree and its metadata; never throws. */
  remove(): Promise<void>;
}

/**
 * Checks `commit` out (detached) into a new temporary worktree of the repository at `repoRoot`, then,
 * when `snapshot` is given, replaces its index and files with the snapshot's tree (HEAD stays
 * `commit`). With `commit` null (a run before the first commit) HEAD is the snapshot itself.
 * @throws Error from git (an unknown commit, a full disk); nothing is left behind then.
 */
export async function addRunWorktree(
  repoRoot: string,
  commit: string | null,
  snapshot: string | null,
): Promise<TemporaryWorktree> {
  const head = commit ?? snapshot;
  if (head === null) {
    throw new Error('a worktree needs a commit or a snapshot');
  }
  const folder = await mkdtemp(join(tmpdir(), 'xlens-code-'));
  const path = join(folder, 'code');
  const g = gitAt(repoRoot, { noHooks: true });
  const remove = async (): Promise<void> => {
    await g.raw(['worktree', 'remove', '--force', path]).catch(() => undefined);
    await rm(folder, { recursive: true, force: true }).catch(() => undefined);
    await g.raw(['worktree', 'prune']).catch(() => undefined);
  };
  try {
    await g.raw(['worktree', 'add', '--detach', '--no-checkout', path, head]);
    await gitAt(path, { noHooks: true }).raw(['read-tree', '--reset', '-u', snapshot ?? head]);
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, remove };
}
