/**
 * The one incremental reader of append-only text files in the product (run folders' `metrics.jsonl`,
 * `output.log`, the task's metrics file, and the text logs of other tools): each read returns the
 * complete lines written since the previous one and leaves a partial last line (no `\n` yet) for the
 * next. A file that was truncated, replaced (new inode, e.g. written elsewhere and renamed over) or
 * rewritten in place (its first bytes changed) is read again from the start and the read says
 * `reset`, so the caller drops what it derived from the old contents.
 *
 * Only regular files are read: a FIFO or a device given as a log would block a reader forever, so it is
 * refused with a {@link NotRegularFileError} before it is opened.
 */
import { open, stat } from 'node:fs/promises';
import { fileKind, NotRegularFileError, READ_NONBLOCKING } from './regularFile';

export { NotRegularFileError } from './regularFile';

/** One complete line, without its `\n` (or `\r\n`), and its 1-based line number in the file. */
export interface TailLine {
  text: string;
  line: number;
}

/** What one {@link FileTail.read} found. */
export interface TailRead {
  lines: TailLine[];
  /** True when the file was rewritten since the previous read and `lines` start again from the top. */
  reset: boolean;
  /** True when the file does not exist (nothing read; the tail waits for it to appear). */
  missing: boolean;
  /**
   * Bytes left unread at the start of the file on the first read because the file held more than the
   * tail's `maxBacklogBytes`; 0 otherwise. Line numbers then count from the first line kept.
   */
  skippedBytes: number;
  /**
   * The last line so far when it has no `\n` yet (a progress bar redrawn with `\r`, a line being
   * written), decoded; `''` when the file ends with a newline. Not consumed: it is read again.
   */
  partial: string;
}

/** Tuning of a {@link FileTail}. */
export interface FileTailOptions {
  /**
   * Longest stretch, in bytes, read from a file the first time (or after a reset); an older start is
   * skipped up to the first line boundary inside the window. Default: unbounded (read everything).
   * For logs shown to a person, whose end matters.
   */
  maxBacklogBytes?: number;
}

/** Options of one read. */
export interface TailReadOptions {
  /**
   * Also return a last line that has no `\n` (the writer finished or died), and consume it. Use once
   * the writer is known to be done; a later append then starts a new line.
   */
  flush?: boolean;
  /**
   * Takes the complete lines as they are read, instead of {@link TailRead.lines} (then empty), so a
   * file of millions of lines is never held as line strings: called one or more times per read with
   * a piece of up to about 1 MiB of decoded text, one or more lines joined by `\n` without the last
   * line's `\n` (a line's `\r` before it is left to the sink), and the 1-based line number of the
   * piece's first line (1 again after a reset).
   */
  sink?: (text: string, firstLine: number) => void;
}

/** Lines in `text` (one more than its `\n`s). */
function countLines(text: string): number {
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    count++;
  }
  return count;
}

/** How many leading bytes are remembered to detect a file rewritten in place with the same or larger size. */
const HEAD_BYTES = 256;
/** Bytes read per `read(2)`. */
const CHUNK = 1 << 20;

/**
 * Tails one file. Not safe for overlapping `read()` calls on the same instance.
 * A missing file is not an error (the read says `missing`); an unreadable one (permissions, I/O
 * errors) makes `read()` reject, and so does a path that is not a regular file.
 */
export class FileTail {
  private offset = 0;
  private lineCount = 0;
  private ino = -1;
  private head = Buffer.alloc(0);
  private lastSize = -1;
  private lastMtime = -1;
  private lastPartial = '';
  private readonly maxBacklog: number;

  constructor(
    readonly file: string,
    options: FileTailOptions = {},
  ) {
    this.maxBacklog = options.maxBacklogBytes ?? Number.POSITIVE_INFINITY;
  }

  /** Bytes consumed so far (up to the end of the last complete line), counted from the file's start. */
  get position(): number {
    return this.offset;
  }

  /** Lines returned so far. */
  get lines(): number {
    return this.lineCount;
  }

  /** Forgets everything: the next read starts at the beginning. */
  restart(): void {
    this.offset = 0;
    this.lineCount = 0;
    this.head = Buffer.alloc(0);
    this.lastSize = -1;
    this.lastMtime = -1;
    this.lastPartial = '';
  }

