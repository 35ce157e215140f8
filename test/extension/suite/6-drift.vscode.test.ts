/**
 * The drift report view in the editor, driven through the Show Drift Report command and the extension's
 * API: comparing two files (computed by `xlens drift` in a child process) and opening the report a drift
 * run stored. Each panel loads the drift bundle under its strict CSP, says ready, receives the snapshot,
 * draws one chart per tested column plus the score summary, and reports no error (CSP violations
 * included) — also when column names and categories hold markup.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { DriftReport } from '../../../src/core/drift/types';
import type { XlensApi } from '../../../src/features/api';
import type { DriftPanel } from '../../../src/features/drift/driftPanel';
import type { DriftRendered } from '../../../src/protocol/drift';
import { writeFixtureRun } from '../../e2e/support/fixtureRun';
import { EXTENSION_ID, panelOpenedBy, problemsOf, waitFor, workspaceRoot, xlensApi } from './helpers';

const DRIFT_VIEW_TYPE = 'xlens.drift';

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

/** `xlens drift <reference> <current> --json` with the built CLI (dist/cli.js) in `cwd`. */
function driftReport(cwd: string, reference: string, current: string): DriftReport {
  const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
  const json = join(cwd, 'report.json');
  const result = spawnSync(
    process.execPath,
    [join(extension.extensionPath, 'dist', 'cli.js'), 'drift', reference, current, '--json', json],
    // The extension host may be Electron: run its binary as plain Node.
    { cwd, encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
  );
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(readFileSync(json, 'utf8')) as DriftReport;
}

describe('drift report view', () => {
  let api: XlensApi;
  let problems: ReturnType<typeof problemsOf>;
  let runId = '';
  before(async () => {
    api = await xlensApi();
    // What drift views log as warnings and errors: view errors, CSP violations, failed restores.
    problems = problemsOf(api, /^(drift view |Could not restore the drift report)/);
  });
  after(() => {
    problems.dispose();
    for (const panel of api.panels.drift.entries().values()) {
      panel.dispose();
    }
  });

  it('is a command of the palette', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('xlens.showDriftReport'));
  });

  it('compares two files and draws the report', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const data = join(extension.extensionPath, 'examples', 'weather-drift', 'data');
    const reference = join(data, 'weather-2012.csv');
    const current = join(data, 'weather-2015.csv');
    problems.clear();
    // As from the Explorer with both files selected; the command asks which one is the reference and
    // the first choice (the file the command was run on) is accepted.
    const panel = await panelOpenedBy(
      () =>
        vscode.commands.executeCommand('xlens.showDriftReport', vscode.Uri.file(reference), [
          vscode.Uri.file(reference),
          vscode.Uri.file(current),
        ]),
      () => api.panels.drift.get(`files:${reference}\n${current}`),
      { acceptQuickPick: true },
    );
    const drawn = await nextRender(panel);
    assert.equal(drawn.charts, panel.snapshotModel.columns.length + 1);
    assert.equal(panel.snapshotModel.dataset.driftDetected, true);
    assert.deepEqual(problems.messages, [], 'the view reported no errors');
  });

  it('opens the report of a drift run, with markup in names and categories shown without error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlens-drift-vscode-'));
    const xss = '<img src=x onerror=alert(1)>';
    const rows = (shift: number, labels: string[]): string =>
      Array.from({ length: 60 }, (_, i) => `${(i % 12) + shift},"${labels[i % labels.length]}"`).join('\n');
    writeFileSync(join(dir, 'ref.csv'), `"${xss}",kind\n${rows(0, ['a', xss])}\n`);
    writeFileSync(join(dir, 'cur.csv'), `"${xss}",kind\n${rows(5, ['<script>alert(2)</script>', xss])}\n`);
    const report = driftReport(dir, 'ref.csv', 'cur.csv');
    // A run of the workspace's store holding the report as its artifact, as a drift task leaves it.
    const run = await writeFixtureRun(workspaceRoot(), {
      task: 'drift',
      git: { commit: null, branch: null, dirty: false, snapshot: null },
      metrics: [],
      steps: 0,
    });
    runId = run.id;
    const artifacts = join(workspaceRoot(), '.xlens', 'runs', run.id, 'artifacts');
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, 'drift-report.json'), JSON.stringify(report));
    await waitFor(`run ${run.id} in the Runs model`, () => api.runs.get(run.id));
    problems.clear();
    const panel = await panelOpenedBy(
      () => vscode.commands.executeCommand('xlens.showDriftReport', run.id),
      () => api.panels.drift.get(`run:${run.id}`),
    );
    const drawn = await nextRender(panel);
    assert.equal(drawn.charts, report.columns.length + 1);
    assert.ok(panel.snapshotModel.columns.some((c) => c.name === xss));
    assert.deepEqual(problems.messages, [], 'the view reported no errors');
  });

  it('restores the panel of a run after a reload, and closes one of compared files', async () => {
    const panel = (): vscode.WebviewPanel =>
      vscode.window.createWebviewPanel(DRIFT_VIEW_TYPE, 'Drift report', vscode.ViewColumn.Active, {
        enableScripts: true,
      });
    assert.ok(runId, 'the drift run of the previous test exists');
    api.panels.drift.get(`run:${runId}`)?.dispose();
    problems.clear();
    await api.panels.restore(panel(), {
      snapshot: { source: { kind: 'run', runId, task: 'drift' } },
    });
    const restored = api.panels.drift.get(`run:${runId}`);
    assert.ok(restored, 'the run panel is back');
    await nextRender(restored);
    assert.deepEqual(problems.messages, []);

    const files = panel();
    let closed = false;
    files.onDidDispose(() => (closed = true));
    await api.panels.restore(files, {
      snapshot: { source: { kind: 'files', reference: 'a.csv', current: 'b.csv' } },
    });
    assert.equal(closed, true);
  });
});
