/** Existence and kind checks on workspace paths that never throw (an unreadable path is "not there"). */
import { access, open } from 'node:fs/promises';

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
    const handle = await open(path, 'r');
    try {
      return (await handle.stat()).isDirectory();
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}
