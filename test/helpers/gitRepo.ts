/**
 * Test helpers: real git repositories in temp folders. Git runs with an isolated HOME and no system
 * config, so the developer's own settings never leak into a test.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Environment for git in tests: isolated HOME, no system config, a fixed identity. */
export function gitTestEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Author',
    GIT_COMMITTER_EMAIL: 'author@example.com',
  };
}

/** A fresh temp folder (not a repository). */
export function tempDir(prefix = 'xlens-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs git in `cwd` and returns trimmed stdout. */
export function gitIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = gitTestEnv(tmpdir())): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Writes files (path → content) under `root`, creating folders. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** Creates a repository on branch `main` with `files` committed as the first commit. */
export function makeRepo(files: Record<string, string>, message = 'initial commit'): string {
  const root = tempDir('xlens-repo-');
  gitIn(root, ['init', '-q', '-b', 'main']);
  writeFiles(root, files);
  gitIn(root, ['add', '-A']);
  gitIn(root, ['commit', '-q', '-m', message]);
  return root;
}
