/**
 * `xlens show <run> --follow`: streams a run from its folder through the core run follower (the one
 * the editor's views read): its output lines as the task writes them, its new metric points grouped
 * by step, then its final status.
 */
import { RunFollower } from '../../core/runs/runFollower';
import { streamRun, type StreamedPoint } from '../../core/runs/runStream';
import { isFinalStatus, type RunRecord } from '../../core/runs/types';
import { formatNumber } from '../../shared/formatting';
import { ExitCode, type CliContext } from '../command';
import { runDuration } from '../runText';
import { inertText } from '../terminalText';

/** Poll interval of the follower in the CLI, ms (fs.watch is its first trigger). */
const FOLLOW_POLL_MS = 250;

/**
 * Follows the run in `dir` until it ends (exit 0 when it succeeded, 1 otherwise) or Ctrl-C/SIGTERM
 * stops following (exit 0; the run is not touched).
 */
export async function followRun(ctx: CliContext, dir: string, run: RunRecord): Promise<ExitCode> {
  if (isFinalStatus(run.status)) {
    ctx.stderr.write(`xlens: run ${run.id} already ended (${run.status}); nothing to follow\n`);
    return run.status === 'succeeded' ? ExitCode.ok : ExitCode.failed;
  }
  const follower = new RunFollower(dir, { pollMs: FOLLOW_POLL_MS, logLines: 50, keepAlive: true });
  ctx.stdout.write(`\nfollowing run ${run.id} (Ctrl-C stops following; the run goes on)\n`);
  try {
    return await new Promise<ExitCode>((resolve) => {
      const stream = streamRun(follower, {
        lines: (lines) => ctx.stdout.write(lines.map((line) => `${line}\n`).join('')),
        points: (points) => ctx.stdout.write(pointLines(points)),
        warnings: (warnings) =>
          ctx.stderr.write(warnings.map((w) => `xlens: warning: ${inertText(w)}\n`).join('')),
        end: (record) => {
          ctx.stdout.write(endLine(record));
          resolve(record.status === 'succeeded' ? ExitCode.ok : ExitCode.failed);
        },
        missing: () => {
          ctx.stderr.write(`xlens: the folder of run ${run.id} was deleted\n`);
          resolve(ExitCode.failed);
        },
      });
      const stop = (): void => {
        stream.dispose();
        ctx.stderr.write(`xlens: stopped following run ${run.id}; it goes on\n`);
        resolve(ExitCode.ok);
      };
      if (ctx.signal.aborted) {
        stop();
      } else {
        ctx.signal.addEventListener('abort', stop, { once: true });
      }
    });
  } finally {
    follower.dispose();
  }
}

/** One line per step: `[metrics] step 12  loss=0.31  val/accuracy=0.88`. */
function pointLines(points: readonly StreamedPoint[]): string {
  const lines: string[] = [];
  let step: number | undefined;
  let parts: string[] = [];
  const flush = (): void => {
    if (step !== undefined) {
      lines.push(`[metrics] step ${step}  ${parts.join('  ')}\n`);
    }
  };
  for (const point of points) {
    if (point.step !== step) {
      flush();
      step = point.step;
      parts = [];
    }
    parts.push(`${inertText(point.name)}=${formatNumber(point.value)}`);
  }
  flush();
  return lines.join('');
}

function endLine(record: RunRecord): string {
  const duration = runDuration(record);
  const error = record.error ? ` — ${record.error}` : '';
  return `\nrun ${record.id} ${record.status}${duration ? ` in ${duration}` : ''}${error}\n`;
}
