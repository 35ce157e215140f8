/**
 * Reader of one W&B run folder (`wandb/offline-run-<time>-<id>/` or a synced `wandb/run-<time>-<id>/`)
 * or of one `run-<id>.wandb` file, incrementally: each read decodes only the bytes appended since the
 * previous one, so a run still being written is followed; an incomplete record at the end waits for
 * its remaining bytes. A file that shrank or was replaced (new inode) is read again from the start and
 * the read says `reset`.
 *
 * Beside the record stream it reads, when present, `files/wandb-metadata.json` (git commit and remote,
 * program: written when a run is synced) and notes `files/diff.patch` (the uncommitted changes W&B
 * saves with a synced run) as the tag `git.patch`, the patch file's path. wandb 0.30 writes neither in
 * an offline run: there the git commit and remote come from the run's environment record.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CancelledError } from '../../base/errors';
import { openRegularFile } from '../../base/regularFile';
import type { MetricReader, ReadResult, SourceSpec } from '../readers';
import type { ReadWarning } from '../series';
import { RecordLogScanner } from './recordLog';
import { WandbRunState } from './runState';

/** Bytes read per `read(2)` at first; doubled while one record does not fit. */
const CHUNK_BYTES = 4 << 20;
/** Largest metadata file read. */
const MAX_METADATA_BYTES = 1 << 20;

/** True for a W&B run file name (`run-<id>.wandb`; not `.wandb.syncstate` and the like). */
export function isWandbFileName(name: string): boolean {
  return name.endsWith('.wandb');
}

/** One followed `.wandb` file. */
interface FileState {
  path: string;
  scanner: RecordLogScanner;
  ino: number;
  /** Problems reported once per offset (a corrupt block is met again when re-reading after a reset). */
  warned: Set<number>;
}

/**
 * Reads one W&B run (a run folder, or a `.wandb` file). Never throws for bad bytes: they become
 * warnings naming the file and byte offset. I/O errors other than a missing file reject the read.
 */
export class WandbRunReader implements MetricReader {
  readonly source: SourceSpec;
  private state: WandbRunState;
  private files = new Map<string, FileState>();
  private started = false;
  private readonly folder: string;
  private readonly single: string | undefined;

  /** @param path a run folder, or a `.wandb` file. */
  constructor(readonly path: string) {
    this.source = { format: 'wandb', path };
    this.single = isWandbFileName(path) ? path : undefined;
    this.folder = this.single ? join(path, '..') : path;
    this.state = new WandbRunState(runIdOfName(basename(path)));
  }

  /**
   * Reads what was appended since the last read.
   * @param options.signal stops the read between chunks with a `CancelledError` (the reader is then
   *   not to be used again).
   */
  async read(options: { signal?: AbortSignal } = {}): Promise<ReadResult> {
    const warnings: ReadWarning[] = [];
    const first = !this.started;
    const paths = await this.runFiles();
    const infos = await Promise.all(paths.map((p) => stat(p).catch(() => undefined)));
    // A file that shrank or was replaced is read again from the start, with every file of the run
    // (their points were folded into one state).
    const rewritten = paths.some((p, i) => {
      const known = this.files.get(p);
      const info = infos[i];
      return (
        known !== undefined &&
        info !== undefined &&
        (info.ino !== known.ino || info.size < known.scanner.resumeOffset)
      );
    });
    if (rewritten) {
      this.state = new WandbRunState(this.state.fallbackId);
      this.files = new Map();
    }
    for (let i = 0; i < paths.length; i++) {
      const info = infos[i];
      if (info) {
        await this.readFile(paths[i], info, warnings, options.signal);
      }
    }
    if (first || rewritten) {
      await this.readMetadata(warnings);
    }
    this.started = true;
    const { run, changed } = this.state.take(this.path);
    if (!first && !changed && !rewritten) {
      return { runs: [], warnings };
    }
    return { runs: [run], warnings, ...(rewritten ? { reset: [run.id] } : {}) };
  }

  /** The `.wandb` files of the run, in name order (a folder normally holds one). */
  private async runFiles(): Promise<string[]> {
    if (this.single) {
      return [this.single];
    }
    try {
      const names = await readdir(this.folder);
      return names
        .filter(isWandbFileName)
        .sort()
        .map((name) => join(this.folder, name));
    } catch {
      return [];
    }
  }

