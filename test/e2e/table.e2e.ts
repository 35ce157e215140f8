/**
 * The experiments table in a real editor: code-server with the built extension, a copy of the penguins
 * example with 20 real runs of `train` made by the built CLI (`xlens run train --set ...`, different epochs,
 * learning rates and seeds). Opens the table from the Command Palette, sorts by val_accuracy, filters with
 * an expression, selects 5 runs and compares them: the compare view overlays their curves with a legend
 * of 5 runs and marks the params that differ. Screenshots test-results/table.png and compare.png. Needs
 * scripts/setup-code-server.sh and `node esbuild.js`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import {
  launchBrowser,
  pollUntil,
  runCommand,
  showExperiments,
  waitForWorkbench,
  workbenchUrl,
} from './support/browser';
import { startCodeServer, type CodeServer } from './support/codeServer';
import { REPO_ROOT, RESULTS_DIR } from './support/paths';
import { createExampleWorkspace, type ExampleWorkspace } from './support/workspace';

const run = promisify(execFile);
const RUNS = 20;
const LEARNING_RATES = [0.003, 0.01, 0.03, 0.1];

/** The document of the visible webview panel (hidden panels keep their frames in the page). */
function visibleWebview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready:visible').frameLocator('iframe#active-frame');
}

/** Makes the runs with the built CLI, two at a time (each is a real training of a few epochs). */
async function makeRuns(root: string): Promise<void> {
  const cli = join(REPO_ROOT, 'dist', 'cli.js');
  const one = (i: number) =>
    run(
      process.execPath,
      [
        cli,
        'run',
        'train',
        '--set',
        `epochs=${2 + (i % 4)}`,
        '--set',
        `learning_rate=${LEARNING_RATES[Math.floor(i / 5) % 4]}`,
        '--set',
        `seed=${i}`,
        '--quiet',
      ],
      { cwd: root },
    );
  for (let i = 0; i < RUNS; i += 2) {
    await Promise.all([one(i), one(i + 1)]);
  }
}

