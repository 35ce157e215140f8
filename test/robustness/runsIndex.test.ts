/**
 * A damaged runs index is never trusted over the run folders and never loses a run: a truncated or
 * corrupt file, entries that are not records, an entry claiming another run, an index written by a
 * newer xlens, and a read-only `.xlens/cache` all still list every run as `run.json` says.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { listIndexedRuns, runsIndexPath, type RunsIndexFile } from '../../src/core/runs/runsIndex';
import { RunStore } from '../../src/core/runs/store';
import type { RunRecord } from '../../src/core/runs/types';
import { tempDir } from '../helpers/gitRepo';
import { bindReadOnly, mountsUnavailable, unmount } from '../helpers/mounts';

async function storeWithRuns(count: number): Promise<{ store: RunStore; runs: RunRecord[] }> {
  const store = new RunStore(tempDir('xlens-index-bad-'));
  const runs: RunRecord[] = [];
  for (let i = 0; i < count; i++) {
    runs.push(
      await store.create({
        task: 'train',
        kind: 'command',
        status: 'succeeded',
        command: 'python train.py',
        cwd: store.root,
        git: { commit: null, branch: null, dirty: false, snapshot: null },
        params: { lr: i },
        data: [],
        metrics: {},
        artifacts: [],
      }),
    );
  }
  return { store, runs: (await store.list()).runs };
}

function readIndexFile(store: RunStore): RunsIndexFile {
  return JSON.parse(readFileSync(runsIndexPath(store), 'utf8')) as RunsIndexFile;
}

describe('runs index faults', () => {
  it('rebuilds a truncated or corrupt index from the run folders', async () => {
    const { store, runs } = await storeWithRuns(4);
    await listIndexedRuns(store);
    const text = readFileSync(runsIndexPath(store), 'utf8');
    for (const bad of [
      text.slice(0, text.length / 2),
      '',
      'null',
      '[]',
      '{"version":1,"entries":7}',
      '\0\0\0',
    ]) {
      writeFileSync(runsIndexPath(store), bad);
      const listed = await listIndexedRuns(store);
      assert.deepEqual(listed.runs, runs, JSON.stringify(bad.slice(0, 20)));
      assert.equal(listed.stats.read, 4);
      assert.equal(listed.stats.written, true);
      assert.equal(Object.keys(readIndexFile(store).entries).length, 4, 'the rebuilt index is whole');
    }
  });

  it('never trusts an entry over run.json: records that lie about their run or are not records are read again', async () => {
    const { store, runs } = await storeWithRuns(3);
    await listIndexedRuns(store);
    const index = readIndexFile(store);
    const [a, b, c] = runs.map((r) => r.id);
    // An entry whose record names another run, one that is not a record, and one with a stale identity.
    index.entries[a] = { ...index.entries[a], record: { ...index.entries[b].record } };
    (index.entries as Record<string, unknown>)[b] = { mtimeMs: 'soon', record: 42 };
    index.entries[c] = {
      ...index.entries[c],
      size: 1,
      record: { ...index.entries[c].record, task: 'forged' },
    };
    writeFileSync(runsIndexPath(store), JSON.stringify(index));
    const listed = await listIndexedRuns(store);
    assert.deepEqual(listed.runs, runs);
    assert.equal(listed.stats.read, 3);
  });

  it('does not block on a FIFO in place of the index: it is replaced by a rebuilt index', async () => {
    const { store, runs } = await storeWithRuns(2);
    mkdirSync(`${store.storeDir}/cache`, { recursive: true });
    execFileSync('mkfifo', [runsIndexPath(store)]);
    const listed = await listIndexedRuns(store);
    assert.deepEqual(listed.runs, runs);
    assert.deepEqual([listed.stats.file, listed.stats.written], ['damaged', true]);
    assert.ok(statSync(runsIndexPath(store)).isFile());
  });

  it('leaves an index from a newer xlens alone and lists from the run folders', async () => {
    const { store, runs } = await storeWithRuns(2);
    mkdirSync(`${store.storeDir}/cache`, { recursive: true });
    const future = JSON.stringify({ version: 99, runs: 'a layout this version does not know' });
    writeFileSync(runsIndexPath(store), future);
    const listed = await listIndexedRuns(store);
    assert.deepEqual(listed.runs, runs);
    assert.deepEqual([listed.stats.file, listed.stats.written], ['newer', false]);
    assert.equal(readFileSync(runsIndexPath(store), 'utf8'), future);
  });

  describe('read-only .xlens/cache', { skip: mountsUnavailable() }, () => {
    const mounted: string[] = [];
    after(() => mounted.forEach(unmount));

    it('lists every run, including runs added since, and says why the index was not written', async () => {
      const { store } = await storeWithRuns(2);
      await listIndexedRuns(store);
      const cache = `${store.storeDir}/cache`;
      bindReadOnly(cache);
      mounted.push(cache);
      const added = await store.create({
        task: 'eval',
        kind: 'command',
        status: 'failed',
        command: 'python eval.py',
        cwd: store.root,
        git: { commit: null, branch: null, dirty: false, snapshot: null },
        params: {},
        data: [],
        metrics: {},
        artifacts: [],
      });
      const listed = await listIndexedRuns(store);
      assert.deepEqual(listed.runs, (await store.list()).runs);
      assert.equal(listed.runs[0].id, added.id);
      assert.equal(listed.stats.written, false);
      assert.match(listed.stats.writeError ?? '', /EROFS/);
    });
  });
});
