/**
 * A cache of what the workspace scan read from each metric log (`discoverImportedRuns` with a
 * `cacheFile`), so a listing such as `xlens runs` does not re-read every TensorBoard, MLflow, DVCLive
 * and CSV log on each call. An entry is used only while its source's **signature** is unchanged: for
 * a file, its device, inode, size, mtime and ctime (with SQLite's `-wal`/`-journal` files beside it);
 * for a folder, the same of every file below it. Listing a folder and stat-ing its files is cheap next
 * to decoding its logs. The cache file is JSON, written atomically, rebuilt when unreadable, and never
 * written through a `.xlens` or `.xlens/cache` that is a symbolic link (`base/cacheFolder.ts`).
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeCacheFile } from '../../base/cacheFolder';
import { toJsonText } from '../../runs/atomicWrite';
import type { ImportedRun } from './importedRun';
import type { SourceSpec } from '../readers';
import type { ReadWarning } from '../series';

/** What the scan keeps of one source. */
export interface CachedSource {
  runs: ImportedRun[];
  warnings: ReadWarning[];
  warningCount: number;
}

interface Entry extends CachedSource {
  format: string;
  signature: string;
}

interface CacheFile {
  /** 2 since the runs' metrics carry min, max and best step. */
  version: 2;
  /** The folder the runs' relative paths are relative to; another base invalidates everything. */
  base: string;
  entries: Record<string, Entry>;
}

/** Files below a folder source taken into its signature; beyond this it is always re-read. */
const MAX_SIGNATURE_FILES = 50_000;

/** The cache of one scan: look up sources, store what was read, then {@link save}. */
export class DiscoveryCache {
  private readonly used = new Set<string>();
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly data: CacheFile,
    private readonly beforeWrite?: () => Promise<void>,
  ) {}

  /**
   * Opens the cache file for a scan of `base` (a missing, damaged or other-base file starts empty).
   * @param beforeWrite called before the file is written (e.g. to create `.xlens/.gitignore`); when it
   *   throws, the cache is not written.
   */
  static async open(file: string, base: string, beforeWrite?: () => Promise<void>): Promise<DiscoveryCache> {
    let data: CacheFile = { version: 2, base, entries: {} };
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as CacheFile;
      if (
        parsed.version === 2 &&
        parsed.base === base &&
        parsed.entries &&
        typeof parsed.entries === 'object'
      ) {
        data = parsed;
      }
    } catch {
      // Missing or damaged: start afresh.
    }
    return new DiscoveryCache(file, data, beforeWrite);
  }

  /** The signature of a source now (undefined when it cannot be computed: always re-read). */
  async signature(source: SourceSpec): Promise<string | undefined> {
    return sourceSignature(source.path);
  }

  /** What was read from `source` when its signature was `signature`, if that is cached. */
  get(source: SourceSpec, signature: string | undefined): CachedSource | undefined {
    const entry = this.data.entries[source.path];
    if (
      signature === undefined ||
      !entry ||
      entry.format !== source.format ||
      entry.signature !== signature
    ) {
      return undefined;
    }
    this.used.add(source.path);
    return {
      // JSON has no NaN: a metric without a last value comes back as null.
      runs: entry.runs.map((run) => ({
        ...run,
        metrics: run.metrics.map((m) => ({ ...m, last: m.last ?? Number.NaN })),
      })),
      warnings: entry.warnings,
      warningCount: entry.warningCount,
    };
  }

  /** Records what was read from `source` at `signature`. */
  set(source: SourceSpec, signature: string | undefined, read: CachedSource): void {
    if (signature === undefined) {
      return;
    }
    this.used.add(source.path);
    this.data.entries[source.path] = { format: source.format, signature, ...read };
    this.changed = true;
  }

  /** Writes the cache when it changed, dropping sources the scan no longer found. Never throws. */
  async save(): Promise<void> {
    for (const path of Object.keys(this.data.entries)) {
      if (!this.used.has(path)) {
        delete this.data.entries[path];
        this.changed = true;
      }
    }
    if (!this.changed) {
      return;
    }
    try {
      await this.beforeWrite?.();
      await writeCacheFile(this.file, toJsonText(this.data), 'the imported runs cache');
      this.changed = false;
    } catch {
      // A cache that cannot be written only costs the next scan a full read.
    }
  }
}

/**
 * The signature of a file or folder: a sha1 over `relative path, dev, ino, size, mtime, ctime` of the
 * file (and its SQLite `-wal`/`-journal` companions) or of every file below the folder.
 */
export async function sourceSignature(path: string): Promise<string | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    return undefined;
  }
  const lines: string[] = [];
  const add = (
    name: string,
    s: { dev: number; ino: number; size: number; mtimeMs: number; ctimeMs: number },
  ) => lines.push(`${name}\0${s.dev}\0${s.ino}\0${s.size}\0${s.mtimeMs}\0${s.ctimeMs}`);
  if (info.isFile()) {
    add('.', info);
    for (const suffix of ['-wal', '-journal']) {
      const companion = await stat(path + suffix).catch(() => undefined);
      if (companion) {
        add(suffix, companion);
      }
    }
  } else if (info.isDirectory()) {
    const pending = [''];
    while (pending.length > 0) {
      const rel = pending.pop()!;
      const entries = await readdir(join(path, rel), { withFileTypes: true }).catch(() => undefined);
      if (!entries) {
        return undefined;
      }
      for (const entry of entries) {
        const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
        if (entry.isDirectory()) {
          pending.push(child);
        } else if (entry.isFile()) {
          const s = await stat(join(path, child)).catch(() => undefined);
          if (!s) {
            return undefined;
          }
          add(child, s);
          if (lines.length > MAX_SIGNATURE_FILES) {
            return undefined;
          }
        }
      }
    }
    lines.sort();
  } else {
    return undefined;
  }
  return createHash('sha1').update(lines.join('\n')).digest('hex');
}
