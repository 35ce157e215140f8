/**
 * Git tracking of runs: which commit a run started from and, when the working tree differs from it,
 * a snapshot commit holding the exact working tree, so a run's code can always be restored or diffed.
 *
 * The snapshot is built through a temporary index file (`GIT_INDEX_FILE`), never the user's: their
 * index, branch, stash and files are untouched. Untracked files that are not ignored are included,
 * exactly what `git add -A` would stage. The snapshot is kept alive under `refs/xlens/runs/<id>`.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, lstat, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import type { GitInfo, SkippedFile } from '../runs/types';
import { dict } from '../../shared/dict';
import { UserInputError } from '../base/errors';

/** The ref namespace that keeps run snapshots alive. */
export const RUN_REF_PREFIX = 'refs/xlens/runs/';

/** The ref under which the snapshot of run `runId` is kept. */
export function runRef(runId: string): string {
  return `${RUN_REF_PREFIX}${runId}`;
}

/**
 * Untracked files larger than this (bytes) are left out of snapshots by default: 50 MiB. Set with
 * `git: { snapshot_max_file_mb: ... }` in `xlens.yaml`.
 */
export const DEFAULT_SNAPSHOT_MAX_FILE_BYTES = 50 * 1024 * 1024;

/** Options of {@link captureGitState}. */
export interface CaptureOptions {
  /**
   * Untracked files larger than this many bytes are not copied into the snapshot (nor into
   * `.git/objects`); they are listed in {@link GitInfo.skipped}. Default
   * {@link DEFAULT_SNAPSHOT_MAX_FILE_BYTES}.
   */
  maxUntrackedFileBytes?: number;
}

/** Identity used for snapshot commits when the repository has none configured. */
const FALLBACK_IDENTITY = { name: 'Experiment Lens', email: 'xlens@localhost' };

/** Environment that keeps read-only git commands from refreshing (rewriting) the user's index. */
const NO_OPTIONAL_LOCKS = { GIT_OPTIONAL_LOCKS: '0' };

/**
 * Variables simple-git refuses to pass on (it throws "Use of EDITOR is not permitted ..."). `npm run`
 * and many shells set EDITOR or PAGER; the commands run here never open an editor or pager.
 */
const BLOCKED_BY_SIMPLE_GIT =
  /^(editor|pager|prefix|ssh_askpass|git_(askpass|config|config_global|config_system|config_count|editor|exec_path|external_diff|pager|proxy_command|template_dir|sequence_editor|ssh|ssh_command))$/i;

function gitEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !BLOCKED_BY_SIMPLE_GIT.test(k)));
  return { ...env, ...NO_OPTIONAL_LOCKS, ...extra };
}

/**
 * Settings given to every git command with `-c`, over whatever the repository's own config says: a
 * workspace is not trusted to name programs for git to run on our behalf. Reading a commit never
 * verifies its signature (`log.showSignature` would run the config's `gpg.program`) and never asks a
 * file-system monitor (`core.fsmonitor` may name a program). No pager runs either: git pages only to a
 * terminal, and git's output here is a pipe.
 */
const SAFE_CONFIG = ['log.showSignature=false', 'core.fsmonitor=false'];

/**
 * For commands that write refs of our own (`update-ref -d` of a run's snapshot ref): no hooks run
 * (`reference-transaction` under the workspace's `core.hooksPath` would otherwise run).
 */
const NO_HOOKS = ['core.hooksPath=/dev/null'];

/** Options of {@link gitAt}. */
export interface GitAtOptions {
  /** Extra environment (e.g. `GIT_INDEX_FILE` for a temporary index, identities for commit-tree). */
  env?: Record<string, string>;
  /**
   * No hook runs (`core.hooksPath=/dev/null`): for every command that writes refs, checks out files,
   * stashes or talks to a remote (`reference-transaction`, `post-checkout`, `pre-push` ...).
   */
  noHooks?: boolean;
}

/**
 * The one way to run git: a simple-git instance at `root` with {@link SAFE_CONFIG} (and with
 * `options.noHooks`, no hooks), an environment simple-git accepts, and git's output as a pipe. Other
 * modules of `core/git` build their commands on it; arguments are passed as an array, never through
 * a shell.
 */
export function gitAt(root: string, options: GitAtOptions = {}): SimpleGit {
  return git(root, options.env ?? dict(), options.noHooks === true ? NO_HOOKS : []);
}

