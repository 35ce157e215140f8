/**
 * Sharing runs through any git remote (file path, ssh, https, git://): `xlens push` stores each run's
 * record as a commit (`recordCommit.ts`) and pushes `refs/xlens/records/<id>` and its code snapshot
 * `refs/xlens/runs/<id>`; `xlens pull` fetches both namespaces and materialises each record not yet in
 * the store into `.xlens/runs/<id>`, marked with its `origin`. Ids are unique across machines (time
 * and random digits), so runs of different clones never collide and their refs never conflict.
 *
 * Git does the transport with the user's own remotes and credentials; no hook runs (`pre-push`,
 * `reference-transaction`). Remote names and refspecs are arguments, never shell text.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserInputError } from '../base/errors';
import { findRepositoryRoot, gitAt, runRef } from '../git/gitContext';
import { RECORD_REF_PREFIX, recordRef } from '../git/recordRefs';
import { readRegularFileSync } from '../base/regularFile';
import { ANNOTATIONS_FILE } from '../runs/annotations';
import { isRunId } from '../runs/ids';
import type { RunStore } from '../runs/store';
import { readRecordSync } from '../runs/store';
import { isFinalStatus, type RunRecord } from '../runs/types';
import { toJsonText } from '../runs/atomicWrite';
import { commitOf, DEFAULT_SHARE_MAX_ARTIFACT_BYTES, writeRecordCommit } from './recordCommit';

async function repositoryOf(root: string): Promise<string> {
  const repoRoot = await findRepositoryRoot(root);
  if (repoRoot === null) {
    throw new UserInputError(`${root} is not in a git repository; runs are shared through git remotes.`);
  }
  return repoRoot;
}

function checkRemote(remote: string): void {
  if (remote === '' || remote.startsWith('-')) {
    throw new UserInputError(
      `"${remote}" is not a git remote; name one (\`git remote -v\` lists them) or give a URL.`,
    );
  }
}

function gitFailure(what: string, remote: string, error: unknown): UserInputError {
  const message = (error as Error).message.trim().split('\n').slice(-3).join(' ');
  return new UserInputError(`git ${what} ${remote} failed: ${message}`);
}

/** What {@link pushRuns} did, per run. */
export interface PushResult {
  /** Runs whose record or snapshot the remote did not have yet. */
  pushed: string[];
  /** Runs the remote already had exactly. */
  upToDate: string[];
  /** Runs not pushed, with why (still running). */
  skipped: { id: string; reason: string }[];
}

/**
 * Pushes runs' records and snapshots to `remote`.
 * @param runs the runs to push (default: every final run of the store).
 * @throws UserInputError outside a repository, for a bad remote name, or when git fails (its message).
 */
export async function pushRuns(
  root: string,
  store: RunStore,
  remote: string,
  runs: readonly RunRecord[],
  options: { maxArtifactBytes?: number } = {},
): Promise<PushResult> {
  checkRemote(remote);
  const repoRoot = await repositoryOf(root);
  const result: PushResult = { pushed: [], upToDate: [], skipped: [] };
  const refspecs: string[] = [];
  const ids: string[] = [];
  for (const run of runs) {
    if (!isFinalStatus(run.status)) {
      result.skipped.push({ id: run.id, reason: `still ${run.status}` });
      continue;
    }
    // A pulled run's record is shared as it came (its run.json here carries the origin).
    if (run.origin === undefined || (await commitOf(repoRoot, recordRef(run.id))) === null) {
      await writeRecordCommit(
        repoRoot,
        store,
        run,
        options.maxArtifactBytes ?? DEFAULT_SHARE_MAX_ARTIFACT_BYTES,
      );
    }
    refspecs.push(`${recordRef(run.id)}:${recordRef(run.id)}`);
    if ((await commitOf(repoRoot, runRef(run.id))) !== null) {
      refspecs.push(`${runRef(run.id)}:${runRef(run.id)}`);
    }
    ids.push(run.id);
  }
  if (refspecs.length === 0) {
    return result;
  }
  let out: string;
  try {
    out = await gitAt(repoRoot, { noHooks: true }).raw(['push', '--porcelain', '--', remote, ...refspecs]);
  } catch (error) {
    throw gitFailure('push to', remote, error);
  }
  // Porcelain lines: "<flag>\t<from>:<to>\t<summary>"; "=" means the remote had it already.
  const changed = new Set<string>();
  for (const line of out.split('\n')) {
    const [flag, refs] = line.split('\t');
    if (refs !== undefined && flag.trim() !== '=') {
      changed.add(refs.slice(refs.lastIndexOf('/') + 1));
    }
  }
  for (const id of ids) {
    (changed.has(id) ? result.pushed : result.upToDate).push(id);
  }
  return result;
}

/** What {@link pullRuns} did. */
export interface PullResult {
  /** Runs new in the store. */
  added: string[];
  /** Pulled runs whose record changed on the remote (e.g. a new note), updated. */
  updated: string[];
  /** Records not materialised, with why (a local run of that id, a damaged record). */
  skipped: { id: string; reason: string }[];
  /**
   * Updated runs whose star and note were changed here since the last pull: the local
   * `annotations.json` was kept over the remote's.
   */
  keptAnnotations: string[];
  /** Why snapshot refs of the remote were not taken (they name other code than the local refs). */
  refused?: string;
}

/**
 * Fetches every run record and snapshot from `remote` and materialises the records not yet in the
 * store into `.xlens/runs/<id>` (with `origin`). A local run of the same id is never overwritten.
 * @throws UserInputError outside a repository, for a bad remote name, or when git fails (its message).
 */
