/**
 * Cancel Run from the Command Palette with one run running (issue 11, defect 3): the picker lists the
 * running run ticked, so Enter cancels it. (The picker used to be a multi-select with nothing ticked,
 * and Enter accepted nothing.) The test adds a task that waits, starts it, runs the command without
 * arguments as the palette does, and presses Enter in the picker until the run is cancelled.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { waitFor, workspaceRoot, xlensApi } from './helpers';

describe('Cancel Run from the palette', () => {
  const config = join(workspaceRoot(), 'xlens.yaml');
  const original = readFileSync(config, 'utf8');
  after(() => writeFileSync(config, original));

  it('cancels the one running run on Enter', async function () {
    this.timeout(120_000);
    const api = await xlensApi();
    writeFileSync(config, `${original.trimEnd()}\n  wait:\n    run: sleep 300\n`);
    await waitFor('the wait task in the Tasks model', () => api.tasks.task('wait'));
    const run = await api.startRun('wait');
    await waitFor(`run ${run.id} running`, () =>
      api.runs.get(run.id)?.status === 'running' ? true : undefined,
    );
    assert.equal(
      api.runs.all().filter((r) => r.status === 'running' || r.status === 'queued').length,
      1,
      'one run is running',
    );
    const command = Promise.resolve(vscode.commands.executeCommand('xlens.cancelRun'));
    let finished = false;
    void command.finally(() => (finished = true));
    const ended = await waitFor(
      `run ${run.id} cancelled by Enter in the picker`,
      async () => {
        if (!finished) {
          await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        }
        const now = api.runs.get(run.id);
        return now && now.status !== 'running' && now.status !== 'queued' ? now : undefined;
      },
      60_000,
    );
    await command;
    assert.equal(ended.status, 'cancelled');
  });
});
