/** `xlens show <run>`: one run in full (or its run.json with --json). */
import { UserInputError } from '../../core/base/errors';
import type { ImportedRun } from '../../core/metrics/discovery/importedRun';
import { findImportedRun } from '../../core/metrics/discovery/findImported';
import { checkResultText, checksSummaryText } from '../../core/checks/evaluate';
import { writeRunReport } from '../../core/report/writeRunReport';
import { reconcileRuns } from '../../core/runs/reconcile';
import { RunStore } from '../../core/runs/store';
import { bestValue } from '../../core/runs/summaries';
import type { RunRecord } from '../../core/runs/types';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { checkOutputPath } from '../outputPath';
import { textTable } from '../../core/base/textTable';
import { formatBytes, formatNumber } from '../../shared/formatting';
import { keyMetrics, runDuration, warnTo, withReconciled } from '../runText';
import { parseCommandArgs, workspaceRoot } from '../workspace';
import { CONFIG_FILE, findProjectRoot } from '../../core/config/load';
import { followRun } from './showFollow';
import { inertLines } from '../terminalText';

const usage = `Usage: xlens show [<run>] [--task <task>] [--json] [--html <file>] [--follow]

Shows one run: status, times, command, git state, params, data fingerprints, metric summaries,
checks (passed or failed, with the value, threshold and reason), artifacts and warnings (for a failed run, why: its error and the last lines of its stderr). <run> is a
full id, a unique prefix of one or of its random part, \`latest\` (the default) or \`latest:<task>\`. A <run> that
is none of this workspace's runs is looked up among the imported runs (\`xlens runs\`): by name, id,
path or key, or a unique prefix of the name or id. Imported runs need no xlens.yaml: outside a
workspace, <run> is looked up in the logs under the current folder (or --cwd <folder>), or give the
path of a log or the key \`xlens import --json\` prints; a name matching several runs lists the key
of each.

Options:
  --task <task>  with \`latest\` (or no <run>): the latest run of this task
  --json         the run record (run.json) with its folder as "dir"; for an imported run, its summary
                 with "imported": true
  --html <file>  also write a standalone HTML report of the run (works offline; runs of this
                 workspace only; missing folders of <file> are created). An existing <file> is
                 replaced only when it is a report written by xlens; never inside .xlens/
  --force        with --html: replace an existing file that is not an xlens report
  --follow       after the run, stream its output and new metric points while it runs, then its
                 final status; exits 0 when it succeeded, 1 when it failed or was cancelled. Ctrl-C
                 stops following (the run goes on)`;

/** How `show` prints a run; more formats (e.g. an HTML report) plug in here. */
export type ShowFormat = 'text' | 'json';

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
  const waiting = run.status === 'queued' && run.queue !== undefined && run.startedAt === undefined;
  if (run.queue !== undefined) {
    field('queued', `${run.queue.enqueuedAt}${run.queue.gpu !== undefined ? ` · GPU ${run.queue.gpu}` : ''}`);
  }
  field('started', waiting ? undefined : (run.startedAt ?? run.createdAt));
  field(
    'ended',
    run.endedAt &&
      `${run.endedAt}${run.endedAtInferred ? ' (inferred: the supervising process died; last sign of life in the run folder)' : ''}`,
  );
  field('duration', runDuration(run));
  field('command', run.command);
  field('cwd', run.cwd);
  const job = run.slurm;
  field(
    'slurm',
    job &&
      [
        `job ${job.jobId}${job.cluster ? ` on cluster ${job.cluster}` : ''}`,
        job.partition && `partition ${job.partition}`,
        job.nodes && `nodes ${job.nodes}`,
        `${job.state}${job.reason ? ` (${job.reason})` : ''}`,
        job.position !== undefined ? `position ${job.position} in queue` : undefined,
      ]
        .filter(Boolean)
        .join(', '),
  );
  const git = run.git;
  field(
    'git',
    git.commit
      ? `${git.commit}${git.branch ? ` (${git.branch})` : ''}${git.subject ? ` ${git.subject}` : ''}`
      : (git.note ?? (waiting ? 'recorded when the run starts (local queue)' : 'no commit')),
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
          `  ${d.path}  sha256:${d.sha256.slice(0, 16)}  ${formatBytes(d.size)}${d.files > 1 ? `  ${d.files} files` : ''}`,
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
        // Values the task wrote as NaN/Infinity (left out of the points): a diverging training shows.
        s.nonFinite ? `${s.count} + ${s.nonFinite} non-finite` : String(s.count),
      ];
    });
    lines.push(textTable(['  NAME', 'LAST', 'MIN', 'MAX', 'BEST @ STEP', 'POINTS'], rows));
  }
  if (run.checks?.length) {
    lines.push('', `${checksSummaryText(run)}:`, ...run.checks.map((c) => `  ${checkResultText(c)}`));
  } else if (run.checkConfig?.checks.length) {
    lines.push('', 'checks (evaluated when the run ends):', ...run.checkConfig.checks.map((c) => `  ${c}`));
  }
  if (run.artifacts.length > 0) {
    lines.push('', 'artifacts:');
    lines.push(
      ...run.artifacts.map(
        (a) => `  ${a.root === 'run' ? '' : '(workspace) '}${a.path}  ${formatBytes(a.size)}`,
      ),
    );
  }
  // A built-in job's `error` is already in the status line.
  const info = Object.entries(run.info ?? {}).filter(
    ([k, v]) => !(k === 'error' && typeof v === 'string' && run.error?.includes(v.trim())),
  );
  if (info.length > 0) {
    lines.push('', 'info:');
    lines.push(...info.map(([k, v]) => `  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`));
  }
  if (run.errorTail) {
    lines.push('', 'stderr (last lines):', ...run.errorTail.split('\n').map((l) => `  ${l}`));
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

/** The human-readable description of an imported run (TensorBoard, MLflow, DVCLive, CSV). */
export function describeImportedRun(run: ImportedRun): string {
  const lines: string[] = [];
  const field = (name: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') {
      lines.push(`${`${name}:`.padEnd(11)} ${value}`);
    }
  };
  const time = (ms: number | undefined): string | undefined =>
    ms === undefined ? undefined : new Date(ms).toISOString();
  field('imported', `${run.name} (${run.format} run, not run by xlens)`);
  field('id', run.id !== run.name ? run.id : undefined);
  field('key', run.key);
  field('source', run.source);
  field('task', run.task && `${run.task} (names this source under metrics:)`);
  field('experiment', run.experiment);
  field('status', run.status);
  field('git', run.gitCommit);
  field('started', time(run.startTime));
  field('ended', time(run.endTime));
  const params = Object.entries(run.params);
  if (params.length > 0) {
    lines.push('', 'params:', ...params.map(([k, v]) => `  ${k} = ${JSON.stringify(v)}`));
  }
  const tags = Object.entries(run.tags);
  if (tags.length > 0) {
    lines.push('', 'tags:', ...tags.map(([k, v]) => `  ${k} = ${v}`));
  }
  if (run.metrics.length > 0) {
    lines.push('', 'metrics:');
    const rows = run.metrics.map((m) => [
      `  ${m.name}`,
      formatNumber(m.last),
      String(m.lastStep),
      m.nonFinite ? `${m.points} + ${m.nonFinite} non-finite` : String(m.points),
    ]);
    lines.push(textTable(['  NAME', 'LAST', 'LAST STEP', 'POINTS'], rows));
  } else {
    lines.push('', 'no metrics');
  }
  return `${lines.join('\n')}\n`;
}

