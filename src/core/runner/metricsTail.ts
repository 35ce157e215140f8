/**
 * Follows a metrics file (the task writes it through `XLENS_METRICS_FILE`) while it grows: reads the
 * new bytes on a short poll, parses complete lines with the protocol parser, and keeps a partial last
 * line for the next read. Polling rather than `fs.watch`: it behaves the same on every filesystem
 * (network drives, containers) and costs one `stat` per interval.
 *
 * The protocol asks tasks to append. A task that rewrites the file instead (`open(path, 'w')` each
 * epoch, or write-to-temp-then-rename) is detected: the file is shorter than what was read, its first
 * bytes changed, or the path names another file. The file is then read again from the start, and a
 * line already taken from it earlier (same step, time and values) is not taken twice, so both
 * "rewrite with the latest point only" and "rewrite with the whole history" keep each point once.
 * One warning per run says how to fix the task.
 */
import { FileTail } from '../base/fileTail';
import { JsonlMetricsParser, type MetricLine } from '../metrics/jsonl';
import type { ReadWarning } from '../metrics/series';

export interface MetricsTailListener {
  onLines(lines: MetricLine[]): void;
  onWarnings(warnings: ReadWarning[]): void;
}

/**
 * Lines remembered (as keys) to skip duplicates when a rewritten file is read again. Beyond this, a
 * rewritten file may give repeated points; files rewritten each epoch are far smaller in practice.
 */
const MAX_REMEMBERED_LINES = 200_000;

/** Warnings remembered to not repeat them when a rewritten file is read again (a run keeps 100). */
const MAX_REMEMBERED_WARNINGS = 1000;

/** Follows the task's metrics file through the one {@link FileTail}; see the module comment. */
export class MetricsTail {
  private parser: JsonlMetricsParser;
  private readonly tail: FileTail;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> = Promise.resolve();
  private stopped = false;
  /** How often the file was found rewritten. */
  private rewrites = 0;
  /** Keys of the lines taken so far (undefined once more than {@link MAX_REMEMBERED_LINES}). */
  private seenLines: Set<string> | undefined = new Set();
  /** Keys of the warnings given so far: a rewritten file read again does not repeat them. */
  private readonly seenWarnings = new Set<string>();

  /**
   * @param file the file to follow (it may not exist yet).
   * @param label the name used in warnings (e.g. the file's name within the run folder).
   * @param intervalMs poll interval, ms.
   */
  constructor(
    private readonly file: string,
    private readonly label: string,
    private readonly listener: MetricsTailListener,
    private readonly intervalMs = 200,
  ) {
    this.parser = new JsonlMetricsParser(label);
    this.tail = new FileTail(file);
  }

  start(): void {
    this.schedule();
  }

  /** Reads what is new now (serialised with the poll). */
  poll(): Promise<void> {
    return this.enqueue(false);
  }

  /** Stops polling, reads everything left (including a last line without newline). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.enqueue(true);
  }

  private enqueue(flush: boolean): Promise<void> {
    this.reading = this.reading.then(() => this.readNew(flush)).catch((error: unknown) => this.failed(error));
    return this.reading;
  }

  private schedule(): void {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(() => {
      void this.poll().then(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref?.();
  }

  private async readNew(flush: boolean): Promise<void> {
    const read = await this.tail.read({ flush });
    if (read.reset) {
      this.restart(read.missing ? 'it was deleted' : 'it was truncated, replaced or its first bytes changed');
    }
    if (read.lines.length > 0) {
      const result = this.parser.pushLines(read.lines.map((l) => l.text));
      this.emit(result.lines, result.warnings);
    }
  }

  /** A file that cannot be read (not a regular file, permissions) is reported once, not retried noisily. */
  private failed(error: unknown): void {
    const message = `cannot read ${this.file}: ${error instanceof Error ? error.message : String(error)}`;
    this.emit([], [{ file: this.label, message }]);
  }

  private restart(reason: string): void {
    this.rewrites++;
    // A partial last line of the old content is dropped: its end was never written.
    this.parser = new JsonlMetricsParser(this.label);
    if (this.rewrites === 1) {
      this.listener.onWarnings([
        {
          file: this.label,
          message:
            `XLENS_METRICS_FILE was rewritten (${reason}): append to it (open(path, 'a')) rather than ` +
            'rewriting it; xlens reads it again from the start and keeps each point once, but points ' +
            'written between two of its reads can be lost',
        },
      ]);
    }
  }

  private emit(lines: MetricLine[], warnings: ReadWarning[]): void {
    const fresh = lines.filter((line) => this.firstTime(line));
    const newWarnings = warnings.filter((w) => {
      const key = `${w.line ?? ''}\u0000${w.message}`;
      if (this.seenWarnings.has(key)) {
        return false;
      }
      if (this.seenWarnings.size < MAX_REMEMBERED_WARNINGS) {
        this.seenWarnings.add(key);
      }
      return true;
    });
    if (fresh.length > 0) {
      this.listener.onLines(fresh);
    }
    if (newWarnings.length > 0) {
      this.listener.onWarnings(newWarnings);
    }
  }

  /** True for a line not taken before (always true until the file was first rewritten). */
  private firstTime(line: MetricLine): boolean {
    if (!this.seenLines) {
      return true;
    }
    const key = JSON.stringify([line.step, line.time ?? null, line.values, line.nonFinite ?? null]);
    if (this.seenLines.has(key)) {
      return this.rewrites === 0; // an appending task may repeat a line on purpose
    }
    if (this.seenLines.size >= MAX_REMEMBERED_LINES) {
      this.seenLines = undefined;
      return true;
    }
    this.seenLines.add(key);
    return true;
  }
}
