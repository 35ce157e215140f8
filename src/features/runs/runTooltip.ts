/**
 * The hover text of a Runs view row: a run's Slurm job line and its Markdown tooltip (status, times,
 * git, checks, marks, params and metric summaries). No `vscode` import.
 */
import { checkResultText, checksSummaryText } from '../../core/checks/evaluate';
import type { RunLineage } from '../../core/runs/runLineage';
import { type RunRecord } from '../../core/runs/types';
import { markTooltipLines } from './runMarks';
import { formatDuration, formatNumber, shortSha } from '../../shared/formatting';
import { escapeMarkdown, runDurationMs } from '../runLabels';

/**
 * Where a Slurm run stands, for its row while it is active: `Slurm 42 PENDING: Resources, #2` (the
 * reason and place in the queue Slurm gives), `Slurm 42 on gpu01`; undefined for a local run.
 */
export function slurmLabel(run: RunRecord): string | undefined {
  const job = run.slurm;
  if (!job) {
    return undefined;
  }
  if (run.status === 'queued') {
    const why = [job.reason, job.position !== undefined ? `#${job.position}` : undefined]
      .filter(Boolean)
      .join(', ');
    return `Slurm ${job.jobId} ${job.state}${why ? `: ${why}` : ''}`;
  }
  return `Slurm ${job.jobId}${job.nodes ? ` on ${job.nodes}` : ''}`;
}

/** The Markdown tooltip of a run: status, times, git, checks, params and metric summaries. */
export function runTooltip(run: RunRecord, now: number, lineage?: RunLineage): string {
  const duration = runDurationMs(run, now);
  const lines: string[] = [
    `**${escapeMarkdown(run.task)}** — ${run.status}${duration === undefined ? '' : ` in ${formatDuration(duration)}`}`,
    `Run \`${run.id}\` · started ${formatUtc(run.startedAt ?? run.createdAt)}`,
  ];
  const job = slurmLabel(run);
  if (job !== undefined) {
    lines.push(escapeMarkdown(`${job}${run.slurm?.partition ? ` · partition ${run.slurm.partition}` : ''}`));
  }
  if (run.git.commit !== null) {
    const on = run.git.branch ? ` on \`${run.git.branch}\`` : '';
    const subject = run.git.subject ? `: ${escapeMarkdown(run.git.subject)}` : '';
    lines.push(`Commit \`${shortSha(run.git.commit)}\`${on}${subject}`);
  } else if (run.git.note) {
    lines.push(`No commit: ${escapeMarkdown(run.git.note)}`);
  }
  if (run.git.dirty) {
    lines.push(
      run.git.snapshot
        ? `Uncommitted changes, saved as snapshot \`${shortSha(run.git.snapshot)}\` (\`refs/xlens/runs/${run.id}\`)`
        : 'Uncommitted changes (no snapshot recorded)',
    );
  }
  if (run.error) {
    lines.push(`Error: ${escapeMarkdown(run.error)}`);
  } else if (run.status === 'failed' && run.exitCode != null) {
    lines.push(`Exit code ${run.exitCode}`);
  }
  lines.push(...markTooltipLines(run, lineage));
  const backend = run.info?.backend;
  if (typeof backend === 'string') {
    lines.push(`Backend: ${escapeMarkdown(backend)}`);
  }
  let markdown = lines.join('  \n');
  if (run.checks?.length) {
    const items = run.checks.map((c) => `- ${escapeMarkdown(checkResultText(c).replace(/[\r\n]+/g, ' '))}`);
    markdown += `\n\n${escapeMarkdown(checksSummaryText(run))}:\n\n${items.join('\n')}`;
  }

  const params = Object.entries(run.params);
  if (params.length > 0) {
    const rows = params.map(([k, v]) => `| ${escapeMarkdown(k)} | ${escapeMarkdown(JSON.stringify(v))} |`);
    markdown += `\n\n| Param | Value |\n| --- | --- |\n${rows.join('\n')}`;
  }
  const metrics = Object.entries(run.metrics).sort(([a], [b]) => a.localeCompare(b));
  if (metrics.length > 0) {
    const rows = metrics.map(
      ([name, m]) =>
        `| ${escapeMarkdown(name)} | ${formatNumber(m.last)} | ${formatNumber(m.min)} | ` +
        `${formatNumber(m.max)} | ${m.bestStep} |`,
    );
    markdown += `\n\n| Metric | Last | Min | Max | Best step |\n| --- | ---: | ---: | ---: | ---: |\n${rows.join('\n')}`;
  }
  return markdown;
}

function formatUtc(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${new Date(t).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}
