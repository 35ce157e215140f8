import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadProjectOrThrow } from '../../../src/core/config/load';
import { LineSplitter } from '../../../src/core/runner/lineSplitter';
import { TaskRunner } from '../../../src/core/runner/taskRunner';
import { RunStore } from '../../../src/core/runs/store';
import { tempDir, writeFiles } from '../../helpers/gitRepo';

async function workspace(files: Record<string, string>) {
  const root = tempDir();
  writeFiles(root, files);
  const project = await loadProjectOrThrow(root);
  const store = new RunStore(root);
  return { root, store, runner: new TaskRunner(project, store, { killGraceMs: 300, pollIntervalMs: 50 }) };
}

describe('cancelling before the task starts', () => {
  it('resolves `done` with the final cancelled record, the one on disk', async () => {
    const { root, store, runner } = await workspace({
      'xlens.yaml': "tasks:\n  t:\n    run: node -e \"require('fs').writeFileSync('ran', '')\"\n",
    });
    const handle = await runner.start('t', { signal: AbortSignal.abort() });
    const done = await handle.done;
    assert.equal(done.status, 'cancelled');
    assert.equal(done.error, 'cancelled before the task started');
    assert.ok(done.endedAt, 'the record is the finished one');
    assert.deepEqual(await store.read(handle.id), done);
    assert.equal(existsSync(join(root, 'ran')), false, 'the task never ran');
  });
});

describe('stdout line splitting', () => {
  it('splits across chunks, keeps CRLF for the matcher, and drops what a \\r redraw overwrote', () => {
    const s = new LineSplitter(100);
    assert.deepEqual(s.push('a=1\nb='), ['a=1']);
    assert.deepEqual(s.push('2\r'), []);
    assert.deepEqual(s.push('\nc'), ['b=2\r']);
    assert.deepEqual(s.push('\r 10%\r 20%'), []);
    assert.deepEqual(s.push('\rdone loss=3\n'), [' 20%\rdone loss=3']);
    assert.deepEqual(s.push('tail'), []);
    assert.equal(s.end(), 'tail');
    assert.equal(s.end(), undefined);
  });

  it('keeps only the last maxLine characters of a long line and says so', () => {
    let long = 0;
    const s = new LineSplitter(8, () => long++);
    s.push('x'.repeat(20));
    s.push('yyyy');
    assert.deepEqual(s.push('zz\nok\n'), ['xxyyyyzz', 'ok']);
    assert.ok(long > 0);
  });

  it('records a metric printed after a 5 MB line without newline (output.log keeps it all)', async () => {
    const { store, runner } = await workspace({
      'big.js': [
        "const big = 'x'.repeat(5 * 1024 * 1024);",
        // Written in 64 KiB pieces, as a pipe delivers it, then the metric at the end of the same line.
        'for (let i = 0; i < big.length; i += 65536) process.stdout.write(big.slice(i, i + 65536));',
        "process.stdout.write(' loss=0.5\\n');",
      ].join('\n'),
      'xlens.yaml': [
        'tasks:',
        '  t:',
        '    run: node big.js',
        '    metrics:',
        "      - stdout: '(?<name>loss)=(?<value>[\\d.]+)'",
        '',
      ].join('\n'),
    });
    const run = await runner.run('t');
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.metrics.loss?.last, 0.5);
    assert.equal(run.metrics.loss?.count, 1);
    assert.equal(statSync(store.file(run.id, 'output')).size, 5 * 1024 * 1024 + ' loss=0.5\n'.length);
    assert.equal(run.warnings?.filter((w) => /longer than 1 MiB/.test(w)).length, 1);
  });
});
