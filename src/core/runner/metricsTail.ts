/**
 * Follows a metrics file (the task writes it through `XLENS_METRICS_FILE`) while it grows: reads the
 * new bytes on a short poll, parses complete lines with the protocol parser, and keeps a partial last
 * line for the next read. Polling rather than `fs.watch`: it behaves the same on every filesystem
 * (network drives, containers) and costs one `stat` per interval.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { JsonlMetricsParser, type MetricLine } from '../metrics/jsonl';
import type { ReadWarning } from '../metrics/series';

export interface MetricsTailListener {
  onLines(lines: MetricLine[]): void;
  onWarnings(warnings: ReadWarning[]): void;
}

export class MetricsTail {
  private readonly parser: JsonlMetricsParser;
  private handle: FileHandle | undefined;
  private position = 0;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> = Promise.resolve();
  private stopped = false;

  /**
   * @param file the file to follow (it may not exist yet).
   * @param label the name used in warnings (e.g. the file's name within the run folder).
   */
  constructor(
    private readonly file: string,
    label: string,
    private readonly listener: MetricsTailListener,
    private readonly intervalMs = 200,
  ) {
    this.parser = new JsonlMetricsParser(label);
  }

  start(): void {
    this.schedule();
  }

  /** Reads what is new now (serialised with the poll). */
  poll(): Promise<void> {
    this.reading = this.reading.then(() => this.readNew()).catch(() => undefined);
    return this.reading;
  }

  /** Stops polling, reads everything left (including a last line without newline), closes the file. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.poll();
    const rest = this.parser.end();
    this.emit(rest.lines, rest.warnings);
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
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

  private async readNew(): Promise<void> {
    if (!this.handle) {
      try {
        this.handle = await open(this.file, 'r');
      } catch {
        return; // not written yet
      }
    }
    const buffer = Buffer.allocUnsafe(1 << 16);
    for (;;) {
      const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, this.position);
      if (bytesRead === 0) {
        return;
      }
      this.position += bytesRead;
      const result = this.parser.push(buffer.subarray(0, bytesRead));
      this.emit(result.lines, result.warnings);
    }
  }

  private emit(lines: MetricLine[], warnings: ReadWarning[]): void {
    if (lines.length > 0) {
      this.listener.onLines(lines);
    }
    if (warnings.length > 0) {
      this.listener.onWarnings(warnings);
    }
  }
}
