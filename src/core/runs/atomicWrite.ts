/** Atomic file writes: a temp file beside the target, then rename, so readers never see half a file. */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';

function tempName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/** Writes `data` (a string as UTF-8) to `file` atomically (same folder temp file + rename). */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = tempName(file);
  try {
    await writeFile(temp, data, 'utf8');
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Synchronous {@link writeFileAtomic}, for `process.on('exit')` handlers. */
export function writeFileAtomicSync(file: string, data: string): void {
  const temp = tempName(file);
  try {
    writeFileSync(temp, data, 'utf8');
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** JSON as stored on disk: two-space indent and a final newline. */
export function toJsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
