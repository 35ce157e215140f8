/**
 * Incremental reading of an append-only text file: returns the complete lines written since the
 * previous read and leaves a partial last line (no `\n` yet) for the next one. Detects a file that
 * was truncated, replaced (new inode) or rewritten in place (its first bytes changed) and starts over,
 * reporting `reset` so the caller can drop what it derived from the old contents.
 */
import { open, stat } from 'node:fs/promises';

/** One complete line, without its `\n` (or `\r\n`), and its 1-based line number in the file. */
export interface TailLine {
  text: string;
  line: number;
}

export interface TailRead {
  lines: TailLine[];
  /** True when the file was rewritten since the previous read and `lines` start again from line 1. */
  reset: boolean;
  /** True when the file does not exist (nothing read; state kept for when it appears). */
  missing: boolean;
}

/** How many leading bytes are remembered to detect a file rewritten in place with the same or larger size. */
const HEAD_BYTES = 256;
const CHUNK = 1 << 20;

/**
 * Tails one file. Not safe for overlapping `read()` calls on the same instance.
 * Unreadable files (permissions, I/O errors) make `read()` reject; a missing file does not.
 */
export class TextTail {
  private offset = 0;
  private lineCount = 0;
  private ino = -1;
  private head = Buffer.alloc(0);
  private lastSize = -1;
  private lastMtime = -1;

  constructor(readonly file: string) {}

  /** Bytes consumed so far (up to the end of the last complete line). */
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
  }

  /** Reads the complete lines appended since the previous call. */
  async read(): Promise<TailRead> {
    let info;
    try {
      info = await stat(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        const reset = this.offset > 0;
        this.restart();
        return { lines: [], reset, missing: true };
      }
      throw error;
    }
    // Unchanged size and mtime: nothing was appended (the common case when polling).
    if (info.size === this.lastSize && info.mtimeMs === this.lastMtime && info.ino === this.ino) {
      return { lines: [], reset: false, missing: false };
    }
    const handle = await open(this.file, 'r');
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
      const lines: TailLine[] = [];
      let pending = Buffer.alloc(0);
      let position = this.offset;
      const size = info.size;
      while (position < size) {
        const length = Math.min(CHUNK, size - position);
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, position);
        if (bytesRead === 0) {
          break;
        }
        position += bytesRead;
        const data =
          pending.length > 0
            ? Buffer.concat([pending, buffer.subarray(0, bytesRead)])
            : buffer.subarray(0, bytesRead);
        const lastNewline = data.lastIndexOf(0x0a);
        if (lastNewline < 0) {
          pending = Buffer.from(data);
          continue;
        }
        const complete = data.subarray(0, lastNewline).toString('utf8');
        pending = Buffer.from(data.subarray(lastNewline + 1));
        this.offset += lastNewline + 1;
        for (const raw of complete.split('\n')) {
          this.lineCount += 1;
          lines.push({ text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, line: this.lineCount });
        }
      }
      if (this.head.length < HEAD_BYTES && this.offset > this.head.length) {
        const head = Buffer.alloc(Math.min(HEAD_BYTES, this.offset));
        await handle.read(head, 0, head.length, 0);
        this.head = head;
      }
      // Remember size/mtime only when everything up to the end was consumed; a pending partial line
      // must be looked at again even if the file does not change (it will, when the line completes).
      this.lastSize = pending.length === 0 ? size : -1;
      this.lastMtime = info.mtimeMs;
      return { lines, reset, missing: false };
    } finally {
      await handle.close();
    }
  }
}
