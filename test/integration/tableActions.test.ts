/**
 * What the experiments table's controls send and keep, as a user drives them (webviews/table/main.ts): Compare
 * and Export take the runs shown, in display order (commit groups first), without those of a collapsed
 * group; a metric's aggregate stays in the layouts the view posts after it; a task chosen in the task
 * select stays shown when its runs go; the note bar never drops unsaved typing; Export is off with no
 * column shown. In headless Chromium under the extension's CSP.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  DEFAULT_TABLE_LAYOUT,
  MAX_TABLE_TEXT,
  type TableHostMessage,
  type TableLayout,
} from '../../src/protocol/table';
import { TableModel } from '../../webviews/table/model';
import { chromiumSkipReason } from '../helpers/chromium';
import { atRest, openTable, tableDataOf } from '../helpers/tableGrid';
import { chromiumView, until, type ViewPage } from '../helpers/webviewPage';
import { run } from '../unit/compare/runs';

const dir = mkdtempSync(join(tmpdir(), 'xlens-table-actions-'));
const HEAD = 'b'.repeat(40);

/** Six runs over two commits (runs 1, 3 and 5 on HEAD), three of task `eval`, with a loss curve each. */
function records() {
  return Array.from({ length: 6 }, (_, i) => {
    const record = run(`20261207T12000${i}Z-0000000${i}`, {
      task: i < 3 ? 'eval' : 'train',
      params: { lr: 0.01 * (i + 1) },
      metrics: { loss: [1, 0.2 + i / 10, 0.5] },
    });
    if (i % 2 === 1) {
      record.git = { ...record.git, commit: HEAD };
    }
    return record;
  });
}

/** The last message of `type` the view posted. */
async function lastPosted<T>(h: ViewPage<TableHostMessage>, type: string): Promise<T> {
  await until(h.page, `window.__posted.some((m) => m.type === ${JSON.stringify(type)})`);
  return (await h.posted()).filter((m) => m.type === type).at(-1)!.payload as T;
}

