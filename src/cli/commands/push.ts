/** `xlens push [<remote>] [<run>...]`: shares runs through a git remote. */
import { UserInputError } from '../../core/base/errors';
import { loadProject } from '../../core/config/load';
import { reconcileRuns } from '../../core/runs/reconcile';
import { RunStore } from '../../core/runs/store';
import type { RunRecord } from '../../core/runs/types';
import { pushRuns } from '../../core/share/share';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { warnTo } from '../runText';
import { inertLines } from '../terminalText';
import { parseCommandArgs, workspaceRoot } from '../workspace';

const usage = `Usage: xlens push [<remote>] [<run>...] [--max-artifact-mb N]

Shares runs through a git remote (default origin; a remote name or URL: file path, ssh, https,
git://). Each run's record (run.json, params.json, task.json, metrics.jsonl, annotations.json,
output.log and its artifacts up to --max-artifact-mb, else xlens.yaml's share.max_artifact_mb, else 10;
larger ones are listed with size
and sha256 in xlens-record.json) becomes a git commit under refs/xlens/records/<id>, pushed with the
run's code snapshot refs/xlens/runs/<id>. The record commit's parent is the run's code, so the code
travels with it. Pushing again what the remote has is a no-op. No git hook runs.

<run> is as in \`xlens show\`; without runs, every finished run is pushed (runs still running are
skipped). Get the runs elsewhere with \`xlens pull\`.

Exit code: 0 pushed, 2 bad input (no such run, no repository, git refused: its message).`;

export const pushCommand: CliCommand = {
  name: 'push',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values, positionals } = parseCommandArgs('push', ctx.args, {
      'max-artifact-mb': { type: 'string' },
    });
    const [remote = 'origin', ...refs] = positionals;
    let maxArtifactBytes: number | undefined;
    if (values['max-artifact-mb'] !== undefined) {
      const mb = Number(values['max-artifact-mb']);
      if (!Number.isFinite(mb) || mb < 0) {
        throw new UserInputError(
          `--max-artifact-mb must be a number >= 0, not "${String(values['max-artifact-mb'])}".`,
        );
      }
      maxArtifactBytes = mb * 1024 * 1024;
    }
    const root = workspaceRoot(ctx);
    // The flag wins; else xlens.yaml's share.max_artifact_mb (other problems of the file do not stop a push).
    maxArtifactBytes ??= (await loadProject(root)).config?.share?.maxArtifactBytes;
    const store = new RunStore(root);
    try {
      await reconcileRuns(store, { warn: warnTo(ctx) });
      const runs: RunRecord[] = [];
      if (refs.length === 0) {
        runs.push(...(await store.list()).runs.reverse());
      } else {
        for (const ref of refs) {
          runs.push(await store.resolve(ref));
        }
      }
      const result = await pushRuns(
        root,
        store,
        remote,
        runs,
        maxArtifactBytes !== undefined ? { maxArtifactBytes } : {},
      );
      for (const { id, reason } of result.skipped) {
        ctx.stdout.write(inertLines(`skipped ${id}: ${reason}\n`));
      }
      for (const id of result.pushed) {
        ctx.stdout.write(`pushed ${id}\n`);
      }
      ctx.stdout.write(
        inertLines(`${result.pushed.length} pushed, ${result.upToDate.length} already on ${remote}\n`),
      );
      return ExitCode.ok;
    } finally {
      store.dispose();
    }
  },
};
