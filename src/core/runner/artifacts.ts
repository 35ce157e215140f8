/** What a finished run recorded as artifacts: the entries of `<runDir>/artifacts/` and the task's `outputs`. */
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Artifact } from '../runs/types';

/** Size of a file, or the total of a folder's files. */
export async function pathSize(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) {
    return info.size;
  }
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.isDirectory() || entry.isFile()) {
      total += await pathSize(join(path, entry.name)).catch(() => 0);
    }
  }
  return total;
}

/**
 * The top-level entries of `<runDir>/artifacts/` (paths relative to the run folder) and each existing
 * output (resolved against `base`, the task's working folder; recorded relative to the workspace root).
 * @returns the artifacts and the outputs that do not exist.
 */
export async function collectArtifacts(
  runDir: string,
  root: string,
  outputs: readonly string[],
  base = root,
): Promise<{ artifacts: Artifact[]; missing: string[] }> {
  const artifacts: Artifact[] = [];
  const missing: string[] = [];
  const dir = join(runDir, 'artifacts');
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const name of entries.sort()) {
    artifacts.push({
      path: `artifacts/${name}`,
      size: await pathSize(join(dir, name)).catch(() => 0),
      root: 'run',
    });
  }
  for (const output of outputs) {
    const absolute = resolve(base, output);
    try {
      artifacts.push({
        path: relative(root, absolute).split(sep).join('/') || '.',
        size: await pathSize(absolute),
        root: 'workspace',
      });
    } catch {
      missing.push(output);
    }
  }
  return { artifacts, missing };
}