describe('experiments table actions', { skip: chromiumSkipReason() }, () => {
  const chromium = chromiumView('table', dir);

  it('compares and exports the runs shown, in display order, and keeps aggregates, tasks and notes', async () => {
    const data = tableDataOf(records(), HEAD);
    const layout: TableLayout = { ...DEFAULT_TABLE_LAYOUT, grouped: true };
    const h = await openTable(chromium, dir, data, layout);
    const { page } = h;
    await atRest(page);

    // The display order as the table's own model has it: HEAD's group first.
    const model = new TableModel(data, layout);
    const order = model.displayItems().flatMap((d) => (d.kind === 'run' ? [data.runIds[d.row]] : []));
    assert.notDeepEqual(order, [...order].sort(), 'the groups put the runs out of id order');
    await page.locator('.grid-header input[type=checkbox]').check();
    await page.locator('button', { hasText: 'Compare 6' }).click();
    assert.deepEqual((await lastPosted<{ runIds: string[] }>(h, 'table/compare')).runIds, order);
    await page.locator('button', { hasText: 'Export CSV' }).click();
    assert.deepEqual((await lastPosted<{ runIds: string[] }>(h, 'table/export')).runIds, order);

    // HEAD's group collapsed: its runs are not shown, so not counted as selected, compared or exported.
    await page.locator('.grid-groups .group-label').first().click();
    await until(page, `document.querySelector('.count').textContent.endsWith(', 3 selected')`);
    await page.locator('button', { hasText: 'Compare 3' }).click();
    assert.deepEqual((await lastPosted<{ runIds: string[] }>(h, 'table/compare')).runIds, order.slice(3));
    await page.locator('button', { hasText: 'Export CSV' }).click();
    assert.deepEqual((await lastPosted<{ runIds: string[] }>(h, 'table/export')).runIds, order.slice(3));
    await page.locator('.grid-groups .group-label').first().click();
    await until(page, `document.querySelector('.count').textContent.endsWith(', 6 selected')`);

    // A metric's aggregate chosen in the chooser stays in the layout the view posts after it (the host
    // saves those whole).
    await page.locator('button', { hasText: 'Columns…' }).click();
    await page.locator('.chooser li[data-key="metrics.loss"] select').selectOption('min');
    assert.deepEqual(await lastPosted(h, 'table/aggregate'), { metric: 'loss', aggregate: 'min' });
    await page.locator('button', { hasText: 'Columns…' }).click();
    await page.locator('.grid-header .cell.head[data-key="params.lr"]').click();
    await until(
      page,
      `window.__posted.some((m) => m.type === 'table/layout' && m.payload.sort.length === 1)`,
    );
    assert.deepEqual((await lastPosted<TableLayout>(h, 'table/layout')).aggregates, [['loss', 'min']]);

    // A task chosen whose runs all go (deleted) stays chosen and says so, rather than "any task" shown
    // over a filter that still holds.
    await page.locator('select').filter({ hasText: 'any task' }).selectOption('eval');
    await until(page, `window.__posted.some((m) => m.type === 'table/query' && m.payload.task === 'eval')`);
    await h.post({
      type: 'table/snapshot',
      payload: { data: { ...tableDataOf(records().slice(3), HEAD), version: 2 }, layout },
    });
    await until(page, `document.querySelectorAll('.grid-body .row.run').length === 3`);
    const task = page.locator('select').filter({ hasText: 'any task' });
    assert.equal(await task.inputValue(), 'eval');
    assert.equal(await task.locator('option:checked').innerText(), 'eval (no runs)');
    await task.selectOption('');
    await until(page, `window.__posted.some((m) => m.type === 'table/query' && m.payload.task === '')`);

    // The note bar of the one selected run: typing not saved yet stays through a click on the same row
    // and through new values of the run arriving while the input has no focus.
    await page.locator('.grid-header input[type=checkbox]').uncheck();
    const label = (await page.locator('.grid-body .row.run .row-check').first().getAttribute('aria-label'))!;
    const row = page.locator('.grid-body .row.run', {
      has: page.locator(`.row-check[aria-label="${label}"]`),
    });
    await row.locator('.cell').nth(3).click();
    const note = page.locator('.note-bar input');
    assert.equal(await note.getAttribute('maxlength'), String(MAX_TABLE_TEXT));
    await note.fill('lr too high');
    await row.locator('.cell').nth(4).click();
    assert.equal(await note.inputValue(), 'lr too high', 'a click on the same row');
    const now = tableDataOf(records().slice(3), HEAD);
    const index = now.runIds.indexOf(label.replace('Select run ', ''));
    assert.ok(index >= 0);
    await h.post({
      type: 'table/rows',
      payload: {
        version: 3,
        previous: 2,
        rows: [{ index, values: now.values.map((column) => column[index]), starred: true, note: '' }],
      },
    });
    const starOf = `document.querySelector('.row-check[aria-label=${JSON.stringify(label)}]').closest('.row').querySelector('.cell.star').textContent`;
    await until(page, `${starOf} === '★'`);
    assert.equal(await note.inputValue(), 'lr too high', 'a live update of the run');
    await note.press('Enter');
    assert.equal((await lastPosted<{ note: string }>(h, 'table/annotate')).note, 'lr too high');
    assert.deepEqual(await h.viewErrors(), []);
    await page.context().close();
  });

  it('selects ranges as a list of files does, keeps hidden selections, and marks a filter error', async () => {
    const data = tableDataOf(records(), HEAD);
    const layout: TableLayout = { ...DEFAULT_TABLE_LAYOUT, grouped: false };
    const h = await openTable(chromium, dir, data, layout);
    const { page } = h;
    await atRest(page);
    const cell = (i: number) =>
      page.locator(`.grid-body > .row.run[aria-rowindex="${i + 2}"] [role=gridcell][aria-colindex="3"]`);
    const count = () => page.locator('.count').innerText();
    // Shift-click: the range from the anchor instead of the selection; Ctrl-Shift-click adds it.
    await cell(0).click();
    await cell(5).click({ modifiers: ['Shift'] });
    assert.match(await count(), /, 6 selected$/);
    await cell(2).click({ modifiers: ['Shift'] });
    assert.match(await count(), /, 3 selected$/, 'a shorter range replaces the longer one');
    await cell(4).click({ modifiers: ['Control'] });
    await cell(5).click({ modifiers: ['Control', 'Shift'] });
    assert.match(await count(), /, 5 selected$/, 'runs 0-2, then 4 and 5 added');

    // Filtered to three runs, select-all twice: the three go, the selections the filter hides stay.
    const model = new TableModel(data, layout);
    const rows = Array.from(model.sortedRows());
    await h.post({
      type: 'table/filtered',
      payload: {
        version: 1,
        query: { expression: 'x', status: '', task: '', text: '' },
        rows: rows.slice(3),
      },
    });
    await until(page, `document.querySelectorAll('.grid-body .row.run').length === 3`);
    const all = page.locator('.grid-header input[type=checkbox]');
    await all.click();
    await all.click();
    assert.match(await count(), /^3 of 6 runs$/);
    await h.post({
      type: 'table/filtered',
      payload: { version: 1, query: { expression: '', status: '', task: '', text: '' }, rows: null },
    });
    await until(page, `document.querySelector('.count').textContent === '6 of 6 runs, 3 selected'`);

    // A filter error names a column in UTF-16 units after an emoji: the character there is marked in the
    // expression checked.
    const expression = '"😀" > (';
    await h.post({
      type: 'table/filtered',
      payload: {
        version: 1,
        query: { expression, status: '', task: '', text: '' },
        rows: null,
        error: { message: 'filter: "(" is not closed', column: expression.indexOf('(') + 1 },
      },
    });
    await until(page, 'document.querySelector(".filter-error mark.at") !== null');
    assert.deepEqual(
      await page.evaluate<string[]>(
        `[...document.querySelector('.filter-error pre').childNodes].map((n) => n.textContent)`,
      ),
      ['"😀" > ', '(', ''],
    );

    // A commit group's header says whether it is expanded.
    await page.locator('label:has-text("group by commit") input').check();
    await until(page, 'document.querySelector(".grid-groups .group-label") !== null');
    const group = page.locator('.grid-groups .group-label').first();
    assert.equal(await group.getAttribute('aria-expanded'), 'true');
    await group.click();
    await until(
      page,
      `document.querySelector('.grid-groups .group-label').getAttribute('aria-expanded') === 'false'`,
    );
    assert.deepEqual(await h.viewErrors(), []);
    await page.context().close();
  });

  it('turns Export off when no column is shown', async () => {
    const data = tableDataOf(records(), HEAD);
    const hidden = data.columns.map((c) => c.key);
    const h = await openTable(chromium, dir, data, { ...DEFAULT_TABLE_LAYOUT, grouped: false, hidden });
    assert.equal(await h.page.locator('button', { hasText: 'Export CSV' }).isDisabled(), true);
    assert.deepEqual(await h.viewErrors(), []);
    await h.page.context().close();
  });
});
