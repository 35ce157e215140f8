/** `xlens import <path>`: lists the runs found in other tools' logs (TensorBoard, MLflow, DVCLive, CSV) and can tail them live. */
import { existsSync, statSync } from 'node:fs';
import { basename, extname, relative, resolve, sep } from 'node:path';
import { UserInputError } from '../../core/base/errors';
import { UsageError } from '../usage';
import { fileKind, NotRegularFileError } from '../../core/base/regularFile';
import { discoverImportedRuns } from '../../core/metrics/discovery/discovery';
import type { ImportedRun } from '../../core/metrics/discovery/importedRun';
import { csvCells, detectSeparator } from '../../core/metrics/csv/csvTable';
import { firstLine } from '../../core/metrics/csv/classify';
import type { SourceSpec } from '../../core/metrics/readers';
import { ImportWatch, type ImportUpdate } from '../../core/metrics/discovery/importWatch';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { textTable } from '../../core/base/textTable';
import { formatNumber, shortSha } from '../../shared/formatting';
import { parseCommandArgs } from '../workspace';
import { inertLines } from '../terminalText';

const usage = `Usage: xlens import <path> [--json] [--watch]

Finds metric logs written by other tools under <path> (a folder to scan, or one log: an mlruns folder,
mlflow.db, a DVCLive folder, a TensorBoard run folder, a Keras or Lightning CSV file, a JSONL file) and
lists each run found with its metrics: name, number of points and last value. A scanned folder's
xlens.yaml adds the sources its tasks name under metrics: (runs found there show their task).
Nothing is copied or changed. Scanned folders skip node_modules, .git, .venv and .xlens.

Options:
  --json    the runs, sources and warnings as JSON
  --watch   after listing, keep reading the logs and print new points as they are written, including
            logs created later under <path>; a <path> that does not exist yet is waited for (Ctrl-C
            stops). With --json, one JSON line per batch of points ({"source","run","metric",
            "points"}); a log rewritten from the start (Lightning widening metrics.csv) first gives
            {"event":"reset","source","run"} for each of its runs, whose points are then sent again`;

export const importCommand: CliCommand = {
  name: 'import',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values, positionals } = parseCommandArgs('import', ctx.args, {
      json: { type: 'boolean' },
      watch: { type: 'boolean' },
    });
    if (positionals.length !== 1) {
      throw new UsageError(
        `needs exactly one <path> (got ${positionals.length})`,
        'give a folder to scan or a log file',
      );
    }
    const path = resolve(ctx.cwd, positionals[0]);
    if (!existsSync(path)) {
      if (values.watch !== true) {
        throw new UsageError(
          `${path} does not exist`,
          'add --watch to wait for it, e.g. before a training starts',
        );
      }
      ctx.stderr.write(inertLines(`Waiting for ${path} to appear (Ctrl-C stops).\n`));
      if (!(await ImportWatch.waitFor(path, ctx.signal))) {
        ctx.stderr.write('Stopped waiting; nothing was read.\n');
        return ExitCode.ok;
      }
    }
    const info = statSync(path);
    if (!info.isFile() && !info.isDirectory()) {
      // A FIFO would block the readers forever: only folders and regular files are read.
      throw new UsageError(
        new NotRegularFileError(path, fileKind(info)).message,
        'give a folder to scan or a log file',
      );
    }
    const result = await discoverImportedRuns(path, { signal: ctx.signal });
    if (result.sources.length === 0 && info.isFile()) {
      const reason = await unrecognisedFile(positionals[0], path);
      if (values.watch !== true) {
        throw new UserInputError(reason);
      }
      // A log just created (a CSV without its header yet) is recognised once written.
      ctx.stderr.write(inertLines(`xlens: not a log yet, watching it: ${reason}\n`));
    }
    if (values.json === true) {
      ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      printRuns(ctx, path, result.runs, result.sources.length);
      printWarnings(ctx, result.warnings, result.warningCount);
    }
    if (values.watch === true) {
      await watchSources(ctx, path, result.sources, values.json === true);
    }
    return ExitCode.ok;
  },
};

/** What a file given to `xlens import` that no reader takes is, and what xlens would read. */
async function unrecognisedFile(given: string, path: string): Promise<string> {
  const formats =
    'xlens import reads a folder to scan, or one log: a TensorBoard tfevents file, mlflow.db (or .sqlite), ' +
    'a JSONL metrics file (.jsonl), a Keras CSVLogger file (first column "epoch"), a Lightning ' +
    'metrics.csv (a "step" column) or a W&B run file (.wandb) or run folder';
  const header = await firstLine(path);
  if (header === undefined || header.trim() === '') {
    return `${given}: the file is empty or unreadable; ${formats}.`;
  }
  const ext = extname(path).toLowerCase();
  if (['.csv', '.tsv', '.txt', '.log'].includes(ext) || /[,;\t]/.test(header)) {
    const cells = csvCells(header, detectSeparator(header));
    const shown = cells.length > 6 ? `${cells.slice(0, 6).join(', ')}, ...` : cells.join(', ');
    return (
      `${given}: not a metrics log xlens knows: its header (${shown}) does not start with "epoch" ` +
      '(a Keras CSVLogger file) and has no "step" column (a Lightning metrics.csv). Name the step ' +
      `column "epoch" (first) or "step", or write the metrics as JSONL (see README, "Metrics protocol"). ${formats}.`
    );
  }
  return `${given}: not a log format xlens knows; ${formats}.`;
}

