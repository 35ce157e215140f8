/**
 * Where the drift view's report comes from: the `artifacts/drift-report.json` of a drift run, or a fresh
 * comparison of two files. The comparison runs `xlens drift` in a child process (the same entry the CLI
 * and the task runner use), so a large file never blocks the extension host. No `vscode` import.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledError, UserInputError } from '../base/errors';
import { resolveEntrypoint } from '../base/entrypoints';
import type { DriftReport } from './types';

/** The report file a drift run stores, relative to its run folder. */
export const DRIFT_REPORT_ARTIFACT = join('artifacts', 'drift-report.json');

/**
 * Checks the shape of a parsed report (schema 1) enough for the view to rely on it.
 * @throws UserInputError naming `file` and what is wrong.
 */
export function checkDriftReport(value: unknown, file: string): DriftReport {
  const fail = (what: string): never => {
    throw new UserInputError(`${file}: not a drift report of this version (${what}).`, { file });
  };
  if (typeof value !== 'object' || value === null) {
    return fail('not a JSON object');
  }
  const r = value as Partial<Record<keyof DriftReport, unknown>>;
  if (r.schema !== 1) {
    fail(`"schema" is ${JSON.stringify(r.schema)}, expected 1`);
  }
  if (!Array.isArray(r.columns) || !Array.isArray(r.skipped)) {
    fail('"columns" and "skipped" must be lists');
  }
  const dataset = r.dataset as Record<string, unknown> | undefined;
  if (typeof dataset !== 'object' || dataset === null || typeof dataset.driftDetected !== 'boolean') {
    fail('"dataset" has no verdict');
  }
  const inputs = r.inputs as Record<string, Record<string, unknown> | undefined> | undefined;
  if (typeof inputs?.reference?.file !== 'string' || typeof inputs.current?.file !== 'string') {
    fail('"inputs" must name the reference and current files');
  }
  for (const [i, c] of (r.columns as unknown[]).entries()) {
    const column = c as Record<string, unknown> | null;
    if (
      typeof column?.name !== 'string' ||
      typeof column.drifted !== 'boolean' ||
      typeof column.histogram !== 'object' ||
      column.histogram === null
    ) {
      fail(`column ${i + 1} lacks its name, verdict or histogram`);
    }
  }
  return value as DriftReport;
}

/**
 * Reads the report of a drift run.
 * @param runDir absolute path of `.xlens/runs/<id>`.
 * @throws UserInputError when the run has no report (not a drift run, or it failed before writing one) or
 *   the file is not a report.
 */
export async function readRunDriftReport(runDir: string): Promise<DriftReport> {
  const file = join(runDir, DRIFT_REPORT_ARTIFACT);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserInputError(
        `This run has no drift report (${file} does not exist). Drift reports come from tasks of kind "drift" that succeeded.`,
        { file },
      );
    }
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UserInputError(`${file}: not valid JSON (${(error as Error).message}).`, { file });
  }
  return checkDriftReport(parsed, file);
}

/** Two files to compare. */
export interface DriftFilesRequest {
  /** Paths as given to `xlens drift`: absolute, or relative to `cwd` (shown as written in the report). */
  reference: string;
  current: string;
  /** Working folder of the child (the workspace root). */
  cwd: string;
  signal?: AbortSignal;
  /** Extra `xlens drift` flags, e.g. `['--max-rows', '200000']`. */
  flags?: string[];
}

/**
 * Compares two files with `xlens drift` in a child process and returns its report.
 * @throws UserInputError with the CLI's message for bad input (exit 2: unreadable file, missing column,
 *   ragged rows, not UTF-8...); CancelledError when `signal` fires (the child is killed); Error otherwise.
 */
export async function computeDriftReport(request: DriftFilesRequest): Promise<DriftReport> {
  const dir = await mkdtemp(join(tmpdir(), 'xlens-drift-view-'));
  const out = join(dir, 'report.json');
  try {
    const entry = resolveEntrypoint('cli');
    // Options first, then `--`: a file named like an option (`-x.csv`) is still a file.
    const args = [
      ...entry.execArgv,
      entry.script,
      'drift',
      ...(request.flags ?? []),
      '--json',
      out,
      '--',
      request.reference,
      request.current,
    ];
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      if (request.signal?.aborted) {
        reject(new CancelledError());
        return;
      }
      const child = spawn(process.execPath, args, {
        cwd: request.cwd,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      });
      let err = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (d: string) => {
        err = (err + d).slice(-20_000);
      });
      const abort = (): void => {
        child.kill();
      };
      request.signal?.addEventListener('abort', abort, { once: true });
      child.on('error', (error) => {
        request.signal?.removeEventListener('abort', abort);
        reject(error);
      });
      child.on('close', (exit) => {
        request.signal?.removeEventListener('abort', abort);
        resolve({ code: exit, stderr: err });
      });
    });
    if (request.signal?.aborted) {
      throw new CancelledError();
    }
    const message = stderr
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('wrote '))
      .join('\n')
      .replace(/^xlens: /, '')
      .trim();
    if (code === 2) {
      throw new UserInputError(message || 'xlens drift rejected its input.');
    }
    if (code !== 0) {
      throw new Error(`xlens drift failed (exit ${String(code)}): ${message || 'no message'}`);
    }
    return checkDriftReport(JSON.parse(await readFile(out, 'utf8')), out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
