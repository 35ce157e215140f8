/**
 * Example workspaces for the real-editor tests: a temporary copy of `examples/<name>` turned into a git
 * repository with one commit, as a user's project would be.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './paths';

/** A temp copy of an example; `dispose()` deletes it. */
export interface ExampleWorkspace {
  /** Absolute path of the workspace folder. */
  root: string;
  /** The commit the example was committed as (40 hex). */
  commit: string;
  dispose(): void;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Experiment Lens Tests',
  GIT_AUTHOR_EMAIL: 'tests@xlens.invalid',
  GIT_COMMITTER_NAME: 'Experiment Lens Tests',
  GIT_COMMITTER_EMAIL: 'tests@xlens.invalid',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();
}

/** Copies `examples/<name>` into a fresh temp folder and commits it on branch `main`. */
export function createExampleWorkspace(name = 'penguins'): ExampleWorkspace {
  const parent = mkdtempSync(join(tmpdir(), 'xlens-ws-'));
  const root = join(parent, name);
  cpSync(join(REPO_ROOT, 'examples', name), root, { recursive: true });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', `Example ${name}`);
  const commit = git(root, 'rev-parse', 'HEAD');
  return { root, commit, dispose: () => rmSync(parent, { recursive: true, force: true }) };
}