function printRuns(ctx: CliContext, path: string, runs: ImportedRun[], sourceCount: number): void {
  if (runs.length === 0) {
    ctx.stdout.write(`No TensorBoard, MLflow, DVCLive, W&B or CSV metric logs found under ${path}.\n`);
    return;
  }
  ctx.stdout.write(
    `${runs.length} run${runs.length === 1 ? '' : 's'} in ${sourceCount} source${sourceCount === 1 ? '' : 's'} under ${path}\n`,
  );
  for (const run of runs) {
    const facts = [
      run.format,
      run.task !== undefined ? `task ${run.task}` : undefined,
      run.experiment !== undefined ? `experiment ${run.experiment}` : undefined,
      run.status,
      run.gitCommit !== undefined ? `commit ${shortSha(run.gitCommit)}` : undefined,
    ].filter((f): f is string => f !== undefined);
    const label = run.name === run.id ? run.id : `${run.name} (${run.id})`;
    ctx.stdout.write(inertLines(`\n${label}  [${facts.join(', ')}]\n  ${run.relativePath}\n`));
    if (run.metrics.length === 0) {
      ctx.stdout.write('  no metrics\n');
      continue;
    }
    const rows = run.metrics.map((m) => [m.name, String(m.points), formatNumber(m.last), String(m.lastStep)]);
    ctx.stdout.write(inertLines(`${indent(textTable(['METRIC', 'POINTS', 'LAST', 'STEP'], rows))}\n`));
  }
}

function printWarnings(
  ctx: CliContext,
  warnings: { file: string; line?: number; offset?: number; message: string }[],
  count: number,
): void {
  if (count === 0) {
    return;
  }
  for (const w of warnings.slice(0, 10)) {
    const where = w.line !== undefined ? `:${w.line}` : w.offset !== undefined ? ` @${w.offset}` : '';
    ctx.stderr.write(inertLines(`xlens: warning: ${w.file}${where}: ${w.message}\n`));
  }
  if (count > 10) {
    ctx.stderr.write(`xlens: ${count - 10} more warnings (see --json)\n`);
  }
}

/** Tails the sources until the command is cancelled, printing one line per new point batch. */
async function watchSources(
  ctx: CliContext,
  root: string,
  sources: SourceSpec[],
  json: boolean,
): Promise<void> {
  const watcher = new ImportWatch(root);
  watcher.onDidUpdate((update) => {
    // A source listed above was shown whole; one found later is news from its first read.
    if (!update.initial || !update.listed) {
      printUpdate(ctx, root, update, json);
    }
  });
  watcher.onDidAddSource((source) =>
    ctx.stderr.write(inertLines(`Following a new ${source.format} log: ${source.path}\n`)),
  );
  watcher.onDidError(({ source, error }) =>
    ctx.stderr.write(inertLines(`xlens: warning: ${source.path}: ${error.message}\n`)),
  );
  // The watcher's timers and fs watchers do not hold the process open; this command must.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    await watcher.start(sources);
    ctx.stderr.write(
      `Watching ${sources.length} source${sources.length === 1 ? '' : 's'}; new points appear ${json ? 'as JSON lines' : 'below'} (Ctrl-C stops).\n`,
    );
    await new Promise<void>((done) => {
      if (ctx.signal.aborted) {
        done();
      }
      ctx.signal.addEventListener('abort', () => done(), { once: true });
    });
    ctx.stderr.write('Stopped watching; the logs are unchanged.\n');
  } finally {
    clearInterval(keepAlive);
    watcher.dispose();
  }
}

function printUpdate(ctx: CliContext, root: string, update: ImportUpdate, json: boolean): void {
  const latency = update.changedAt !== undefined ? update.readAt - update.changedAt : undefined;
  // Before the points sent again: what a consumer appending points must drop first.
  for (const [event, ids] of [
    ['reset', update.result.reset ?? []],
    ['removed', update.result.removed ?? []],
  ] as const) {
    for (const id of ids) {
      ctx.stdout.write(
        json
          ? `${JSON.stringify({ event, source: update.source, run: id })}\n`
          : inertLines(
              `${update.source.format} ${runLabel(root, update.source, id)} ${event === 'reset' ? 'was rewritten: its points follow again from the start' : 'is gone'}\n`,
            ),
      );
    }
  }
  for (const run of update.result.runs) {
    const label = runLabel(root, update.source, run.id);
    for (const [name, points] of run.metrics) {
      if (points.length === 0) {
        continue;
      }
      if (json) {
        ctx.stdout.write(
          `${JSON.stringify({ source: update.source, run: run.id, metric: name, points, latencyMs: latency })}\n`,
        );
        continue;
      }
      const last = points[points.length - 1];
      const more = points.length > 1 ? ` (+${points.length - 1} more)` : '';
      ctx.stdout.write(
        inertLines(
          `${run.source} ${label} ${name} step=${last.step} value=${formatNumber(last.value)}${more}\n`,
        ),
      );
    }
  }
  for (const w of update.result.warnings) {
    ctx.stderr.write(
      inertLines(`xlens: warning: ${w.file}${w.line !== undefined ? `:${w.line}` : ''}: ${w.message}\n`),
    );
  }
}

/**
 * How a watched run is named in `--watch` lines: a TensorBoard run folder (id `.`) by its path under
 * the imported folder (its own name when it is that folder), a run below a logdir source by its path too.
 */
export function runLabel(root: string, source: SourceSpec, id: string): string {
  if (source.format !== 'tensorboard') {
    return id;
  }
  const rel = relative(root, source.path).split(sep).join('/');
  if (id === '.') {
    return rel === '' ? basename(source.path) : rel;
  }
  return rel === '' ? id : `${rel}/${id}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
