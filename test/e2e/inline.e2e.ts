/**
 * Inline previews in the real editor: code-server with the built extension, the penguins example plus a
 * Python script task (`fit`) with runs recorded through the run store at three learning rates. Checks
 * what a user sees (CodeLens text, a hover with a sparkline, the suggest widget) and leaves the
 * screenshots test-results/inline-yaml.png, inline-params.png, inline-code.png and yaml-completion.png.
 * Needs scripts/setup-code-server.sh and `node esbuild.js`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, waitForWorkbench, workbenchUrl } from './support/browser';
import { startCodeServer, type CodeServer } from './support/codeServer';
import { writeFixtureRun } from './support/fixtureRun';
import { RESULTS_DIR } from './support/paths';
import { createExampleWorkspace, type ExampleWorkspace } from './support/workspace';

const TRAIN_PY = `import argparse, json, os

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.01)
args = parser.parse_args()

with open(os.environ["XLENS_METRICS_FILE"], "a") as f:
    for step in range(50):
        loss, val_loss = 1 / (step + 1), 1.1 / (step + 1)
        f.write(json.dumps({"step": step, "values": {"loss": loss, "val_loss": val_loss}}) + "\\n")
        if os.environ.get("LOGGERS"):
            mlflow.log_metric("val_loss", val_loss, step=step)
            writer.add_scalar("loss", loss, step)
`;

/** Opens a file of the workspace's top folder from the Explorer. */
async function openFile(page: Page, name: string): Promise<void> {
  await page.mouse.move(5, 500);
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().click();
  await page.locator(`.tab.active[aria-label*="${name}"]`).waitFor();
}

/** Hovers the `nth` token of the visible editor whose text is `text`, and waits for the hover. */
async function hoverToken(page: Page, text: string, nth = 0): Promise<string> {
  const token = page.locator('.monaco-editor .view-line span span', { hasText: text }).nth(nth);
  await token.waitFor();
  await token.hover();
  const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').first();
  await hover.waitFor({ timeout: 20_000 });
  return hover.innerText();
}

describe('inline previews in code-server', { timeout: 10 * 60_000 }, () => {
  let workspace: ExampleWorkspace;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    workspace = createExampleWorkspace('penguins');
    const root = workspace.root;
    writeFileSync(join(root, 'train.py'), TRAIN_PY);
    writeFileSync(join(root, 'params.yaml'), 'lr: 0.01\nbatch: 32\n');
    const config = readFileSync(join(root, 'xlens.yaml'), 'utf8');
    writeFileSync(
      join(root, 'xlens.yaml'),
      // First among the tasks, so that its CodeLens is in view without scrolling.
      config.replace(
        /^tasks:\n/m,
        'tasks:\n  fit:\n    run: python3 train.py --lr ${params.lr}\n    params: params.yaml\n',
      ),
    );
    const git = { commit: workspace.commit, branch: 'main', dirty: false, snapshot: null };
    for (const lr of [0.1, 0.003, 0.01]) {
      await writeFixtureRun(root, {
        task: 'fit',
        git,
        metrics: ['loss', 'val_loss'],
        steps: 40 + Math.round(lr * 100),
        params: { lr, batch: 32 },
      });
    }
    await writeFixtureRun(root, { task: 'train', git, metrics: ['loss', 'val_loss'], steps: 40 });
    server = await startCodeServer({ installExtension: true });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(workbenchUrl(server.url, root));
    await waitForWorkbench(page);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    workspace?.dispose();
  });

  it('shows CodeLens with the last run above the tasks of xlens.yaml', async () => {
    await openFile(page, 'xlens.yaml');
    const lens = page.locator('.codelens-decoration', { hasText: 'Run with Params…' }).first();
    await lens.waitFor({ timeout: 60_000 });
    await page.locator('.codelens-decoration', { hasText: 'val_loss' }).first().waitFor({ timeout: 60_000 });
    const texts = await page.locator('.codelens-decoration').allInnerTexts();
    assert.ok(
      texts.some((t) =>
        /Run\s*\|\s*Run with Params…\s*\|\s*Dashboard\s*\|\s*succeeded val_loss [\d.]+ ▼/.test(t),
      ),
      texts.join('\n'),
    );
    await page.screenshot({ path: join(RESULTS_DIR, 'inline-yaml.png') });
  });

  it('completes the keys of a task with their documentation', async () => {
    await page.locator('.monaco-editor .view-line span span', { hasText: 'epochs' }).first().click();
    await page.keyboard.press('Home');
    await page.keyboard.press('Control+Space');
    const row = page.locator('.suggest-widget .monaco-list-row', { hasText: 'early_stopping' }).first();
    await row.waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(RESULTS_DIR, 'yaml-completion.png') });
    await page.keyboard.press('Escape');
  });

  it('hovers a varied param with its runs in params.yaml', async () => {
    await openFile(page, 'params.yaml');
    await page
      .locator('.codelens-decoration', { hasText: 'with these params' })
      .first()
      .waitFor({ timeout: 60_000 });
    const text = await hoverToken(page, 'lr');
    assert.match(text, /lr in the last 3 runs · 3 values/);
    await page.screenshot({ path: join(RESULTS_DIR, 'inline-params.png') });
  });

  it('hovers a logged metric in the training script with a sparkline', async () => {
    await page.keyboard.press('Escape');
    await openFile(page, 'train.py');
    // The second quoted val_loss is the mlflow.log_metric call's (the first is the metrics protocol's).
    const text = await hoverToken(page, '"val_loss"', 1);
    assert.match(text, /val_loss \(lower is better\) · MLflow, runs of fit/);
    await page.locator('.monaco-hover:not(.hidden) img[src^="data:image/svg+xml"]').first().waitFor();
    await page.screenshot({ path: join(RESULTS_DIR, 'inline-code.png') });
  });
});
