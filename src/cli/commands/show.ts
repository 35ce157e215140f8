/** `xlens show <run>`: one run in full (or its run.json with --json). */
import { resolve } from 'node:path';
import { writeRunReport } from '../../core/report/writeRunReport';
import { RunStore } from '../../core/runs/store';
import { bestValue } from '../../core/runs/summaries';
import type { RunRecord } from '../../core/runs/types';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { formatNumber, keyMetrics, runDuration, table } from '../format';
import { parseCommandArgs, workspaceRoot } from '../workspace';

const usage = `Usage: xlens show [<run>] [--task <task>] [--json] [--html <file>]

Shows one run: status, times, command, git state, params, data fingerprints, metric summaries,
artifacts and warnings. <run> is a full id, a unique prefix or suffix of one, \`latest\` (the default)
or \`latest:<task>\`.

Options:
  --task <task>  with \`latest\` (or no <run>): the latest run of this task
  --json         the run record (run.json) with its folder as "dir"
  --html <file>  also write a standalone HTML report of the run (works offline)`;

/** How `show` prints a run; more formats (e.g. an HTML report) plug in here. */
export type ShowFormat = 'text' | 'json';

function sizeText(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** The human-readable description of a run. */
export function describeRun(run: RunRecord, dir: string): string {
  const lines: string[] = [];
  const field = (name: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') {
      lines.push(`${`${name}:`.padEnd(10)} ${value}`);
    }
  };
  field('run', run.id);
  field('task', `${run.task} (${run.kind})`);
  field('status', `${run.status}${run.error ? ` — ${run.error}` : ''}`);
  field(
    'exit',
    run.signal
      ? `signal ${run.signal}${run.exitCode != null ? `, code ${run.exitCode}` : ''}`
      : run.exitCode != null
        ? `code ${run.exitCode}`
        : undefined,
  );
  field('started', run.startedAt ?? run.createdAt);
  field('duration', runDuration(run));
  field('command', run.command);
  field('cwd', run.cwd);
  const git = run.git;
  field(
    'git',
    git.commit
      ? `${git.commit}${git.branch ? ` (${git.branch})` : ''}${git.subject ? ` ${git.subject}` : ''}`
      : (git.note ?? 'no commit'),
  );
  if (git.dirty) {
    field(
      'snapshot',
      `${git.snapshot ?? '–'} (uncommitted changes; restore with git checkout ${git.snapshot?.slice(0, 12)} -- .)`,
    );
  }
  field('folder', dir);
  const params = Object.entries(run.params);
  if (params.length > 0) {
    lines.push('', `params${run.paramSources?.length ? ` (from ${run.paramSources.join(', ')})` : ''}:`);
    lines.push(...params.map(([k, v]) => `  ${k} = ${JSON.stringify(v)}`));
  }
  if (run.data.length > 0) {
    lines.push('', 'data:');
    lines.push(
      ...run.data.map(
        (d) =>
          `  ${d.path}  sha256:${d.sha256.slice(0, 16)}  ${sizeText(d.size)}${d.files > 1 ? `  ${d.files} files` : ''}`,
      ),
    );
  }
  const names = keyMetrics(run.metrics, Infinity);
  if (names.length > 0) {
    lines.push('', 'metrics:');
    const rows = names.map((n) => {
      const s = run.metrics[n];
      return [
        `  ${n}`,
        formatNumber(s.last),
        formatNumber(s.min),
        formatNumber(s.max),
        `${formatNumber(bestValue(n, s))} @ ${s.bestStep}`,
        String(s.count),
      ];
    });
    lines.push(table(['  NAME', 'LAST', 'MIN', 'MAX', 'BEST @ STEP', 'POINTS'], rows));
  }
  if (run.artifacts.length > 0) {
    lines.push('', 'artifacts:');
    lines.push(
      ...run.artifacts.map(
        (a) => `  ${a.root === 'run' ? '' : '(workspace) '}${a.path}  ${sizeText(a.size)}`,
      ),
    );
  }
  if (run.info && Object.keys(run.info).length > 0) {
    lines.push('', 'info:');
    lines.push(
      ...Object.entries(run.info).map(([k, v]) => `  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`),
    );
  }
  if (run.warnings?.length) {
    const total = run.warningCount ?? run.warnings.length;
    lines.push('', `warnings (${total}):`, ...run.warnings.map((w) => `  ${w}`));
    if (total > run.warnings.length) {
      lines.push(`  ... and ${total - run.warnings.length} more`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export const showCommand: CliCommand = {
  name: 'show',
  summary: 'show one run: git, params, data, metrics, artifacts',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values, positionals } = parseCommandArgs('show', ctx.args, {
      json: { type: 'boolean' },
      html: { type: 'string' },
      task: { type: 'string' },
    });
    const format: ShowFormat = values.json === true ? 'json' : 'text';
    const store = new RunStore(workspaceRoot(ctx));
    await store.reconcile();
    const task = values.task as string | undefined;
    const ref = positionals[0] ?? 'latest';
    const run = await store.resolve(ref === 'latest' && task !== undefined ? `latest:${task}` : ref);
    const dir = store.runDir(run.id);
    if (typeof values.html === 'string') {
      const out = resolve(ctx.cwd, values.html);
      await writeRunReport(store, run, out);
      ctx.stderr.write(`wrote ${out}\n`);
    }
    switch (format) {
      case 'json':
        ctx.stdout.write(`${JSON.stringify({ ...run, dir }, null, 2)}\n`);
        break;
      case 'text':
        ctx.stdout.write(describeRun(run, dir));
        break;
    }
    return ExitCode.ok;
  },
};
