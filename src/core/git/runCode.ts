/**
 * A run's code as git holds it: the revision (snapshot, or commit when the tree was clean), its files
 * read from git objects (for a read-only view and for code diffs), and putting it back into the
 * working tree (`xlens checkout`) or on a branch (`xlens branch`). Everything goes through
 * {@link gitAt}; commands that write refs or files run without hooks.
 */
import { UserInputError } from '../base/errors';
import type { RunRecord } from '../runs/types';
import { findRepositoryRoot, gitAt } from './gitContext';

/** The commit holding exactly a run's code: its snapshot when it had uncommitted changes, else its commit. */
export function runCodeRevision(record: RunRecord): string | null {
  return record.git.snapshot ?? record.git.commit;
}

/**
 * The repository root of `root` and the run's code revision, checked to exist in it.
 * @throws UserInputError outside a repository, for a run without git state, or when the commit is not
 *   in this repository (e.g. a run pulled without its snapshot ref), naming the fix.
 */
export async function requireRunCode(
  root: string,
  record: RunRecord,
): Promise<{ repoRoot: string; revision: string }> {
  const repoRoot = await findRepositoryRoot(root);
  if (repoRoot === null) {
    throw new UserInputError(
      `${root} is not in a git repository, so run ${record.id}'s code cannot be restored.`,
    );
  }
  const revision = runCodeRevision(record);
  if (revision === null) {
    throw new UserInputError(
      `run ${record.id} recorded no git commit (${record.git.note ?? 'the repository had no commit yet'}); its code cannot be restored.`,
    );
  }
  for (const sha of [record.git.commit, record.git.snapshot]) {
    if (sha !== null && !(await commitExists(repoRoot, sha))) {
      throw new UserInputError(
        `run ${record.id}'s code (commit ${sha}) is not in this repository; fetch it (\`xlens pull\`, or \`git fetch\` of the branch it was made on).`,
      );
    }
  }
  return { repoRoot, revision };
}

