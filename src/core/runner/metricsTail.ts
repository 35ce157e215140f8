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
import { stat } from 'node:fs/promises';
import { open, type FileHandle } from 'node:fs/promises';
import { JsonlMetricsParser, type MetricLine } from '../metrics/jsonl';
import type { ReadWarning } from '../metrics/series';

export interface MetricsTailListener {
  onLines(lines: MetricLine[]): void;
  onWarnings(warnings: ReadWarning[]): void;
}

/** How many leading bytes are compared on each poll to notice a rewrite of the same size or larger. */
const PREFIX_BYTES = 256;
/**
 * Lines remembered (as keys) to skip duplicates when a rewritten file is read again. Beyond this, a
 * rewritten file may give repeated points; files rewritten each epoch are far smaller in practice.
 */
const MAX_REMEMBERED_LINES = 200_000;

/** Warnings remembered to not repeat them when a rewritten file is read again (a run keeps 100). */
const MAX_REMEMBERED_WARNINGS = 1000;

export class MetricsTail {
  private parser: JsonlMetricsParser;
  private handle: FileHandle | undefined;
  private position = 0;
  /** The first bytes read from the current file (at most {@link PREFIX_BYTES}). */
  private prefix: Buffer = Buffer.alloc(0);
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
   */
  constructor(
    private readonly file: string,
    private readonly label: string,
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
    await this.checkRewritten();
    const buffer = Buffer.allocUnsafe(1 << 16);
    for (;;) {
      const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, this.position);
      if (bytesRead === 0) {
        return;
      }
      const chunk = buffer.subarray(0, bytesRead);
      if (this.prefix.length < PREFIX_BYTES && this.position === this.prefix.length) {
        this.prefix = Buffer.concat([this.prefix, chunk.subarray(0, PREFIX_BYTES - this.prefix.length)]);
      }
      this.position += bytesRead;
      const result = this.parser.push(chunk);
      this.emit(result.lines, result.warnings);
    }
  }

  /** Starts again from the beginning when the file was truncated, rewritten or replaced. */
  private async checkRewritten(): Promise<void> {
    const handle = this.handle;
    if (!handle) {
      return;
    }
    const [opened, current] = await Promise.all([handle.stat(), stat(this.file).catch(() => undefined)]);
    if (current && (current.ino !== opened.ino || current.dev !== opened.dev)) {
      // Replaced (written elsewhere and renamed over it): follow the new file.
      const next = await open(this.file, 'r').catch(() => undefined);
      if (next) {
        await handle.close().catch(() => undefined);
        this.handle = next;
        this.restart('it was replaced by another file');
      }
      return;
    }
    if (opened.size < this.position) {
      this.restart(`its size fell from ${this.position} to ${opened.size} bytes`);
      return;
    }
    if (this.prefix.length > 0) {
      const head = Buffer.alloc(this.prefix.length);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      if (bytesRead < head.length || !head.equals(this.prefix)) {
        this.restart('its first bytes changed');
      }
    }
  }

  private restart(reason: string): void {
    this.rewrites++;
    this.position = 0;
    this.prefix = Buffer.alloc(0);
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
