/**
 * Compare Code in the real editor (code-server with the built extension): the penguins example with two
 * runs made by the real CLI, one from a clean tree (its commit) and one from uncommitted changes (its
 * snapshot). From the Command Palette the user ticks both runs, picks the changed file from the list of
 * changed files, and VS Code's diff editor opens on the two runs' read-only versions of it. Leaves the
 * screenshot test-results/compare-code.png. Needs scripts/setup-code-server.sh and `node esbuild.js`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { xlens } from '../helpers/xlensProcess';
import { launchBrowser, pickRow, runCommand, waitForWorkbench, workbenchUrl } from './support/browser';
import { startCodeServer, type CodeServer } from './support/codeServer';
import { RESULTS_DIR } from './support/paths';
import { createExampleWorkspace, type ExampleWorkspace } from './support/workspace';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Experiment Lens Tests',
  GIT_AUTHOR_EMAIL: 'tests@xlens.invalid',
  GIT_COMMITTER_NAME: 'Experiment Lens Tests',
  GIT_COMMITTER_EMAIL: 'tests@xlens.invalid',
};

describe('Compare Code in code-server', { timeout: 10 * 60_000 }, () => {
  let workspace: ExampleWorkspace;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    workspace = createExampleWorkspace('penguins');
    const root = workspace.root;
    const config = readFileSync(join(root, 'xlens.yaml'), 'utf8');
    writeFileSync(join(root, 'prepare.py'), 'scale = 1.0\nprint("prepared", scale)\n');
    writeFileSync(join(root, 'xlens.yaml'), `${config.trimEnd()}\n  prepare:\n    run: echo prepared\n`);
    execFileSync('git', ['add', '-A'], { cwd: root, env: GIT_ENV });
    execFileSync('git', ['commit', '-q', '-m', 'prepare task'], { cwd: root, env: GIT_ENV });
    const clean = await xlens(root, ['run', 'prepare']);
    assert.equal(clean.code, 0, clean.stderr);
    // The second run from uncommitted changes: an edit and a new file.
    writeFileSync(join(root, 'prepare.py'), 'scale = 2.5\nprint("prepared", scale, "twice")\n');
    writeFileSync(join(root, 'notes.md'), '# what changed\n');
    const dirty = await xlens(root, ['run', 'prepare']);
    assert.equal(dirty.code, 0, dirty.stderr);
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

  it('opens the diff editor on a changed file between a clean and a dirty run', async () => {
    await runCommand(page, 'Experiment Lens: Compare Code');
    // The run picker: tick both runs, then accept.
    const picker = page.locator('.quick-input-widget');
    await picker.locator('.quick-input-list .monaco-list-row').nth(1).waitFor({ timeout: 60_000 });
    // Each run's status is a themed icon (iconPath), not codicon syntax in the label, which the row's
    // hover would show raw.
    await picker.locator('.quick-input-list .monaco-list-row .codicon-pass').first().waitFor();
    const labels = await picker.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    assert.ok(
      labels.every((label) => label.includes('prepare') && !label.includes('$(')),
      labels.join('\n'),
    );
    // Clicking a row of a multi-select picker ticks it.
    for (const i of [0, 1]) {
      await picker.locator('.quick-input-list .monaco-list-row').nth(i).click();
    }
    await page.screenshot({ path: join(RESULTS_DIR, 'compare-code-picker.png') });
    await page.keyboard.press('Enter');
    // The changed files, then the chosen file's diff.
    await picker
      .locator('.quick-input-list .monaco-list-row', { hasText: 'notes.md' })
      .waitFor({ timeout: 60_000 });
    const rows = await picker.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    assert.ok(rows[0].includes('All 2 changed files'), rows.join('\n'));
    assert.ok(
      rows.some((r) => r.includes('prepare.py') && r.includes('modified')),
      rows.join('\n'),
    );
    await pickRow(page, 'prepare.py');
    const diff = page.locator('.monaco-diff-editor');
    await diff.waitFor({ state: 'visible', timeout: 60_000 });
    await page.locator('.tab.active', { hasText: 'prepare.py' }).waitFor({ timeout: 30_000 });
    const modified = diff.locator('.editor.modified .view-lines');
    await modified.filter({ hasText: /scale\s=\s2\.5/ }).waitFor({ timeout: 30_000 });
    // The editor draws spaces as no-break spaces.
    const original = (await diff.locator('.editor.original .view-lines').innerText()).replace(/\u00a0/g, ' ');
    assert.match(original, /scale = 1\.0/);
    await page.screenshot({ path: join(RESULTS_DIR, 'compare-code.png') });
  });
});
