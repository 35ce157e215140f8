/**
 * Checkout Run's Code in the real editor with a dirty working tree: the command refuses in a modal
 * dialog, the user chooses "Stash first", and a real `git stash push -u` keeps their changes (tracked
 * and untracked) under a message naming the run before HEAD moves to the run's commit. The dialog is
 * modal, which an extension-host test cannot answer, so this runs in code-server through a browser.
 * Needs scripts/setup-code-server.sh and `node esbuild.js`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { RunRecord } from '../../src/core/runs/types';
import { launchBrowser, pollUntil, runCommand, waitForWorkbench, workbenchUrl } from './support/browser';
import { startCodeServer, type CodeServer } from './support/codeServer';
import { writeFixtureRun } from './support/fixtureRun';
import { createExampleWorkspace, type ExampleWorkspace } from './support/workspace';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'xlens test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'xlens test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

describe("Checkout Run's Code in code-server", { timeout: 10 * 60_000 }, () => {
  let workspace: ExampleWorkspace;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let run: RunRecord;
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: workspace.root,
      env: { ...process.env, ...GIT_ENV },
      encoding: 'utf8',
    }).trim();

  before(async () => {
    workspace = createExampleWorkspace('penguins');
    const root = workspace.root;
    run = await writeFixtureRun(root, {
      task: 'train',
      git: { commit: workspace.commit, branch: 'main', dirty: false, snapshot: null },
      metrics: ['loss'],
      steps: 5,
    });
    // The tree moves on: one more commit, then uncommitted edits and a new file.
    writeFileSync(join(root, 'NOTES.md'), 'committed after the run\n');
    git('add', 'NOTES.md');
    git('commit', '-q', '-m', 'Notes');
    writeFileSync(join(root, 'NOTES.md'), 'edited, not committed\n');
    writeFileSync(join(root, 'scratch.txt'), 'untracked\n');
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

  it("stashes the changes (tracked and untracked) under the run's name, then checks out its commit", async () => {
    await runCommand(page, "Experiment Lens: Checkout Run's Code");
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(run.id);
    const row = page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: run.id })
      .first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await row.click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), /uncommitted changes/);
    await dialog.locator('.monaco-button', { hasText: 'Stash first' }).click();

    const head = await pollUntil("HEAD at the run's commit", 30_000, () => {
      const sha = git('rev-parse', 'HEAD');
      return sha === workspace.commit ? sha : undefined;
    });
    assert.equal(head, workspace.commit);
    assert.equal(git('stash', 'list'), `stash@{0}: On main: xlens: before checking out run ${run.id}`);
    assert.equal(git('status', '--porcelain'), '', 'the working tree is clean');
    assert.equal(existsSync(join(workspace.root, 'NOTES.md')), false, "the run's commit has no NOTES.md");
    assert.equal(existsSync(join(workspace.root, 'scratch.txt')), false, 'the untracked file is stashed');
    // The stash holds both changes.
    git('checkout', '-q', 'main');
    git('stash', 'pop', '-q');
    assert.equal(readFileSync(join(workspace.root, 'NOTES.md'), 'utf8'), 'edited, not committed\n');
    assert.equal(readFileSync(join(workspace.root, 'scratch.txt'), 'utf8'), 'untracked\n');
  });
});
