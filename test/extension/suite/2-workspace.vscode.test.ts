/** The example workspace as the extension sees it: its tasks, as tree rows and as VS Code tasks. */
import * as assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { waitFor, xlensApi } from './helpers';

describe('example workspace', () => {
  it('lists the tasks of xlens.yaml in the Tasks model', async () => {
    const api = await xlensApi();
    const names = await waitFor('the tasks of xlens.yaml', () => {
      const tasks = api.tasks.tasks().map((t) => t.name);
      return tasks.length > 0 ? tasks : undefined;
    });
    assert.deepEqual(names, ['train', 'eval', 'train-slurm']);
  });

  it('provides every task as a VS Code task of type xlens', async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: 'xlens' });
    assert.deepEqual(tasks.map((t) => t.name).sort(), ['eval', 'train', 'train-slurm']);
    assert.ok(tasks.every((t) => t.definition.type === 'xlens'));
  });
});
