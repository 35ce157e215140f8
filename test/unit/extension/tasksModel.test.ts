import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UserInputError } from '../../../src/core/base/errors';
import { diagnosticMessage, loadProject } from '../../../src/core/config/load';
import type { RunRecord } from '../../../src/core/runs/types';
import {
  describeProblem,
  describeTask,
  isConfigProblem,
  problemsFromErrors,
  TasksModel,
} from '../../../src/features/tasks/tasksModel';
import { tempDir } from '../../helpers/gitRepo';

const NOW = Date.parse('2026-11-24T12:00:00Z');

/** Loads `text` as a workspace's xlens.yaml into a model, as the project service does. */
async function modelFor(text: string): Promise<{ model: TasksModel; file: string }> {
  const root = tempDir('xlens-tasks-');
  const file = join(root, 'xlens.yaml');
  writeFileSync(file, text);
  const result = await loadProject(root);
  const model = new TasksModel();
  model.setState({
    kind: 'loaded',
    file,
    config: result.config,
    problems: problemsFromErrors(result.errors, file, diagnosticMessage),
  });
  return { model, file };
}

describe('TasksModel over a real xlens.yaml', () => {
  it('lists the tasks in declaration order', async () => {
    const { model } = await modelFor(
      [
        'version: 1',
        'tasks:',
        '  train:',
        '    run: python train.py --epochs ${params.epochs}',
        '    params: { epochs: 5 }',
        '  evaluate:',
        '    run: python eval.py',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      model.elements().map((e) => (isConfigProblem(e) ? e.message : e.name)),
      ['train', 'evaluate'],
    );
    assert.equal(model.task('train')?.kind, 'command');
    assert.equal(model.task('missing'), undefined);
  });

  it('shows each problem with the exact range from the loader, before the tasks that still loaded', async () => {
    const { model, file } = await modelFor(
      [
        'version: 1',
        'tasks:',
        '  train:',
        '    run: python train.py',
        '  broken:',
        '    run: python x.py',
        '    timeout: soon',
        '',
      ].join('\n'),
    );
    const [problem, ...rest] = model.elements();
    assert.ok(isConfigProblem(problem));
    assert.deepEqual(
      rest.map((t) => (isConfigProblem(t) ? 'problem' : t.name)),
      ['train'],
    );
    assert.equal(problem.file, file);
    assert.deepEqual(problem.range, { line: 7, column: 14, endLine: 7, endColumn: 18 }, 'the value `soon`');
    assert.ok(!problem.message.startsWith(file), 'the diagnostic text drops the file:line:col prefix');
    assert.match(problem.message, /timeout.*broken.*not a duration/);

    const row = describeProblem(problem);
    assert.equal(row.description, 'line 7, column 14');
    assert.equal(row.contextValue, 'configProblem');
    assert.equal(row.icon.id, 'error');
  });

  it('gives a problem without a range for an unpositioned error, and one per error of an AggregateError', () => {
    const positioned = new UserInputError('x.yaml:2:3: bad', { file: '/w/x.yaml', line: 2, column: 3 });
    const problems = problemsFromErrors(
      [new AggregateError([positioned, new Error('disk on fire')])],
      '/w/xlens.yaml',
    );
    assert.deepEqual(problems, [
      {
        kind: 'problem',
        message: 'x.yaml:2:3: bad',
        file: '/w/x.yaml',
        range: { line: 2, column: 3, endLine: 2, endColumn: 4 },
      },
      { kind: 'problem', message: 'disk on fire', file: '/w/xlens.yaml' },
    ]);
  });

  it('is empty when the workspace has no xlens.yaml', () => {
    const model = new TasksModel();
    assert.deepEqual(model.elements(), []);
    assert.deepEqual(model.tasks(), []);
  });
});

describe('task rows', () => {
  it('shows the last run of the task with its status icon, or "never run"', async () => {
    const { model } = await modelFor(
      ['version: 1', 'tasks:', '  train:', '    run: python train.py', '    params: { lr: 0.1 }', ''].join(
        '\n',
      ),
    );
    const task = model.task('train')!;
    const never = describeTask(task, undefined, NOW);
    assert.equal(never.description, 'never run · python train.py');
    assert.equal(never.icon.id, 'circle-large-outline');
    assert.equal(never.contextValue, 'task');
    assert.match(never.tooltip, /Params: `lr`/);

    const last = {
      id: '20261124T113000Z-0001',
      status: 'failed',
      createdAt: '2026-11-24T11:30:00.000Z',
    } as RunRecord;
    const row = describeTask(task, last, NOW);
    assert.equal(row.description, 'failed 30 min ago · python train.py');
    assert.deepEqual(row.icon, { id: 'error', color: 'testing.iconFailed' });
    assert.match(row.tooltip, /Last run `20261124T113000Z-0001`: failed/);
  });
});
