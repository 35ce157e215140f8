/**
 * What a run records about how it ended, through the real `xlens` command: why a run failed (a
 * built-in job's message, the end of any task's stderr), an inferred end when the supervising CLI
 * was killed, and the order of the run header and the task's first output when stdout is a pipe.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isAlive } from '../../../src/core/base/process';
import { RUN_FILES } from '../../../src/core/runs/store';
import type { RunRecord } from '../../../src/core/runs/types';
import { makeRepo } from '../../helpers/gitRepo';
import { latestRun, waitFor, xlens } from '../../helpers/xlensProcess';

describe('why a run failed', () => {
  it('puts a built-in job’s own message in the run’s error, and xlens show prints it', async () => {
    const root = makeRepo({
      'xlens.yaml': [
        'tasks:',
        '  train:',
        '    kind: tfjs-train',
        '    data: d.csv',
        '    target: y',
        '    features: [a, b]',
        '    epochs: 1',
        '',
      ].join('\n'),
      // Found by the trainer only once it reads the data: every row has the same class.
      'd.csv': `a,b,y\n${Array.from({ length: 20 }, (_, i) => `${i},${i * 2},p`).join('\n')}\n`,
    });
    const result = await xlens(root, ['run', 'train']);
    assert.equal(result.code, 1, result.stderr);
    const record = latestRun(root)!;
    assert.equal(record.status, 'failed');
    assert.equal(record.exitCode, 2);
    // The job's message first, then how the process ended.
    assert.match(record.error ?? '', /^d\.csv: target "y" has a single class.*\(exited with code 2\)$/);
    assert.match(record.errorTail ?? '', /single class/);
    assert.match(result.stdout, /✖ train failed \(d\.csv: target "y" has a single class/);

    const shown = await xlens(root, ['show', record.id]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^status: +failed — d\.csv: target "y" has a single class/m);
    assert.match(shown.stdout, /^stderr \(last lines\):\n {2}.*single class/m);
    const beforeTail = shown.stdout.split('stderr (last lines):')[0];
    assert.match(beforeTail, /^info:\n {2}backend: /m);
    assert.doesNotMatch(beforeTail, /^ {2}error: /m, 'not repeated under info');
  });

  it('catches a misspelt trainer column from the CSV header before the run starts: exit 2, no run', async () => {
    const root = makeRepo({
      'xlens.yaml': [
        'tasks:',
        '  train:',
        '    kind: tfjs-train',
        '    data: d.csv',
        '    target: speceis',
        '    epochs: 1',
        '  features:',
        '    kind: tfjs-train',
        '    data: d.csv',
        '    target: species',
        '    features: [bill, flipperr]',
        '',
      ].join('\n'),
      'd.csv': `\ufeffbill , flipper,species\n${Array.from({ length: 20 }, (_, i) => `${i},${i * 2},${i % 2 ? 'p' : 'q'}`).join('\n')}\n`,
    });
    const target = await xlens(root, ['run', 'train']);
    assert.equal(target.code, 2, target.stderr);
    assert.match(
      target.stderr,
      /xlens\.yaml:5:\d+: target column "speceis" is not in the header of d\.csv; did you mean "species"\? Columns: bill, flipper, species\./,
    );
    const feature = await xlens(root, ['run', 'features']);
    assert.equal(feature.code, 2, feature.stderr);
    assert.match(feature.stderr, /xlens\.yaml:11:\d+: feature column "flipperr" .*did you mean "flipper"/);
    assert.equal(
      existsSync(join(root, '.xlens', 'runs')) ? readdirSync(join(root, '.xlens', 'runs')).length : 0,
      0,
    );
  });

  it('keeps the last 20 non-empty stderr lines (at most 4 KB) of any failed task', async () => {
    const root = makeRepo({
      'xlens.yaml':
        'tasks:\n  t:\n    run: node fail.js\n  long:\n    run: node long.js\n  ok:\n    run: node ok.js\n',
      'fail.js': `
        for (let i = 1; i <= 30; i++) console.error('line ' + i + (i % 5 === 0 ? '\\n' : ''));
        process.stderr.write('progress 10%\\rprogress 100%\\n');
        console.log('stdout is not part of it');
        process.exit(3);`,
      'long.js': `for (let i = 0; i < 10; i++) console.error(String(i).repeat(1000)); process.exit(1);`,
      'ok.js': `console.error('a warning on a good run');`,
    });
    assert.equal((await xlens(root, ['run', 't'])).code, 1);
    const failed = latestRun(root)!;
    assert.equal(failed.error, 'exited with code 3');
    const expected = [...Array.from({ length: 19 }, (_, i) => `line ${i + 12}`), 'progress 100%'];
    assert.deepEqual(failed.errorTail?.split('\n'), expected);

    assert.equal((await xlens(root, ['run', 'long'])).code, 1);
    const long = latestRun(root)!;
    const lines = long.errorTail!.split('\n');
    assert.ok(Buffer.byteLength(long.errorTail!) <= 4096, `${Buffer.byteLength(long.errorTail!)} bytes`);
    assert.deepEqual(
      lines,
      ['6', '7', '8', '9'].map((d) => d.repeat(1000)),
      'whole lines, the last ones',
    );

    assert.equal((await xlens(root, ['run', 'ok'])).code, 0);
    assert.equal(latestRun(root)!.errorTail, undefined, 'only failed runs carry it');
  });
});

describe('a run whose supervising CLI was killed', () => {
  it('ends at its last sign of life (heartbeat), marked as inferred, with a whole-ms duration', async () => {
    const root = makeRepo({ 'xlens.yaml': 'tasks:\n  quiet:\n    run: sleep 4; echo done\n' });
    let pid = 0;
    const pending = xlens(root, ['run', 'quiet'], (p) => (pid = p));
    await waitFor('the run to start', () => latestRun(root)?.status === 'running');
    const { id, startedAt } = latestRun(root)!;
    const started = Date.parse(startedAt!);
    const heartbeat = join(root, '.xlens/runs', id, RUN_FILES.heartbeat);
    const beatAt = (): number => (existsSync(heartbeat) ? statSync(heartbeat).mtimeMs : 0);
    await waitFor('the first heartbeat', () => beatAt() > 0);
    const firstBeat = beatAt();
    // A state, not a time: the supervisor has beaten again since the first beat, so the run's last
    // sign of life is a later beat, not its start.
    await waitFor('the heartbeat to advance', () => beatAt() > firstBeat);
    process.kill(pid, 'SIGKILL');
    await pending;
    // The task's whole process group (the script that would record its exit status, and the task)
    // is killed too: how it ended is unknown, so the end is inferred.
    const child = latestRun(root)!.pid!;
    process.kill(-child, 'SIGKILL');
    await waitFor('the task to end', () => !isAlive(child), 30_000);
    // Nothing touches the run folder any more: the supervisor is dead and its task wrote to its pipe.
    const lastBeat = beatAt();
    assert.ok(lastBeat > firstBeat, 'the heartbeat advanced while the run was supervised');

    const [record] = JSON.parse((await xlens(root, ['runs', '--json'])).stdout) as RunRecord[];
    assert.equal(record.id, id);
    assert.equal(record.status, 'failed');
    assert.equal(record.endedAtInferred, true);
    assert.ok(Number.isInteger(record.durationMs), String(record.durationMs));
    // The recorded end is the heartbeat's recorded time (its mtime, to the ms), the newest write in
    // the run folder.
    assert.equal(record.endedAt, new Date(Math.round(lastBeat)).toISOString());
    assert.equal(record.durationMs, Math.round(lastBeat) - started);
    assert.ok(record.pid === undefined, 'the dead pid is dropped');

    const shown = await xlens(root, ['show', record.id]);
    assert.match(shown.stdout, /^ended: .*\(inferred: the supervising process died/m);
  });
});

describe('xlens run with stdout piped', () => {
  it('prints the run header before the task’s first line', async () => {
    const root = makeRepo({ 'xlens.yaml': 'tasks:\n  t:\n    run: echo before; sleep 0.2; echo after\n' });
    for (let i = 0; i < 3; i++) {
      const result = await xlens(root, ['run', 't']);
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.split('\n');
      assert.match(lines[0], /^▶ t · run \S+ · commit [0-9a-f]{7}( on \S+)?$/, result.stdout);
      assert.deepEqual(lines.slice(1, 3), ['before', 'after']);
    }
  });
});
