/**
 * A run started by command: `Run Task…` with the task name trains the penguins model through the
 * detached CLI, the run turns `succeeded` in the Runs model with the workspace's commit, its files
 * hold the per-epoch metrics, and `Open Run Dashboard` opens its dashboard panel.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { RunRecord } from '../../../src/core/runs/types';
import { waitFor, webviewTabs, workspaceRoot, xlensApi } from './helpers';

describe('a run started by command', () => {
  let run: RunRecord | undefined;

  it('reaches succeeded and is listed with its commit', async function () {
    this.timeout(300_000);
    const api = await xlensApi();
    const root = workspaceRoot();
    const before = new Set(api.runs.all().map((r) => r.id));
    await vscode.commands.executeCommand('xlens.runTask', 'train');
    const started = await waitFor('the new train run in the Runs model', () =>
      api.runs.all().find((r) => r.task === 'train' && !before.has(r.id)),
    );
    run = await waitFor(
      `run ${started.id} to finish`,
      () => {
        const current = api.runs.get(started.id);
        return current && ['succeeded', 'failed', 'cancelled'].includes(current.status) ? current : undefined;
      },
      280_000,
    );
    const output = (() => {
      try {
        return readFileSync(join(root, '.xlens', 'runs', run.id, 'output.log'), 'utf8').slice(-2000);
      } catch {
        return '(no output.log)';
      }
    })();
    assert.equal(run.status, 'succeeded', `run ${run.id} ended ${run.status}: ${run.error ?? ''}\n${output}`);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    assert.equal(run.git.commit, head);
    const lines = readFileSync(join(root, '.xlens', 'runs', run.id, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n');
    assert.ok(lines.length >= 2, `metrics.jsonl has ${lines.length} lines`);
    const names = new Set(
      lines.flatMap((l) => Object.keys((JSON.parse(l) as { values: Record<string, number> }).values)),
    );
    for (const metric of ['loss', 'val_loss', 'accuracy', 'val_accuracy']) {
      assert.ok(names.has(metric), `metrics.jsonl records ${metric}; it has ${[...names].join(', ')}`);
    }
  });

  it('opens its dashboard with Open Run Dashboard', async function () {
    if (!run) {
      this.skip();
    }
    const before = webviewTabs('xlens.dashboard').length;
    await vscode.commands.executeCommand('xlens.openRunDashboard', run.id);
    const tabs = await waitFor('a dashboard tab', () => {
      const now = webviewTabs('xlens.dashboard');
      return now.length > before ? now : undefined;
    });
    assert.ok(
      tabs.some((t) => t.label.includes(run!.id)),
      `tab labels: ${tabs.map((t) => t.label).join(', ')}`,
    );
  });

  it('leaves the Runs model when its folder is deleted under the editor', async function () {
    if (!run) {
      this.skip();
    }
    const api = await xlensApi();
    const id = run.id;
    assert.ok(api.runs.get(id), 'the run is listed before');
    rmSync(join(workspaceRoot(), '.xlens', 'runs', id), { recursive: true, force: true });
    await waitFor(`run ${id} to leave the Runs model`, () => (api.runs.get(id) ? undefined : true), 30_000);
    assert.equal(
      api.runs.all().some((r) => r.id === id),
      false,
    );
  });
});
