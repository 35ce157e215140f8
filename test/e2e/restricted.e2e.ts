/**
 * Restricted Mode in a real editor (issue "Nothing lost, nothing escapes", item 1): code-server with
 * workspace trust on opens a hostile repository untrusted. Its git config names programs for git to run
 * (`gpg.program` with `log.showSignature`, `core.fsmonitor`, a `reference-transaction` hook under
 * `core.hooksPath`), each leaving a marker file, and the runs' commit carries a signature, so reading it
 * with the repository's settings would start `gpg.program`. `GIT_TRACE` in the server's environment
 * logs every git process the extension host starts. While the folder is untrusted: the Runs view lists the recorded runs,
 * Run Task is refused, Delete Run removes the run folder and keeps its snapshot ref, and no git process
 * runs at all. Once the folder is trusted, git runs (the commit subject appears in the Runs view), with
 * the options that keep the repository's programs from running: no marker ever appears.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  launchBrowser,
  pollUntil,
  runCommand,
  showExperiments,
  waitForWorkbench,
  workbenchUrl,
} from './support/browser';
import { startCodeServer, type CodeServer } from './support/codeServer';
import { writeFixtureRun } from './support/fixtureRun';
import { RESULTS_DIR } from './support/paths';
import { createExampleWorkspace, type ExampleWorkspace } from './support/workspace';

/** The programs the repository's config names; each leaves `marker-<name>` in the workspace. */
const PROGRAMS = ['gpg', 'fsmonitor', 'reference-transaction'] as const;

/** Runs git in `cwd` without the repository's programs (the test's own setup must leave no marker). */
function git(cwd: string, args: string[], input?: string): string {
  const safe = [
    '-c',
    'core.hooksPath=/dev/null',
    '-c',
    'log.showSignature=false',
    '-c',
    'core.fsmonitor=false',
  ];
  return execFileSync('git', [...safe, ...args], { cwd, input, encoding: 'utf8' }).trim();
}

/**
 * Makes HEAD a copy of itself that carries a (bogus) signature, so `git log` with `log.showSignature`
 * asks `gpg.program` to verify it; returns the new commit.
 */
function signHead(root: string): string {
  const body = git(root, ['cat-file', 'commit', 'HEAD']);
  const signature =
    'gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----';
  const signed = git(
    root,
    ['hash-object', '-t', 'commit', '-w', '--stdin'],
    `${body.replace(/^(committer .*)$/m, `$1\n${signature}`)}\n`,
  );
  git(root, ['update-ref', 'refs/heads/main', signed]);
  return signed;
}

/** Makes the workspace hostile: programs for git to run, named by the repository's own config. */
function makeHostile(root: string): void {
  mkdirSync(join(root, 'tools'), { recursive: true });
  mkdirSync(join(root, 'hooks'), { recursive: true });
  for (const name of PROGRAMS) {
    const file = name === 'reference-transaction' ? join(root, 'hooks', name) : join(root, 'tools', name);
    writeFileSync(file, `#!/bin/sh\ntouch '${join(root, `marker-${name}`)}'\ncat >/dev/null 2>&1\nexit 0\n`);
    chmodSync(file, 0o755);
  }
  git(root, ['config', 'log.showSignature', 'true']);
  git(root, ['config', 'gpg.program', join(root, 'tools', 'gpg')]);
  git(root, ['config', 'core.fsmonitor', join(root, 'tools', 'fsmonitor')]);
  git(root, ['config', 'core.hooksPath', join(root, 'hooks')]);
}

