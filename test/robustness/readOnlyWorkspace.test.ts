/**
 * A read-only workspace: listing and showing runs never depend on being able to write. A run left
 * `running` by a supervisor that died is shown with its inferred final status (and a warning that it
 * could not be saved); `run` and `rm` stop with exit 2 and a message naming the fault (issue "Nothing
 * lost, nothing escapes", item 9). The workspace is made read-only by a read-only bind mount, which
 * stops root too (chmod does not).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { RunStore } from '../../src/core/runs/store';
import type { RunRecord } from '../../src/core/runs/types';
import { tempDir, writeFiles } from '../helpers/gitRepo';
import { bindReadOnly, mountsUnavailable, unmount } from '../helpers/mounts';
import { xlens } from '../helpers/xlensProcess';

const skip = mountsUnavailable();

describe('read-only workspace', { skip }, () => {
  const mounted: string[] = [];
  after(() => mounted.forEach(unmount));

  it('lists and shows a stale running run without writing; run and rm exit 2 naming EROFS', async () => {
    const root = tempDir('xlens-ro-');
    writeFiles(root, { 'xlens.yaml': 'version: 1\ntasks:\n  t:\n    run: "true"\n' });
    // A pid that existed and is gone, with start tokens no live process has.
    const gone = spawnSync('true').pid;
    const store = new RunStore(root);
    const stale = await store.create({
      task: 't',
      kind: 'command',
      status: 'running',
      command: 'true',
      cwd: root,
      startedAt: new Date().toISOString(),
      supervisorPid: gone,
      supervisorStart: '0:0',
      pid: gone,
      pidStart: '0:0',
      git: { commit: null, branch: null, dirty: false, snapshot: null },
      params: {},
      data: [],
      metrics: {},
      artifacts: [],
    });
    writeFileSync(store.file(stale.id, 'metrics'), '{"step":0,"time":1764000000000,"values":{"loss":0.5}}\n');
    const recordText = readFileSync(store.file(stale.id, 'record'), 'utf8');
    bindReadOnly(root);
    mounted.push(root);

    const runs = await xlens(root, ['runs', '--json']);
    assert.equal(runs.code, 0, runs.stderr);
    const listed = JSON.parse(runs.stdout) as RunRecord[];
    assert.deepEqual(
      listed.map((r) => [r.id, r.status, r.metrics.loss?.count]),
      [[stale.id, 'failed', 1]],
    );
    assert.match(runs.stderr, /could not be saved: the workspace is read-only \(EROFS\) writing/);
    const table = await xlens(root, ['runs']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`${stale.id}\\s+t\\s+failed`));

    const show = await xlens(root, ['show', stale.id]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /status: +failed — the process supervising the run exited/);

    const started = await xlens(root, ['run', 't']);
    assert.equal(started.code, 2, started.stderr);
    assert.match(started.stderr, /the workspace is read-only \(EROFS\): cannot (create|write) /);
    assert.doesNotMatch(started.stderr, /unexpected error|\n\s+at /);

    const removed = await xlens(root, ['rm', stale.id]);
    assert.equal(removed.code, 2, removed.stderr);
    assert.match(removed.stderr, /the workspace is read-only \(EROFS\): cannot delete .*\.xlens\/runs\//);
    assert.doesNotMatch(removed.stderr, /unexpected error|\n\s+at /);

    assert.equal(readFileSync(store.file(stale.id, 'record'), 'utf8'), recordText, 'nothing was written');
  });
});
