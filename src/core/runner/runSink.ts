/**
 * Where a run's metric points and warnings go while it is followed, whichever executor runs it
 * (a local process in `RunExecution`, a Slurm job in `SlurmExecution`): each point is added to the
 * run's record and `metrics.jsonl` through its {@link RecordWriter} and told to listeners; each warning
 * is kept in the record (saved soon after) and told to listeners.
 */
import type { MetricLine } from '../metrics/jsonl';
import { RUN_FILES, type RunStore } from '../runs/store';
import { MetricsTail } from './metricsTail';
import type { RecordWriter } from './recordWriter';
import type { RunEmitters } from './types';

/** The metric points and warnings of one run, recorded and told to listeners. */
export class RunSink {
  /**
   * @param writer the run's record writer (its record names the run).
   * @param emit the runner's emitters (`metric` and `warning` are fired).
   */
  constructor(
    private readonly writer: RecordWriter,
    private readonly emit: Pick<RunEmitters, 'metric' | 'warning'>,
  ) {}

  /**
   * Records one point and tells listeners (a point with no values, e.g. only non-finite ones, is
   * recorded but not told).
   * @param step the point's step; `time` in Unix ms; `nonFinite` names metrics whose value was NaN or
   *   ±Infinity at this step.
   */
  point(step: number, time: number, values: Record<string, number>, nonFinite: readonly string[] = []): void {
    this.writer.addPoint(step, time, values, nonFinite);
    if (Object.keys(values).length > 0) {
      this.emit.metric.fire({ runId: this.writer.record.id, step, time, values });
    }
  }

  /** Records lines of the metrics protocol; a line without `time` takes the time it was read. */
  lines(lines: readonly MetricLine[]): void {
    const now = Date.now();
    for (const line of lines) {
      this.point(line.step, line.time ?? now, line.values, Object.keys(line.nonFinite ?? {}));
    }
  }

  /** Keeps a warning in the run's record (saved soon after) and tells listeners. */
  warn(message: string): void {
    this.writer.addWarning(message);
    this.emit.warning.fire({ runId: this.writer.record.id, message });
    this.writer.scheduleSave();
  }

  /**
   * A follower of the file the task writes metrics lines to (`XLENS_METRICS_FILE`), feeding this
   * sink; its warnings name the file and line. Not started.
   * @param pollIntervalMs how often the file is read, ms.
   */
  followRawMetrics(store: RunStore, pollIntervalMs: number): MetricsTail {
    return new MetricsTail(
      store.file(this.writer.record.id, 'rawMetrics'),
      RUN_FILES.rawMetrics,
      {
        onLines: (lines) => this.lines(lines),
        onWarnings: (warnings) =>
          warnings.forEach((w) =>
            this.warn(`${w.file}${w.line !== undefined ? `:${w.line}` : ''}: ${w.message}`),
          ),
      },
      pollIntervalMs,
    );
  }
}