describe('Restricted Mode in code-server', { timeout: 10 * 60_000 }, () => {
  let workspace: ExampleWorkspace;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let traceDir: string;
  let gitLog: string;
  let commit: string;
  const runIds: string[] = [];

  const markers = (): string[] =>
    PROGRAMS.filter((name) => existsSync(join(workspace.root, `marker-${name}`)));
  /** The git commands the extension host started (GIT_TRACE's `built-in: git …` lines). */
  const gitCalls = (): string[] =>
    existsSync(gitLog)
      ? readFileSync(gitLog, 'utf8')
          .split('\n')
          .filter((line) => line.includes('trace: built-in: git'))
      : [];

  before(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    workspace = createExampleWorkspace('penguins');
    makeHostile(workspace.root);
    commit = signHead(workspace.root);
    // Two recorded runs of the example's commit, with snapshot refs as dirty runs keep them. Their
    // run.json records no commit subject: the Runs view can only learn it from git.
    for (const task of ['train', 'evaluate']) {
      const run = await writeFixtureRun(workspace.root, {
        task,
        git: { commit, branch: 'main', dirty: false, snapshot: null },
        metrics: ['loss'],
        steps: 5,
      });
      git(workspace.root, ['update-ref', `refs/xlens/runs/${run.id}`, commit]);
      runIds.push(run.id);
    }
    assert.deepEqual(markers(), [], 'the setup itself runs none of the programs');
    traceDir = mkdtempSync(join(tmpdir(), 'xlens-git-trace-'));
    gitLog = join(traceDir, 'trace.log');
    server = await startCodeServer({
      installExtension: true,
      workspaceTrust: true,
      env: { GIT_TRACE: gitLog },
    });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(workbenchUrl(server.url, workspace.root));
    await waitForWorkbench(page);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    workspace?.dispose();
    if (traceDir) {
      rmSync(traceDir, { recursive: true, force: true });
    }
  });

  /** Runs `fn`; when it fails, keeps a screenshot (test-results/failure-restricted-<name>.png). */
  async function step(name: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      await page
        .screenshot({ path: join(RESULTS_DIR, `failure-restricted-${name}.png`) })
        .catch(() => undefined);
      throw error;
    }
  }

  const runsList = (): ReturnType<Page['locator']> => page.locator('.monaco-list[aria-label="Runs"]');
  const shortSha = (): string => commit.slice(0, 7);

  it('opens untrusted and lists the recorded runs without starting git', async () => {
    await step('list', async () => {
      await page
        .locator('.statusbar-item', { hasText: 'Restricted Mode' })
        .first()
        .waitFor({ state: 'visible', timeout: 60_000 });
      await showExperiments(page);
      // The commit group (label: the short SHA alone, no subject) and both runs inside it.
      const group = runsList().locator('.monaco-list-row', { hasText: shortSha() }).first();
      await group.waitFor({ state: 'visible', timeout: 60_000 });
      for (const task of ['train', 'evaluate']) {
        await runsList()
          .locator('.monaco-list-row', { hasText: task })
          .first()
          .waitFor({ state: 'visible', timeout: 30_000 });
      }
      assert.doesNotMatch((await group.innerText()).replace(/\s+/g, ' '), /Example penguins/);
      assert.deepEqual(gitCalls(), [], 'no git process ran while the folder was untrusted');
    });
  });

  it('refuses Run Task with the Restricted Mode message', async () => {
    await step('run-task', async () => {
      await runCommand(page, 'Experiment Lens: Run Task…');
      await page
        .locator('.notifications-toasts .notification-toast', { hasText: 'disabled in Restricted Mode' })
        .first()
        .waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(existsSync(join(workspace.root, '.xlens', 'runs')), true);
      assert.equal(
        runIds.every((id) => existsSync(join(workspace.root, '.xlens', 'runs', id))),
        true,
      );
    });
  });

  it('Delete Run removes the folder only and says the snapshot ref stays', async () => {
    await step('delete', async () => {
      const [deleted] = runIds;
      await runCommand(page, 'Experiment Lens: Delete Run');
      const input = page.locator('.quick-input-widget input');
      // The picker's rows are labelled by task; the first run recorded is `train`.
      await input.fill('train');
      // Typing highlights the first row holding the text, and Enter with nothing ticked takes the
      // highlighted row (`pickMany`). (A click on the row's box could land on the row's hover, which
      // shows over it, and take the focus from the picker.)
      const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      await pollUntil('the picker to show train alone, highlighted', 20_000, async () => {
        const texts = await rows.allInnerTexts();
        const highlighted = await rows.and(page.locator('.focused')).count();
        return texts.length === 1 && texts[0].includes('train') && highlighted === 1 ? true : undefined;
      });
      await page.keyboard.press('Enter');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 20_000 });
      assert.match(await dialog.innerText(), /snapshot ref \(refs\/xlens\/runs\/<id>\) stays/);
      await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
      await pollUntil('the run folder to be deleted', 30_000, () =>
        existsSync(join(workspace.root, '.xlens', 'runs', deleted)) ? undefined : true,
      );
      assert.equal(
        git(workspace.root, ['rev-parse', `refs/xlens/runs/${deleted}`]),
        commit,
        'the snapshot ref stays',
      );
      assert.deepEqual(gitCalls(), [], 'no git process ran while the folder was untrusted');
      assert.deepEqual(markers(), [], 'no program of the repository ran');
    });
  });

  it('once trusted, reads commit subjects with git without running the repository programs', async () => {
    await step('trust', async () => {
      await runCommand(page, 'Workspaces: Manage Workspace Trust');
      const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
      await trust.waitFor({ state: 'visible', timeout: 30_000 });
      await trust.click();
      await page
        .locator('.statusbar-item', { hasText: 'Restricted Mode' })
        .first()
        .waitFor({ state: 'detached', timeout: 30_000 });
      await pollUntil('the commit subject in the Runs view', 60_000, async () => {
        const text = await runsList().innerText();
        return text.includes(`${shortSha()} Example penguins`) ? true : undefined;
      });
      const calls = gitCalls();
      assert.ok(
        calls.some((c) => c.includes('git log') && c.includes(commit)),
        `git read the signed commit: ${calls.join(' | ')}`,
      );
      assert.deepEqual(markers(), [], 'no program of the repository ran');
    });
  });
});
