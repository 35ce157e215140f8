/**
 * `checks:` and `baseline:` in xlens.yaml: accepted on every task kind, kept as written, and each
 * mistake a user error at the line and column where it is (inside the check's text).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UserInputError } from '../../../src/core/base/errors';
import { diagnosticMessage, parseProject } from '../../../src/core/config/load';
import { repoRoot } from '../../helpers/xlensProcess';

const FILE = '/work/project/xlens.yaml';

function problems(text: string): { at: string; message: string }[] {
  return parseProject(FILE, text).errors.map((e) => {
    assert.ok(e instanceof UserInputError);
    return { at: `${e.line}:${e.column}`, message: diagnosticMessage(e) };
  });
}

describe('checks and baseline in xlens.yaml', () => {
  it('keeps the checks and baseline of any task kind as written', () => {
    const text = [
      'version: 1',
      'tasks:',
      '  train:',
      '    run: python train.py',
      '    checks:',
      '      - eval/roc_auc >= 0.9',
      '      - "val_loss <= baseline + 0.01"',
      '      - \'"loss (train)" < 1\'',
      '    baseline: latest:train@main',
      '  fit:',
      '    kind: tfjs-train',
      '    data: d.csv',
      '    target: y',
      '    checks: max(val_accuracy) >= 0.8',
      '  drift:',
      '    kind: drift',
      '    reference: a.csv',
      '    current: b.csv',
      '    checks: [drift/share < 0.5]',
    ].join('\n');
    const { config, errors } = parseProject(FILE, text);
    assert.deepEqual(errors, []);
    const train = config!.tasks.get('train')!;
    assert.deepEqual(train.checks, [
      'eval/roc_auc >= 0.9',
      'val_loss <= baseline + 0.01',
      '"loss (train)" < 1',
    ]);
    assert.equal(train.baseline, 'latest:train@main');
    assert.deepEqual(config!.tasks.get('fit')!.checks, ['max(val_accuracy) >= 0.8']);
    assert.deepEqual(config!.tasks.get('drift')!.checks, ['drift/share < 0.5']);
    assert.equal(config!.tasks.get('drift')!.baseline, undefined);
  });

  it('reports a bad check at its line and column, inside the text', () => {
    const text = [
      'tasks:',
      '  train:',
      '    run: x',
      '    checks:',
      '      - eval/roc_auc => 0.9', // line 5: the operator at column 22
      '      - "max(loss) <= 1e999"', // line 6: the number at column 23
      '      - avg(loss) < 1', // line 7: the function at column 9
    ].join('\n');
    assert.deepEqual(problems(text), [
      {
        at: '5:22',
        message:
          'check "eval/roc_auc => 0.9": expected a comparison (>=, >, <=, <, ==, !=) after the metric name, found "=> 0.9" (write >=).',
      },
      {
        at: '6:23',
        message:
          'check "max(loss) <= 1e999": the number 1e999 is beyond the range of a double (about ±1.8e308).',
      },
      {
        at: '7:9',
        message:
          'check "avg(loss) < 1": unknown function "avg(": write last(...), min(...), max(...) or best(...), or quote a metric name that contains "(" (e.g. "avg(x)").',
      },
    ]);
  });

  it('asks for baseline: when a check uses it, and checks the task a baseline names', () => {
    const text = [
      'tasks:',
      '  train:',
      '    run: x',
      '    checks: [f1 >= baseline]',
      '  eval:',
      '    run: y',
      '    checks: [f1 >= 0.5]',
      '    baseline: latest:trian@main',
      '  other:',
      '    run: z',
      '    baseline: "latest:train@"',
    ].join('\n');
    const found = problems(text);
    assert.equal(found.length, 3);
    assert.equal(found[0].at, '4:20');
    assert.match(
      found[0].message,
      /compares with `baseline`, but the task declares no `baseline:`.*latest:train/,
    );
    assert.equal(found[1].at, '8:22');
    assert.match(found[1].message, /names no task "trian"\. Did you mean "latest:train"\?/);
    assert.equal(found[2].at, '11:15');
    assert.match(found[2].message, /is not a git branch name/);
  });

  it("loads the README's Checks example as written", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Checks\n'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)![1];
    const { config, errors } = parseProject(FILE, `version: 1\n${example}`);
    assert.deepEqual(
      errors.map((e) => e.message),
      [],
    );
    assert.equal(config!.tasks.get('train')!.checks!.length, 6);
    assert.equal(config!.tasks.get('train')!.baseline, 'latest:train@main');
  });

  it('refuses checks that are not strings through the schema, and the schema documents both keys', () => {
    const found = problems('tasks:\n  t:\n    run: x\n    checks: [1]\n    baseline: ""\n');
    assert.ok(found.length >= 2, JSON.stringify(found));
    const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas/xlens.schema.json'), 'utf8')) as {
      definitions: Record<string, { properties?: Record<string, unknown>; description?: string }>;
    };
    for (const kind of ['commandTask', 'tfjsTrainTask', 'tfjsEvalTask', 'driftTask', 'evalTask']) {
      assert.deepEqual(schema.definitions[kind].properties?.checks, { $ref: '#/definitions/checks' }, kind);
      assert.deepEqual(
        schema.definitions[kind].properties?.baseline,
        { $ref: '#/definitions/baseline' },
        kind,
      );
    }
    assert.match(schema.definitions.checks.description!, /exits 3/);
  });
});
