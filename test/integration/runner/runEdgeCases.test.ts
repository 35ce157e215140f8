import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadProjectOrThrow } from '../../../src/core/config/load';
import { LineSplitter } from '../../../src/core/runner/lineSplitter';
import { TaskRunner } from '../../../src/core/runner/taskRunner';
import { RunStore } from '../../../src/core/runs/store';
import { gitIn, makeRepo, tempDir, writeFiles } from '../../helpers/gitRepo';

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

describe('a run.json that cannot be written while the run goes on', () => {
  it('is reported once (warning and output.log), and the final record is still written', async () => {
    // The task puts a folder where run.json was: every update of the record fails until it removes it.
    // It waits for the supervisor's report in output.log before restoring the file and exiting.
    const script = `
      const fs = require('fs');
      const dir = process.env.XLENS_RUN_DIR;
      fs.rmSync(dir + '/run.json');
      fs.mkdirSync(dir + '/run.json/blocked', { recursive: true });
      let step = 0;
      const put = () => fs.appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step: step++, values: { loss: 1 } }) + '\\n');
      put();
      const timer = setInterval(() => {
        put();
        const log = fs.readFileSync(dir + '/output.log', 'utf8');
        // Bounded (60 s) so the test fails rather than hangs when no report comes.
        if (/could not update/.test(log) || step > 1200) {
          clearInterval(timer);
          fs.rmSync(dir + '/run.json', { recursive: true });
          console.log('restored');
        }
      }, 50);
    `;
    const root = tempDir();
    writeFiles(root, { 'block.js': script, 'xlens.yaml': 'tasks:\n  t:\n    run: node block.js\n' });
    const project = await loadProjectOrThrow(root);
    const store = new RunStore(root);
    const warnings: string[] = [];
    const runner = new TaskRunner(project, store, { pollIntervalMs: 20, saveIntervalMs: 20 });
    runner.onWarning((w) => warnings.push(w.message));
    const run = await runner.run('t');
    assert.equal(run.status, 'succeeded', run.error);
    const reported = (run.warnings ?? []).filter((w) => w.startsWith('could not update'));
    assert.equal(reported.length, 1, 'reported once, however many writes failed');
    assert.match(reported[0], /run\.json \(E(ISDIR|NOTEMPTY|EXIST)/);
    assert.deepEqual(
      warnings.filter((w) => w.startsWith('could not update')),
      reported,
    );
    const log = readFileSync(store.file(run.id, 'output'), 'utf8');
    assert.equal(log.match(/xlens: warning: could not update/g)?.length, 1);
    assert.match(log, /restored/);
    assert.deepEqual(await store.read(run.id), run, 'the final record is on disk');
  });
});

describe('large untracked files and the git snapshot', () => {
  it('follows git.snapshot_max_file_mb: lists skipped files in run.json and says so in the output', async () => {
    const root = makeRepo({
      'xlens.yaml': 'git:\n  snapshot_max_file_mb: 0.5\ntasks:\n  t:\n    run: node -e "console.log(1)"\n',
    });
    writeFileSync(join(root, 'data.bin'), Buffer.alloc(600 * 1024, 1)); // 600 KiB > 0.5 MiB
    writeFileSync(join(root, 'small.txt'), 'kept\n');
    const project = await loadProjectOrThrow(root);
    assert.deepEqual(project.git, { snapshotMaxFileBytes: 512 * 1024 });
    const store = new RunStore(root);
    const run = await new TaskRunner(project, store, { pollIntervalMs: 50 }).run('t');
    assert.equal(run.status, 'succeeded', run.error);
    assert.deepEqual(run.git.skipped, [{ path: 'data.bin', size: 600 * 1024 }]);
    assert.equal(run.git.dirty, true);
    const tree = gitIn(root, ['ls-tree', '-r', '--name-only', run.git.snapshot!]).split('\n');
    assert.deepEqual(tree.sort(), ['small.txt', 'xlens.yaml']);
    const notice = run.warnings?.find((w) => w.startsWith('the git snapshot leaves out 1 untracked file'));
    assert.ok(notice, JSON.stringify(run.warnings));
    assert.match(notice, /larger than 512\.0 KiB: data\.bin \(600\.0 KiB\)/);
    assert.match(
      readFileSync(store.file(run.id, 'output'), 'utf8'),
      /^xlens: warning: the git snapshot leaves out/m,
    );
  });

  it('rejects a negative snapshot_max_file_mb with its position', async () => {
    const root = tempDir();
    writeFiles(root, { 'xlens.yaml': 'git:\n  snapshot_max_file_mb: -1\ntasks:\n  t:\n    run: "true"\n' });
    await assert.rejects(loadProjectOrThrow(root), /xlens\.yaml:2:\d+: .*snapshot_max_file_mb/);
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
