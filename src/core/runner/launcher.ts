/**
 * Starts runs as detached `xlens run` processes and cancels them, so a run outlives the extension
 * host (a window reload, a crash): the CLI is the run's supervisor, writes everything to the run
 * folder, and the editor follows the run through those files. No `vscode` import.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSameProcess } from '../base/process';
import { resolveEntrypoint, type EntrypointCommand } from '../base/entrypoints';
import type { ParamValue, RunRecord } from '../runs/types';
import { dict } from '../../shared/dict';

/** What to run: a task of the `xlens.yaml` in `root`, with params overridden like `--set k=v`. */
export interface LaunchRequest {
  /** Workspace root holding `xlens.yaml` (the CLI's cwd). */
  root: string;
  task: string;
  /** Params to override, by flattened key; recorded as the run's params. */
  overrides?: Record<string, ParamValue>;
  /**
   * CLI arguments that start a run other than `run <task>` (e.g. `reproduce <id> --quiet`); `task` and
   * `overrides` are then not used.
   */
  args?: string[];
}

/** A started supervisor process. */
export interface LaunchedProcess {
  /** PID of the detached CLI; the run records it as `supervisorPid`. */
  pid: number;
  /** Unix ms just before the spawn. */
  startedAt: number;
  /** File receiving the CLI's own stdout/stderr (argument and config errors). */
  launchLog: string;
  /** Settles when the CLI exits, while this process lives to see it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `value` as the text after `=` in `--set key=value`. */
export function overrideText(value: ParamValue): string {
  return value === null ? 'null' : String(value);
}

/**
 * The params of a past run to pass again as overrides: those the task still declares whose recorded
 * value differs from the current one (params the task dropped cannot be set). All of them when the
 * task's current params are unknown.
 */
export function changedParams(
  recorded: Record<string, ParamValue>,
  current: Record<string, ParamValue> | undefined,
): Record<string, ParamValue> {
  if (current === undefined) {
    return { ...recorded };
  }
  return Object.fromEntries(
    Object.entries(recorded).filter(([key, value]) => key in current && current[key] !== value),
  );
}

/** The CLI arguments of a run: `run <task> --set k=v ... --quiet`. */
export function cliRunArgs(task: string, overrides: Record<string, ParamValue> = dict()): string[] {
  const sets = Object.entries(overrides).flatMap(([key, value]) => [
    '--set',
    `${key}=${overrideText(value)}`,
  ]);
  return ['run', task, ...sets, '--quiet'];
}

/**
 * Spawns `xlens run` detached from this process (own process group, no pipes), so it keeps running
 * when the extension host exits.
 * @param entry how to start the CLI; by default the bundled `dist/cli.js` next to this bundle.
 * @param execPath the Node binary; in the editor the extension host's own (run as plain Node).
 * @throws Error when the process cannot be spawned (e.g. the CLI entry is missing).
 */
export function launchRun(
  request: LaunchRequest,
  entry: EntrypointCommand = resolveEntrypoint('cli'),
  execPath: string = process.execPath,
): LaunchedProcess {
  const launchLog = join(tmpdir(), `xlens-launch-${Date.now()}-${randomBytes(4).toString('hex')}.log`);
  const fd = openSync(launchLog, 'a');
  const startedAt = Date.now();
  try {
    const child = spawn(
      execPath,
      [...entry.execArgv, entry.script, ...(request.args ?? cliRunArgs(request.task, request.overrides))],
      {
        cwd: request.root,
        detached: true,
        stdio: ['ignore', fd, fd],
        // The extension host binary may be Electron; this makes it behave as Node.
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        windowsHide: true,
      },
    );
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    // Avoid an unhandled rejection when nobody awaits `exited`.
    exited.catch(() => undefined);
    child.unref();
    if (child.pid === undefined) {
      throw new Error(`Could not start ${entry.script}`);
    }
    return { pid: child.pid, startedAt, launchLog, exited };
  } finally {
    closeSync(fd);
  }
}

/** The run a launched process created: its `supervisorPid` is the process's pid. */
export function isRunOf(run: RunRecord, launched: Pick<LaunchedProcess, 'pid'>): boolean {
  return run.supervisorPid === launched.pid;
}

/** Reads what the CLI printed before it exited (its error message), trimmed; empty when nothing. */
export async function readLaunchLog(launched: LaunchedProcess): Promise<string> {
  try {
    return (await readFile(launched.launchLog, 'utf8')).trim();
  } catch {
    return '';
  }
}

/** Removes the launch log once it is no longer needed. */
export async function removeLaunchLog(launched: LaunchedProcess): Promise<void> {
  await rm(launched.launchLog, { force: true });
}

/** True when a process with `pid` exists (signal 0 probes without touching it). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Asks a run's supervisor to cancel it (SIGTERM): the CLI stops its child cleanly and records the run
 * as `cancelled`. A Slurm run without a live supervisor (detached) is cancelled with `scancel <job>`,
 * started in the background; reconciliation then records `cancelled` once Slurm reports it.
 * @returns false when the run has no live supervisor (already finished, or orphaned: the caller then
 * reconciles the run's status from its files).
 */
export function cancelRun(run: RunRecord): boolean {
  const pid = run.supervisorPid;
  if (run.slurm !== undefined && !isSameProcess(pid, run.supervisorStart)) {
    const scancel = spawn('scancel', [run.slurm.jobId], { stdio: 'ignore', detached: true });
    scancel.once('error', () => undefined);
    scancel.unref();
    return true;
  }
  if (pid === undefined || !isProcessAlive(pid)) {
    return false;
  }
  try {
    process.kill(pid, 'SIGTERM');
    return true;
  } catch {
    return false;
  }
}
