import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadProject } from '../../../src/core/config/load';
import { changedParams, cliRunArgs } from '../../../src/core/runner/launcher';
import { settableParams } from '../../../src/features/taskParams';
import {
  definitionOf,
  parseDefinition,
  taskDetail,
  taskLabel,
} from '../../../src/features/taskProvider/definition';
import { tempDir } from '../../helpers/gitRepo';

async function tasksOf(text: string) {
  const root = tempDir('xlens-taskdef-');
  writeFileSync(join(root, 'xlens.yaml'), text);
  const { config, errors } = await loadProject(root);
  assert.deepEqual(errors, []);
  return config!.tasks;
}

describe('VS Code task definitions of type xlens', () => {
  it('provides one definition per task of xlens.yaml that reads back unchanged', async () => {
    const tasks = await tasksOf(
      [
        'version: 1',
        'tasks:',
        '  train:',
        '    run: python train.py --lr ${params.lr}',
        '    params: { lr: 0.1 }',
        '  train-penguins:',
        '    kind: tfjs-train',
        '    data: data/penguins.csv',
        '    target: species',
        '    epochs: 60',
        '  weather-drift:',
        '    kind: drift',
        '    reference: data/a.csv',
        '    current: data/b.csv',
        '',
      ].join('\n'),
    );
    const definitions = [...tasks.values()].map(definitionOf);
    assert.deepEqual(definitions, [
      { type: 'xlens', task: 'train' },
      { type: 'xlens', task: 'train-penguins' },
      { type: 'xlens', task: 'weather-drift' },
    ]);
    for (const d of definitions) {
      assert.deepEqual(parseDefinition(JSON.parse(JSON.stringify(d))), d);
      assert.equal(taskLabel(d), d.task);
    }
    assert.equal(taskDetail(tasks.get('train')!), 'python train.py --lr ${params.lr}');
    assert.equal(
      taskDetail(tasks.get('train-penguins')!),
      'built-in trainer: data/penguins.csv → species, 60 epochs',
    );
    assert.equal(taskDetail(tasks.get('weather-drift')!), 'drift check: data/a.csv vs data/b.csv');
  });

  it('reads params from tasks.json and passes them as --set overrides of the same run', () => {
    const definition = parseDefinition({
      type: 'xlens',
      task: 'train',
      params: { lr: 0.5, note: 'wide', warm: true },
    });
    assert.ok(typeof definition !== 'string');
    // `params` is a null-prototype dictionary (names from data): compare its entries.
    assert.deepEqual(
      { ...definition, params: { ...definition.params } },
      { type: 'xlens', task: 'train', params: { lr: 0.5, note: 'wide', warm: true } },
    );
    assert.equal(taskLabel(definition), 'train (lr=0.5, note=wide, warm=true)');
    assert.deepEqual(cliRunArgs(definition.task, definition.params), [
      'run',
      'train',
      '--set',
      'lr=0.5',
      '--set',
      'note=wide',
      '--set',
      'warm=true',
      '--quiet',
    ]);
    assert.deepEqual(cliRunArgs('eval'), ['run', 'eval', '--quiet']);
  });

  it('explains what is wrong with a bad definition from tasks.json', () => {
    assert.match(parseDefinition(null) as string, /must be an object/);
    assert.match(parseDefinition({ type: 'shell', task: 'x' }) as string, /"type" must be "xlens"/);
    assert.match(parseDefinition({ type: 'xlens' }) as string, /"task" must name a task/);
    assert.match(
      parseDefinition({ type: 'xlens', task: 't', params: [1] }) as string,
      /"params" must be an object/,
    );
    assert.match(
      parseDefinition({ type: 'xlens', task: 't', params: { lr: { a: 1 } } }) as string,
      /"params\.lr" must be a string, number, boolean or null/,
    );
  });

  it("offers the built-in trainer's hyperparameters as params to set, and re-runs with the changed ones", async () => {
    const tasks = await tasksOf(
      [
        'version: 1',
        'tasks:',
        '  train-penguins:',
        '    kind: tfjs-train',
        '    data: data/penguins.csv',
        '    target: species',
        '    params: { note: baseline }',
        '    epochs: 60',
        '    optimizer: { adam: { learning_rate: 0.01 } }',
        '  train:',
        '    run: python train.py --lr ${params.lr}',
        '    params: { lr: 0.1 }',
        '',
      ].join('\n'),
    );
    const trainer = settableParams(tasks.get('train-penguins')!);
    assert.deepEqual(Object.keys(trainer), [
      'note',
      'epochs',
      'batch_size',
      'validation_split',
      'holdout_split',
      'seed',
      'learning_rate',
    ]);
    assert.equal(trainer.epochs, 60);
    assert.equal(trainer.learning_rate, 0.01);
    assert.deepEqual(settableParams(tasks.get('train')!), { lr: 0.1 });
    // A past run recorded more (optimizer, layers): only settable params that differ are passed again.
    const recorded = { ...trainer, epochs: 5, optimizer: 'adam', layers: 'dense32-relu' };
    assert.deepEqual(changedParams(recorded, trainer), { epochs: 5 });
  });
});
