/** Closing the run's append streams (`output.log`, `metrics.jsonl`) at the end of a run. */
import type { WriteStream } from 'node:fs';

/**
 * Ends `stream` and resolves once its data is flushed and the file closed, or once it failed (a full
 * disk: its error is the stream owner's to report); at once when it is absent or already closed.
 */
export function closeStream(stream: WriteStream | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!stream || stream.closed || stream.destroyed) {
      resolve();
      return;
    }
    stream.once('close', () => resolve());
    stream.end();
  });
}
