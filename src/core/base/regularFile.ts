/**
 * Opening a file that must be a regular file without ever blocking: `open(2)` of a FIFO waits for a
 * writer forever, so the file is opened with `O_NONBLOCK` and checked with `fstat` on the open
 * descriptor (a check of the path before opening could race with a swap). Folders, FIFOs, sockets
 * and devices are refused with a {@link NotRegularFileError}.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { NotRegularFileError, kindOf } from './fileTail';

/** `O_RDONLY | O_NONBLOCK` (no `O_NONBLOCK` on Windows, where there are no FIFOs to block on). */
const READ_NONBLOCK = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Opens `file` for reading.
 * @throws NotRegularFileError when it is a folder, FIFO, socket or device; the file system's error
 *   (`ENOENT`, `EACCES`, ...) when it cannot be opened.
 */
export async function openRegularFile(file: string): Promise<FileHandle> {
  const handle = await open(file, READ_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new NotRegularFileError(file, kindOf(info));
    }
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Reads the whole of `file`, synchronously.
 * @returns the bytes.
 * @throws NotRegularFileError when it is not a regular file; the file system's error otherwise.
 */
export function readRegularFileSync(file: string): Buffer {
  const fd = openSync(file, READ_NONBLOCK);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) {
      throw new NotRegularFileError(file, kindOf(info));
    }
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
