/**
 * Test helpers for the CLI: `xlens` as a real child process (from the TypeScript sources through
 * tsx), in-process runs for the many bad-input cases, and readers of the run store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../src/cli/main';
import type { RunRecord } from '../../src/core/runs/types';
import { gitTestEnv, tempDir } from './gitRepo';

export const repoRoot = resolve(__dirname, '../..');
/** tsx's loader, by absolute URL: `--import tsx` would resolve it from the (temp) working folder. */
export const tsxLoader = pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;
export const cliSource = join(repoRoot, 'src/cli/main.ts');

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment of a CLI child: git isolated from the developer's config, plus what shells set. */
export function cliEnv(): NodeJS.ProcessEnv {
  // EDITOR and PAGER as many shells (and `npm run`) set them: git tracking must still work.
  return { ...gitTestEnv(tempDir('xlens-home-')), EDITOR: 'vi', PAGER: 'less' };
}

/** Runs the CLI's `main` in this process with collecting streams. */
export async function xlensInProcess(cwd: string, args: string[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    ({ write: (chunk: string) => (append(String(chunk)), true) }) as unknown as NodeJS.WritableStream;
  const code = await main(args, {
    cwd,
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    env: process.env,
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

/** A running `xlens` process: its output so far (updated as it arrives) and its end. */
export interface XlensProcess {
  child: ChildProcess;
  output: Result;
  done: Promise<Result>;
}

/** Starts `xlens <args>` as a real process (stdout and stderr are pipes, not a TTY) in `cwd`. */
export function startXlens(cwd: string, args: string[]): XlensProcess {
  const child = spawn(process.execPath, ['--import', tsxLoader, cliSource, ...args], {
    cwd,
    env: cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: Result = { code: null, stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output.stderr += d.toString()));
  const done = new Promise<Result>((resolve, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      output.code = code;
      resolve(output);
    });
  });
  return { child, output, done };
}

/** Runs `xlens <args>` as a real process (stdout and stderr are pipes, not a TTY) in `cwd`. */
export function xlens(cwd: string, args: string[], onSpawn?: (pid: number) => void): Promise<Result> {
  const started = startXlens(cwd, args);
  onSpawn?.(started.child.pid!);
  return started.done;
}

/** Ids of the run folders under `root`'s store (none when the store does not exist). */
export function runIds(root: string): string[] {
  const dir = join(root, '.xlens', 'runs');
  if (!existsSync(dir)) {
    return [];
  }
  // Ids carry the second only; runs of the same second are ordered by createdAt, as the store does.
  const created = (id: string): string => {
    try {
      return (JSON.parse(readFileSync(join(dir, id, 'run.json'), 'utf8')) as RunRecord).createdAt;
    } catch {
      return '';
    }
  };
  return readdirSync(dir)
    .map((id) => ({ id, key: `${id.slice(0, id.indexOf('-'))} ${created(id)}` }))
    .sort((a, b) => a.key.localeCompare(b.key) || a.id.localeCompare(b.id))
    .map((r) => r.id);
}

/** The run.json of the only (or latest) run, or undefined while there is none or it is being replaced. */
export function latestRun(root: string): RunRecord | undefined {
  const id = runIds(root).at(-1);
  if (!id) {
    return undefined;
  }
  try {
    return JSON.parse(readFileSync(join(root, '.xlens/runs', id, 'run.json'), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}

/**
 * Polls `check` every 50 ms until it is true. The limit is generous (a loaded 2-core machine runs
 * several test processes at once); hitting it fails the test with `what`.
 */
export async function waitFor(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The accepted metric lines of a run (`metrics.jsonl`). */
export function metricLines(root: string, id: string): { step: number; values: Record<string, number> }[] {
  return readFileSync(join(root, '.xlens/runs', id, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { step: number; values: Record<string, number> });
}
