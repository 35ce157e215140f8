/**
 * Relays a task's output to the terminal without letting a slow reader make the CLI buffer it: while
 * the stream already holds more than {@link MAX_BUFFERED_BYTES} not yet taken by its reader (a
 * paused pager, a slow pipe), further output is left out of the terminal and counted, and a note
 * says how much once the reader catches up. `output.log` has all of it in any case.
 */
import { formatBytes } from '../shared/formatting';

/** Bytes a terminal or pipe may hold unread before output is left out of it. */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

type Stream = NodeJS.WritableStream & { writableLength?: number };

/** One relay per command; it tracks each stream it writes to. */
export class OutputRelay {
  private readonly dropped = new Map<Stream, number>();

  /**
   * What to write of `text` to `stream` now: `text` itself, `text` after a note about output left out
   * earlier, or `''` while the stream is too far behind.
   */
  admit(stream: Stream, text: string): string {
    const behind = stream.writableLength ?? 0;
    const dropped = this.dropped.get(stream) ?? 0;
    if (behind > MAX_BUFFERED_BYTES) {
      this.dropped.set(stream, dropped + Buffer.byteLength(text));
      return '';
    }
    if (dropped === 0) {
      return text;
    }
    this.dropped.delete(stream);
    return `${note(dropped)}${text}`;
  }

  /** The note about output still left out of `stream` when the task ended (`''` when none was). */
  finish(stream: Stream): string {
    const dropped = this.dropped.get(stream) ?? 0;
    this.dropped.delete(stream);
    return dropped === 0 ? '' : note(dropped);
  }
}

function note(dropped: number): string {
  return (
    `\n[xlens: ${formatBytes(dropped)} of output not shown here while this terminal was not reading; ` +
    'all of it is in output.log]\n'
  );
}
