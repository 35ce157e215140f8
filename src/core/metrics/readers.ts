/**
 * The common interface of every metric reader (MLflow, DVCLive, Keras/Lightning CSV, TensorBoard, JSONL)
 * and the accumulator that folds their incremental results into full runs.
 *
 * A reader is bound to one source (a file or a folder) and is incremental: the first `read()` returns
 * everything readable, each later call returns only what was appended since (new points, plus the
 * current metadata of every run that changed). A partial record at the end of a file is left for the
 * next read. When a source is rewritten (truncated, replaced, a CSV header widened) the reader re-reads
 * it and lists the run ids in `reset`, so consumers drop what they hold for those runs first.
 */
import type { MetricPoint, MetricSourceKind, ReadWarning, SeriesRun } from './series';

/** One source of imported metrics: a format and an absolute path (file or folder). */
export interface SourceSpec {
  format: MetricSourceKind;
  /** Absolute path of the file or folder the reader reads. */
  path: string;
}

/** The outcome of one `read()`: a delta against the previous read of the same reader. */
export interface ReadResult {
  /**
   * Runs with something new: `metrics` hold only the points appended since the previous read;
   * `params`, `tags`, `status`, times and `gitCommit` are the current, complete values.
   */
  runs: SeriesRun[];
  /** Problems met in this read (bad lines, unreadable files), each naming the file and line or offset. */
  warnings: ReadWarning[];
  /** Ids of runs whose previously returned points are void (the source was rewritten); their full series follow in `runs`. */
  reset?: string[];
  /** Ids of runs that disappeared from the source (deleted folder or row). */
  removed?: string[];
  /**
   * Set when the source could not be read consistently this time (an SQLite store written during every
   * attempt): nothing was taken, and the next read starts where this one would have.
   */
  incomplete?: boolean;
}

/** Reads one source incrementally. Never throws for unreadable data: problems become warnings. */
export interface MetricReader {
  readonly source: SourceSpec;
  /**
   * Reads what was appended since the previous call (everything on the first call).
   * Calls must not overlap; callers await one before starting the next.
   * @param options.signal stops a long read (readers of large files check it between chunks; the others
   *   ignore it): the read rejects with a `CancelledError`, and the reader is not read again.
   */
  read(options?: { signal?: AbortSignal }): Promise<ReadResult>;
  /** Releases held resources (open databases, caches). */
  dispose?(): void;
}

/** An empty result, for readers with nothing new. */
export function emptyResult(): ReadResult {
  return { runs: [], warnings: [] };
}

/** A key for a run that is unique across sources: `<format>:<source path>#<run id>`. */
export function runKey(source: SourceSpec, runId: string): string {
  return `${source.format}:${source.path}#${runId}`;
}

/** True when a result carries nothing: no runs, warnings, resets or removals. */
export function isEmptyResult(result: ReadResult): boolean {
  return (
    result.runs.length === 0 &&
    result.warnings.length === 0 &&
    (result.reset?.length ?? 0) === 0 &&
    (result.removed?.length ?? 0) === 0
  );
}

/** Counts the points carried by a result. */
export function countPoints(result: ReadResult): number {
  let total = 0;
  for (const run of result.runs) {
    for (const points of run.metrics.values()) {
      total += points.length;
    }
  }
  return total;
}

/**
 * Folds the deltas of one reader into complete runs. Points are appended in arrival order; a reset
 * replaces the run's series; metadata is replaced by the latest read.
 */
export class SeriesAccumulator {
  private readonly runs = new Map<string, SeriesRun>();
  /** Warnings seen so far, at most `maxWarnings` kept; `warningCount` counts all. */
  readonly warnings: ReadWarning[] = [];
  warningCount = 0;

  constructor(private readonly maxWarnings = 1000) {}

  /** Applies one read result. */
  apply(result: ReadResult): void {
    for (const id of result.removed ?? []) {
      this.runs.delete(id);
    }
    for (const id of result.reset ?? []) {
      const run = this.runs.get(id);
      if (run) {
        run.metrics = new Map();
      }
    }
    for (const delta of result.runs) {
      const existing = this.runs.get(delta.id);
      if (!existing) {
        this.runs.set(delta.id, {
          ...delta,
          metrics: new Map([...delta.metrics].map(([k, v]) => [k, [...v]])),
        });
        continue;
      }
      const metrics = existing.metrics;
      Object.assign(existing, delta, { metrics });
      for (const [name, points] of delta.metrics) {
        const series = metrics.get(name);
        if (series) {
          for (const p of points) {
            series.push(p);
          }
        } else {
          metrics.set(name, [...points]);
        }
      }
    }
    this.warningCount += result.warnings.length;
    for (const w of result.warnings) {
      if (this.warnings.length >= this.maxWarnings) {
        break;
      }
      this.warnings.push(w);
    }
  }

  /** The runs read so far, in first-seen order. */
  snapshot(): SeriesRun[] {
    return [...this.runs.values()];
  }

  get(id: string): SeriesRun | undefined {
    return this.runs.get(id);
  }
}

/** Reads a source to the end once and returns its complete runs and warnings. */
export async function readAll(reader: MetricReader): Promise<{ runs: SeriesRun[]; warnings: ReadWarning[] }> {
  const acc = new SeriesAccumulator(Number.POSITIVE_INFINITY);
  acc.apply(await reader.read());
  return { runs: acc.snapshot(), warnings: acc.warnings };
}

/** Adds `point` to `metrics[name]`, creating the series. */
export function pushPoint(metrics: Map<string, MetricPoint[]>, name: string, point: MetricPoint): void {
  const series = metrics.get(name);
  if (series) {
    series.push(point);
  } else {
    metrics.set(name, [point]);
  }
}
