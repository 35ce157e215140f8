/**
 * A run's `info.json`: what a built-in job (trainer, evaluation, drift) reports about itself, read
 * when the run ends: extra record fields, its error message and its warnings.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { RUN_FILES } from '../runs/store';
import type { Outcome } from './outcome';

/**
 * Reads `file` (a run's `info.json`): undefined when it is absent; a value that is not a JSON object,
 * or a file that cannot be read or parsed, is told to `warn` (naming `info.json`) and ignored.
 */
export async function readJobInfo(
  file: string,
  warn: (message: string) => void,
): Promise<Record<string, unknown> | undefined> {
  if (!existsSync(file)) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
    warn(`${RUN_FILES.info}: expected a JSON object; ignored`);
  } catch (error) {
    warn(`${RUN_FILES.info}: ${(error as Error).message}; ignored`);
  }
  return undefined;
}

/**
 * A failed run says why: a built-in job's message (`error` in its `info.json`) goes before the exit
 * description, e.g. `data.csv:1: target column "y" is not in the header ... (exited with code 2)`.
 * Runs that were stopped (cancel, timeout) and other outcomes are returned as they are.
 */
export function explainFailure(
  outcome: Outcome,
  info: Record<string, unknown> | undefined,
  stopped: boolean,
): Outcome {
  const message = typeof info?.error === 'string' ? info.error.trim() : '';
  if (outcome.status !== 'failed' || stopped || message === '') {
    return outcome;
  }
  return { ...outcome, error: outcome.error ? `${message} (${outcome.error})` : message };
}

/** The strings in a built-in job's `warnings` (bad cells, a tiny validation split), in order. */
export function jobWarnings(info: Record<string, unknown> | undefined): string[] {
  const list: unknown[] = Array.isArray(info?.warnings) ? info.warnings : [];
  return list.filter((message): message is string => typeof message === 'string');
}
