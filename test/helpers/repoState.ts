/**
 * Test helper: what a user sees of their repository (every working-tree file's bytes, the index file's
 * bytes, the stash list, HEAD and its branch), to check that a command left it byte-identical.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gitIn } from './gitRepo';

/** Everything a user could notice changing, as comparable strings. */
export interface RepoState {
  files: Map<string, string>;
  index: string;
  stash: string;
  head: string;
  branch: string;
}

function walk(root: string, dir: string, out: Map<string, string>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.git' && entry.name !== '.xlens') {
        walk(root, path, out);
      }
    } else {
      out.set(relative(root, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  }
}

/** The state of the repository at `root` (the run store `.xlens` left out). */
export function repoState(root: string): RepoState {
  const files = new Map<string, string>();
  walk(root, root, files);
  return {
    files,
    index: createHash('sha256')
      .update(readFileSync(join(root, '.git/index')))
      .digest('hex'),
    stash: gitIn(root, ['stash', 'list', '--format=%H %gs']),
    head: gitIn(root, ['rev-parse', 'HEAD']),
    branch: gitIn(root, ['symbolic-ref', '--quiet', 'HEAD']),
  };
}