/** Whether the process environment names a git identity, or the repository's config has one. */
export async function repositoryHasIdentity(root: string): Promise<boolean> {
  return hasIdentity(git(root));
}

/** The identity used for commits of our own when the repository has none (see {@link FALLBACK_IDENTITY}). */
export function fallbackIdentityEnv(): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: FALLBACK_IDENTITY.name,
    GIT_AUTHOR_EMAIL: FALLBACK_IDENTITY.email,
    GIT_COMMITTER_NAME: FALLBACK_IDENTITY.name,
    GIT_COMMITTER_EMAIL: FALLBACK_IDENTITY.email,
  };
}

function git(root: string, env: Record<string, string> = dict(), config: readonly string[] = []): SimpleGit {
  return simpleGit({
    baseDir: root,
    trimmed: true,
    config: [...SAFE_CONFIG, ...config],
    // simple-git refuses these keys on the command line whatever their value; ours only switch the
    // workspace's programs off (fsmonitor=false, hooksPath=/dev/null).
    unsafe: { allowUnsafeFsMonitor: true, allowUnsafeHooksPath: config.includes(NO_HOOKS[0]) },
  }).env(gitEnv(env));
}

/** The repository's top-level folder containing `dir`, or `null` when `dir` is not in a work tree. */
export async function findRepositoryRoot(dir: string): Promise<string | null> {
  try {
    const top = await git(dir).raw(['rev-parse', '--show-toplevel']);
    return top.trim() || null;
  } catch {
    return null;
  }
}

/**
 * Captures the git state of the work tree at `root` for run `runId`: HEAD commit, branch, subject,
 * dirty flag and, when dirty, a snapshot commit stored under {@link runRef}.
 *
 * "Dirty" means the tree that `git add -A` would produce differs from HEAD's tree (tracked changes,
 * deletions, or untracked non-ignored files). Works before the first commit (snapshot without parent)
 * and on a detached HEAD (branch `null`).
 *
 * Untracked files larger than `options.maxUntrackedFileBytes` (default 50 MiB: data sets, model
 * weights) are not hashed into `.git/objects`: the snapshot is the working tree without them, they are
 * listed in `skipped`, and a tree that differs from HEAD only by such files still counts as dirty.
 *
 * Outside a git repository, or when git is not installed, it returns empty fields with a `note`; it
 * never throws for those cases, so tasks still run.
 * @throws Error only when git itself fails inside a repository (corrupt repository, disk full).
 */
export async function captureGitState(
  root: string,
  runId: string,
  options: CaptureOptions = {},
): Promise<GitInfo> {
  const repoRoot = await findRepositoryRoot(root);
  if (repoRoot === null) {
    const reason = (await isGitInstalled()) ? 'not a git repository' : 'git is not installed';
    return { commit: null, branch: null, subject: null, dirty: false, snapshot: null, note: reason };
  }
  const g = git(repoRoot);
  const commit = await resolveCommit(g, 'HEAD');
  const branch = await currentBranch(g);
  const subject = commit === null ? null : (await g.raw(['log', '-1', '--format=%s', commit])).trim();

  const limit = options.maxUntrackedFileBytes ?? DEFAULT_SNAPSHOT_MAX_FILE_BYTES;
  const { tree, skipped } = await workingTreeObject(repoRoot, limit);
  const headTree = commit === null ? null : (await g.raw(['rev-parse', `${commit}^{tree}`])).trim();
  const emptyTree = commit === null && tree === (await emptyTreeObject(g));
  const dirty = (commit === null ? !emptyTree : tree !== headTree) || skipped.length > 0;
  let snapshot: string | null = null;
  if (dirty) {
    const message =
      `xlens snapshot of the working tree for run ${runId}` +
      (skipped.length > 0
        ? `\n\nLeft out (untracked, larger than ${limit} bytes):\n${skipped.map((f) => `  ${f.path} (${f.size} bytes)`).join('\n')}`
        : '');
    snapshot = await commitTree(g, tree, commit, message);
    await g.raw(['update-ref', '-m', `xlens: snapshot for run ${runId}`, runRef(runId), snapshot]);
  }
  return { commit, branch, subject, dirty, snapshot, ...(skipped.length > 0 ? { skipped } : {}) };
}

/**
 * Writes the tree object of the work tree as `git add -A` would stage it, using a temporary copy of
 * the index so unchanged files are not re-hashed and the user's index is never written. Untracked
 * files larger than `maxUntrackedBytes` are left out (excluded by literal pathspecs, so git never
 * reads them).
 * @returns the tree SHA and the files left out (paths relative to the repository root, sorted).
 */
