/**
 * Hostile cell values drawn by the experiments table's tile worker (webviews/table/tileWorker.ts), in headless
 * Chromium under the table's CSP: param names `__proto__` and `constructor`, values holding `$(...)`, markup,
 * bidi and control characters, a 1 MB text, NaN and infinities. A steady scroll makes the worker draw them;
 * the page stays whole (no error, no CSP violation, no request), the worker keeps answering, the grid
 * settles, and no markup from a value becomes an element.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TABLE_LAYOUT, type TableHostMessage } from '../../src/protocol/table';
import { tableDataOf } from '../helpers/tableGrid';
import { chromiumSkipReason } from '../helpers/chromium';
import { openWebview, until, chromiumView } from '../helpers/webviewPage';
import { run } from '../unit/compare/runs';

const dir = mkdtempSync(join(tmpdir(), 'xlens-table-worker-'));

const HOSTILE = [
  '$(touch /tmp/xlens-pwned)',
  '<img src=x onerror="window.__pwned = 1">',
  '\u202eevil\u202c \u0000\u0007\u001b[31m red',
];

describe('experiments table tile worker with hostile values', { skip: chromiumSkipReason() }, () => {
  const chromium = chromiumView('table', dir);

  it('draws them as text, answers every tile and settles', async () => {
    const records = Array.from({ length: 300 }, (_, i) => {
      const params: Record<string, unknown> = Object.create(null);
      params['__proto__'] = HOSTILE[i % HOSTILE.length];
      params['constructor'] = i % 3 === 0 ? Number.NaN : i % 3 === 1 ? Infinity : -Infinity;
      for (let p = 0; p < 30; p++) {
        params[`p${p}`] = HOSTILE[(i + p) % HOSTILE.length];
      }
      if (i % 50 === 0) {
        // A pasted file as a param: 1 MB, drawn by its start.
        params.p0 = '0123456789'.repeat(100_000);
      }
      return run(`20261207T${String(1000 + i).padStart(6, '0')}Z-0000000${i % 10}`, {
        params: params as Record<string, string | number>,
        status: 'succeeded',
        metrics: { val_accuracy: [0.5, 0.5 + i / 1000] },
      });
    });
    const data = tableDataOf(records);
    // `__proto__` and `constructor` are params like any other.
    assert.deepEqual(
      ['params.__proto__', 'params.constructor'].map((key) => data.columns.some((c) => c.key === key)),
      [true, true],
    );
    const h = await openWebview<TableHostMessage>(chromium.browser, chromium.bundle, {
      dir,
      viewport: { width: 1000, height: 600 },
      // Counts the tile bitmaps the page shows that it did not make: the worker's.
      initScript: `(() => {
        window.__fromWorker = 0;
        const made = new WeakSet();
        const { transferToImageBitmap } = OffscreenCanvas.prototype;
        OffscreenCanvas.prototype.transferToImageBitmap = function () {
          const bitmap = transferToImageBitmap.call(this);
          made.add(bitmap);
          return bitmap;
        };
        const { transferFromImageBitmap } = ImageBitmapRenderingContext.prototype;
        ImageBitmapRenderingContext.prototype.transferFromImageBitmap = function (bitmap) {
          if (!made.has(bitmap)) window.__fromWorker++;
          return transferFromImageBitmap.call(this, bitmap);
        };
      })();`,
    });
    const page = h.page;
    await h.post({ type: 'table/snapshot', payload: { data, layout: DEFAULT_TABLE_LAYOUT } });
    await until(page, 'window.__posted.some((m) => m.type === "table/rendered")');
    // A steady scroll down and right, one step a frame: the worker draws the tiles ahead.
    await page.evaluate(`new Promise((resolve) => {
      const grid = document.querySelector('.grid');
      let n = 0;
      const step = () => {
        if (n++ === 15) { resolve(); return; }
        grid.scrollTop += 200;
        grid.scrollLeft += 120;
        requestAnimationFrame(step);
      };
      step();
    })`);
    await until(page, '!document.querySelector(".grid").hasAttribute("aria-busy")');
    assert.ok((await page.evaluate<number>('window.__fromWorker')) > 10, 'the worker drew tiles');
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    assert.equal(await page.locator('.grid img').count(), 0, 'markup in a value stays text');
    assert.deepEqual(await h.viewErrors(), []);
    assert.deepEqual(h.problems, { console: [], page: [], dialogs: [], requests: [], csp: [] });
    await page.context().close();
  });
});
