/**
 * Filter errors and notes the experiments table's page shows from hostile text (webviews/table/dom.ts
 * `showFilterError`, `renderNoteBar`): markup, `__proto__`, `$(...)`, bidi and control characters, lone
 * surrogates, a column past the end, before the start or inside a surrogate pair, and a 1 MB note. Each
 * is shown as text exactly (no element from the data, nothing run), the marked character is whole, and the
 * page reports no error, CSP violation or request. In headless Chromium under the extension's CSP.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TABLE_LAYOUT } from '../../src/protocol/table';
import { chromiumSkipReason } from '../helpers/chromium';
import { atRest, openTable, tableDataOf } from '../helpers/tableGrid';
import { chromiumView, until } from '../helpers/webviewPage';
import { run } from '../unit/compare/runs';

const dir = mkdtempSync(join(tmpdir(), 'xlens-table-hostile-text-'));

const EXPRESSIONS = [
  '<img src=x onerror="window.__ran=1"> > (',
  '__proto__ == constructor and $(touch /tmp/x) > `id`',
  '\u202eval_accuracy\u202c > \u0000\u001b[31m(',
  'a \ud800 b \udc00 (',
  '"😀😀" > (',
];

describe('experiments table: hostile text in filter errors and notes', { skip: chromiumSkipReason() }, () => {
  const chromium = chromiumView('table', dir);

  it('shows every filter error as text, the named character whole, whatever its column', async () => {
    const records = [run('20261207T130000Z-00000001'), run('20261207T130100Z-00000002')];
    const data = tableDataOf(records);
    const h = await openTable(chromium, dir, data, { ...DEFAULT_TABLE_LAYOUT, grouped: false });
    const { page } = h;
    await atRest(page);
    let seen = 0;
    for (const expression of EXPRESSIONS) {
      // Columns before the start, at each character (inside a surrogate pair too), and past the end.
      for (const column of [
        -5,
        0,
        ...Array.from({ length: expression.length + 1 }, (_, i) => i + 1),
        10_000,
      ]) {
        const message = `filter: column ${column}: <b>${expression}</b>`;
        await h.post({
          type: 'table/filtered',
          payload: {
            version: 1,
            query: { expression, status: '', task: '', text: '' },
            rows: null,
            error: { message, column },
          },
        });
        seen++;
        await until(
          page,
          `document.querySelector('.filter-error div')?.textContent === ${JSON.stringify(message)}`,
        );
        const shown = await page.evaluate<{ message: string; parts: string[]; elements: string[] }>(`(() => {
          const box = document.querySelector('.filter-error');
          return {
            message: box.firstElementChild.textContent,
            parts: [...box.querySelector('pre').childNodes].map((n) => n.textContent),
            elements: [...box.querySelectorAll('*')].map((e) => e.tagName),
          };
        })()`);
        assert.equal(shown.message, message);
        assert.deepEqual(shown.elements, ['DIV', 'PRE', 'MARK'], 'no element from the text');
        const [before, at, after] = shown.parts;
        // The expression whole, or (a column past its end) the expression and a marked space after it.
        assert.ok(
          before + at + after === expression || (at === ' ' && before === expression && after === ''),
          `${JSON.stringify(expression)} at ${column}: ${JSON.stringify(shown.parts)}`,
        );
        assert.ok(at.length === 1 || at.length === 2, 'one character (a surrogate pair whole)');
        if (at.length === 2) {
          assert.equal([...at].length, 1, 'a pair, not two characters');
        }
        assert.ok(!/^[\ud800-\udbff]$/.test(at) || !/^[\udc00-\udfff]/.test(after), 'a pair is not split');
      }
    }
    assert.ok(seen > 40);
    assert.equal(await page.evaluate<unknown>('window.__ran'), undefined, 'nothing from the markup ran');
    assert.deepEqual(await h.viewErrors(), []);
    await page.context().close();
  });

  it('shows a hostile or 1 MB note from the host as text in the note bar', async () => {
    const records = [run('20261207T130000Z-00000001'), run('20261207T130100Z-00000002')];
    const data = tableDataOf(records);
    const note = `<script>window.__ran=1</script>__proto__ $(rm -rf ~) \u202e\u0000${'x'.repeat(1_000_000)}`;
    data.notes[0] = note;
    const h = await openTable(chromium, dir, data, { ...DEFAULT_TABLE_LAYOUT, grouped: false });
    const { page } = h;
    await atRest(page);
    await page.locator(`.row-check[aria-label="Select run ${data.runIds[0]}"]`).check();
    await until(page, `document.querySelector('.note-bar input') !== null`);
    assert.equal(await page.locator('.note-bar input').inputValue(), note);
    assert.equal(await page.evaluate<number>(`document.querySelectorAll('.note-bar *').length`), 3);
    assert.equal(await page.evaluate<unknown>('window.__ran'), undefined);
    assert.deepEqual(await h.viewErrors(), []);
    await page.context().close();
  });
});
