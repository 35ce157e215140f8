/** Existence and kind checks on workspace paths that never throw (an unreadable path is "not there"). */
import { access, open } from 'node:fs/promises';
import { READ_NONBLOCKING } from '../../base/regularFile';

/** True when `path` exists (any kind of entry). */
export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** True when `path` is a folder that can be opened. */
export async function isFolder(path: string): Promise<boolean> {
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
    const handle = await open(path, READ_NONBLOCKING);
    try {
      return (await handle.stat()).isDirectory();
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}
