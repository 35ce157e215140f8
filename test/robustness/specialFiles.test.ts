/**
 * Special files never block a reader: a FIFO or a folder where a run's log or a metrics file is expected
 * is refused by the one file tail with an error naming what it is, instead of an open() that waits for a
 * writer forever (issue "Nothing lost, nothing escapes", item 10). Through the CLI: a FIFO given to
 * `xlens drift` or `xlens import`, named as a `csv:` metric source or left as an `outputs:` path by the
 * task is refused with a message naming it; each CLI case is killed after 20 s so a hang fails the test.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileTail, NotRegularFileError } from '../../src/core/base/fileTail';
import { makeRepo, tempDir } from '../helpers/gitRepo';
import { latestRun, startXlens, type Result } from '../helpers/xlensProcess';

describe('special files', () => {
  it('refuses a FIFO instead of blocking on it', async () => {
    const dir = tempDir('xlens-tail-');
    const fifo = join(dir, 'metrics.jsonl');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(
      new FileTail(fifo).read(),
      (e) => e instanceof NotRegularFileError && /is a FIFO/.test(e.message),
    );
    mkdirSync(join(dir, 'folder'));
    await assert.rejects(
      new FileTail(join(dir, 'folder')).read(),
      /is a folder, not a regular file \(EISDIR\)/,
    );
  });
});

/** Runs `xlens <args>`; a run still going after `ms` is killed and fails the test as a hang. */
async function xlensNoHang(cwd: string, args: string[], ms = 20_000): Promise<Result> {
  const started = startXlens(cwd, args);
  let hung = false;
  const guard = setTimeout(() => {
    hung = true;
    started.child.kill('SIGKILL');
  }, ms);
  try {
    const result = await started.done;
    assert.ok(
      !hung,
      `xlens ${args.join(' ')} hung (killed after ${ms} ms): ${result.stdout}${result.stderr}`,
    );
    return result;
  } finally {
    clearTimeout(guard);
  }
}

describe('special files given to the CLI', () => {
  it('xlens drift refuses a FIFO as an input instead of hanging', async () => {
    const root = makeRepo({ 'ref.csv': 'x,c\n1,a\n2,b\n3,a\n' });
    execFileSync('mkfifo', [join(root, 'cur.csv')]);
    const drift = await xlensNoHang(root, ['drift', 'ref.csv', 'cur.csv']);
    assert.equal(drift.code, 2, drift.stderr);
    assert.match(drift.stderr, /cur\.csv is a FIFO, not a regular file/);
  });

  it('xlens drift refuses a FIFO as its --html or --json file instead of hanging', async () => {
    const data = 'x,c\n1,a\n2,b\n3,a\n';
    const root = makeRepo({ 'ref.csv': data, 'cur.csv': data });
    execFileSync('mkfifo', [join(root, 'out.html'), join(root, 'out.json')]);
    for (const args of [
      ['--html', 'out.html'],
      ['--json', 'out.json'],
    ]) {
      const drift = await xlensNoHang(root, ['drift', 'ref.csv', 'cur.csv', ...args]);
      assert.equal(drift.code, 2, drift.stderr);
      assert.match(drift.stderr, new RegExp(`${args[1].replace('.', '\\.')} is a FIFO, not a regular file`));
    }
  });

  it('xlens import refuses a FIFO instead of hanging', async () => {
    const root = makeRepo({ 'xlens.yaml': 'version: 1\ntasks: {}\n' });
    execFileSync('mkfifo', [join(root, 'metrics.csv')]);
    const imported = await xlensNoHang(root, ['import', 'metrics.csv']);
    assert.equal(imported.code, 2, imported.stderr);
    assert.match(imported.stderr, /metrics\.csv is a FIFO, not a regular file/);
  });

  it('a FIFO as a csv: metric source is refused with a warning, the run goes on', async () => {
    const root = makeRepo({
      'xlens.yaml':
        'version: 1\ntasks:\n  train:\n    run: node -e "0"\n    metrics:\n      - csv: log.csv\n',
      // The run's git snapshot is not what this protects: keep the FIFO out of it.
      '.gitignore': 'log.csv\n',
    });
    execFileSync('mkfifo', [join(root, 'log.csv')]);
    const run = await xlensNoHang(root, ['run', 'train']);
    assert.equal(run.code, 0, run.stderr);
    const record = latestRun(root);
    assert.equal(record?.status, 'succeeded');
    assert.ok(
      record?.warnings?.some((w) => /log\.csv is a FIFO, not a regular file/.test(w)),
      JSON.stringify(record?.warnings),
    );
  });

  it('a FIFO as an output is refused with a warning, not read, after the task exits', async () => {
    const root = makeRepo({
      'xlens.yaml': 'version: 1\ntasks:\n  train:\n    run: mkfifo out.bin\n    outputs: [out.bin]\n',
    });
    const run = await xlensNoHang(root, ['run', 'train']);
    assert.equal(run.code, 0, run.stderr);
    const record = latestRun(root);
    assert.equal(record?.status, 'succeeded');
    assert.ok(
      record?.warnings?.some((w) => /out\.bin is a FIFO, not a regular file/.test(w)),
      JSON.stringify(record?.warnings),
    );
    assert.ok(
      !record?.artifacts.some((a) => a.path === 'out.bin'),
      'the FIFO is not recorded as an artifact',
    );
  });
});
