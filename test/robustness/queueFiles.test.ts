/**
 * Damaged local queue files (real CLI processes in a temp git repo): a queue entry that is not JSON is
 * named with the fix by `xlens queue` (exit 2), skipped by the worker, and never deleted; the run it
 * stood for stays recorded and the other queued runs go on. A queued run whose task is gone by its
 * turn ends `failed` with the reason. A `queue:` setting that cannot work is a config error naming the
 * field.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseProject } from '../../src/core/config/load';
import {
  gatedRepo,
  queueGated,
  record,
  release,
  releaseAll,
  waitStatus,
  workerLog,
} from '../helpers/queueRepo';
import { waitFor, xlens } from '../helpers/xlensProcess';

const repos: string[] = [];
after(() => {
  // A failed test must not leave tasks waiting on their gates: let them end; the worker then leaves.
  repos.forEach(releaseAll);
});

describe('local queue faults', () => {
  it('names a corrupt entry, skips it, keeps it and its run, and runs the rest', async () => {
    const root = gatedRepo('{ concurrency: 1 }');
    repos.push(root);
    const first = await queueGated(root);
    const damaged = await queueGated(root);
    const third = await queueGated(root);
    await waitStatus(root, first, 'running');
    const file = join(root, '.xlens/queue', `${damaged}.pending.json`);
    writeFileSync(file, '{"run": "' + damaged + '", "task": "gat');

    const listed = await xlens(root, ['queue']);
    assert.equal(listed.code, 2);
    assert.ok(listed.stderr.includes(file), listed.stderr);
    assert.match(listed.stderr, /not valid JSON .*remove this file to drop it from the queue/);
    assert.doesNotMatch(listed.stderr, /\n\s+at /, 'no stack trace');
    assert.match(listed.stdout, new RegExp(`${third}\\s+gated\\s+queued`), 'the other runs are listed');

    release(root, first);
    await waitStatus(root, third, 'running');
    release(root, third);
    await waitStatus(root, third, 'succeeded');
    await waitFor('the worker to leave', () => workerLog(root).includes('queue empty; worker exits'));
    assert.match(
      workerLog(root),
      new RegExp(`skipped: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`),
    );
    assert.ok(existsSync(file), 'the damaged entry is left for the user');
    assert.equal(record(root, damaged)?.status, 'queued', 'its run is still recorded');
    const runs = await xlens(root, ['runs']);
    assert.match(runs.stdout, new RegExp(`${damaged}\\s+gated\\s+queued`), 'and listed, not finalised');
    assert.equal(readFileSync(file, 'utf8').startsWith('{"run"'), true);
  });

  it('records a queued run that can no longer start as failed, with what xlens run said', async () => {
    const root = gatedRepo('{ concurrency: 1 }');
    repos.push(root);
    const first = await queueGated(root);
    const orphan = await queueGated(root);
    await waitStatus(root, first, 'running');
    const config = join(root, 'xlens.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('  gated:', '  renamed:'));
    release(root, first);
    const failed = await waitStatus(root, orphan, 'failed');
    assert.match(failed.error ?? '', /^the queued run did not start: .*no task "gated"/s);
    assert.equal(failed.startedAt, undefined);
    await waitFor('the worker to leave', () => workerLog(root).includes('queue empty; worker exits'));
    assert.equal(record(root, first)?.status, 'succeeded');
  });

  it('refuses queue settings that cannot work, naming the field', () => {
    const file = '/w/xlens.yaml';
    const text = (queue: string): string => `version: 1\nqueue: ${queue}\ntasks:\n  a: { run: echo }\n`;
    const tooMany = parseProject(file, text('{ concurrency: 3, gpus: [0, 1] }')).errors;
    assert.equal(tooMany.length, 1);
    assert.match(
      tooMany[0].message,
      /queue\.concurrency is 3 but queue\.gpus lists 2 GPU\(s\).*Lower concurrency/,
    );
    assert.equal(tooMany[0].line, 2);
    for (const bad of [
      '{ concurrency: 0 }',
      '{ gpus: [] }',
      '{ gpus: [0, 0] }',
      '{ gpus: ["a b"] }',
      '{ slots: 2 }',
    ]) {
      const errors = parseProject(file, text(bad)).errors;
      assert.ok(errors.length > 0, bad);
      assert.match(errors[0].message, /queue/, `${bad}: ${errors[0].message}`);
      assert.equal(errors[0].line, 2, bad);
    }
    const ok = parseProject(file, text('{ gpus: [0, "GPU-1a2b"] }'));
    assert.deepEqual(ok.errors, []);
    assert.deepEqual(ok.config?.queue, { concurrency: 2, gpus: ['0', 'GPU-1a2b'] });
  });
});
