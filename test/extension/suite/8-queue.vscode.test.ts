/**
 * The local queue from the editor: `Queue Task…` twice adds two `queued` runs to the Runs model; the
 * queue's detached worker starts the first (concurrency 1) while the second waits; `Cancel Run` on the
 * waiting one removes it from the queue (cancelled, never started), and on the started one stops it.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { RunRecord } from '../../../src/core/runs/types';
import { waitFor, xlensApi } from './helpers';

describe('queued runs from the editor', () => {
  it('queues two train runs, runs one at a time, and cancels both', async function () {
    this.timeout(300_000);
    const api = await xlensApi();
    const status = (id: string, wanted: RunRecord['status']): Promise<RunRecord> =>
      waitFor(
        `run ${id} ${wanted}`,
        () => {
          const run = api.runs.get(id);
          return run?.status === wanted ? run : undefined;
        },
        240_000,
      );
    const before = new Set(api.runs.all().map((r) => r.id));
    await vscode.commands.executeCommand('xlens.queueTask', 'train');
    await vscode.commands.executeCommand('xlens.queueTask', 'train');
    const [first, second] = await waitFor('two queued train runs in the Runs model', () => {
      const added = api.runs
        .all()
        .filter((r) => r.task === 'train' && !before.has(r.id) && r.queue !== undefined)
        .sort((a, b) => a.queue!.enqueuedAt.localeCompare(b.queue!.enqueuedAt));
      return added.length === 2 ? added : undefined;
    });

    await status(first.id, 'running');
    assert.equal(api.runs.get(second.id)?.status, 'queued', 'the second waits for the only slot');

    await vscode.commands.executeCommand('xlens.cancelRun', second.id);
    const removed = await status(second.id, 'cancelled');
    assert.equal(removed.startedAt, undefined, 'a run cancelled while queued never starts');

    await vscode.commands.executeCommand('xlens.cancelRun', first.id);
    const stopped = await status(first.id, 'cancelled');
    assert.ok(stopped.startedAt !== undefined);
  });
});