export const showCommand: CliCommand = {
  name: 'show',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values, positionals } = parseCommandArgs('show', ctx.args, {
      json: { type: 'boolean' },
      html: { type: 'string' },
      task: { type: 'string' },
      follow: { type: 'boolean' },
      force: { type: 'boolean' },
    });
    const format: ShowFormat = values.json === true ? 'json' : 'text';
    const task = values.task as string | undefined;
    const ref = positionals[0] ?? 'latest';
    // Imported runs need no workspace: without xlens.yaml, <run> is looked up in logs under the cwd.
    const project = ref === 'latest' || task !== undefined ? workspaceRoot(ctx) : findProjectRoot(ctx.cwd);
    const store = project === undefined ? undefined : new RunStore(project);
    // A run whose supervisor died is shown final, also when the workspace cannot be written.
    const reconciled = store ? await reconcileRuns(store, { warn: warnTo(ctx) }) : [];
    const found = await store?.find(ref === 'latest' && task !== undefined ? `latest:${task}` : ref);
    const run = found && withReconciled([found], reconciled)[0];
    if (!run || !store) {
      const root = project ?? ctx.cwd;
      const imported = await findImportedRun(root, ref, { signal: ctx.signal, cwd: ctx.cwd });
      if (!imported) {
        throw new UserInputError(
          project === undefined
            ? `no imported run matches "${ref}" in the logs under ${root} (and there is no ${CONFIG_FILE} here or above). Give a log's path, a key from \`xlens import --json\`, or --cwd <folder>.`
            : `no run matches "${ref}" (neither a run of this workspace nor an imported run). List runs with \`xlens runs\`.`,
        );
      }
      if (typeof values.html === 'string') {
        throw new UserInputError(
          `--html: "${imported.name}" is an imported ${imported.format} run; HTML reports are made for runs of this workspace.`,
        );
      }
      ctx.stdout.write(
        format === 'json'
          ? `${JSON.stringify({ imported: true, ...imported }, null, 2)}\n`
          : inertLines(describeImportedRun(imported)),
      );
      return ExitCode.ok;
    }
    const dir = store.runDir(run.id);
    if (typeof values.html === 'string') {
      const out = checkOutputPath(ctx.cwd, '--html', values.html, 'report.html', {
        kind: 'html',
        force: values.force === true,
      });
      await writeRunReport(store, run, out);
      ctx.stderr.write(`wrote ${out}\n`);
    }
    switch (format) {
      case 'json':
        ctx.stdout.write(`${JSON.stringify({ ...run, dir }, null, 2)}\n`);
        break;
      case 'text':
        ctx.stdout.write(inertLines(describeRun(run, dir)));
        break;
    }
    if (values.follow === true) {
      if (format === 'json') {
        throw new UserInputError(
          '--follow prints text: leave out --json (or read metrics.jsonl in the run folder).',
        );
      }
      return followRun(ctx, dir, run);
    }
    return ExitCode.ok;
  },
};
