/**
 * Dashboard round-trip in the editor: the panel loads the webview bundle under its strict CSP, the view
 * says ready, the host sends the snapshot, the view draws every chart and says so — with at most 2,000
 * points per series for a long run — and reports no error (CSP violations included).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { openRunDashboard, type DashboardPanel } from '../../../src/features/dashboard';
import { MAX_POINTS_PER_SERIES, type DashboardRendered } from '../../../src/protocol/dashboard';
import { writeFixtureRun } from '../../e2e/support/fixtureRun';
import { EXTENSION_ID, waitFor, workspaceRoot, xlensApi } from './helpers';

function nextRender(panel: DashboardPanel, timeoutMs = 60_000): Promise<DashboardRendered> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the dashboard did not report its charts drawn')),
      timeoutMs,
    );
    const sub = panel.onDidRender((rendered) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(rendered);
    });
  });
}

describe('run dashboard', () => {
  const panels: DashboardPanel[] = [];
  after(() => panels.forEach((p) => p.dispose()));

  it('opens, receives a snapshot after ready, and draws one chart per metric group', async () => {
    const root = workspaceRoot();
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const run = await writeFixtureRun(root, {
      task: 'train',
      git: { commit, branch: 'main', dirty: false, snapshot: null },
      metrics: ['loss', 'val_loss', 'accuracy', 'val_accuracy'],
      steps: 50_000,
      params: { epochs: 40, 'optimizer.lr': 0.01 },
    });
    // The dashboard shows the run as the Runs model knows it: wait until the model has the final record.
    const api = await xlensApi();
    await waitFor(`run ${run.id} succeeded in the Runs model`, () =>
      api.runs.get(run.id)?.status === 'succeeded' ? true : undefined,
    );
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const warnings: string[] = [];
    const log = { info: () => undefined, warn: (m: string) => warnings.push(m) };
    const panel = openRunDashboard(
      { extensionUri: extension.extensionUri, runsDir: join(root, '.xlens', 'runs'), log },
      run.id,
    );
    panels.push(panel);
    const snapshotSent = new Promise<void>((resolve) => panel.onDidSendSnapshot(() => resolve()));
    const rendered = nextRender(panel);
    await snapshotSent;
    assert.equal(panel.isReady, true);
    const drawn = await rendered;
    assert.equal(drawn.charts, 2, 'loss/val_loss and accuracy/val_accuracy');
    assert.ok(
      drawn.maxPoints > 0 && drawn.maxPoints <= MAX_POINTS_PER_SERIES,
      `at most ${MAX_POINTS_PER_SERIES} points per series, got ${drawn.maxPoints}`,
    );
    assert.deepEqual(warnings, [], 'the view reported no errors');
  });
});
