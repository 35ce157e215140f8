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
import type { ImportedRun } from '../../../src/core/metrics/discovery/importedRun';
import {
  DASHBOARD_VIEW_TYPE,
  openImportedDashboard,
  openRunDashboard,
  type DashboardPanel,
  type DashboardServices,
} from '../../../src/features/dashboard';
import { RunFollowers } from '../../../src/core/runs/runFollowers';
import type { WatchSources } from '../../../src/core/runs/importedFollower';
import { restoreDashboard } from '../../../src/features/dashboard/openDashboard';
import { createWebviewPanel } from '../../../src/webview/webviewHost';
import {
  MAX_POINTS_PER_SERIES,
  type DashboardRendered,
  type DashboardSnapshot,
} from '../../../src/protocol/dashboard';
import { PanelRegistry } from '../../../src/webview/panelRegistry';
import { writeFixtureRun } from '../../e2e/support/fixtureRun';
import { EXTENSION_ID, waitFor, webviewTabs, workspaceRoot, xlensApi } from './helpers';

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
  const registry = new PanelRegistry<DashboardPanel>();
  after(() => {
    panels.forEach((p) => p.dispose());
    registry.dispose();
  });
  const warnings: string[] = [];
  const log = { info: () => undefined, warn: (m: string) => warnings.push(m) };
  const services = (): DashboardServices => {
    const root = workspaceRoot();
    return {
      extensionUri: vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri,
      root,
      followers: new RunFollowers(join(root, '.xlens', 'runs')),
      panels: registry,
      log,
    };
  };

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
    const panel = openRunDashboard(services(), run.id);
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

  it("shows only its own run's output, whatever run id the view names", () => {
    const panel = panels[0];
    assert.ok(panel && !panel.isDisposed, 'the dashboard of the first test is open');
    const before = warnings.length;
    receive(panel, { type: 'dashboard/showOutput', payload: { runId: 'someone-elses-run' } });
    assert.match(
      warnings.slice(before).join('\n'),
      /ignored a request for the output of "someone-elses-run"/,
    );
  });

  it('opens the dashboard of an imported run whose source cannot be read, and says why', async () => {
    const root = workspaceRoot();
    const path = join(root, 'no-such-log.csv');
    // The first read fails as MetricsWatcher reports it (test/unit/dashboard/importedRecovery.test.ts).
    const failing: WatchSources = (sources, listener) => {
      for (const source of sources) {
        listener({
          source,
          result: { runs: [], warnings: [] },
          initial: true,
          trigger: 'initial',
          readAt: Date.now(),
          error: 'ENOENT: no such file or directory',
        });
      }
      return { dispose: () => undefined };
    };
    const panel = await openImportedDashboard(
      { ...services(), watchImported: () => Promise.resolve(failing) },
      {
        key: `keras-csv:${path}#no-such-log.csv`,
        format: 'keras-csv',
        source: path,
        relativePath: 'no-such-log.csv',
        id: 'no-such-log.csv',
        name: 'no-such-log.csv',
        params: {},
        tags: {},
        metrics: [],
      } as unknown as ImportedRun,
    );
    panels.push(panel);
    const rendered = nextRender(panel);
    await panel.loaded;
    await rendered;
    assert.match(panel.panel.title, /^no-such-log\.csv · keras-csv$/);
    const shown = (panel as unknown as { snapshot(): { payload: DashboardSnapshot } }).snapshot();
    assert.equal(
      shown.payload.header.error,
      `could not read ${path}: ENOENT: no such file or directory`,
      'the header says what went wrong',
    );
    panel.dispose();
  });

  it('closes a restored panel whose saved source lies outside the workspace', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const panel = createWebviewPanel({
      viewType: DASHBOARD_VIEW_TYPE,
      title: 'restored',
      bundle: 'dashboard',
      extensionUri: extension.extensionUri,
    });
    let closed = false;
    panel.onDidDispose(() => (closed = true));
    const before = warnings.length;
    await restoreDashboard(services(), panel, {
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
    assert.equal(registry.has('keras-csv:/etc/passwd#passwd'), false);
    assert.match(warnings.slice(before).join('\n'), /not a path inside the workspace/);
  });

  it('closes every open dashboard when its registry is disposed (as on deactivation)', async () => {
    const run = await writeFixtureRun(workspaceRoot(), {
      task: 'train',
      git: { commit: null, branch: null, dirty: false, snapshot: null },
      metrics: ['loss'],
      steps: 10,
      params: {},
    });
    const own = new PanelRegistry<DashboardPanel>();
    const panel = openRunDashboard({ ...services(), panels: own }, run.id);
    await panel.loaded;
    assert.equal(own.get(run.id), panel);
    const title = `train · ${run.id}`;
    await waitFor('the dashboard tab', () =>
      webviewTabs(DASHBOARD_VIEW_TYPE).some((t) => t.label === title) ? true : undefined,
    );
    own.dispose();
    assert.equal(panel.isDisposed, true);
    assert.equal(own.entries().size, 0);
    await waitFor('the dashboard tab to close', () =>
      webviewTabs(DASHBOARD_VIEW_TYPE).some((t) => t.label === title) ? undefined : true,
    );
    // A panel registered after the root shut down is closed at once.
    const late = openRunDashboard({ ...services(), panels: own }, run.id);
    assert.equal(late.isDisposed, true);
  });
});

/** Hands `raw` to the panel as if its view had posted it. */
function receive(panel: DashboardPanel, raw: unknown): void {
  (panel as unknown as { receive(raw: unknown): void }).receive(raw);
}
