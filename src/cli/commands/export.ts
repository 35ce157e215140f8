/** `xlens export --mlflow <mlruns folder> [<run>...]`: runs into an MLflow file store. */
import { UsageError } from '../usage';
import { basename } from 'node:path';
import { resolve } from 'node:path';
import { exportToMlflow } from '../../core/export/mlflowFileStore';
import { exportToMlflowSqlite } from '../../core/export/mlflowSqlite';
import { RunStore } from '../../core/runs/store';
import type { RunRecord } from '../../core/runs/types';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { inertLines } from '../terminalText';
import { parseCommandArgs, workspaceRoot } from '../workspace';

const usage = `Usage: xlens export --mlflow <mlflow.db | mlruns folder> [<run>...]

Writes runs (default: all) into an MLflow store, so MLflow's UI shows them: params, every metric
point with its step and time, status, start and end times, and tags mlflow.runName,
mlflow.source.git.commit, mlflow.source.git.branch, xlens.id, xlens.task, xlens.snapshot, in an
experiment named "xlens". A target ending in .db, .sqlite or .sqlite3 is MLflow's SQLite store
(\`mlflow ui --backend-store-uri sqlite:///mlflow.db\`; created when missing), anything else a file
store folder (\`mlflow ui --backend-store-uri <folder>\`). Exporting a run again replaces its earlier
export.

Exit code: 0 exported, 2 bad input.`;

export const exportCommand: CliCommand = {
  name: 'export',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values, positionals } = parseCommandArgs('export', ctx.args, { mlflow: { type: 'string' } });
    const target = values.mlflow as string | undefined;
    if (target === undefined) {
      throw new UsageError('no destination given', 'e.g. xlens export --mlflow mlruns');
    }
    const sqlite = /\.(db|sqlite3?)$/i.test(basename(target));
    const store = new RunStore(workspaceRoot(ctx));
    try {
      const runs: RunRecord[] = [];
      if (positionals.length === 0) {
        runs.push(...(await store.list()).runs);
      } else {
        for (const ref of positionals) {
          runs.push(await store.resolve(ref));
        }
      }
      const done = await (sqlite ? exportToMlflowSqlite : exportToMlflow)(
        resolve(ctx.cwd, target),
        store,
        runs,
      );
      for (const line of done.skipped) {
        ctx.stderr.write(inertLines(`xlens: warning: left out ${line} (not a key MLflow accepts)\n`));
      }
      ctx.stdout.write(
        `exported ${done.runs.size} runs to experiment ${done.experimentId} ("xlens") in ${target}\n`,
      );
      return ExitCode.ok;
    } finally {
      store.dispose();
    }
  },
};
