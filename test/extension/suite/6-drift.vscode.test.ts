/**
 * The drift report view in the editor: comparing two files (computed by `xlens drift` in a child process)
 * and opening the report a drift run stored. Each panel loads the drift bundle under its strict CSP, says
 * ready, receives the snapshot, draws one chart per tested column plus the score summary, and reports no
 * error (CSP violations included) — also when column names and categories hold markup.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import {
  DRIFT_VIEW_TYPE,
  openFilesDrift,
  openRunDrift,
  restoreDriftPanel,
  type DriftPanel,
  type DriftServices,
} from '../../../src/features/drift';
import { computeDriftReport } from '../../../src/core/drift/reportSource';
import { PanelRegistry } from '../../../src/webview/panelRegistry';
import { createWebviewPanel } from '../../../src/webview/webviewHost';
import type { RunsModel } from '../../../src/features/runs/runsModel';
import type { RunRecord } from '../../../src/core/runs/types';
import type { DriftRendered } from '../../../src/protocol/drift';
import { EXTENSION_ID, workspaceRoot } from './helpers';

function nextRender(panel: DriftPanel, timeoutMs = 60_000): Promise<DriftRendered> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the drift view did not report its charts drawn')),
      timeoutMs,
    );
    const sub = panel.onDidRender((rendered) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(rendered);
    });
  });
}

describe('drift report view', () => {
  const panels: DriftPanel[] = [];
  const registry = new PanelRegistry<DriftPanel>();
  after(() => {
    panels.forEach((p) => p.dispose());
    registry.dispose();
  });
  const warnings: string[] = [];
  let runsDir = '';
  const log = {
    info: () => undefined,
    warn: (m: string) => warnings.push(m),
    debug: () => undefined,
    error: (m: unknown) => warnings.push(String(m)),
  };

  function services(runsDir: string): DriftServices {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    return {
      extensionUri: extension.extensionUri,
      root: workspaceRoot(),
      runsDir,
      runs: undefined as unknown as RunsModel,
      log: log as unknown as DriftServices['log'],
      panels: registry,
    };
  }

  it('is a command of the palette', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('xlens.showDriftReport'));
  });

  it('compares two files and draws the report', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const data = join(extension.extensionPath, 'examples', 'weather-drift', 'data');
    warnings.length = 0;
    const panel = await openFilesDrift(
      services(tmpdir()),
      join(data, 'weather-2012.csv'),
      join(data, 'weather-2015.csv'),
    );
    panels.push(panel);
    const drawn = await nextRender(panel);
    assert.equal(drawn.charts, panel.snapshotModel.columns.length + 1);
    assert.equal(panel.snapshotModel.dataset.driftDetected, true);
    assert.deepEqual(warnings, [], 'the view reported no errors');
  });

  it('opens the report of a drift run, with markup in names and categories shown without error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlens-drift-vscode-'));
    const xss = '<img src=x onerror=alert(1)>';
    const rows = (shift: number, labels: string[]): string =>
      Array.from({ length: 60 }, (_, i) => `${(i % 12) + shift},"${labels[i % labels.length]}"`).join('\n');
    writeFileSync(join(dir, 'ref.csv'), `"${xss}",kind\n${rows(0, ['a', xss])}\n`);
    writeFileSync(join(dir, 'cur.csv'), `"${xss}",kind\n${rows(5, ['<script>alert(2)</script>', xss])}\n`);
    const report = await computeDriftReport({ reference: 'ref.csv', current: 'cur.csv', cwd: dir });
    runsDir = join(dir, 'runs');
    mkdirSync(join(runsDir, 'r-drift', 'artifacts'), { recursive: true });
    writeFileSync(join(runsDir, 'r-drift', 'artifacts', 'drift-report.json'), JSON.stringify(report));
    warnings.length = 0;
    const panel = await openRunDrift(services(runsDir), { id: 'r-drift', task: 'drift' } as RunRecord);
    panels.push(panel);
    const drawn = await nextRender(panel);
    assert.equal(drawn.charts, report.columns.length + 1);
    assert.ok(panel.snapshotModel.columns.some((c) => c.name === xss));
    assert.deepEqual(warnings, [], 'the view reported no errors');
  });

  it('restores the panel of a run after a reload, and closes one of compared files', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const panel = (): vscode.WebviewPanel =>
      createWebviewPanel({
        viewType: DRIFT_VIEW_TYPE,
        title: 'Drift report',
        bundle: 'drift',
        extensionUri: extension.extensionUri,
      });
    registry.get('run:r-drift')?.dispose();
    warnings.length = 0;
    await restoreDriftPanel(services(runsDir), panel(), {
      snapshot: { source: { kind: 'run', runId: 'r-drift', task: 'drift' } },
    });
    const restored = registry.get('run:r-drift');
    assert.ok(restored, 'the run panel is back');
    panels.push(restored);
    await nextRender(restored);
    assert.deepEqual(warnings, []);

    const files = panel();
    let closed = false;
    files.onDidDispose(() => (closed = true));
    await restoreDriftPanel(services(runsDir), files, {
      snapshot: { source: { kind: 'files', reference: 'a.csv', current: 'b.csv' } },
    });
    assert.equal(closed, true);
  });
});
