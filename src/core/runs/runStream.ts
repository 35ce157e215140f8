/**
 * A run as a stream: the output lines and metric points a {@link RunFollower} reads, handed to one
 * listener in order and each once, then the run's end. The task terminal in the editor and
 * `xlens show --follow` both print a run this way. A listener that joins a shared follower late gets
 * the output lines already read first (the follower keeps the end of the log), then everything new.
 */
import type { Disposable } from '../base/disposable';
import type { RunFollower } from './runFollower';
import type { RunRecord } from './types';

/** One metric point as it arrived: metric name, step and value. */
export interface StreamedPoint {
  name: string;
  step: number;
  value: number;
}

/** What a stream's listener is told. */
export interface RunStreamListener {
  /** Complete lines of `output.log`, in order (a last line without newline comes once the run ended). */
  lines(lines: readonly string[]): void;
  /** Metric points appended to `metrics.jsonl`, in file order per metric; omit to ignore metrics. */
  points?(points: readonly StreamedPoint[]): void;
  /** Problems the follower found (bad metric lines, an unreadable run.json). */
  warnings?(warnings: readonly string[]): void;
  /** The run reached a final status and everything it wrote was read: the last call. */
  end(record: RunRecord): void;
  /** The run folder or its run.json disappeared: the last call. */
  missing(): void;
}

/**
 * Streams `follower`'s run to `listener` until the run ends or the returned disposable is disposed.
 * Starts the follower if nobody has (it is shared: the stream never disposes it).
 */
export function streamRun(follower: RunFollower, listener: RunStreamListener): Disposable {
  let closed = false;
  const close = (): void => {
    closed = true;
    subscription.dispose();
  };
  const settle = (): void => {
    if (closed) {
      return;
    }
    if (follower.missing) {
      close();
      listener.missing();
    } else if (follower.done && follower.record) {
      const record = follower.record;
      close();
      listener.end(record);
    }
  };
  // What was read before this listener joined, taken in the same tick as the subscription below, so
  // no line is given twice or missed.
  const history = follower.outputLines;
  const subscription = follower.onDidChange((change) => {
    if (closed) {
      return;
    }
    if (change.logLines.length > 0) {
      listener.lines(change.logLines);
    }
    if (listener.points && change.appended.size > 0) {
      listener.points(appendedPoints(follower, change.appended, change.reset));
    }
    if (listener.warnings && change.warnings.length > 0) {
      listener.warnings(change.warnings);
    }
    settle();
  });
  if (history.length > 0) {
    listener.lines(history);
  }
  void follower.start().then(settle, settle);
  return { dispose: close };
}

/** The points of one change, ordered by step (metrics of one step together). */
function appendedPoints(
  follower: RunFollower,
  appended: ReadonlyMap<string, number>,
  reset: boolean,
): StreamedPoint[] {
  const points: StreamedPoint[] = [];
  for (const [name, count] of appended) {
    const series = follower.series.get(name) ?? [];
    const from = reset ? 0 : Math.max(0, series.length - count);
    for (let i = from; i < series.length; i++) {
      points.push({ name, step: series[i].step, value: series[i].value });
    }
  }
  return points.sort((a, b) => a.step - b.step);
}