async function commitExists(repoRoot: string, sha: string): Promise<boolean> {
  try {
    await gitAt(repoRoot).raw(['cat-file', '-e', `${sha}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

/** One file of a run's code. */
export interface CodeFile {
  /** Path relative to the repository root, `/`-separated, as git stores it. */
  path: string;
  /** Size in bytes. */
  size: number;
}

/** Every file (blob) of `revision`, sorted by path, with its size (`git ls-tree -r -l -z`). */
export async function listCodeFiles(repoRoot: string, revision: string): Promise<CodeFile[]> {
  const out = await gitAt(repoRoot).raw(['ls-tree', '-r', '-l', '-z', '--full-tree', revision]);
  const files: CodeFile[] = [];
  for (const entry of out.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) {
      continue;
    }
    const [, type, , size] = entry.slice(0, tab).split(/\s+/);
    if (type === 'blob') {
      files.push({ path: entry.slice(tab + 1), size: Number(size) });
    }
  }
  return files;
}

/**
 * The bytes of `path` in `revision`, read from git objects (the working tree is not looked at).
 * @throws UserInputError when the file is not in that revision.
 */
export async function readCodeFile(repoRoot: string, revision: string, path: string): Promise<Buffer> {
  const g = gitAt(repoRoot);
  const spec = `${revision}:${path}`;
  try {
    const type = (await g.raw(['cat-file', '-t', spec])).trim();
    if (type !== 'blob') {
      throw new Error(type);
    }
  } catch {
    throw new UserInputError(`${path} is not a file of ${revision.slice(0, 12)}.`);
  }
  return (await g.binaryCatFile(['blob', spec])) as Buffer;
}

/** A file that differs between two revisions: added, deleted or modified (type changes count as modified). */
export interface ChangedCodeFile {
  /** Path relative to the repository root, `/`-separated, as git stores it. */
  path: string;
  change: 'added' | 'deleted' | 'modified';
}

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * The files that differ between two runs' code revisions (`git diff --name-status -z --no-renames`,
 * without external diff or textconv programs), sorted by path: what Compare Code lists. Renames show as
 * a deletion and an addition, so each side of a diff is one path.
 * @param from the older side, a full commit SHA (as run.json records it; anything else is refused, so a
 *   recorded value never becomes a git option).
 * @throws UserInputError when a SHA is malformed.
 */
export async function changedCodeFiles(
  repoRoot: string,
  from: string,
  to: string,
): Promise<ChangedCodeFile[]> {
  for (const sha of [from, to]) {
    if (!FULL_SHA.test(sha)) {
      throw new UserInputError(`"${sha}" is not a full commit SHA; run.json records full SHAs.`);
    }
  }
  const out = await gitAt(repoRoot).raw([
    'diff',
    '--no-ext-diff',
    '--no-textconv',
    '--no-renames',
    '--name-status',
    '-z',
    from,
    to,
    '--',
  ]);
  const fields = out.split('\0');
  const files: ChangedCodeFile[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const status = fields[i];
    const path = fields[i + 1];
    files.push({ path, change: status === 'A' ? 'added' : status === 'D' ? 'deleted' : 'modified' });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Paths with uncommitted changes (`git status --porcelain`: edits, staged, untracked non-ignored). */
export async function uncommittedPaths(repoRoot: string): Promise<string[]> {
  const status = await gitAt(repoRoot).status(['--untracked-files=all']);
  return status.files.map((f) => f.path);
}

/** What {@link checkoutRunCode} did. */
export interface CheckoutResult {
  /** HEAD now (detached): the run's commit. */
  commit: string;
  /** The snapshot whose files were put into the working tree, when the run had uncommitted changes. */
  snapshot: string | null;
  /** The stash message, when the user's changes were stashed first. */
  stashed?: string;
}

/**
 * Puts a run's code into the working tree: HEAD detached at the run's commit, and when the run had
 * uncommitted changes, the working tree set to its snapshot (the changes show as uncommitted again,
 * as when the run started). A dirty tree is refused unless `stash`, which runs
 * `git stash push -u -m "xlens: before checking out run <id>"` first.
 * @throws UserInputError for a dirty tree without `stash` (listing up to 10 paths), or when the run's
 *   code is not available (see {@link requireRunCode}).
 */
export async function checkoutRunCode(
  root: string,
  record: RunRecord,
  options: { stash?: boolean } = {},
): Promise<CheckoutResult> {
  const { repoRoot } = await requireRunCode(root, record);
  const g = gitAt(repoRoot, { noHooks: true });
  const dirty = await uncommittedPaths(repoRoot);
  let stashed: string | undefined;
  if (dirty.length > 0) {
    if (options.stash !== true) {
      const shown =
        dirty.slice(0, 10).join(', ') + (dirty.length > 10 ? `, and ${dirty.length - 10} more` : '');
      throw new UserInputError(
        `the working tree has uncommitted changes (${shown}); commit them, or stash them first (\`xlens checkout ${record.id} --stash\`).`,
      );
    }
    stashed = `xlens: before checking out run ${record.id}`;
    await g.raw(['stash', 'push', '--include-untracked', '-m', stashed]);
  }
  const commit = record.git.commit ?? record.git.snapshot!;
  await g.raw(['checkout', '--quiet', '--detach', commit]);
  const snapshot = record.git.commit === null ? null : record.git.snapshot;
  if (snapshot !== null) {
    await g.raw(['restore', `--source=${snapshot}`, '--worktree', '--', ':/']);
  }
  return { commit, snapshot, ...(stashed !== undefined ? { stashed } : {}) };
}

/**
 * Creates branch `name` at the run's code (its snapshot, else its commit), without checking it out.
 * @returns the commit the branch points at.
 * @throws UserInputError for a name git refuses as a branch name, or one that already exists.
 */
export async function createRunBranch(root: string, record: RunRecord, name: string): Promise<string> {
  const { repoRoot, revision } = await requireRunCode(root, record);
  const g = gitAt(repoRoot, { noHooks: true });
  let valid = !name.startsWith('-');
  if (valid) {
    try {
      await g.raw(['check-ref-format', '--branch', name]);
    } catch {
      valid = false;
    }
  }
  if (!valid) {
    throw new UserInputError(`"${name}" is not a valid branch name (see \`git check-ref-format --help\`).`);
  }
  try {
    // The empty old value makes git refuse an existing branch.
    await g.raw([
      'update-ref',
      '-m',
      `xlens: branch from run ${record.id}`,
      `refs/heads/${name}`,
      revision,
      '',
    ]);
  } catch {
    throw new UserInputError(`branch "${name}" already exists; choose another name.`);
  }
  return revision;
}
