/**
 * The experiments table in the editor, through its command and the API: Open Experiments Table loads the
 * webview under its CSP, the view says ready, the host sends every run once and the view reports its first
 * rows drawn; a star and a note land in the run's annotations.json; the layout is kept in the workspace
 * state and comes back when the table is opened again; Compare hands the selected runs to the compare view;
 * a TensorBoard log copied into the workspace becomes a row beside the own runs, can be starred (in
 * .xlens/imported-annotations.json) and compared with an own run.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { importedStableKey } from '../../../src/core/runs/importedRecord';
import type { RunRecord } from '../../../src/core/runs/types';
import type { XlensApi } from '../../../src/features/api';
import type { TablePanel } from '../../../src/features/table/tablePanel';
import type { CompareSnapshot } from '../../../src/protocol/compare';
import { DEFAULT_TABLE_LAYOUT } from '../../../src/protocol/table';
import { writeFixtureRun } from '../../e2e/support/fixtureRun';
import { panelOpenedBy, problemsOf, waitFor, workspaceRoot, xlensApi } from './helpers';

function nextRender(panel: TablePanel, timeoutMs = 60_000): Promise<{ rows: number; columns: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the table did not report its rows drawn')), timeoutMs);
    const sub = panel.onDidRender((rendered) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(rendered);
    });
  });
}

/** Hands `raw` to the panel as if the view had posted it (validated like any view message). */
function receive(panel: TablePanel, raw: unknown): void {
  (panel as unknown as { receive(raw: unknown): void }).receive(raw);
}

