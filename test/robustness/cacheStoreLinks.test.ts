/**
 * A hostile `.xlens` (not only `.xlens/cache`, `cacheFolders.test.ts`): a symbolic link committed in
 * its place, or a real folder swapped for a link while a cache is being written (another process
 * racing the check). The runs index, the imported-runs cache and the data fingerprint cache are never
 * written where such a link points, and what they serve (runs, imported runs, fingerprints) is still
 * what the files say. The race is made real and deterministic: the swap is done with real renames and
 * links at the moment the guard's `lstat` of the cache folder returns.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import fsPromises from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { discoverImportedRuns } from '../../src/core/metrics/discovery/discovery';
import { Fingerprinter } from '../../src/core/runs/fingerprint';
import { listIndexedRuns } from '../../src/core/runs/runsIndex';
import { RunStore } from '../../src/core/runs/store';
import { tempDir } from '../helpers/gitRepo';

const WANDB = join(__dirname, '../fixtures/wandb/git/wandb');

/** Every file and folder below `dir`, relative, sorted. */
function tree(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    out.push(prefix + entry.name);
    if (entry.isDirectory()) {
      out.push(...tree(join(dir, entry.name), `${prefix}${entry.name}/`));
    }
  }
  return out.sort();
}

/** A workspace with a `data.csv`, a W&B run and two xlens runs. */
async function workspace(): Promise<RunStore> {
  const store = new RunStore(tempDir('xlens-store-link-'));
  cpSync(WANDB, join(store.root, 'wandb'), { recursive: true });
  writeFileSync(join(store.root, 'data.csv'), 'x,y\n1,2\n3,4\n');
  for (const lr of [0.1, 0.01]) {
    await store.create({
      task: 'train',
      kind: 'command',
      status: 'succeeded',
      command: 'python train.py',
      cwd: store.root,
      git: { commit: null, branch: null, dirty: false, snapshot: null },
      params: { lr },
      data: [],
      metrics: {},
      artifacts: [],
    });
  }
  return store;
}

/** Writes the three caches of `store`; returns what each served. */
async function useCaches(store: RunStore) {
  const imported = await discoverImportedRuns(store.root, {
    taskSources: false,
    cacheFile: join(store.storeDir, 'cache', 'imported-runs.json'),
  });
  const [fingerprint] = await new Fingerprinter(store.fingerprintCache).fingerprint(store.root, ['data.csv']);
  const listed = await listIndexedRuns(store);
  return { imported: imported.runs, sha256: fingerprint.sha256, listed };
}

/** What the caches serve in a workspace with no hostile folder at all. */
async function expected(store: RunStore) {
  const fresh = await discoverImportedRuns(store.root, { taskSources: false });
  const [fingerprint] = await new Fingerprinter(
    join(tempDir('xlens-store-link-fresh-'), 'fingerprints.json'),
  ).fingerprint(store.root, ['data.csv']);
  return { imported: fresh.runs, sha256: fingerprint.sha256, runs: (await store.list()).runs };
}

const realLstat = fsPromises.lstat;

/** Calls `swap` once, right after the first `lstat` of `path` returns (what a racing process does). */
function swapAfterLstat(path: string, swap: () => void): { swapped: () => boolean } {
  let done = false;
  fsPromises.lstat = (async (target: Parameters<typeof realLstat>[0], options?: { bigint?: false }) => {
    const info = await realLstat(target, options);
    if (!done && String(target) === path) {
      done = true;
      swap();
    }
    return info;
  }) as typeof realLstat;
  syncBuiltinESMExports();
  return { swapped: () => done };
}

afterEach(() => {
  fsPromises.lstat = realLstat;
  syncBuiltinESMExports();
});

describe('caches under a hostile .xlens', () => {
  for (const withCache of [true, false]) {
    it(`no cache is written through a .xlens that is a symbolic link (its target ${withCache ? 'holds' : 'lacks'} a cache folder)`, async () => {
      const store = await workspace();
      const want = await expected(store);
      const elsewhere = join(tempDir('xlens-store-elsewhere-'), 'store');
      renameSync(store.storeDir, elsewhere);
      symlinkSync(elsewhere, store.storeDir);
      if (withCache) {
        mkdirSync(join(elsewhere, 'cache'));
      }
      const before = tree(elsewhere);

      const got = await useCaches(store);
      assert.deepEqual(got.imported, want.imported);
      assert.equal(got.sha256, want.sha256);
      assert.deepEqual(got.listed.runs, want.runs);
      assert.equal(got.listed.stats.written, false);
      assert.match(got.listed.stats.writeError ?? '', /\.xlens is a symbolic link/);
      assert.deepEqual(tree(elsewhere), before, 'nothing written where .xlens points');
    });
  }

  const races = [
    {
      name: '.xlens/cache is swapped for a link to a folder elsewhere',
      swap: (store: RunStore, elsewhere: string) => {
        const cache = join(store.storeDir, 'cache');
        renameSync(cache, `${cache}-moved`);
        symlinkSync(elsewhere, cache);
      },
    },
    {
      name: '.xlens is swapped for a link to a folder elsewhere holding a cache folder',
      swap: (store: RunStore, elsewhere: string) => {
        mkdirSync(join(elsewhere, 'cache'));
        renameSync(store.storeDir, `${store.storeDir}-moved`);
        symlinkSync(elsewhere, store.storeDir);
      },
    },
  ];
  for (const race of races) {
    for (const cacheName of ['imported', 'fingerprint', 'index'] as const) {
      it(`the ${cacheName} cache is not written elsewhere when ${race.name} after the check`, async () => {
        const store = await workspace();
        const want = await expected(store);
        mkdirSync(join(store.storeDir, 'cache'));
        const elsewhere = tempDir('xlens-store-race-');
        const hook = swapAfterLstat(join(store.storeDir, 'cache'), () => race.swap(store, elsewhere));
        if (cacheName === 'imported') {
          const imported = await discoverImportedRuns(store.root, {
            taskSources: false,
            cacheFile: join(store.storeDir, 'cache', 'imported-runs.json'),
          });
          assert.deepEqual(imported.runs, want.imported);
        } else if (cacheName === 'fingerprint') {
          const fingerprinter = new Fingerprinter(store.fingerprintCache);
          const [fingerprint] = await fingerprinter.fingerprint(store.root, ['data.csv']);
          assert.equal(fingerprint.sha256, want.sha256);
        } else {
          const listed = await listIndexedRuns(store);
          assert.deepEqual(listed.runs, want.runs);
          assert.equal(listed.stats.written, false);
          assert.match(listed.stats.writeError ?? '', /symbolic link/);
        }
        assert.equal(hook.swapped(), true, 'the swap happened during the write');
        assert.deepEqual(
          tree(elsewhere).filter((name) => name !== 'cache'),
          [],
          'nothing written elsewhere',
        );
      });
    }
  }
});
