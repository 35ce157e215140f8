/**
 * Writing a large value as pretty-printed JSON without building the whole text in memory: a drift report
 * of 100,000 columns is about 1 GB of JSON, which `JSON.stringify` would hold as one string (and its
 * UTF-16 copy) before the first byte reaches the disk. The text is produced piece by piece by
 * `json-stream-stringify` and written with back-pressure, so memory stays at a few chunks.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { JsonStreamStringify } from 'json-stream-stringify';

/** Indentation of every JSON file and listing xlens writes (as `JSON.stringify(value, null, 2)`). */
const SPACES = 2;

/**
 * Writes `value` to the file `path` as `JSON.stringify(value, null, 2)` followed by a newline, the same
 * text byte for byte, streamed. Creates or truncates the file.
 *
 * @param signal stops the write (the file is left partial; callers write to a path they own).
 * @throws the file system's error (`ENOENT`, `EACCES`, `ENOSPC`, ...) or an `AbortError`.
 */
export async function writeJsonFile(path: string, value: unknown, signal?: AbortSignal): Promise<void> {
  const text = new JsonStreamStringify(value, undefined, SPACES);
  const newline = async function* (source: AsyncIterable<string | Buffer>): AsyncGenerator<string | Buffer> {
    yield* source;
    yield '\n';
  };
  await pipeline(text, newline, createWriteStream(path), { signal });
}

/**
 * Writes `value` to an open stream (stdout) as `JSON.stringify(value, null, 2)` and a newline, waiting
 * for `drain` whenever the stream's buffer is full. The stream stays open.
 */
export async function writeJson(target: NodeJS.WritableStream, value: unknown): Promise<void> {
  for await (const chunk of new JsonStreamStringify(value, undefined, SPACES) as AsyncIterable<
    string | Buffer
  >) {
    if (!target.write(chunk)) {
      await once(target as NodeJS.EventEmitter, 'drain');
    }
  }
  if (!target.write('\n')) {
    await once(target as NodeJS.EventEmitter, 'drain');
  }
}
