/**
 * `executor:` in xlens.yaml: `local` or `slurm:` per task, a top-level default for `run:` tasks, and
 * every value bound for a `#SBATCH` line checked, a mistake being a user error at its line and column.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserInputError } from '../../../src/core/base/errors';
import { diagnosticMessage, parseProject } from '../../../src/core/config/load';
import { keysAt } from '../../../src/core/inline/schemaKeys';

const FILE = '/work/project/xlens.yaml';

function problems(text: string): { at: string; message: string }[] {
  return parseProject(FILE, text).errors.map((e) => {
    assert.ok(e instanceof UserInputError);
    return { at: `${e.line}:${e.column}`, message: diagnosticMessage(e) };
  });
}

describe('executor in xlens.yaml', () => {
  it('reads slurm options per task and applies the top-level default to run: tasks without their own', () => {
    const text = [
      'version: 1',
      'executor:',
      '  slurm: { partition: gpu, gpus: 1 }',
      'tasks:',
      '  train:',
      '    run: python train.py',
      '  big:',
      '    run: python big.py',
      '    executor:',
      '      slurm:',
      '        partition: long',
      '        gpus_per_node: a100:2',
      '        cpus_per_task: 8',
      '        mem: 64G',
      '        time: 2-00:00:00',
      '        nodes: 2',
      '        account: my-lab',
      '        qos: high',
      '        constraint: a100|h100',
      '        extra: [--exclusive, --mail-type=END]',
      '        setup: [module load cuda/12.2, source .venv/bin/activate]',
      '  quick:',
      '    run: echo hi',
      '    executor: local',
      '  drift:',
      '    kind: drift',
      '    reference: a.csv',
      '    current: b.csv',
    ].join('\n');
    const result = parseProject(FILE, text);
    assert.deepEqual(result.errors, []);
    const tasks = result.config!.tasks;
    assert.deepEqual(tasks.get('train')!.executor, {
      type: 'slurm',
      slurm: { partition: 'gpu', gpus: 1, extra: [], setup: [] },
    });
    assert.deepEqual(tasks.get('big')!.executor, {
      type: 'slurm',
      slurm: {
        partition: 'long',
        gpusPerNode: 'a100:2',
        cpusPerTask: 8,
        mem: '64G',
        time: '2-00:00:00',
        nodes: 2,
        account: 'my-lab',
        qos: 'high',
        constraint: 'a100|h100',
        extra: ['--exclusive', '--mail-type=END'],
        setup: ['module load cuda/12.2', 'source .venv/bin/activate'],
      },
    });
    assert.deepEqual(tasks.get('quick')!.executor, { type: 'local' });
    assert.equal(tasks.get('drift')!.executor, undefined, 'built-in jobs run locally');
  });

  it('refuses values that are not safe for a #SBATCH line, at their position, naming the field', () => {
    const text = [
      'version: 1',
      'tasks:',
      '  train:',
      '    run: python train.py',
      '    executor:',
      '      slurm:',
      '        partition: "gpu; rm -rf ~"',
      '        mem: lots',
      '        extra: ["--exclusive\\n#SBATCH --uid=0"]',
    ].join('\n');
    const found = problems(text);
    assert.deepEqual(
      found.map((p) => p.at),
      ['7:20', '8:14', '9:17'],
    );
    assert.match(
      found[0].message,
      /executor\.slurm\.partition "gpu; rm -rf ~" is not a valid sbatch value.*partition: gpu/,
    );
    assert.match(found[1].message, /executor\.slurm\.mem "lots".*mem: 16G/);
    assert.match(found[2].message, /executor\.slurm\.extra .* is not one sbatch option/);
  });

  it('refuses unknown keys (through the schema) and executors other than local and slurm', () => {
    const found = problems(
      ['version: 1', 'tasks:', '  t:', '    run: x', '    executor:', '      slurm: { partiton: gpu }'].join(
        '\n',
      ),
    );
    assert.equal(found.length, 1);
    assert.match(found[0].message, /partiton/);
    const other = problems(
      ['version: 1', 'tasks:', '  t:', '    run: x', '    executor: kubernetes'].join('\n'),
    );
    assert.deepEqual(
      other.map((p) => p.at),
      ['5:15'],
    );
    assert.match(other[0].message, /executor "kubernetes" is not one xlens knows: write `executor: local`/);
  });

  it('is offered by completion with its slurm keys documented', () => {
    assert.ok(keysAt(['tasks', 'train']).some((k) => k.name === 'executor' && k.nested));
    const slurm = keysAt(['tasks', 'train', 'executor', 'slurm']).map((k) => k.name);
    assert.deepEqual(slurm, [
      'partition',
      'gpus',
      'gpus_per_node',
      'cpus_per_task',
      'mem',
      'time',
      'nodes',
      'account',
      'qos',
      'constraint',
      'extra',
      'setup',
    ]);
    assert.ok(keysAt([]).some((k) => k.name === 'executor'));
  });
});
