/**
 * Dashboard round-trip in the editor, driven through the extension's commands and its API: the panel loads
 * the webview bundle under its strict CSP, the view says ready, the host sends the snapshot, the view draws
 * every chart and says so — with at most 2,000 points per series for a long run — and reports no error
 * (CSP violations included).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { RunRecord } from '../../../src/core/runs/types';
import type { XlensApi } from '../../../src/features/api';
import type { DashboardPanel } from '../../../src/features/dashboard/dashboardPanel';
import {
  MAX_POINTS_PER_SERIES,
  type DashboardRendered,
  type DashboardSnapshot,
} from '../../../src/protocol/dashboard';
import { PanelRegistry } from '../../../src/webview/panelRegistry';
import { writeFixtureRun } from '../../e2e/support/fixtureRun';
import { panelOpenedBy, problemsOf, waitFor, webviewTabs, workspaceRoot, xlensApi } from './helpers';

const DASHBOARD_VIEW_TYPE = 'xlens.dashboard';

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
  let api: XlensApi;
  let problems: ReturnType<typeof problemsOf>;
  before(async () => {
    api = await xlensApi();
    // What dashboards log as warnings and errors: view errors, CSP violations, rejected messages.
    problems = problemsOf(api, /^(dashboard |Did not restore a dashboard)/);
  });
  after(() => {
    problems.dispose();
    for (const panel of api.panels.dashboards.entries().values()) {
      panel.dispose();
    }
  });

  /** Opens the dashboard of `runId` with the command, as the Runs view does, and returns its panel. */
  async function openDashboard(
    runId: string,
  ): Promise<{ panel: DashboardPanel; rendered: Promise<DashboardRendered> }> {
    const run = await waitFor(`run ${runId} succeeded in the Runs model`, () => {
      const known = api.runs.get(runId);
      return known?.status === 'succeeded' ? known : undefined;
    });
    const panel = await panelOpenedBy(
      () => vscode.commands.executeCommand('xlens.openRunDashboard', run),
      () => api.panels.dashboards.get(runId),
    );
    return { panel, rendered: nextRender(panel) };
  }

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
    problems.clear();
    const { panel, rendered } = await openDashboard(run.id);
    const drawn = await rendered;
    assert.equal(panel.isReady, true, 'the snapshot went out after the view said ready');
    assert.equal(drawn.charts, 2, 'loss/val_loss and accuracy/val_accuracy');
    assert.ok(
      drawn.maxPoints > 0 && drawn.maxPoints <= MAX_POINTS_PER_SERIES,
      `at most ${MAX_POINTS_PER_SERIES} points per series, got ${drawn.maxPoints}`,
    );
    assert.deepEqual(problems.messages, [], 'the view reported no errors');
  });

  it("shows only its own run's output, whatever run id the view names", () => {
    const [panel] = api.panels.dashboards.entries().values();
    assert.ok(panel && !panel.isDisposed, 'the dashboard of the first test is open');
    problems.clear();
    receive(panel, { type: 'dashboard/showOutput', payload: { runId: 'someone-elses-run' } });
    assert.match(problems.messages.join('\n'), /ignored a request for the output of "someone-elses-run"/);
  });

  it('opens the dashboard of an imported run whose source cannot be read, and says why', async () => {
    const root = workspaceRoot();
    const path = join(root, 'train.log');
    // No reader exists for this source (as in test/integration/dashboard/importedRecovery.test.ts): the
    // metrics worker's first read fails, for real.
    const run = {
      key: `stdout:${path}#train.log`,
      format: 'stdout',
      source: path,
      relativePath: 'train.log',
      id: 'train.log',
      name: 'train.log',
      params: {},
      tags: {},
      metrics: [],
    };
    // The element the Runs view hands to the command for an imported run.
    const panel = await panelOpenedBy(
      () => vscode.commands.executeCommand('xlens.openRunDashboard', { kind: 'importedRun', run }),
      () => api.panels.dashboards.get(run.key),
    );
    await panel.loaded;
    // Named by the log (shown relative to the workspace folder) and its format.
    assert.match(panel.panel.title, /(^|\/)train\.log · stdout$/);
    const header = (): DashboardSnapshot['header'] =>
      (panel as unknown as { snapshot(): { payload: DashboardSnapshot } }).snapshot().payload.header;
    const error = await waitFor('the reason in the header', () => header().error);
    assert.equal(
      error,
      `could not read ${path}: No file reader for metric source "stdout" (${path})`,
      'the header says what went wrong',
    );
    panel.dispose();
  });

  it('closes a restored panel whose saved source lies outside the workspace', async () => {
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      'restored',
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
      },
    );
    let closed = false;
    panel.onDidDispose(() => (closed = true));
    problems.clear();
    await api.panels.restore(panel, {
      runId: 'keras-csv:/etc/passwd#passwd',
      snapshot: {
        header: {
          runId: 'keras-csv:/etc/passwd#passwd',
          task: 'passwd',
          imported: {
            format: 'keras-csv',
            path: '/etc/passwd',
            relativePath: 'passwd',
            sourceRunId: 'passwd',
            experiment: null,
          },
        },
        params: [],
      },
    });
    assert.equal(closed, true, 'the panel was closed');
    assert.equal(api.panels.dashboards.get('keras-csv:/etc/passwd#passwd'), undefined);
    assert.match(problems.messages.join('\n'), /not a path inside the workspace/);
  });

  it('closes every open dashboard when its registry is disposed (as on deactivation)', async () => {
    const fixture = (): Promise<RunRecord> =>
      writeFixtureRun(workspaceRoot(), {
        task: 'train',
        git: { commit: null, branch: null, dirty: false, snapshot: null },
        metrics: ['loss'],
        steps: 10,
        params: {},
      });
    const run = await fixture();
    const { panel } = await openDashboard(run.id);
    await panel.loaded;
    // The extension's registries are disposed on deactivation; one of the same kind holds this panel.
    const own = new PanelRegistry<DashboardPanel>();
    own.add(run.id, panel);
    assert.equal(own.get(run.id), panel);
    const title = `train · ${run.id}`;
    await waitFor('the dashboard tab', () =>
      webviewTabs(DASHBOARD_VIEW_TYPE).some((t) => t.label === title) ? true : undefined,
    );
    own.dispose();
    assert.equal(panel.isDisposed, true);
    assert.equal(own.entries().size, 0);
    assert.equal(api.panels.dashboards.get(run.id), undefined, 'a closed panel leaves the open panels');
    await waitFor('the dashboard tab to close', () =>
      webviewTabs(DASHBOARD_VIEW_TYPE).some((t) => t.label === title) ? undefined : true,
    );
    // A panel registered after the root shut down is closed at once.
    const { panel: late } = await openDashboard((await fixture()).id);
    own.add('late', late);
    assert.equal(late.isDisposed, true);
  });
});

/** Hands `raw` to the panel as if its view had posted it. */
function receive(panel: DashboardPanel, raw: unknown): void {
  (panel as unknown as { receive(raw: unknown): void }).receive(raw);
}
