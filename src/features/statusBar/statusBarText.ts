/**
 * What the status bar item says about active runs. Pure; no `vscode`.
 */
import type { RunRecord } from '../../core/runs/types';
import { runProgress } from '../runs/runsModel';
import { formatDuration } from '../../shared/formatting';
import { keyMetricsText, runDurationMs } from '../runLabels';

/** The item's text (with codicons), tooltip (Markdown) and the run its click opens. */
export interface StatusBarText {
  text: string;
  tooltip: string;
  runId: string;
}

/**
 * Text for the active runs (newest first): how many run, and the newest one's task and progress
 * (epoch or step). `undefined` when nothing runs (the item hides).
 */
export function statusBarText(active: readonly RunRecord[], now: number): StatusBarText | undefined {
  const latest = active[0];
  if (latest === undefined) {
    return undefined;
  }
  const progress = runProgress(latest);
  const count = active.length > 1 ? `${active.length} runs · ` : '';
  const text = `$(loading~spin) ${count}${latest.task}${progress ? ` ${progress}` : ''}`;
  const lines = active.map((run) => {
    const duration = runDurationMs(run, now);
    const metrics = keyMetricsText(run.metrics);
    const p = runProgress(run);
    return [
      `**${run.task}** ${run.status}`,
      duration === undefined ? undefined : formatDuration(duration),
      p,
      metrics || undefined,
      `\`${run.id}\``,
    ]
      .filter((x): x is string => x !== undefined)
      .join(' · ');
  });
  return {
    text,
    tooltip: [...lines, '', `Click to open the dashboard of ${latest.id}.`].join('  \n'),
    runId: latest.id,
  };
}
