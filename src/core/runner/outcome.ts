/** How a run ended, from the way its task process exited and why it was stopped. */
import { formatDuration } from '../../shared/formatting';
import type { TaskConfig } from '../config/types';
import type { RunStatus } from '../runs/types';
import { signalName } from './processTree';

/** The final status of a run and what run.json says about it. */
export interface Outcome {
  status: RunStatus;
  exitCode?: number | null;
  signal?: string | null;
  error?: string;
}

/** How the task process ended (`error` when it could not be spawned or signalled). */
export interface TaskExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/**
 * The outcome of a run: `cancelled` when it was cancelled, `failed` on a timeout, a signal or a
 * non-zero exit code, `succeeded` on exit code 0. For `run:` commands, a shell exit code 128 + n is
 * read as signal n, and 126 / 127 are explained (POSIX shell conventions).
 */
export function runOutcome(
  exit: TaskExit,
  context: {
    stopReason?: 'cancel' | 'timeout';
    started: boolean;
    task: Pick<TaskConfig, 'kind' | 'timeoutMs'>;
  },
): Outcome {
  const { code, signal, error } = exit;
  if (error && !context.started) {
    return { status: 'failed', exitCode: null, error: `could not start the task: ${error.message}` };
  }
  const ended = { exitCode: code, signal };
  if (context.stopReason === 'cancel') {
    return { status: 'cancelled', ...ended, error: 'cancelled' };
  }
  if (context.stopReason === 'timeout') {
    const limit = context.task.timeoutMs;
    return {
      status: 'failed',
      ...ended,
      error: `timed out after ${limit === undefined ? 'its time limit' : formatDuration(limit)}`,
    };
  }
  if (signal) {
    return { status: 'failed', ...ended, error: `killed by signal ${signal}` };
  }
  if (code === 0) {
    return { status: 'succeeded', ...ended };
  }
  const isShell = context.task.kind === 'command';
  // A shell reports a command killed by signal n as exit code 128 + n.
  const shellSignal = isShell && code !== null && code > 128 ? signalName(code - 128) : undefined;
  if (shellSignal) {
    return {
      status: 'failed',
      exitCode: code,
      signal: shellSignal,
      error: `killed by signal ${shellSignal} (the shell exited with code ${code})`,
    };
  }
  return { status: 'failed', ...ended, error: `exited with code ${code}${isShell ? shellHint(code) : ''}` };
}

/** What a POSIX shell means by exit codes 126 and 127 (it printed the details to stderr). */
function shellHint(code: number | null): string {
  if (code === 127) {
    return ': the shell did not find the command (check `run:` and your PATH)';
  }
  if (code === 126) {
    return ': the command is not executable (chmod +x, or run it through its interpreter)';
  }
  return '';
}