describe('experiments table', () => {
  let api: XlensApi;
  let problems: ReturnType<typeof problemsOf>;
  const runs: RunRecord[] = [];
  before(async () => {
    api = await xlensApi();
    problems = problemsOf(api, /^table view/);
    const root = workspaceRoot();
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    for (const lr of [0.1, 0.01, 0.001]) {
      runs.push(
        await writeFixtureRun(root, {
          task: 'train',
          git: { commit, branch: 'main', dirty: false, snapshot: null },
          metrics: ['loss', 'val_accuracy'],
          steps: 20,
          params: { lr, '<img src=x onerror=alert(1)>': 'markup' },
        }),
      );
    }
  });
  after(() => {
    rmSync(join(workspaceRoot(), 'tb-logs'), { recursive: true, force: true });
    rmSync(join(workspaceRoot(), '.xlens', 'imported-annotations.json'), { force: true });
    problems.dispose();
    api.panels.table.get('table')?.dispose();
    for (const panel of api.panels.compare.entries().values()) {
      panel.dispose();
    }
  });

  async function openTable(): Promise<{ panel: TablePanel; rendered: Promise<{ rows: number }> }> {
    await waitFor('the fixture runs in the Runs model', () =>
      runs.every((run) => api.runs.get(run.id)?.status === 'succeeded') ? true : undefined,
    );
    const panel = await panelOpenedBy(
      () => vscode.commands.executeCommand('xlens.openExperimentsTable'),
      () => api.panels.table.get('table'),
    );
    return { panel, rendered: nextRender(panel) };
  }

  it('opens from the command, sends every run and draws the first rows', async () => {
    problems.clear();
    const { panel, rendered } = await openTable();
    const drawn = await rendered;
    assert.equal(panel.isReady, true);
    assert.ok(drawn.rows >= 3, `${drawn.rows} rows drawn`);
    const data = await waitFor('the fixture runs in the table', () => {
      const current = panel.currentData;
      return current && runs.every((run) => current.runIds.includes(run.id)) ? current : undefined;
    });
    const keys = data.columns.map((c) => c.key);
    assert.ok(keys.includes('params.lr') && keys.includes('metrics.val_accuracy'), keys.join(', '));
    assert.ok(keys.includes('params.<img src=x onerror=alert(1)>'));
    assert.deepEqual(problems.messages, [], 'the view reported no errors');
  });

  it('writes a star and a note to the run folder', async () => {
    const panel = api.panels.table.get('table')!;
    const run = runs[0];
    receive(panel, {
      type: 'table/annotate',
      payload: { runId: run.id, starred: true, note: 'best so far' },
    });
    const file = join(workspaceRoot(), '.xlens', 'runs', run.id, 'annotations.json');
    const written = await waitFor('annotations.json', () => {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as unknown;
      } catch {
        return undefined;
      }
    });
    assert.deepEqual(written, { starred: true, note: 'best so far' });
  });

  it('keeps the layout in the workspace state and restores it when opened again', async () => {
    const panel = api.panels.table.get('table')!;
    const layout = {
      ...DEFAULT_TABLE_LAYOUT,
      pinned: ['params.lr'],
      hidden: ['dirty'],
      sort: [{ key: 'metrics.val_accuracy', descending: true }],
      grouped: false,
    };
    receive(panel, { type: 'table/layout', payload: layout });
    assert.deepEqual(panel.currentLayout, layout);
    // The aggregates are the host's: a layout from the view without one chosen meanwhile does not undo it.
    receive(panel, { type: 'table/aggregate', payload: { metric: 'val_accuracy', aggregate: 'max' } });
    receive(panel, { type: 'table/layout', payload: layout });
    assert.deepEqual(panel.currentLayout.aggregates, [['val_accuracy', 'max']]);
    receive(panel, { type: 'table/aggregate', payload: { metric: 'val_accuracy', aggregate: 'last' } });
    assert.deepEqual(panel.currentLayout, layout);
    receive(panel, { type: 'table/layout', payload: { ...layout, pinned: 'all' } });
    assert.match(problems.messages.join('\n'), /ignored a message: layout.order, hidden and pinned/);
    panel.dispose();
    const { panel: reopened, rendered } = await openTable();
    await rendered;
    assert.deepEqual(reopened.currentLayout, layout);
  });

  it('shows a new run without being opened again', async () => {
    const panel = api.panels.table.get('table')!;
    const root = workspaceRoot();
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const added = await writeFixtureRun(root, {
      task: 'train',
      git: { commit, branch: 'main', dirty: false, snapshot: null },
      metrics: ['loss'],
      steps: 5,
      params: { lr: 0.5 },
    });
    await waitFor('the new run in the table', () =>
      panel.currentData?.runIds.includes(added.id) ? true : undefined,
    );
  });

  it('hands the selected runs to the compare view', async () => {
    const panel = api.panels.table.get('table')!;
    const ids = [runs[0].id, runs[2].id];
    receive(panel, { type: 'table/compare', payload: { runIds: ids } });
    const compare = await waitFor('the compare view of the two runs', () =>
      api.panels.compare.get(ids.join(',')),
    );
    assert.deepEqual(compare.runIds, ids);
  });

  it('lists a TensorBoard log of the workspace beside the own runs, stars it and compares it', async () => {
    const root = workspaceRoot();
    // The bundled suite runs from out/test/extension; the real TensorBoard events are in test/fixtures.
    const fixture = join(
      __dirname,
      '../../../test/fixtures/tensorboard/BozzoloLu__GAN/logs/GAN/20221120-125007',
    );
    cpSync(fixture, join(root, 'tb-logs', 'gan'), { recursive: true });
    await vscode.commands.executeCommand('xlens.refresh');
    const panel = api.panels.table.get('table')!;
    const { data, row } = await waitFor('the TensorBoard run in the table', () => {
      const current = panel.currentData;
      const index = current?.sources?.indexOf('TensorBoard') ?? -1;
      return current && index >= 0 ? { data: current, row: index } : undefined;
    });
    assert.ok(
      runs.every((run) => data.runIds.includes(run.id)),
      'the own runs are still rows',
    );
    const column = (key: string) => data.values[data.columns.findIndex((c) => c.key === key)];
    assert.equal(column('source')[row], 'TensorBoard');
    assert.equal(column('task')[row], 'tb-logs/gan');
    assert.equal(typeof column('metrics.Discriminator loss')[row], 'number');
    assert.equal(data.commits[row], null, 'TensorBoard records no commit: grouped under "imported"');
    const id = data.runIds[row];

    receive(panel, { type: 'table/annotate', payload: { runId: id, starred: true, note: 'gan' } });
    const imported = api.imported.runs.find((r) => r.relativePath === 'tb-logs/gan')!;
    const file = join(root, '.xlens', 'imported-annotations.json');
    const written = await waitFor('imported-annotations.json', () => {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    });
    assert.deepEqual(written[importedStableKey(imported)], { starred: true, note: 'gan' });

    const ids = [runs[0].id, id];
    receive(panel, { type: 'table/compare', payload: { runIds: ids } });
    const compare = await waitFor('the compare view of an own and an imported run', () =>
      api.panels.compare.get(ids.join(',')),
    );
    await compare.loaded;
    await waitFor('the compare view ready', () => (compare.isReady ? true : undefined));
    // What the host posts: the snapshot with the first chart, then the others in one of the same revision.
    const posted: CompareSnapshot[] = [];
    const webview = compare.panel.webview;
    const postMessage = webview.postMessage.bind(webview);
    webview.postMessage = (message: { payload: CompareSnapshot }) => {
      posted.push(message.payload);
      return postMessage(message);
    };
    (compare as unknown as { receive(raw: unknown): void }).receive({
      type: 'compare/options',
      payload: compare.currentOptions,
    });
    const [first, snapshot] = await waitFor('both parts of the snapshot', () =>
      posted.length >= 2 ? posted : undefined,
    );
    assert.equal(posted.length, 2);
    assert.equal(first.charts.length, 1);
    assert.equal(first.pendingCharts, snapshot.charts.length - 1);
    assert.equal(snapshot.pendingCharts, 0);
    assert.equal(snapshot.revision, first.revision);
    assert.deepEqual(snapshot.charts[0], first.charts[0]);
    assert.deepEqual(
      snapshot.runs.map((r) => r.id),
      ids,
    );
    assert.ok(
      snapshot.charts.some((chart) => chart.title.includes('Discriminator loss')),
      snapshot.charts.map((c) => c.title).join(', '),
    );
  });
});