async function workingTreeObject(
  repoRoot: string,
  maxUntrackedBytes: number,
): Promise<{ tree: string; skipped: SkippedFile[] }> {
  const indexPath = await gitPath(repoRoot, 'index');
  const tempIndex = join(tmpdir(), `xlens-index-${process.pid}-${randomBytes(6).toString('hex')}`);
  const pathspecFile = `${tempIndex}.pathspecs`;
  try {
    try {
      const { atime, mtime } = await stat(indexPath);
      await copyFile(indexPath, tempIndex);
      // Git re-reads a file whose mtime is not older than the index file's own mtime ("racy git"):
      // a same-size edit made in the same clock tick as the index write is otherwise invisible to the
      // stat check. A fresh copy would be newer than every file and hide such edits, so the copy gets
      // the original's time, a second earlier to stay on the safe side of any rounding.
      await utimes(tempIndex, atime, new Date(mtime.getTime() - 1000));
    } catch (error) {
      // A repository with no index yet (nothing ever staged): git starts from an empty one.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw error;
      }
    }
    const g = git(repoRoot, { GIT_INDEX_FILE: tempIndex });
    const skipped = await largeUntrackedFiles(g, repoRoot, maxUntrackedBytes);
    if (skipped.length === 0) {
      await g.raw(['add', '--all', '--', '.']);
    } else {
      // One pathspec per line: everything, minus each large file taken literally (any name is safe).
      const specs = ['.', ...skipped.map((f) => `:(exclude,literal)${f.path}`)];
      await writeFile(pathspecFile, `${specs.join('\0')}\0`);
      await g.raw(['add', '--all', `--pathspec-from-file=${pathspecFile}`, '--pathspec-file-nul']);
    }
    return { tree: (await g.raw(['write-tree'])).trim(), skipped };
  } finally {
    await rm(tempIndex, { force: true });
    await rm(`${tempIndex}.lock`, { force: true });
    await rm(pathspecFile, { force: true });
  }
}

