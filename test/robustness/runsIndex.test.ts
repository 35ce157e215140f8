/**
 * A damaged runs index is never trusted over the run folders and never loses a run: a truncated or
 * corrupt file, entries that are not records, an entry claiming another run, an index written by a
 * newer xlens, details (the second part) missing, damaged, replaced or a FIFO, and a read-only
 * `.xlens/cache` all still list every run as `run.json` says. A `.xlens/cache` that is a symbolic
 * link is never written through.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { after, describe, it } from 'node:test';
import {
  listIndexedRuns,
  runsIndexDetailsPath,
  runsIndexPath,
  type RunsIndexFile,
} from '../../src/core/runs/runsIndex';
import { DETAIL_FIELDS } from '../../src/core/runs/runsIndexDetails';
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
        // Detail fields with content, so that details read from the wrong place show.
        metrics: { loss: { last: i, lastStep: 3, min: i, max: i + 1, bestStep: 3, count: 4 } },
        artifacts: [{ path: `model-${i}.json`, size: i, root: 'run' }],
        info: { backend: `cpu-${i}` },
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
      assert.equal(readIndexFile(store).entries.length, 4, 'the rebuilt index is whole');
    }
  });

  it('never trusts an entry over run.json: records that lie about their run or are not records are read again', async () => {
    const { store, runs } = await storeWithRuns(5);
    await listIndexedRuns(store);
    const index = readIndexFile(store);
    const [a, b, c, d, e] = runs.map((r) => index.entries.findIndex((entry) => entry[0] === r.id));
    // Values from position 7 on, in the order of the entry's shape, without the detail fields.
    const at = (entry: number, field: string): number =>
      7 +
      index.shapes[index.entries[entry][6] as number][0].filter((k) => !DETAIL_FIELDS.has(k)).indexOf(field);
    // An entry whose record names another run, one that is not laid out as an entry, and one with a
    // stale identity.
    index.entries[a] = [...index.entries[a].slice(0, 7), ...index.entries[b].slice(7)];
    index.entries[b] = [runs[1].id, 'soon', 42];
    index.entries[c][2] = 1;
    index.entries[c][at(c, 'task')] = 'forged';
    // An entry with the right identity whose params are not laid out as a shaped object, and one
    // whose task names a string past the end of the strings.
    index.entries[d][at(d, 'params')] = { lr: 'forged' };
    index.entries[e][at(e, 'task')] = index.strings.length;
    writeFileSync(runsIndexPath(store), JSON.stringify(index));
    const listed = await listIndexedRuns(store);
    assert.deepEqual(listed.runs, runs);
    assert.equal(listed.stats.read, 5);
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

  it('reads details from run.json when the details file is missing, truncated, corrupt, of another generation or a FIFO', async () => {
    const { store, runs } = await storeWithRuns(4);
    await listIndexedRuns(store);
    const details = runsIndexDetailsPath(store);
    const good = readFileSync(details);
    const lines = good.toString('utf8').split('\n');
    const faults: [string, () => void][] = [
      ['missing', () => rmSync(details)],
      ['truncated', () => writeFileSync(details, good.subarray(0, good.length / 2))],
      [
        'corrupt lines',
        () => writeFileSync(details, [lines[0], ...lines.slice(1).map(() => '{"metrics":')].join('\n')),
      ],
      // Lines shifted by one: every range now ends mid-line or names another run's line.
      ['shifted', () => writeFileSync(details, [lines[0], '', ...lines.slice(1)].join('\n'))],
      [
        'another generation',
        () =>
          writeFileSync(
            details,
            [lines[0].replace(/"generation":"[0-9a-f]/, '"generation":"x'), ...lines.slice(1)].join('\n'),
          ),
      ],
      [
        'a FIFO',
        () => {
          rmSync(details);
          execFileSync('mkfifo', [details]);
        },
      ],
      [
        'a folder',
        () => {
          rmSync(details);
          mkdirSync(details);
        },
      ],
    ];
    for (const [fault, apply] of faults) {
      await listIndexedRuns(store);
      const listed = await listIndexedRuns(store);
      assert.equal(listed.stats.reused, 4, fault);
      apply();
      // Every field read, also those read when first used: the records are run.json's.
      assert.deepEqual(listed.runs, runs, fault);
      assert.deepEqual(JSON.parse(JSON.stringify(listed.runs)), JSON.parse(JSON.stringify(runs)), fault);
      rmSync(details, { recursive: true, force: true });
      rmSync(runsIndexPath(store));
    }
  });

  it('keeps details not read yet when the index is rewritten, and reads them after another listing replaced the file', async () => {
    const { store, runs } = await storeWithRuns(3);
    await listIndexedRuns(store);
    const first = await listIndexedRuns(store);
    // A run added: the index is written again while the three listed runs' details are unread.
    const { id: _id, createdAt: _at, schema: _schema, ...fields } = runs[0];
    const added = await store.create({ ...fields, status: 'failed', params: { lr: 9 } });
    const second = await listIndexedRuns(store);
    assert.deepEqual([second.stats.read, second.stats.written], [1, true]);
    const third = await listIndexedRuns(store);
    assert.deepEqual(third.stats.reused, 4);
    const all = (await store.list()).runs;
    assert.deepEqual(third.runs, all);
    assert.deepEqual(second.runs, all);
    // The first listing's details file was replaced: its records read run.json instead.
    assert.deepEqual(first.runs, runs);
    assert.equal(all[0].id, added.id);
  });

  it('never writes the index through a .xlens/cache that is a symbolic link, and still lists every run', async () => {
    const { store, runs } = await storeWithRuns(2);
    const elsewhere = tempDir('xlens-index-elsewhere-');
    symlinkSync(elsewhere, `${store.storeDir}/cache`);
    const listed = await listIndexedRuns(store);
    assert.deepEqual(listed.runs, runs);
    assert.equal(listed.stats.written, false);
    assert.match(listed.stats.writeError ?? '', /symbolic link/);
    assert.deepEqual(readdirSync(elsewhere), [], 'nothing written where the link points');
    // A link to a folder that does not exist is not followed either.
    rmSync(`${store.storeDir}/cache`);
    symlinkSync(`${elsewhere}/missing`, `${store.storeDir}/cache`);
    const again = await listIndexedRuns(store);
    assert.deepEqual([again.runs, again.stats.written], [runs, false]);
    assert.equal(existsSync(`${elsewhere}/missing`), false);
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
