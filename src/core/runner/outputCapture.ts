/**
 * Output capture of one run: decodes the task's stdout and stderr, tees the bytes to `output.log` and
 * the text to listeners (the terminal), matches `stdout:` metric patterns line by line, and keeps the
 * end of stderr for the `errorTail` of a failed run.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { MetricSourceSpec } from '../config/types';
import { StdoutPattern } from '../metrics/stdout/stdoutPattern';
import { closeStream } from './closeStream';
import { LineSplitter, MAX_MATCHED_LINE } from './lineSplitter';

/** Bounds of `errorTail`: the last non-empty stderr lines of a failed run. */
const ERROR_TAIL_LINES = 20;
const ERROR_TAIL_BYTES = 4096;
/** How much of the end of stderr is kept in memory to build `errorTail`. */
const STDERR_KEEP_CHARS = 16_384;

/** What {@link OutputCapture} tells the run. */
export interface OutputCaptureListener {
  /** A decoded chunk of output, as it came (never empty). */
  onText(stream: 'stdout' | 'stderr', text: string): void;
  /** A point matched by a `stdout:` pattern; `time` in Unix ms (when the line was matched). */
  onPoint(step: number, time: number, values: Record<string, number>): void;
  /** A warning about the output (at most one, for a line too long to match whole). */
  onWarning(message: string): void;
}

/** The output of one run's task. */
export class OutputCapture {
  private log: WriteStream | undefined;
  private readonly patterns: StdoutPattern[];
  /** Line splitting for the `stdout:` patterns, per stream (bounded, linear in the output). */
  private readonly lineBuffers = {
    stdout: new LineSplitter(MAX_MATCHED_LINE, () => this.warnLongLine()),
    stderr: new LineSplitter(MAX_MATCHED_LINE, () => this.warnLongLine()),
  };
  private longLineWarned = false;
  /** The end of the task's stderr (at most {@link STDERR_KEEP_CHARS}), for `errorTail`. */
  private stderrEnd = '';

  /**
   * @param metrics the task's `metrics:` sources; its `stdout:` patterns are matched against the output.
   * @throws Error (from `StdoutPattern`, naming the fix) when a `stdout:` pattern does not compile or
   *   lacks the named groups.
   */
  constructor(
    metrics: readonly MetricSourceSpec[],
    private readonly listener: OutputCaptureListener,
  ) {
    this.patterns = metrics.flatMap((m) => ('stdout' in m ? [new StdoutPattern(m.stdout)] : []));
  }

  /**
   * Opens `file` (the run's `output.log`) for appending; output before this goes to listeners only.
   * @param onError told once when writing the file fails (disk full, read-only, I/O error); the
   *   output then goes to listeners only.
   */
  open(file: string, onError: (file: string, error: Error) => void): void {
    const log = createWriteStream(file, { flags: 'a' });
    log.once('error', (error) => {
      this.log = undefined;
      onError(file, error);
    });
    log.on('error', () => undefined); // later errors of the same failed stream: already told
    this.log = log;
  }

  /** The `data` handler of one of the task's streams. */
  handler(stream: 'stdout' | 'stderr'): (chunk: Buffer) => void {
    const decoder = new StringDecoder('utf8');
    return (chunk) => {
      this.log?.write(chunk);
      const text = decoder.write(chunk);
      if (text.length === 0) {
        return;
      }
      this.listener.onText(stream, text);
      if (stream === 'stderr') {
        this.stderrEnd = (this.stderrEnd + text).slice(-STDERR_KEEP_CHARS);
      }
      if (this.patterns.length > 0) {
        this.lineBuffers[stream].push(text).forEach((line) => this.matchLine(line));
      }
    };
  }

  /** Writes `xlens: warning: <message>` into `output.log` (when open), where it happened in the output. */
  writeNotice(message: string): void {
    this.log?.write(`xlens: warning: ${message}\n`);
  }

  /** Matches the unfinished last line of each stream, once the task's output has ended. */
  flushLines(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.lineBuffers[stream].end();
      if (rest !== undefined) {
        this.matchLine(rest);
      }
    }
  }

  /** `errorTail` for the record, from the end of stderr (see {@link errorTailOf}). */
  errorTail(): { errorTail?: string } {
    return errorTailOf(this.stderrEnd);
  }

  /** Closes `output.log`; resolves when it is flushed (at once when it was never opened). */
  close(): Promise<void> {
    return closeStream(this.log);
  }

  /** One warning per run for output lines too long to match whole. */
  private warnLongLine(): void {
    if (!this.longLineWarned) {
      this.longLineWarned = true;
      this.listener.onWarning(
        `the task printed a line longer than ${MAX_MATCHED_LINE / (1 << 20)} MiB: only its last ` +
          `${MAX_MATCHED_LINE / (1 << 20)} MiB is matched against the stdout: patterns (output.log has all of it)`,
      );
    }
  }

  private matchLine(line: string): void {
    // Progress bars redraw with \r: keep what follows the last one (linear even for a multi-MB line).
    const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
    const clean = trimmed.slice(trimmed.lastIndexOf('\r') + 1);
    const time = Date.now();
    for (const pattern of this.patterns) {
      for (const point of pattern.match(clean)) {
        this.listener.onPoint(point.step, time, { [point.name]: point.value });
      }
    }
  }
}

/**
 * The last non-empty lines of a task's stderr (at most {@link ERROR_TAIL_LINES} lines and
 * {@link ERROR_TAIL_BYTES} bytes, cut at the start), with progress-bar redraws (`\r`) and terminal
 * colour codes removed; nothing when stderr was empty.
 */
export function errorTailOf(stderr: string): { errorTail?: string } {
  const lines = stderr
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .split('\n')
    .map((line) => {
      const trimmed = line.trimEnd();
      return trimmed.slice(trimmed.lastIndexOf('\r') + 1).trimEnd();
    })
    .filter((line) => line.trim() !== '')
    .slice(-ERROR_TAIL_LINES);
  let tail = lines.join('\n');
  while (Buffer.byteLength(tail) > ERROR_TAIL_BYTES) {
    const cut = tail.indexOf('\n');
    tail = cut < 0 ? tail.slice(-ERROR_TAIL_BYTES) : tail.slice(cut + 1);
  }
  return tail ? { errorTail: tail } : {};
}
