/**
 * Push Runs… and Pull Runs from the editor, to and from a bare repository on disk: a run pushed by the
 * command lands as `refs/xlens/records/<id>` in the bare repository; a run another clone pushed (with
 * the CLI) appears in the Runs model after Pull Runs, marked with the remote it came from.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { RunRecord } from '../../../src/core/runs/types';
import type { XlensApi } from '../../../src/features/api';
import { EXTENSION_ID, waitFor, workspaceRoot, xlensApi } from './helpers';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'xlens test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'xlens test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();
}

const HELLO_TASK = `  hello:
    description: a quick run to share
    run: echo hello
`;

describe('sharing runs from the editor', () => {
  const root = workspaceRoot();
  const configFile = join(root, 'xlens.yaml');
  const original = readFileSync(configFile, 'utf8');
  const scratch = mkdtempSync(join(tmpdir(), 'xlens-share-'));
  const bare = join(scratch, 'shared.git');
  let api: XlensApi;

  before(async function () {
    this.timeout(120_000);
    api = await xlensApi();
    writeFileSync(configFile, `${original.trimEnd()}\n${HELLO_TASK}`);
    await waitFor('task hello in the Tasks model', () => api.tasks.task('hello'));
    git(scratch, 'init', '-q', '--bare', '-b', 'main', bare);
    git(root, 'remote', 'add', 'origin', bare);
    git(root, 'push', '-q', 'origin', 'HEAD:main');
  });

  after(() => {
    writeFileSync(configFile, original);
    git(root, 'remote', 'remove', 'origin');
    rmSync(scratch, { recursive: true, force: true });
  });

  it('pushes a run with Push Runs… to the only remote', async function () {
    this.timeout(120_000);
    const started = await api.startRun('hello');
    const run = await waitFor(`run ${started.id} to finish`, () => {
      const current = api.runs.get(started.id);
      return current && current.status !== 'running' && current.status !== 'queued' ? current : undefined;
    });
    assert.equal(run.status, 'succeeded', run.error);
    await vscode.commands.executeCommand('xlens.pushRuns', run.id);
    const record = git(bare, 'for-each-ref', '--format=%(refname)', `refs/xlens/records/${run.id}`);
    assert.equal(record, `refs/xlens/records/${run.id}`);
    const stored = JSON.parse(git(bare, 'show', `refs/xlens/records/${run.id}:run.json`)) as RunRecord;
    assert.equal(stored.id, run.id);
    assert.equal(stored.task, 'hello');
  });

  it("pulls another clone's run with Pull Runs: it appears in the Runs model, marked with its remote", async function () {
    this.timeout(120_000);
    const clone = join(scratch, 'clone');
    git(scratch, 'clone', '-q', bare, clone);
    const cli = join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');
    const xlens = (...args: string[]): string =>
      execFileSync(process.execPath, [cli, ...args], {
        cwd: clone,
        env: { ...process.env, ...GIT_ENV, ELECTRON_RUN_AS_NODE: '1' },
        encoding: 'utf8',
      });
    // The clone's run comes from uncommitted code (the task added here): its snapshot travels too.
    writeFileSync(join(clone, 'xlens.yaml'), readFileSync(configFile, 'utf8'));
    xlens('run', 'hello', '-q');
    const [theirs] = JSON.parse(xlens('runs', '--json')) as RunRecord[];
    assert.ok(theirs, 'the clone has a run');
    assert.equal(api.runs.get(theirs.id), undefined, 'the run is not in this workspace yet');
    assert.match(xlens('push', 'origin', theirs.id), /^1 pushed/m);

    await vscode.commands.executeCommand('xlens.pullRuns');
    const pulled = await waitFor(`run ${theirs.id} in the Runs model`, () => api.runs.get(theirs.id));
    assert.equal(pulled.task, 'hello');
    assert.equal(pulled.status, 'succeeded');
    assert.equal(pulled.origin?.remote, 'origin');
  });
});
