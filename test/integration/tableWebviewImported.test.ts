/**
 * Imported runs and row deltas in the experiments table (webviews/table) in headless Chromium under the
 * extension's CSP: real TensorBoard and W&B logs (test/fixtures) beside own runs, the TensorBoard runs
 * under an "imported" group after the commit groups with their tool in the source column, the W&B run
 * under its commit; then a new own run arrives as a `table/delta` (one row, not a snapshot) and shows.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discoverImportedRuns } from '../../src/core/metrics/discovery/discovery';
import { importedRunRecord } from '../../src/core/runs/importedRecord';
import { diffTable } from '../../src/features/table/tableDiff';
import { buildTableData } from '../../src/features/table/viewModel';
import { DEFAULT_TABLE_LAYOUT, type TableHostMessage } from '../../src/protocol/table';
import { chromiumSkipReason } from '../helpers/chromium';
import { tempDir } from '../helpers/gitRepo';
import { openWebview, until, chromiumView } from '../helpers/webviewPage';
import { run } from '../unit/compare/runs';

const dir = mkdtempSync(join(tmpdir(), 'xlens-table-imported-webview-'));
const FIXTURES = join(__dirname, '../fixtures');

describe('experiments table with imported runs in headless Chromium', { skip: chromiumSkipReason() }, () => {
  const chromium = chromiumView('table', dir);

  it('groups imported runs apart, names their tool, and adds a new run from a delta', async () => {
    const ws = tempDir('xlens-table-imported-ws-');
    cpSync(join(FIXTURES, 'tensorboard/BozzoloLu__GAN/logs'), join(ws, 'logs'), { recursive: true });
    cpSync(join(FIXTURES, 'wandb/git/wandb'), join(ws, 'wandb'), { recursive: true });
    const imported = (await discoverImportedRuns(ws, { taskSources: false })).runs.map(importedRunRecord);
    const tensorBoard = imported.filter((r) => r.imported?.label === 'TensorBoard').length;
    const own = [
      run('20261206T100200Z-00000002', { params: { lr: 0.01 }, metrics: { loss: [1, 0.4] } }),
      run('20261206T100100Z-00000001', { params: { lr: 0.1 }, metrics: { loss: [1, 0.6] } }),
    ];
    const options = { head: 'a'.repeat(40), aggregates: new Map(), annotations: new Map() };
    const data = buildTableData([...own, ...imported], { ...options, version: 1 });
    const h = await openWebview<TableHostMessage>(chromium.browser, chromium.bundle, {
      dir,
      viewport: { width: 1400, height: 700 },
    });
    await h.post({ type: 'table/snapshot', payload: { data, layout: DEFAULT_TABLE_LAYOUT } });
    await until(h.page, 'window.__posted.some((m) => m.type === "table/rendered")');

    const groups = await h.page.locator('.row.group').allInnerTexts();
    assert.equal(groups.length, 3, groups.join(' | '));
    assert.match(groups[0], /aaaaaaa \(HEAD\) · 2 runs/);
    assert.match(groups[2], new RegExp(`imported · ${tensorBoard} runs`));
    assert.ok(await h.page.locator('.grid-header', { hasText: 'source' }).count());
    const rows = await h.page.locator('.row.run').allInnerTexts();
    assert.ok(
      rows.some((row) => row.includes('TensorBoard')),
      rows.join('\n'),
    );
    assert.ok(rows.some((row) => row.includes('W&B')));

    // A new own run: one added row as a delta; the view shows it under HEAD.
    const added = run('20261206T100300Z-00000003', { params: { lr: 0.003 }, metrics: { loss: [1, 0.2] } });
    const next = buildTableData([added, ...own, ...imported], { ...options, version: 2 });
    const delta = diffTable(data, next)!;
    assert.equal(delta.added.length, 1);
    await h.post({ type: 'table/delta', payload: { version: 2, previous: 1, delta } });
    await until(
      h.page,
      '[...document.querySelectorAll(".row.group")].some((g) => g.innerText.includes("(HEAD) · 3 runs"))',
    );
    const after = await h.page.locator('.row.run').allInnerTexts();
    assert.ok(
      after.some((row) => row.includes(added.id)),
      after.join('\n'),
    );
    assert.deepEqual(h.problems.page, [], 'no errors in the page');
  });
});