export async function pullRuns(root: string, store: RunStore, remote: string): Promise<PullResult> {
  checkRemote(remote);
  const repoRoot = await repositoryOf(root);
  const fetch = (refspec: string): Promise<string> =>
    gitAt(repoRoot, { noHooks: true }).raw(['fetch', '--no-write-fetch-head', '--', remote, refspec]);
  try {
    await fetch(`+${RECORD_REF_PREFIX}*:${RECORD_REF_PREFIX}*`);
  } catch (error) {
    throw gitFailure('fetch from', remote, error);
  }
  const result: PullResult = { added: [], updated: [], skipped: [], keptAnnotations: [] };
  // Snapshot refs are never moved: a remote naming other code for a run's id is not taken (the code
  // of each record arrives anyway, as the record commit's parent).
  try {
    await fetch(`${runRef('*')}:${runRef('*')}`);
  } catch (error) {
    result.refused = `some snapshot refs on ${remote} differ from the ones here and were not taken: ${(error as Error).message.trim().split('\n').slice(-2).join(' ')}`;
  }
  const listed = await gitAt(repoRoot).raw([
    'for-each-ref',
    '--format=%(objectname) %(refname)',
    RECORD_REF_PREFIX,
  ]);
  await store.ensure();
  for (const line of listed.split('\n').filter(Boolean)) {
    const [commit, ref] = line.split(' ');
    const id = ref.slice(RECORD_REF_PREFIX.length);
    if (!isRunId(id)) {
      result.skipped.push({ id, reason: 'not a run id' });
      continue;
    }
    const local = readRecordSync(store.file(id, 'record'), id);
    if (local === undefined && existsSync(store.runDir(id))) {
      result.skipped.push({ id, reason: `${store.runDir(id)} exists but its run.json cannot be read` });
      continue;
    }
    if (local !== undefined && local.origin === undefined) {
      continue; // a run made here (its own record, pushed earlier)
    }
    if (local?.origin?.record === commit) {
      continue;
    }
    try {
      const kept = await materialise(repoRoot, store, id, commit, remote, local?.origin?.record);
      (local === undefined ? result.added : result.updated).push(id);
      if (kept) {
        result.keptAnnotations.push(id);
      }
    } catch (error) {
      result.skipped.push({ id, reason: (error as Error).message });
    }
  }
  return result;
}

/**
 * Writes the files of record commit `commit` into a fresh folder, then moves it to `.xlens/runs/<id>`.
 * When the run was pulled before (from record commit `previous`) and its `annotations.json` was changed
 * here since (a star or note added in the table), the local file is kept over the remote's.
 * @returns true when local annotations were kept.
 */
async function materialise(
  repoRoot: string,
  store: RunStore,
  id: string,
  commit: string,
  remote: string,
  previous: string | undefined,
): Promise<boolean> {
  const g = gitAt(repoRoot);
  const localAnnotations = await localChange(repoRoot, join(store.runDir(id), ANNOTATIONS_FILE), previous);
  const tree = await g.raw(['ls-tree', '-r', '-z', commit]);
  const temp = join(store.runsDir, `.pull-${id}-${randomBytes(4).toString('hex')}`);
  try {
    for (const entry of tree.split('\0').filter(Boolean)) {
      const tab = entry.indexOf('\t');
      const [mode, type, blob] = entry.slice(0, tab).split(' ');
      const path = entry.slice(tab + 1);
      if (
        type !== 'blob' ||
        !/^100(644|755)$/.test(mode) ||
        path.split('/').some((p) => p === '..' || p === '.' || p === '')
      ) {
        throw new Error(
          `record ${commit.slice(0, 12)} holds an entry xlens does not write (${mode} ${path})`,
        );
      }
      await mkdir(dirname(join(temp, path)), { recursive: true });
      await writeFile(join(temp, path), (await g.binaryCatFile(['blob', blob])) as Buffer);
    }
    const record = readRecordSync(join(temp, 'run.json'), id);
    if (record === undefined) {
      throw new Error(`record ${commit.slice(0, 12)} has no readable run.json for run ${id}`);
    }
    await mkdir(join(temp, 'artifacts'), { recursive: true });
    if (localAnnotations === null) {
      await rm(join(temp, ANNOTATIONS_FILE), { force: true });
    } else if (localAnnotations !== undefined) {
      await writeFile(join(temp, ANNOTATIONS_FILE), localAnnotations);
    }
    const origin = { remote, record: commit, pulledAt: new Date().toISOString() };
    await writeFile(join(temp, 'run.json'), toJsonText({ ...record, origin }));
    await rm(store.runDir(id), { recursive: true, force: true });
    await rename(temp, store.runDir(id));
    return localAnnotations !== undefined;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/**
 * The local file `file` (a pulled run's `annotations.json`) when it was changed here since the last
 * pull, i.e. differs from the same file in record commit `previous`: its bytes, or null when it was
 * removed here (star and note cleared). Undefined when unchanged or when the run was not pulled before.
 */
async function localChange(
  repoRoot: string,
  file: string,
  previous: string | undefined,
): Promise<Buffer | null | undefined> {
  if (previous === undefined) {
    return undefined;
  }
  let local: Buffer | null;
  try {
    local = readRegularFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      return undefined; // not a regular file: the remote's replaces it
    }
    local = null;
  }
  const before = await gitAt(repoRoot)
    .binaryCatFile(['blob', `${previous}:${ANNOTATIONS_FILE}`])
    .then((b) => b as Buffer)
    .catch(() => null);
  const same = before === null || local === null ? before === local : before.equals(local);
  return same ? undefined : local;
}

/** The names of the repository's remotes (`git remote`), in git's order; empty outside a repository. */
export async function listRemotes(root: string): Promise<string[]> {
  const repoRoot = await findRepositoryRoot(root);
  if (repoRoot === null) {
    return [];
  }
  return (await gitAt(repoRoot).raw(['remote'])).split('\n').filter(Boolean);
}
