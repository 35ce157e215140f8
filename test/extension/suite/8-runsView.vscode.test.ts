/**
 * The Runs view at scale, and clearer (issue 11, item 5), through the tree VS Code draws: a train run
 * started with other params shows the params changed since the previous train run in its row's
 * description (all of them in the tooltip); with runs over more commits than a page, the view shows
 * the newest commits and a "Show more commits" row, whose command shows the rest.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { newRunId } from '../../../src/core/runs/ids';
import type { RunRecord } from '../../../src/core/runs/types';
import type { RunsViewElement } from '../../../src/features/runs/tree';
import { waitFor, workspaceRoot, xlensApi } from './helpers';

const PAGE = 10;

function finished(api: Awaited<ReturnType<typeof xlensApi>>, id: string): RunRecord | undefined {
  const run = api.runs.get(id);
  return run && ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
}

function description(item: vscode.TreeItem): string {
  return typeof item.description === 'string' ? item.description : '';
}

function tooltip(item: vscode.TreeItem): string {
  return item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip ?? '');
}

function isShowMore(element: RunsViewElement): boolean {
  return (element as { kind?: string }).kind === 'showMore';
}

describe('the Runs view rows', () => {
  const made: string[] = [];

  after(() => {
    for (const id of made) {
      rmSync(join(workspaceRoot(), '.xlens', 'runs', id), { recursive: true, force: true });
    }
  });

  it('shows the params changed since the previous run of the task in the description', async function () {
    this.timeout(300_000);
    const api = await xlensApi();
    const first = await api.startRun('train', { epochs: 2 });
    await waitFor(`run ${first.id} to finish`, () => finished(api, first.id), 280_000);
    const second = await api.startRun('train', { epochs: 3, learning_rate: 0.003 });
    const done = await waitFor(`run ${second.id} to finish`, () => finished(api, second.id), 280_000);
    made.push(first.id, second.id);
    assert.equal(done.status, 'succeeded', done.error);
    const item = api.runsTree.getTreeItem(done);
    assert.match(description(item), /\bepochs=3 learning_rate=0\.003\b/, description(item));
    assert.match(
      tooltip(item),
      new RegExp(`Params changed since run .${first.id}.: epochs 2 → 3, learning\\\\_rate 0\\.01 → 0\\.003`),
    );
  });

  it('shows the newest commits and a "Show more commits" row that shows the rest', async function () {
    this.timeout(120_000);
    const api = await xlensApi();
    const root = workspaceRoot();
    const source = made[made.length - 1] ?? api.runs.all()[0]?.id;
    assert.ok(source, 'a run to copy (the previous test makes one)');
    const record = JSON.parse(
      readFileSync(join(root, '.xlens', 'runs', source, 'run.json'), 'utf8'),
    ) as RunRecord;
    // More commits with runs than a page: each a real commit of the workspace with a copy of the run.
    const git = (...args: string[]): string =>
      execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
    for (let i = 0; i < PAGE + 2; i++) {
      git(
        '-c',
        'user.name=t',
        '-c',
        'user.email=t@xlens.invalid',
        'commit',
        '-q',
        '--allow-empty',
        '-m',
        `step ${i}`,
      );
      const id = newRunId(new Date(Date.now() + i * 1000));
      cpSync(join(root, '.xlens', 'runs', source), join(root, '.xlens', 'runs', id), { recursive: true });
      const copy = {
        ...record,
        id,
        createdAt: new Date(Date.now() + i * 1000).toISOString(),
        git: { ...record.git, commit: git('rev-parse', 'HEAD') },
      };
      writeFileSync(join(root, '.xlens', 'runs', id, 'run.json'), JSON.stringify(copy, null, 2));
      made.push(id);
    }
    const groups = api.runs.groups().length;
    await waitFor(
      'the copied runs in the Runs model',
      () => (made.every((id) => api.runs.get(id)) ? true : undefined),
      60_000,
    );
    const total = api.runs.groups().length;
    assert.ok(total > PAGE && total >= groups, `${total} commit groups`);
    const roots = api.runsTree.getChildren();
    const more = roots.find(isShowMore);
    assert.ok(more, 'a "Show more commits" row');
    assert.equal(roots.filter((e) => (e as { kind?: string }).kind === 'commit').length, PAGE);
    const item = api.runsTree.getTreeItem(more);
    assert.equal(item.label, 'Show more commits');
    assert.equal(description(item), `${PAGE} of ${total} commits shown`);
    assert.equal(item.command?.command, 'xlens.showMoreCommits');
    await vscode.commands.executeCommand(item.command.command);
    const shown = api.runsTree.getChildren();
    assert.equal(
      shown.filter((e) => (e as { kind?: string }).kind === 'commit').length,
      Math.min(total, 2 * PAGE),
    );
    assert.equal(shown.some(isShowMore), total > 2 * PAGE);
  });
});