/** Untracked, non-ignored regular files larger than `limit` bytes, sorted by path. */
async function largeUntrackedFiles(g: SimpleGit, repoRoot: string, limit: number): Promise<SkippedFile[]> {
  const listed = await g.raw(['ls-files', '--others', '--exclude-standard', '-z', '--', '.']);
  const out: SkippedFile[] = [];
  for (const path of listed.split('\0')) {
    if (path === '') {
      continue;
    }
    const info = await lstat(join(repoRoot, path)).catch(() => undefined);
    if (info?.isFile() && info.size > limit) {
      out.push({ path, size: info.size });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function commitTree(
  g: SimpleGit,
  tree: string,
  parent: string | null,
  message: string,
): Promise<string> {
  const args = ['commit-tree', tree, '-m', message];
  if (parent !== null) {
    args.push('-p', parent);
  }
  const identity = await hasIdentity(g);
  const env: Record<string, string> = identity
    ? {}
    : {
        GIT_AUTHOR_NAME: FALLBACK_IDENTITY.name,
        GIT_AUTHOR_EMAIL: FALLBACK_IDENTITY.email,
        GIT_COMMITTER_NAME: FALLBACK_IDENTITY.name,
        GIT_COMMITTER_EMAIL: FALLBACK_IDENTITY.email,
      };
  const withEnv = Object.keys(env).length > 0 ? g.env(gitEnv(env)) : g;
  return (await withEnv.raw(args)).trim();
}

async function hasIdentity(g: SimpleGit): Promise<boolean> {
  const vars = ['GIT_AUTHOR_NAME', 'GIT_COMMITTER_NAME'];
  if (vars.every((v) => process.env[v])) {
    return true;
  }
  try {
    const name = (await g.raw(['config', '--get', 'user.name'])).trim();
    const email = (await g.raw(['config', '--get', 'user.email'])).trim();
    return name.length > 0 && email.length > 0;
  } catch {
    return false;
  }
}

async function resolveCommit(g: SimpleGit, rev: string): Promise<string | null> {
  try {
    const sha = (await g.raw(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])).trim();
    return sha || null;
  } catch {
    return null;
  }
}

async function currentBranch(g: SimpleGit): Promise<string | null> {
  try {
    const name = (await g.raw(['symbolic-ref', '--quiet', '--short', 'HEAD'])).trim();
    return name || null;
  } catch {
    return null; // detached HEAD (an unborn branch still has a symbolic HEAD)
  }
}

async function emptyTreeObject(g: SimpleGit): Promise<string> {
  return (await g.raw(['hash-object', '-t', 'tree', '/dev/null'])).trim();
}

async function gitPath(repoRoot: string, name: string): Promise<string> {
  const path = (await git(repoRoot).raw(['rev-parse', '--git-path', name])).trim();
  return isAbsolute(path) ? path : join(repoRoot, path);
}

async function isGitInstalled(): Promise<boolean> {
  try {
    await simpleGit().version();
    return true;
  } catch {
    return false;
  }
}

/** What the Runs view shows for a commit. */
export interface CommitInfo {
  sha: string;
  shortSha: string;
  subject: string;
  /** Committer date, Unix ms. */
  date: number;
}

/**
 * Looks up subject and date of each commit in `shas` (missing or unknown commits are left out).
 * One `git log --no-walk` call for all of them.
 */
export async function describeCommits(
  root: string,
  shas: readonly string[],
): Promise<Map<string, CommitInfo>> {
  const result = new Map<string, CommitInfo>();
  const unique = [...new Set(shas.filter((s) => /^[0-9a-f]{7,64}$/i.test(s)))];
  if (unique.length === 0) {
    return result;
  }
  const g = git(root);
  // Ask per commit when the batch fails (one unknown SHA makes `git log` fail as a whole).
  const batches = [unique];
  for (const batch of batches) {
    let out: string;
    try {
      out = await g.raw(['log', '--no-walk=unsorted', '--format=%H%x00%h%x00%ct%x00%s', ...batch]);
    } catch {
      if (batch.length > 1) {
        batches.push(...batch.map((s) => [s]));
      }
      continue;
    }
    for (const line of out.split('\n')) {
      const [sha, shortSha, ct, subject] = line.split('\0');
      if (sha && shortSha && ct) {
        result.set(sha, { sha, shortSha, subject: subject ?? '', date: Number(ct) * 1000 });
      }
    }
  }
  return result;
}

/** HEAD's commit SHA of the repository at `root`, or `null` (no repository or no commit yet). */
export async function headCommit(root: string): Promise<string | null> {
  if ((await findRepositoryRoot(root)) === null) {
    return null;
  }
  return resolveCommit(git(root), 'HEAD');
}

/**
 * Deletes the snapshot ref of a run (when the run is deleted). The commit object itself is left for
 * git's garbage collection. Does nothing when the ref does not exist or `root` is not a repository.
 */
export async function deleteRunRef(root: string, runId: string): Promise<void> {
  if ((await findRepositoryRoot(root)) === null) {
    return;
  }
  try {
    await git(root, {}, NO_HOOKS).raw(['update-ref', '-d', runRef(runId)]);
  } catch {
    // The ref did not exist.
  }
}

/** A full commit SHA (SHA-1 or SHA-256 repositories): what run.json records, checked before git sees it. */
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * The code difference between two commits (a run's snapshot, or its commit when the tree was clean):
 * `git diff --stat` (`form: 'stat'`) or the full patch (`form: 'patch'`), without the repository's
 * external diff or textconv programs (`--no-ext-diff --no-textconv`) and without colour.
 * @param from the older side, a full commit SHA (as run.json records it; anything else is refused so a
 *   recorded value can never become a git option).
 * @throws UserInputError when a SHA is malformed or git does not know the commit (e.g. a run recorded in
 *   another clone whose refs were not fetched).
 */
export async function diffCommits(
  root: string,
  from: string,
  to: string,
  form: 'stat' | 'patch',
): Promise<string> {
  for (const sha of [from, to]) {
    if (!FULL_SHA.test(sha)) {
      throw new UserInputError(`"${sha}" is not a full commit SHA; run.json records full SHAs.`);
    }
  }
  const g = git(root);
  for (const sha of [from, to]) {
    if ((await resolveCommit(g, sha)) === null) {
      throw new UserInputError(
        `commit ${sha.slice(0, 12)} is not in this repository (rebased or reset away since the run, recorded in another clone, or its snapshot ref was deleted); fetch it (\`xlens pull\`, or \`git fetch <remote> ${sha}\`) to compare the code.`,
      );
    }
  }
  const options = [
    '--no-ext-diff',
    '--no-textconv',
    '--no-color',
    form === 'stat' ? '--stat=200' : '--patch',
  ];
  return g.raw(['diff', ...options, from, to, '--']);
}
