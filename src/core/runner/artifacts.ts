/**
 * What a finished run recorded as artifacts: the entries of `<runDir>/artifacts/` and the task's
 * `outputs`. An output counts only when the run wrote it: a file (or, for a folder, its newest file)
 * last modified before the run started is an older run's, and is reported instead of recorded.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { fileKind, NotRegularFileError, openRegularFile } from '../base/regularFile';
import type { Artifact } from '../runs/types';

/** Output files up to this size get a sha256 in the record (hashing 64 MiB takes ~0.2 s). */
export const OUTPUT_HASH_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Slack for filesystem clocks: Linux stamps files from a coarse clock that can lag the wall clock by
 * a few ms, so a file written just after the start may carry an mtime a little before it.
 */
const MTIME_SLACK_MS = 100;

/** Size of a file, or the total of a folder's files (see {@link pathInfo} for links). */
export async function pathSize(path: string, within?: string): Promise<number> {
  return (await pathInfo(path, within)).size;
}

/** Raised for an output or artifact that is a symbolic link to a place outside the workspace. */
export class LinkOutsideError extends Error {
  constructor(
    readonly path: string,
    readonly target: string,
  ) {
    super(
      `${path} is a link to ${target}, outside the workspace; links out of the workspace are not followed`,
    );
    this.name = 'LinkOutsideError';
  }
}

/**
 * Refuses `path` when it is a symbolic link whose target lies outside `within` (an `artifacts/` link to
 * `/` would otherwise make sizing walk the whole file system). Links inside a folder are never followed
 * by the walk below either.
 * @throws LinkOutsideError for such a link.
 */
async function checkLink(path: string, within: string | undefined): Promise<void> {
  if (within === undefined || !(await lstat(path)).isSymbolicLink()) {
    return;
  }
  const [target, base] = await Promise.all([realpath(path), realpath(within)]);
  if (target !== base && !target.startsWith(`${base}${sep}`)) {
    throw new LinkOutsideError(path, target);
  }
}

/**
 * Size (for a folder: total of its files) and latest mtime (ms; for a folder: its newest file's). A
 * folder's entries other than regular files and folders (FIFOs, sockets, links) are left out.
 * @throws NotRegularFileError when `path` is a FIFO, socket or device (reading it could block forever).
 */
async function pathInfo(
  path: string,
  within?: string,
): Promise<{ size: number; mtimeMs: number; file: boolean }> {
  await checkLink(path, within);
  const info = await stat(path);
  if (info.isFile()) {
    return { size: info.size, mtimeMs: info.mtimeMs, file: true };
  }
  if (!info.isDirectory()) {
    throw new NotRegularFileError(path, fileKind(info));
  }
  let size = 0;
  let mtimeMs = -Infinity;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.isDirectory() || entry.isFile()) {
      const inner = await pathInfo(join(path, entry.name)).catch(() => undefined);
      if (inner) {
        size += inner.size;
        mtimeMs = Math.max(mtimeMs, inner.mtimeMs);
      }
    }
  }
  // An empty folder: its own mtime (creating it is what the run did).
  return { size, mtimeMs: mtimeMs === -Infinity ? info.mtimeMs : mtimeMs, file: false };
}

/**
 * True when a file stamped `mtimeMs` was written at or after `startMs`. Filesystems with whole-second
 * (or FAT's two-second) timestamps round down, so an mtime on such a boundary is compared with the
 * start rounded down the same way: a file written in the run's first second still counts.
 */
export function writtenSince(mtimeMs: number, startMs: number): boolean {
  const tick = mtimeMs % 2000 === 0 ? 2000 : mtimeMs % 1000 === 0 ? 1000 : 0;
  const start = tick > 0 ? Math.floor(startMs / tick) * tick : startMs - MTIME_SLACK_MS;
  return mtimeMs >= start;
}

/** Hex sha256 of a regular file's bytes (refused without blocking if a FIFO took its place). */
async function sha256File(path: string): Promise<string> {
  const handle = await openRegularFile(path);
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    handle
      .createReadStream()
      .on('data', (chunk) => hash.update(chunk))
      .on('error', fail)
      .on('end', () => done(hash.digest('hex')));
  });
}

/** An output that exists but was last modified before the run started. */
export interface StaleOutput {
  /** Path relative to the workspace root, as it would have been recorded. */
  path: string;
  /** Its (newest file's) last modification, ISO 8601. */
  modifiedAt: string;
}

/** The run warning for an output the run did not write. */
export function staleOutputWarning(output: StaleOutput): string {
  return (
    `output ${output.path} was not written by this run (last modified ${output.modifiedAt}, before the ` +
    'run started); not recorded as its artifact. Check that the task saves it there.'
  );
}

/**
 * The top-level entries of `<runDir>/artifacts/` (paths relative to the run folder) and each existing
 * output (resolved against `base`, the task's working folder; recorded relative to the workspace root,
 * with its mtime, and for a file up to {@link OUTPUT_HASH_MAX_BYTES} its sha256).
 * @param startedAt when the task started (Unix ms): outputs last modified before it are returned in
 *   `stale`, not recorded. Without it every existing output is recorded.
 * @returns the artifacts, the outputs that do not exist, the outputs this run did not write, and
 *   warnings for outputs that are not regular files or folders (a FIFO, socket or device: never read).
 */
export async function collectArtifacts(
  runDir: string,
  root: string,
  outputs: readonly string[],
  base = root,
  startedAt?: number,
): Promise<{ artifacts: Artifact[]; missing: string[]; stale: StaleOutput[]; refused: string[] }> {
  const artifacts: Artifact[] = [];
  const missing: string[] = [];
  const stale: StaleOutput[] = [];
  const refused: string[] = [];
  const dir = join(runDir, 'artifacts');
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const name of entries.sort()) {
    artifacts.push({
      path: `artifacts/${name}`,
      size: await pathSize(join(dir, name), root).catch(() => 0),
      root: 'run',
    });
  }
  for (const output of outputs) {
    const absolute = resolve(base, output);
    let info: Awaited<ReturnType<typeof pathInfo>>;
    try {
      info = await pathInfo(absolute, root);
    } catch (error) {
      if (error instanceof NotRegularFileError || error instanceof LinkOutsideError) {
        refused.push(`output "${output}": ${error.message}; not recorded as an artifact`);
      } else {
        missing.push(output);
      }
      continue;
    }
    const path = relative(root, absolute).split(sep).join('/') || '.';
    const modifiedAt = new Date(Math.round(info.mtimeMs)).toISOString(); // as fs.Stats.mtime rounds
    if (startedAt !== undefined && !writtenSince(info.mtimeMs, startedAt)) {
      stale.push({ path, modifiedAt });
      continue;
    }
    const sha256 =
      info.file && info.size <= OUTPUT_HASH_MAX_BYTES
        ? await sha256File(absolute).catch(() => undefined)
        : undefined;
    artifacts.push({
      path,
      size: info.size,
      root: 'workspace',
      modifiedAt,
      ...(sha256 ? { sha256 } : {}),
    });
  }
  return { artifacts, missing, stale, refused };
}