  /**
   * Reads the complete lines appended since the previous call.
   * @throws NotRegularFileError when the path is a FIFO, device or folder; the file system's error
   *   when it cannot be read.
   */
  async read(options: TailReadOptions = {}): Promise<TailRead> {
    let info;
    try {
      info = await stat(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        const reset = this.offset > 0;
        this.restart();
        return { lines: [], reset, missing: true, skippedBytes: 0, partial: '' };
      }
      throw error;
    }
    if (!info.isFile()) {
      throw new NotRegularFileError(this.file, fileKind(info));
    }
    // Unchanged size and mtime: nothing was appended (the common case when polling).
    if (
      !options.flush &&
      info.size === this.lastSize &&
      info.mtimeMs === this.lastMtime &&
      info.ino === this.ino
    ) {
      return { lines: [], reset: false, missing: false, skippedBytes: 0, partial: this.lastPartial };
    }
    // Non-blocking: a FIFO swapped in since the stat must not block the open.
    const handle = await open(this.file, READ_NONBLOCKING);
    try {
      let reset = false;
      if (this.offset > 0) {
        const replaced = info.ino !== this.ino;
        const shrunk = info.size < this.offset;
        let rewritten = false;
        if (!replaced && !shrunk && this.head.length > 0) {
          const now = Buffer.alloc(this.head.length);
          await handle.read(now, 0, now.length, 0);
          rewritten = !now.equals(this.head);
        }
        if (replaced || shrunk || rewritten) {
          this.restart();
          reset = true;
        }
      }
      this.ino = info.ino;
      const size = info.size;
      let skippedBytes = 0;
      let skipFirstLine = false;
      if (this.offset === 0 && size > this.maxBacklog) {
        // Remember the head for rewrite detection before jumping past it.
        const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
        await handle.read(head, 0, head.length, 0);
        this.head = head;
        skippedBytes = size - this.maxBacklog;
        this.offset = skippedBytes;
        skipFirstLine = true;
      }
      const lines: TailLine[] = [];
      let pending = Buffer.alloc(0);
      let position = this.offset;
      // One read buffer for the whole read: nothing keeps a view of it past its turn (the pending
      // bytes are copied, the lines decoded), and a file of a GB would otherwise allocate a GB of them.
      const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(CHUNK, size - position)));
      while (position < size) {
        const length = Math.min(CHUNK, size - position);
        const { bytesRead } = await handle.read(buffer, 0, length, position);
        if (bytesRead === 0) {
          break;
        }
        position += bytesRead;
        let data =
          pending.length > 0
            ? Buffer.concat([pending, buffer.subarray(0, bytesRead)])
            : buffer.subarray(0, bytesRead);
        if (skipFirstLine) {
          // The window starts inside a line: drop up to its end.
          const cut = data.indexOf(0x0a);
          if (cut < 0) {
            this.offset += data.length;
            skippedBytes += data.length;
            pending = Buffer.alloc(0);
            continue;
          }
          this.offset += cut + 1;
          skippedBytes += cut + 1;
          data = data.subarray(cut + 1);
          skipFirstLine = false;
        }
        const lastNewline = data.lastIndexOf(0x0a);
        if (lastNewline < 0) {
          pending = Buffer.from(data);
          continue;
        }
        const complete = data.subarray(0, lastNewline).toString('utf8');
        pending = Buffer.from(data.subarray(lastNewline + 1));
        this.offset += lastNewline + 1;
        if (options.sink) {
          const first = this.lineCount + 1;
          this.lineCount += countLines(complete);
          options.sink(complete, first);
          continue;
        }
        for (const raw of complete.split('\n')) {
          this.lineCount += 1;
          lines.push({ text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, line: this.lineCount });
        }
      }
      if (options.flush && pending.length > 0 && !skipFirstLine) {
        const raw = pending.toString('utf8');
        this.lineCount += 1;
        this.offset += pending.length;
        if (options.sink) {
          options.sink(raw, this.lineCount);
        } else {
          lines.push({ text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, line: this.lineCount });
        }
        pending = Buffer.alloc(0);
      }
      if (this.head.length < HEAD_BYTES && this.offset > this.head.length && skippedBytes === 0) {
        const head = Buffer.alloc(Math.min(HEAD_BYTES, this.offset));
        await handle.read(head, 0, head.length, 0);
        this.head = head;
      }
      // Remember size/mtime only when everything up to the end was consumed; a pending partial line
      // must be looked at again even if the file does not change (it will, when the line completes).
      this.lastSize = pending.length === 0 ? size : -1;
      this.lastMtime = info.mtimeMs;
      this.lastPartial = skipFirstLine ? '' : pending.toString('utf8');
      return { lines, reset, missing: false, skippedBytes, partial: this.lastPartial };
    } finally {
      await handle.close();
    }
  }
}
