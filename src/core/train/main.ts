/**
 * The built-in job process for `kind: tfjs-train` and `kind: tfjs-eval`.
 * Usage: `node dist/trainer.js <runDir>/task.json` (spawned by the runner; see DESIGN.md, built-in jobs).
 * Environment: XLENS_RUN_DIR, XLENS_METRICS_FILE, XLENS_RUN_ID from the runner; XLENS_TFJS_BACKEND
 * (`tensorflow` | `wasm` | `cpu`) forces a backend (used by the benchmark).
 * Exit codes: 0 succeeded, 1 failed, 2 bad input (message names the file/field and the fix).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserInputError } from '../base/errors';
import type { TaskConfig } from '../config/types';
import { type BackendName, selectBackend } from './backend';
import { runEval } from './evalJob';
import { jobContextFromEnv, mergeInfo, withSeededRandom } from './job';
import { runTrain } from './train';

const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

function readTask(file: string): TaskConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserInputError(`${file}: cannot read the task file (${(error as Error).message}).`, { file });
  }
  try {
    return JSON.parse(text) as TaskConfig;
  } catch (error) {
    throw new UserInputError(`${file}: not valid JSON (${(error as Error).message}).`, { file });
  }
}

async function main(argv: string[]): Promise<number> {
  const taskFile = argv[0];
  if (taskFile === undefined || argv.length !== 1) {
    throw new UserInputError('usage: trainer <path of task.json>');
  }
  const task = readTask(taskFile);
  if (task.kind !== 'tfjs-train' && task.kind !== 'tfjs-eval') {
    throw new UserInputError(
      `${taskFile}: kind "${String(task.kind)}" is not run by the trainer; use tfjs-train or tfjs-eval.`,
    );
  }
  const ctx = jobContextFromEnv(taskFile);
  const forced = process.env.XLENS_TFJS_BACKEND;
  if (forced !== undefined && !BACKENDS.includes(forced as BackendName)) {
    throw new UserInputError(`XLENS_TFJS_BACKEND="${forced}" is not a backend; use ${BACKENDS.join(', ')}.`);
  }
  const backend = await selectBackend(forced as BackendName | undefined);
  mergeInfo(ctx, { backend: backend.backend, tfjsVersion: backend.tfjsVersion });
  if (backend.fallbacks && process.env.XLENS_DEBUG) {
    console.log(`backend fallbacks: ${backend.fallbacks.join('; ')}`);
  }
  if (task.kind === 'tfjs-train') {
    await withSeededRandom(task.seed, () => runTrain(task, ctx, backend));
  } else {
    await runEval(task, ctx);
  }
  return 0;
}

/**
 * Writes the failure's message to `<runDir>/info.json` as `error` (first line of a crash), so the run
 * record says why it failed and not only its exit code. Best effort: the message is on stderr anyway.
 */
function recordError(error: unknown): void {
  const runDir = process.env.XLENS_RUN_DIR;
  if (!runDir) {
    return;
  }
  const message =
    error instanceof UserInputError
      ? error.message
      : `${error instanceof Error ? error.message : String(error)}`.split('\n')[0];
  try {
    mergeInfo(jobContextFromEnv(join(runDir, 'task.json')), { error: message });
  } catch {
    // The run folder is gone or read-only: stderr still has the message.
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    recordError(error);
    if (error instanceof UserInputError) {
      console.error(`error: ${error.message}`);
      process.exitCode = 2;
    } else {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    }
  },
);