describe('experiments table in code-server', { timeout: 15 * 60_000 }, () => {
  let workspace: ExampleWorkspace;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  /** Console messages of the page (webviews included) about a Content Security Policy refusing something. */
  const policyErrors: string[] = [];

  before(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    workspace = createExampleWorkspace('penguins');
    await makeRuns(workspace.root);
    server = await startCodeServer({ installExtension: true });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) {
        policyErrors.push(message.text());
      }
    });
    await page.goto(workbenchUrl(server.url, workspace.root));
    await waitForWorkbench(page);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    workspace?.dispose();
  });

  async function step(name: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      await page.screenshot({ path: join(RESULTS_DIR, `failure-table-${name}.png`) }).catch(() => undefined);
      throw error;
    }
  }

  it('sorts, filters, selects 5 runs and compares them', async () => {
    const table = visibleWebview(page);
    await step('open', async () => {
      await showExperiments(page);
      await runCommand(page, 'Experiment Lens: Open Experiments Table');
      await pollUntil('20 runs in the table', 120_000, async () =>
        (await table.locator('.count').innerText()).startsWith(`${RUNS} of ${RUNS} runs`) ? true : undefined,
      );
      // The table's tile worker runs in VS Code's webview: its policy lets the page start it from a blob:
      // URL, and it can draw on an OffscreenCanvas.
      await pollUntil("the table's tile worker", 30_000, async () => {
        for (const worker of page.workers()) {
          const name = await worker.evaluate('[self.name, typeof OffscreenCanvas]').catch(() => []);
          if (JSON.stringify(name) === JSON.stringify(['experiments table tiles', 'function'])) {
            return true;
          }
        }
        return undefined;
      });
      assert.deepEqual(
        policyErrors.filter((text) => /worker-src/.test(text)),
        [],
        'no worker refused by a Content Security Policy',
      );
    });

    await step('sort', async () => {
      // Pin val_accuracy (the chooser), so its header is in view, then sort by it (best first).
      await table.locator('button', { hasText: 'Columns…' }).click();
      await table.locator('.chooser input[type=search]').fill('val_accuracy');
      await table
        .locator('.chooser li', { hasText: /^val_accuracy/ })
        .first()
        .locator('button', { hasText: 'Pin' })
        .click();
      await table.locator('button', { hasText: 'Columns…' }).click();
      await table.locator('label:has-text("group by commit") input').uncheck();
      await table.locator('.cell.head[data-key="metrics.val_accuracy"]').click();
      await table.locator('.cell.head[data-key="metrics.val_accuracy"][aria-sort="descending"]').waitFor();
      // The val_accuracy cell of each row, by the column its header stands at, in display order (rows are
      // reused and kept, so their order in the DOM is not the order shown). A row without a number there
      // reads NaN, which the finite check refuses (NaN would pass deepEqual and break the sort below).
      const column = await table
        .locator('.grid-header .cell.head[data-key="metrics.val_accuracy"]')
        .getAttribute('aria-colindex');
      assert.ok(column !== null && Number(column) > 2, `val_accuracy at aria-colindex ${column}`);
      interface Row {
        getAttribute(name: string): string | null;
        querySelector(
          selector: string,
        ): { textContent: string | null; classList: { contains(name: string): boolean } } | null;
      }
      const values = await table.locator('.row.run').evaluateAll(
        (rows, col) =>
          (rows as unknown as Row[])
            .map((row) => {
              const cell = row.querySelector(`[role=gridcell][aria-colindex="${col}"]`);
              const text = cell?.textContent?.trim();
              return [
                Number(row.getAttribute('aria-rowindex')),
                cell?.classList.contains('num') && text ? Number(text) : NaN,
              ];
            })
            .sort((a, b) => a[0] - b[0])
            .map(([, value]) => value),
        column,
      );
      assert.ok(values.length >= 10, `${values.length} val_accuracy cells`);
      assert.ok(
        values.every((value) => Number.isFinite(value)),
        `every row shows a val_accuracy: ${values.join(', ')}`,
      );
      assert.deepEqual(
        values,
        [...values].sort((a, b) => b - a),
        'best first',
      );
    });

    await step('filter', async () => {
      await table.locator('.expression').fill('params.learning_rate <= 0.01 and val_accuracy > 0');
      await pollUntil('the filtered runs', 30_000, async () =>
        (await table.locator('.count').innerText()).startsWith(`10 of ${RUNS} runs`) ? true : undefined,
      );
      await table.locator('.expression').fill('params.learning_rate <= (');
      await table.locator('.filter-error mark.at').waitFor();
      await table.locator('.expression').fill('params.learning_rate <= 0.01');
      await pollUntil('the filter error gone', 30_000, async () =>
        (await table.locator('.filter-error').innerText()).trim() === '' ? true : undefined,
      );
    });

    await step('select', async () => {
      // The first 5 rows shown (display item i is ARIA row i + 2).
      const row = (i: number) => table.locator(`.row.run[aria-rowindex="${i + 2}"]`);
      await row(0).locator('.cell').nth(4).click();
      for (let i = 1; i < 5; i++) {
        await row(i).locator('.row-check').check();
      }
      await table.locator('button', { hasText: 'Compare 5' }).waitFor();
      await page.screenshot({ path: join(RESULTS_DIR, 'table.png') });
      await table.locator('button', { hasText: 'Compare 5' }).click();
    });

    await step('compare', async () => {
      const compare = visibleWebview(page);
      // Every chart drawn: the first curves chart comes first, the others (held by busy figures) next.
      await pollUntil('the compare view drawn', 120_000, async () => {
        const figures = await compare.locator('figure').count();
        const drawn = await compare.locator('figure[data-rendered="true"]').count();
        return figures > 0 && drawn === figures ? true : undefined;
      });
      assert.equal(await compare.locator('.legend li').count(), 5, 'one legend entry per run');
      const differing = await compare.locator('td.differs').allInnerTexts();
      assert.ok(differing.length > 0, 'the params that differ are highlighted');
      await page.screenshot({ path: join(RESULTS_DIR, 'compare.png') });
    });
  });
});
