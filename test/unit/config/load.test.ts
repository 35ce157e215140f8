import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UserInputError } from '../../../src/core/base/errors';
import {
  diagnosticMessage,
  findProjectRoot,
  loadProject,
  loadProjectOrThrow,
  parseProject,
} from '../../../src/core/config/load';
import { STARTER_CONFIG } from '../../../src/core/config/starter';
import type { CommandTask, TfjsEvalTask, TfjsTrainTask } from '../../../src/core/config/types';
import { tempDir, writeFiles } from '../../helpers/gitRepo';

const FILE = '/work/project/xlens.yaml';

/** The errors of `text` as `line:col-endLine:endCol message` (message without its location prefix). */
function problems(text: string): { at: string; message: string }[] {
  return parseProject(FILE, text).errors.map((e) => ({
    at: `${e.line}:${e.column}-${e.endLine}:${e.endColumn}`,
    message: diagnosticMessage(e),
  }));
}

describe('xlens.yaml errors name file:line:col and the fix', () => {
  it('reports YAML syntax errors where the parser finds them', () => {
    const errors = parseProject(FILE, 'version: 1\ntasks:\n  train:\n    run: a\n   data: x\n').errors;
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof UserInputError);
    assert.match(errors[0].message, /^\/work\/project\/xlens\.yaml:5:1: YAML syntax: .*same column/);
    assert.equal(errors[0].file, FILE);
    assert.deepEqual([errors[0].line, errors[0].column], [5, 1]);
  });

  it('says how to fix the common YAML mistakes', () => {
    const cases: [string, RegExp][] = [
      ['tasks:\n  t:\n\trun: a\n', /^3:1 YAML syntax: Tabs .*\. Indent with spaces, not tabs\.$/],
      ['tasks:\n  t:\n    run: "node x\n', /^4:1 YAML syntax: Missing closing "quote\. Close the quote/],
      [
        'tasks:\n  t:\n    run: x\n    metrics: [{stdout: "(?<name>a)=(?<value>\\d)"}]\n',
        /^4:45 YAML syntax: Invalid escape sequence \\d\. .*use single quotes for regular expressions/,
      ],
      ['tasks:\n  t:\n    run: a: b\n', /^3:10 YAML syntax: .*\. Quote a value that contains ": "/],
      ['tasks:\n  t:\n    run: @x\n', /^3:10 YAML syntax: .*reserved character @\. Quote the value/],
      [
        'version: 1\n---\ntasks: {}\n',
        /^2:1 YAML syntax: the file holds more than one YAML document\. Keep one document/,
      ],
    ];
    for (const [text, expected] of cases) {
      const [first] = problems(text);
      assert.match(`${first.at.split('-')[0]} ${first.message}`, expected, JSON.stringify(text));
    }
  });

  it('reports a duplicate key on the second occurrence', () => {
    assert.deepEqual(problems('tasks:\n  a:\n    run: x\n    run: y\n'), [
      { at: '4:5-4:6', message: 'YAML syntax: Map keys must be unique. Remove one of the two entries.' },
    ]);
  });

  it('places an unknown key on the key and suggests the right spelling', () => {
    const text = 'version: 1\ntasks:\n  train:\n    run: python t.py\n    timout: 2h\n';
    assert.deepEqual(problems(text), [
      { at: '5:5-5:11', message: 'unknown key "timout" in task "train". Did you mean "timeout"?' },
    ]);
  });

  it('maps camelCase mistakes in built-in tasks to the snake_case keys', () => {
    const text = 'tasks:\n  t:\n    kind: tfjs-train\n    data: d.csv\n    target: y\n    batchSize: 8\n';
    assert.deepEqual(problems(text), [
      { at: '6:5-6:14', message: 'unknown key "batchSize" in task "t". Did you mean "batch_size"?' },
    ]);
  });

  it('places a wrong type on the value and says what was expected', () => {
    const text = 'tasks:\n  t:\n    kind: tfjs-train\n    data: d.csv\n    target: y\n    epochs: ten\n';
    assert.deepEqual(problems(text), [
      { at: '6:13-6:16', message: '`epochs` of task "t" must be an integer, not a string ("ten").' },
    ]);
  });

  it('asks for `run` or `kind` when a task has neither', () => {
    const text = 'tasks:\n  train:\n    params: { lr: 1 }\n';
    const [error] = problems(text);
    assert.equal(error.at, '2:3-2:8');
    assert.match(
      error.message,
      /task "train" needs `run:` \(the shell command to run\), or `kind:` tfjs-train/,
    );
  });

  it('names an unknown param at the placeholder itself, with the declared ones', () => {
    const text =
      'tasks:\n  train:\n    run: python t.py --lr ${params.lrr}\n    params: { lr: 0.1, epochs: 3 }\n';
    assert.deepEqual(problems(text), [
      {
        at: '3:27-3:40',
        message: 'unknown param "lrr" in ${params.lrr}. Did you mean "lr"? Declared params: lr, epochs.',
      },
    ]);
  });

  it('checks ${runs.<task>.latest} names an existing task', () => {
    const text =
      'tasks:\n  train:\n    run: x\n  ev:\n    kind: tfjs-eval\n    model: ${runs.trian.latest}/m\n    data: d.csv\n';
    assert.deepEqual(problems(text), [
      {
        at: '6:12-6:32',
        message: '${runs.trian.latest} names no task "trian". Did you mean "${runs.train.latest}"?',
      },
    ]);
  });

  it('returns every problem of the file at once, sorted by position', () => {
    const text = [
      'version: 2',
      'tasks:',
      '  a:',
      '    run: x ${params.nope}',
      '    timeout: 2 hours',
      '  b:',
      '    kind: tfjs-trian',
      '  c d:',
      '    run: y',
      '',
    ].join('\n');
    const found = problems(text);
    assert.deepEqual(
      found.map((p) => p.at.split('-')[0]),
      ['1:10', '4:12', '5:14', '7:11', '8:3'],
    );
    assert.match(found[0].message, /`version` must be 1, not 2/);
    assert.match(found[1].message, /unknown param "nope".*declares no params/);
    assert.match(found[2].message, /not a duration\. Write e\.g\. 90s, 30m, 2h or 1h30m/);
    assert.match(found[3].message, /Did you mean "tfjs-train"\?/);
    assert.match(found[4].message, /task name "c d" may only use letters/);
  });

  it('checks stdout patterns and layer shapes', () => {
    const text = [
      'tasks:',
      '  t:',
      '    kind: tfjs-train',
      '    data: d.csv',
      '    target: y',
      '    model: { layers: [{ dense: 8, dropout: 0.1 }] }',
      '    metrics:',
      "      - stdout: '(?<metric>loss)=(?<value>[0-9.]+)'",
      '',
    ].join('\n');
    const found = problems(text);
    assert.equal(found.length, 2);
    assert.equal(found[0].at, '6:23-6:49');
    assert.match(found[0].message, /must be exactly one of \{dense/);
    assert.equal(found[1].at, '8:17-8:52');
    assert.match(found[1].message, /needs the named group \(\?<name>\.\.\.\)/);
  });

  it('explains an empty file', () => {
    assert.match(problems('')[0].message, /the file is empty/);
  });
});

describe('xlens.yaml to typed tasks', () => {
  it('reads params from files and inline maps, flattened, later entries winning', async () => {
    const root = tempDir();
    writeFiles(root, {
      'params.yaml': 'train:\n  lr: 0.01\n  layers: [64, 32]\nseed: 1\n',
      'more.json': '{"seed": 7, "name": "baseline"}',
      'xlens.yaml': [
        'version: 1',
        'tasks:',
        '  train:',
        '    run: python t.py --lr ${params.train.lr} --seed ${params.seed}',
        '    params: [params.yaml, more.json, { extra: true }]',
        '    data: d.csv',
        '    outputs: [models/]',
        '    env: { A: 1 }',
        '    timeout: 1h30m',
        '',
      ].join('\n'),
    });
    const config = await loadProjectOrThrow(root);
    const train = config.tasks.get('train') as CommandTask;
    assert.equal(train.kind, 'command');
    assert.deepEqual(
      { ...train.params },
      {
        'train.lr': 0.01,
        'train.layers.0': 64,
        'train.layers.1': 32,
        seed: 7,
        name: 'baseline',
        extra: true,
      },
    );
    assert.deepEqual(train.paramFiles, ['params.yaml', 'more.json']);
    assert.deepEqual(train.paramSources, ['params.yaml', 'more.json', 'inline']);
    assert.deepEqual(train.data, ['d.csv']);
    assert.deepEqual(train.outputs, ['models/']);
    assert.deepEqual(train.env, { A: '1' });
    assert.equal(train.timeoutMs, 90 * 60_000);
    assert.equal(train.run, 'python t.py --lr ${params.train.lr} --seed ${params.seed}');
    assert.deepEqual(train.range, { line: 3, column: 3, endLine: 3, endColumn: 8 });
    assert.equal(train.fieldRanges?.run?.line, 4);
  });

  it('names the params file and line when it is not valid YAML', async () => {
    const root = tempDir();
    writeFiles(root, {
      'params.yaml': 'lr: 0.1\nbad: [1, 2\n',
      'xlens.yaml': 'tasks:\n  t:\n    run: x\n    params: params.yaml\n',
    });
    const { errors, config } = await loadProject(root);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].file, join(root, 'params.yaml'));
    assert.ok(errors[0].message.startsWith(`${join(root, 'params.yaml')}:`));
    assert.equal(config?.tasks.has('t'), false);
  });

  it('reports a missing params file at its mention in xlens.yaml', async () => {
    const root = tempDir();
    writeFiles(root, { 'xlens.yaml': 'tasks:\n  t:\n    run: x\n    params: nope.yaml\n' });
    const { errors } = await loadProject(root);
    assert.equal(errors.length, 1);
    assert.equal(`${errors[0].line}:${errors[0].column}`, '4:13');
    assert.match(errors[0].message, /params file "nope\.yaml" not found/);
  });

  it('maps the built-in trainer keys from snake_case and fills documented defaults', () => {
    const text = [
      'tasks:',
      '  train:',
      '    kind: tfjs-train',
      '    data: data/penguins.csv',
      '    target: species',
      '    model: { layers: [ {dense: 32, activation: relu}, {dropout: 0.1}, {batch_normalization: true} ] }',
      '    epochs: 60',
      '    batch_size: 16',
      '    optimizer: { adam: { learning_rate: 0.01 } }',
      '    validation_split: 0.25',
      '    holdout_split: 0.1',
      '    early_stopping: { patience: 5, min_delta: 0.001 }',
      '  small:',
      '    kind: tfjs-train',
      '    data: d.csv',
      '    target: y',
      '    optimizer: sgd',
      '    early_stopping: { patience: 2, monitor: val_auc, mode: min }',
      '  eval:',
      '    kind: tfjs-eval',
      '    model: ${runs.train.latest}/artifacts/model',
      '    data: ${runs.train.latest}/artifacts/holdout.csv',
      '',
    ].join('\n');
    const { config, errors } = parseProject(FILE, text);
    assert.deepEqual(errors, []);
    const train = config!.tasks.get('train') as TfjsTrainTask;
    assert.equal(train.dataFile, 'data/penguins.csv');
    assert.deepEqual(train.data, ['data/penguins.csv']);
    assert.deepEqual(train.model.layers, [
      { dense: 32, activation: 'relu' },
      { dropout: 0.1 },
      { batchNormalization: true },
    ]);
    assert.equal(train.batchSize, 16);
    assert.equal(train.validationSplit, 0.25);
    assert.equal(train.holdoutSplit, 0.1);
    assert.equal(train.seed, 42);
    assert.deepEqual(train.earlyStopping, { patience: 5, minDelta: 0.001 });
    assert.deepEqual(train.optimizer, { adam: { learning_rate: 0.01 } });
    const small = config!.tasks.get('small') as TfjsTrainTask;
    assert.equal(small.epochs, 50);
    assert.deepEqual(small.earlyStopping, { patience: 2, monitor: 'val_auc', mode: 'min' });
    assert.equal(small.batchSize, 32);
    assert.deepEqual(small.optimizer, { sgd: {} });
    const evalTask = config!.tasks.get('eval') as TfjsEvalTask;
    assert.equal(evalTask.model, '${runs.train.latest}/artifacts/model');
  });

  it('finds the workspace by walking up to the nearest xlens.yaml', () => {
    const root = tempDir();
    writeFiles(root, { 'xlens.yaml': STARTER_CONFIG, 'src/deep/x.txt': '' });
    assert.equal(findProjectRoot(join(root, 'src', 'deep')), root);
    assert.equal(findProjectRoot(tempDir()), undefined);
  });

  it('accepts the starter file of `xlens init` as is', () => {
    const { errors, config } = parseProject(FILE, STARTER_CONFIG);
    assert.deepEqual(errors, []);
    assert.deepEqual([...config!.tasks.keys()], ['train']);
  });

  it('ships the schema the editor validates against', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    const entry = pkg.contributes.yamlValidation.find(
      (v: { fileMatch: string }) => v.fileMatch === 'xlens.yaml',
    );
    const schema = JSON.parse(readFileSync(entry.url, 'utf8'));
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.ok(schema.definitions.tfjsTrainTask.properties.batch_size);
  });
});
