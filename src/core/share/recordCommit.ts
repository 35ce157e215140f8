/**
 * A run's record as a git commit, so git itself can carry runs between clones (`xlens push` / `xlens
 * pull`). The commit's tree holds the run folder's record files (`run.json`, `params.json`,
 * `task.json`, `metrics.jsonl`, `annotations.json`, `output.log`), its artifacts up to a size limit,
 * and `xlens-record.json` listing the artifacts left out (path, size, sha256). Its first parent is the
 * run's code (snapshot, or commit when the tree was clean), so fetching a record brings the code with
 * it; a later version of the same record has the previous one as second parent (a fast-forward).
 *
 * Built with plumbing against a temporary index (`hash-object`, `update-index --cacheinfo`,
 * `write-tree`, `commit-tree`): the user's index, branch and files are never touched. The commit's
 * dates are the run's end time, so building an unchanged record twice gives the same commit (pushing
 * twice is a no-op). Kept under `refs/xlens/records/<id>` (no hooks run).
 */
import { randomBytes } from 'node:crypto';
import { lstat, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fallbackIdentityEnv, gitAt, repositoryHasIdentity } from '../git/gitContext';
import { recordRef } from '../git/recordRefs';
import { runCodeRevision } from '../git/runCode';
import { sha256File } from '../runs/fingerprint';
import type { RunStore } from '../runs/store';
import type { RunRecord } from '../runs/types';
import { ANNOTATIONS_FILE } from '../runs/annotations';

/** Artifacts larger than this are listed, not stored, by default: 10 MiB. */
export const DEFAULT_SHARE_MAX_ARTIFACT_BYTES = 10 * 1024 * 1024;

/** The manifest file of a record's tree. */
export const RECORD_MANIFEST = 'xlens-record.json';

/** The record files of a run folder that are shared (when present). */
const RECORD_FILES = [
  'run.json',
  'params.json',
  'task.json',
  'metrics.jsonl',
  ANNOTATIONS_FILE,
  'output.log',
];

/** `xlens-record.json`. */
export interface RecordManifest {
  schema: 1;
  id: string;
  /** Artifacts left out because they exceed the size limit. */
  omitted: { path: string; size: number; sha256: string }[];
}

/**
 * Builds (or finds unchanged) the record commit of `record` and points `refs/xlens/records/<id>` at it.
 * @param repoRoot the repository holding the workspace.
 * @param maxArtifactBytes artifacts larger than this are listed in the manifest instead of stored.
 * @returns the record commit and whether it is new.
 */
export async function writeRecordCommit(
  repoRoot: string,
  store: RunStore,
  record: RunRecord,
  maxArtifactBytes = DEFAULT_SHARE_MAX_ARTIFACT_BYTES,
): Promise<{ commit: string; created: boolean }> {
  const runDir = store.runDir(record.id);
  const files: { path: string; absolute: string }[] = [];
  for (const name of RECORD_FILES) {
    if ((await lstat(join(runDir, name)).catch(() => undefined))?.isFile()) {
      files.push({ path: name, absolute: join(runDir, name) });
    }
  }
  const manifest: RecordManifest = { schema: 1, id: record.id, omitted: [] };
  for (const file of await regularFiles(join(runDir, 'artifacts'), 'artifacts')) {
    if (file.size > maxArtifactBytes) {
      manifest.omitted.push({ path: file.path, size: file.size, sha256: await sha256File(file.absolute) });
    } else {
      files.push(file);
    }
  }
  const tempIndex = join(tmpdir(), `xlens-record-index-${process.pid}-${randomBytes(6).toString('hex')}`);
  const manifestFile = `${tempIndex}.json`;
  let tree: string;
  try {
    await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    const all = [...files, { path: RECORD_MANIFEST, absolute: manifestFile }];
    const g = gitAt(repoRoot, { env: { GIT_INDEX_FILE: tempIndex } });
    const blobs = (await g.raw(['hash-object', '-w', '--no-filters', '--', ...all.map((f) => f.absolute)]))
      .split('\n')
      .map((b) => b.trim());
    await g.raw([
      'update-index',
      '--add',
      ...all.flatMap((f, i) => ['--cacheinfo', `100644,${blobs[i]},${f.path}`]),
    ]);
    tree = (await g.raw(['write-tree'])).trim();
  } finally {
    await rm(tempIndex, { force: true });
    await rm(manifestFile, { force: true });
  }
  const ref = recordRef(record.id);
  const previous = await commitOf(repoRoot, ref);
  if (previous !== null && (await gitAt(repoRoot).raw(['rev-parse', `${previous}^{tree}`])).trim() === tree) {
    return { commit: previous, created: false };
  }
  const parents: string[] = [];
  const code = runCodeRevision(record);
  if (code !== null && (await commitOf(repoRoot, code)) !== null) {
    parents.push('-p', code);
  }
  if (previous !== null) {
    parents.push('-p', previous);
  }
  const date = record.endedAt ?? record.createdAt;
  const env = {
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    ...((await repositoryHasIdentity(repoRoot)) ? {} : fallbackIdentityEnv()),
  };
  const message = `xlens record of run ${record.id} (${record.task}, ${record.status})`;
  const commit = (
    await gitAt(repoRoot, { env }).raw(['commit-tree', tree, ...parents, '-m', message])
  ).trim();
  await gitAt(repoRoot, { noHooks: true }).raw(['update-ref', '-m', message, ref, commit]);
  return { commit, created: true };
}

/** The commit `rev` names in the repository, or `null` when there is none. */
export async function commitOf(repoRoot: string, rev: string): Promise<string | null> {
  try {
    return (
      (await gitAt(repoRoot).raw(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])).trim() || null
    );
  } catch {
    return null;
  }
}

/** Regular files under `dir` (recursively; links and special files left out), paths prefixed by `prefix`. */
async function regularFiles(
  dir: string,
  prefix: string,
): Promise<{ path: string; absolute: string; size: number }[]> {
  const out: { path: string; absolute: string; size: number }[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const absolute = join(dir, entry.name);
    const path = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      out.push(...(await regularFiles(absolute, path)));
    } else if (entry.isFile()) {
      out.push({ path, absolute, size: (await lstat(absolute)).size });
    }
  }
  return out;
}
