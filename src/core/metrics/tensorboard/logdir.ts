/**
 * One-shot reading of a TensorBoard logdir: every run below it, in the common series model.
 */
import { readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { MetricPoint, ReadWarning, SeriesRun } from '../series';
import { isEventFileName, TensorBoardRunReader, type TensorBoardRunReaderOptions } from './runReader';
import { dict } from '../../../shared/dict';
import { TensorBoardRunParams } from './runParams';

/** A TensorBoard run in the common model, plus what the reader skipped or found wrong. */
export interface TensorBoardRun extends SeriesRun {
  source: 'tensorboard';
  /** Non-scalar values skipped, per plugin (`histograms`, `images`, `hparams`, `pr_curves`...). */
  skippedPlugins: Record<string, number>;
  /** Problems met while reading (bad checksums, malformed events, unreadable files). */
  warnings: ReadWarning[];
  /** Bytes at the end of event files that are not a complete record (writer still running, or cut). */
  pendingBytes: number;
}

/** Folders never descended into while looking for runs. */
const IGNORED_DIRS = new Set(['node_modules', '.git']);

/**
 * Finds the run directories below `logdir` (each directory that directly holds `*tfevents*`
 * files, the logdir itself included), sorted by path. Symbolic links to folders are not followed.
 *
 * @returns absolute paths; unreadable sub-folders are skipped.
 */
export async function findTensorBoardRuns(logdir: string): Promise<string[]> {
  const runs: string[] = [];
  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => !e.isDirectory() && isEventFileName(e.name))) {
      runs.push(dir);
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !IGNORED_DIRS.has(entry.name)) {
        await walk(join(dir, entry.name));
      }
    }
  }
  await walk(resolve(logdir));
  return runs.sort();
}

/** Run id of `runDir` within `logdir`: the relative path with `/` separators, `.` for the logdir. */
export function runIdOf(logdir: string, runDir: string): string {
  const rel = relative(resolve(logdir), runDir);
  return rel === '' ? '.' : rel.split(sep).join('/');
}

/**
 * Reads every run below `logdir` completely.
 *
 * A run's metrics map holds one series per scalar tag, in tag first-seen order, points in file
 * order (files merged by creation time). `time` is the event's wall time × 1000 (Unix ms);
 * `startTime`/`endTime` span the summary events. Never throws for bad data: each run carries its
 * warnings.
 *
 * @param logdir the folder given to TensorBoard (`tensorboard --logdir`).
 */
export async function readTensorBoardLogdir(
  logdir: string,
  options: TensorBoardRunReaderOptions = {},
): Promise<TensorBoardRun[]> {
  const runs: TensorBoardRun[] = [];
  for (const dir of await findTensorBoardRuns(logdir)) {
    runs.push(await readTensorBoardRun(dir, runIdOf(logdir, dir), options));
  }
  return runs;
}

/** Reads one run directory completely (see {@link readTensorBoardLogdir}). */
export async function readTensorBoardRun(
  dir: string,
  id: string,
  options: TensorBoardRunReaderOptions = {},
): Promise<TensorBoardRun> {
  const reader = new TensorBoardRunReader(dir, options);
  const result = await reader.read();
  const metrics = new Map<string, MetricPoint[]>();
  for (const tag of reader.tags) {
    const points = result.newPoints.get(tag);
    if (points) {
      metrics.set(tag, points);
    }
  }
  const range = reader.timeRange;
  const { params } = await new TensorBoardRunParams(dir).read(reader, result.warnings);
  return {
    id,
    name: id,
    source: 'tensorboard',
    path: dir,
    metrics,
    params,
    tags: dict(),
    ...(range ? { startTime: range.start, endTime: range.end } : {}),
    skippedPlugins: reader.skippedPlugins,
    warnings: result.warnings,
    pendingBytes: reader.pendingBytes,
  };
}
