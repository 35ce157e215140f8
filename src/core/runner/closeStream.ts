/** Closing the run's append streams (`output.log`, `metrics.jsonl`) at the end of a run. */
import type { WriteStream } from 'node:fs';

/** Ends `stream` and resolves once its data is flushed; at once when it is absent or already closed. */
export function closeStream(stream: WriteStream | undefined): Promise<void> {
  return new Promise((resolve) => (stream && !stream.closed ? stream.end(() => resolve()) : resolve()));
}
