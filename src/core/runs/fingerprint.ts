/**
 * sha256 fingerprints of a run's inputs (`data:` in `xlens.yaml`). Files are streamed, never read
 * whole; results are cached in `.xlens/cache/fingerprints.json` by absolute path and the file's
 * device, inode, size, mtime and ctime, so an unchanged 2 GB file is not re-read on every run. The
 * ctime cannot be set by user tools: a file copied with its mtime kept (`cp -p`, `rsync -a`, `tar x`)
 * or rewritten and `touch`ed back is hashed again. An entry is trusted only when the file's mtime
 * is more than {@link MTIME_SETTLE_MS} older than the moment it was hashed: a file rewritten with the
 * same size within the same clock tick (coarse file-system timestamps) would otherwise keep a stale
 * hash, so such files are hashed again. A folder's fingerprint is the sha256 of the
 * sorted lines `relative/path\0<file sha256>\n` of its files (`.git` and `.xlens` skipped). The cache is
 * never written through a `.xlens` or `.xlens/cache` that is a symbolic link or not a folder (`base/cacheFolder.ts`):
 * the fingerprints are then computed as usual and only the cache is skipped.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { CacheFolderRefusedError, writeCacheFile } from '../base/cacheFolder';
import { fileKind, NotRegularFileError } from '../base/regularFile';
import { openRegularFile } from '../base/regularFile';
import { toJsonText } from './atomicWrite';
import type { DataFingerprint } from './types';

/**
 * A cache entry is trusted only when the file was last modified more than this long (ms) before it was
 * hashed. File systems store mtimes in ticks of up to 2 s (FAT; 1 s on ext3 and HFS+), so a same-size
 * rewrite right after hashing can leave size and mtime unchanged.
 */
export const MTIME_SETTLE_MS = 2000;

interface CacheEntry {
  dev?: number;
  ino?: number;
  size: number;
  mtimeMs: number;
  /** Entries without it (older caches) are hashed again. */
  ctimeMs?: number;
  sha256: string;
  /** Unix ms when the file was hashed (entries without it are hashed again). */
  hashedAt?: number;
}

interface CacheFile {
  version: 1;
  entries: Record<string, CacheEntry>;
}

/**
 * The sha256 of a file, streamed.
 * @throws NotRegularFileError for a FIFO, socket, device or folder (opened without blocking); the
 *   file system's error when it cannot be read.
 */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await openRegularFile(file);
  try {
    for await (const chunk of handle.createReadStream({ autoClose: false })) {
      hash.update(chunk as Buffer);
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/** Fingerprints with a persistent cache keyed on the file's identity and stat times. */
export class Fingerprinter {
  private cache: CacheFile | undefined;
  private dirty = false;

  /** @param cacheFile usually `<root>/.xlens/cache/fingerprints.json`. */
  constructor(private readonly cacheFile: string) {}

  /**
   * Fingerprints each path.
   * @param root the workspace root: recorded paths are relative to it.
   * @param paths relative to `base`, or absolute.
   * @param base the folder relative paths resolve against (the task's working folder; default `root`).
   * @throws Error with `code: 'ENOENT'` when a path does not exist (the caller names the config line);
   *   NotRegularFileError for a path that is neither a file nor a folder; the file system's error when
   *   a file cannot be read.
   */
  async fingerprint(root: string, paths: readonly string[], base = root): Promise<DataFingerprint[]> {
    const out: DataFingerprint[] = [];
    try {
      for (const path of paths) {
        out.push(await this.one(root, resolve(base, path)));
      }
    } finally {
      await this.save();
    }
    return out;
  }

  private async one(root: string, path: string): Promise<DataFingerprint> {
    const absolute = resolve(root, path);
    const info = await stat(absolute);
    const shown = relative(root, absolute).split(sep).join('/') || '.';
    if (!info.isFile() && !info.isDirectory()) {
      throw new NotRegularFileError(absolute, fileKind(info));
    }
    if (info.isFile()) {
      return {
        path: shown,
        sha256: await this.fileHash(absolute, info),
        size: info.size,
        mtime: info.mtime.toISOString(),
        files: 1,
      };
    }
    const files = await listFiles(absolute);
    const hash = createHash('sha256');
    let size = 0;
    let newest = 0;
    for (const file of files) {
      const fileInfo = await stat(file);
      const sha = await this.fileHash(file, fileInfo);
      hash.update(`${relative(absolute, file).split(sep).join('/')}\0${sha}\n`);
      size += fileInfo.size;
      newest = Math.max(newest, fileInfo.mtimeMs);
    }
    return {
      path: shown,
      sha256: hash.digest('hex'),
      size,
      mtime: new Date(newest || info.mtimeMs).toISOString(),
      files: files.length,
    };
  }

  private async fileHash(file: string, info: Stats): Promise<string> {
    const cache = await this.load();
    const hit = cache.entries[file];
    const { dev, ino, size, mtimeMs, ctimeMs } = info;
    if (
      hit &&
      hit.dev === dev &&
      hit.ino === ino &&
      hit.size === size &&
      hit.mtimeMs === mtimeMs &&
      hit.ctimeMs === ctimeMs &&
      hit.hashedAt !== undefined &&
      hit.hashedAt - mtimeMs > MTIME_SETTLE_MS
    ) {
      return hit.sha256;
    }
    const hashedAt = Date.now();
    const sha256 = await sha256File(file);
    cache.entries[file] = { dev, ino, size, mtimeMs, ctimeMs, sha256, hashedAt };
    this.dirty = true;
    return sha256;
  }

  private async load(): Promise<CacheFile> {
    if (!this.cache) {
      try {
        const parsed = JSON.parse(await readFile(this.cacheFile, 'utf8')) as CacheFile;
        this.cache = parsed.version === 1 && parsed.entries ? parsed : { version: 1, entries: {} };
      } catch {
        this.cache = { version: 1, entries: {} }; // missing or corrupt: start afresh
      }
    }
    return this.cache;
  }

  private async save(): Promise<void> {
    if (!this.dirty || !this.cache) {
      return;
    }
    try {
      await writeCacheFile(this.cacheFile, toJsonText(this.cache), 'the data fingerprint cache');
    } catch (error) {
      if (error instanceof CacheFolderRefusedError) {
        return; // the cache only saves hashing again; the fingerprints stand
      }
      throw error;
    }
    this.dirty = false;
  }
}

/** Files under `dir`, recursively, sorted by path; `.git` and `.xlens` folders and symlinked folders skipped. */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.git' && entry.name !== '.xlens') {
        out.push(...(await listFiles(path)));
      }
    } else if (entry.isFile()) {
      out.push(path);
    } else if (entry.isSymbolicLink()) {
      const target = await stat(path).catch(() => undefined);
      if (target?.isFile()) {
        out.push(path);
      }
    }
  }
  return out;
}
