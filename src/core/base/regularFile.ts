/**
 * Reading only regular files. A FIFO (or a character device) named where a file is expected would block
 * an `open()` for reading until some writer appears, forever and in a thread Ctrl-C cannot interrupt; a
 * socket cannot be read at all. Every reader of a path from the workspace or the command line checks the
 * kind first and opens with `O_NONBLOCK`, so a special file swapped in after the check still cannot
 * block: it is refused by the `fstat` of the opened descriptor.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, type ReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/**
 * Flags for opening a file that should be regular for reading without ever blocking in `open()`
 * (`O_NONBLOCK` changes nothing for a regular file; `O_NOCTTY` keeps a terminal device from becoming the
 * controlling one).
 */
export const READ_NONBLOCKING = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/** Raised for a path that exists but is not a regular file. */
export class NotRegularFileError extends Error {
  /** `EISDIR` for a folder, else `ENOTREG` (a FIFO, socket or device). */
  readonly code: 'EISDIR' | 'ENOTREG';

  /** @param kind what the path is instead (`folder`, `FIFO`, `socket`, `device`). */
  constructor(
    readonly file: string,
    readonly kind: string,
  ) {
    const code = kind === 'folder' ? 'EISDIR' : 'ENOTREG';
    super(`${file} is a ${kind}, not a regular file (${code}); only regular files are read`);
    this.name = 'NotRegularFileError';
    this.code = code;
  }
}

/** What a file system entry that is not a regular file is, for messages. */
export function fileKind(info: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isFile(): boolean;
}): string {
  return info.isFile()
    ? 'regular file'
    : info.isDirectory()
      ? 'folder'
      : info.isFIFO()
        ? 'FIFO'
        : info.isSocket()
          ? 'socket'
          : 'device';
}

/**
 * Opens `path` for reading when it is a regular file, without blocking on a special file.
 * @returns the open handle (the caller closes it).
 * @throws NotRegularFileError for a folder, FIFO, socket or device; the file system's error otherwise
 *   (ENOENT, EACCES, and ENXIO for a socket).
 */
export async function openRegularFile(path: string): Promise<FileHandle> {
  const handle = await open(path, READ_NONBLOCKING);
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new NotRegularFileError(path, fileKind(info));
    }
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * The bytes of `path` when it is a regular file, opened as {@link openRegularFile} does.
 * @throws as {@link openRegularFile}.
 */
export async function readRegularFile(path: string): Promise<Buffer> {
  const handle = await openRegularFile(path);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * A read stream of `path` when it is a regular file, opened as {@link openRegularFile} does; the stream
 * closes the file when it ends, fails or is destroyed.
 * @throws as {@link openRegularFile}.
 */
export async function createRegularFileStream(
  path: string,
  options: { highWaterMark?: number; signal?: AbortSignal } = {},
): Promise<ReadStream> {
  const handle = await openRegularFile(path);
  return handle.createReadStream(options);
}

/**
 * Reads the whole of `file` synchronously when it is a regular file, opened as {@link openRegularFile}
 * does (the config loader's params files).
 * @returns the bytes.
 * @throws as {@link openRegularFile}.
 */
export function readRegularFileSync(file: string): Buffer {
  const fd = openSync(file, READ_NONBLOCKING);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) {
      throw new NotRegularFileError(file, fileKind(info));
    }
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