  private async readFile(
    path: string,
    info: { ino: number; size: number },
    warnings: ReadWarning[],
    signal: AbortSignal | undefined,
  ): Promise<void> {
    let file = this.files.get(path);
    if (!file) {
      file = { path, scanner: new RecordLogScanner(), ino: info.ino, warned: new Set() };
      this.files.set(path, file);
    }
    if (info.size <= file.scanner.resumeOffset || file.scanner.notWandb) {
      return;
    }
    const handle = await openRegularFile(path);
    try {
      let chunk = CHUNK_BYTES;
      let buffer = Buffer.allocUnsafe(Math.min(chunk, info.size));
      for (;;) {
        if (signal?.aborted) {
          throw new CancelledError();
        }
        const from = file.scanner.resumeOffset;
        const want = Math.min(chunk, Math.max(0, info.size - from));
        if (want === 0) {
          break;
        }
        if (buffer.length < want) {
          buffer = Buffer.allocUnsafe(want);
        }
        const { bytesRead } = await handle.read(buffer, 0, want, from);
        if (bytesRead === 0) {
          break;
        }
        const { records, problems } = file.scanner.scan(buffer.subarray(0, bytesRead));
        for (const problem of problems) {
          if (!file.warned.has(problem.offset)) {
            file.warned.add(problem.offset);
            warnings.push({ file: path, offset: problem.offset, message: problem.message });
          }
        }
        for (const record of records) {
          try {
            this.state.apply(record.bytes);
          } catch (error) {
            if (!file.warned.has(record.offset)) {
              file.warned.add(record.offset);
              warnings.push({
                file: path,
                offset: record.offset,
                message: `a record with a valid checksum could not be decoded (${(error as Error).message}); it is skipped`,
              });
            }
          }
        }
        const moved = file.scanner.resumeOffset > from;
        if (bytesRead < want || from + bytesRead >= info.size) {
          break;
        }
        if (!moved) {
          chunk *= 2; // one record longer than the chunk: read more at once
        }
      }
    } finally {
      await handle.close();
    }
  }

  /** `files/wandb-metadata.json` and `files/diff.patch` of a synced run, when present. */
  private async readMetadata(warnings: ReadWarning[]): Promise<void> {
    const files = join(this.folder, 'files');
    const patch = join(files, 'diff.patch');
    if ((await stat(patch).catch(() => undefined))?.isFile()) {
      this.state.setFallbackInfo('git.patch', patch);
    }
    const metadataFile = join(files, 'wandb-metadata.json');
    const info = await stat(metadataFile).catch(() => undefined);
    if (!info?.isFile() || info.size > MAX_METADATA_BYTES) {
      return;
    }
    let data: unknown;
    try {
      const handle = await openRegularFile(metadataFile);
      try {
        data = JSON.parse(await handle.readFile('utf8')) as unknown;
      } finally {
        await handle.close();
      }
    } catch (error) {
      warnings.push({ file: metadataFile, message: `unreadable W&B metadata: ${(error as Error).message}` });
      return;
    }
    const meta = (data ?? {}) as { git?: { commit?: unknown; remote?: unknown }; program?: unknown };
    const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
    const commit = text(meta.git?.commit);
    if (commit) {
      this.state.setFallbackInfo('git.commit', commit);
    }
    const remote = text(meta.git?.remote);
    if (remote) {
      this.state.setFallbackInfo('git.remote', remote);
    }
    const program = text(meta.program);
    if (program) {
      this.state.setFallbackInfo('wandb.program', program);
    }
  }
}

/**
 * The W&B run id a folder or file name carries (`offline-run-20261206_114328-f550cpp5` and
 * `run-f550cpp5.wandb` → `f550cpp5`), so a run has its id before its run record is written.
 */
export function runIdOfName(name: string): string | undefined {
  return (
    /^(?:offline-)?run-\d{8}_\d{6}-([A-Za-z0-9]+)$/.exec(name)?.[1] ??
    /^run-([A-Za-z0-9]+)\.wandb$/.exec(name)?.[1]
  );
}

/** True for a W&B run folder name (`offline-run-<time>-<id>`, `run-<time>-<id>`). */
export function isWandbRunFolderName(name: string): boolean {
  return /^(offline-)?run-\d{8}_\d{6}-[A-Za-z0-9]+$/.test(name);
}

/**
 * The W&B run folders at or below `path`: `path` itself when it is a run folder or a `.wandb` file,
 * else the run folders in `path/` (a `wandb/` folder) or in `path/wandb/` (a project folder).
 */
export async function findWandbRuns(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    return [];
  }
  if (info.isFile()) {
    return isWandbFileName(path) ? [path] : [];
  }
  if (!info.isDirectory()) {
    return [];
  }
  if (isWandbRunFolderName(basename(path)) || (await hasWandbFile(path))) {
    return [path];
  }
  for (const dir of [path, join(path, 'wandb')]) {
    const names = await readdir(dir).catch(() => [] as string[]);
    const runs = names.filter(isWandbRunFolderName).sort();
    if (runs.length > 0) {
      return runs.map((name) => join(dir, name));
    }
  }
  return [];
}

async function hasWandbFile(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.some(isWandbFileName);
}
