/**
 * A hostile `.xlens/cache`: a symbolic link (to a folder elsewhere, or dangling) or a file in its place.
 * The imported-runs cache (`xlens runs` over real W&B logs) and the data fingerprint cache (a run's
 * `data:` input) are never written through it, like the runs index (`runsIndex.test.ts`), and the
 * scan and the fingerprints are still what the logs and the data say.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discoverImportedRuns } from '../../src/core/metrics/discovery/discovery';
import { Fingerprinter } from '../../src/core/runs/fingerprint';
import { RunStore } from '../../src/core/runs/store';
import { tempDir } from '../helpers/gitRepo';

const WANDB = join(__dirname, '../fixtures/wandb/git/wandb');

/** The hostile places of `.xlens/cache` in `storeDir`, each with where a write through it would land. */
function hostileCaches(): { name: string; make: (storeDir: string) => string }[] {
  return [
    {
      name: 'a symbolic link to a folder elsewhere',
      make: (storeDir) => {
        const elsewhere = tempDir('xlens-cache-elsewhere-');
        symlinkSync(elsewhere, join(storeDir, 'cache'));
        return elsewhere;
      },
    },
    {
      name: 'a dangling symbolic link',
      make: (storeDir) => {
        const missing = join(tempDir('xlens-cache-dangling-'), 'missing');
        symlinkSync(missing, join(storeDir, 'cache'));
        return missing;
      },
    },
    {
      name: 'a file',
      make: (storeDir) => {
        writeFileSync(join(storeDir, 'cache'), 'not a folder\n');
        return join(storeDir, 'cache');
      },
    },
  ];
}

/** What is at `target` now: the names in a folder, `file` for a file, `missing` when nothing is. */
function contents(target: string): string[] | string {
  if (!existsSync(target)) {
    return 'missing';
  }
  try {
    return readdirSync(target);
  } catch {
    return 'file';
  }
}

describe('caches under a hostile .xlens/cache', () => {
  for (const hostile of hostileCaches()) {
    it(`the imported runs cache is not written through ${hostile.name}; the scan still finds the run`, async () => {
      const ws = tempDir('xlens-cache-imported-');
      cpSync(WANDB, join(ws, 'wandb'), { recursive: true });
      const store = new RunStore(ws);
      mkdirSync(store.storeDir, { recursive: true });
      const target = hostile.make(store.storeDir);
      const before = contents(target);
      const cacheFile = join(store.storeDir, 'cache', 'imported-runs.json');

      const plain = await discoverImportedRuns(ws, { taskSources: false });
      const cached = await discoverImportedRuns(ws, { taskSources: false, cacheFile });
      assert.equal(cached.runs.length, 1);
      assert.deepEqual(cached.runs, plain.runs);
      assert.deepEqual(contents(target), before, 'nothing written where the cache folder points');
    });

    it(`the data fingerprint cache is not written through ${hostile.name}; the fingerprint stands`, async () => {
      const ws = tempDir('xlens-cache-fingerprint-');
      writeFileSync(join(ws, 'data.csv'), 'x,y\n1,2\n3,4\n');
      const store = new RunStore(ws);
      mkdirSync(store.storeDir, { recursive: true });
      const target = hostile.make(store.storeDir);
      const before = contents(target);

      const expected = await new Fingerprinter(
        join(tempDir('xlens-cache-fresh-'), 'fingerprints.json'),
      ).fingerprint(ws, ['data.csv']);
      const [fingerprint] = await new Fingerprinter(store.fingerprintCache).fingerprint(ws, ['data.csv']);
      assert.equal(fingerprint.sha256, expected[0].sha256);
      assert.deepEqual(contents(target), before, 'nothing written where the cache folder points');
    });
  }

  it('both caches are written into a real .xlens/cache (the guard refuses links, not caches)', async () => {
    const ws = tempDir('xlens-cache-real-');
    cpSync(WANDB, join(ws, 'wandb'), { recursive: true });
    writeFileSync(join(ws, 'data.csv'), 'x\n1\n');
    const store = new RunStore(ws);
    await discoverImportedRuns(ws, {
      taskSources: false,
      cacheFile: join(store.storeDir, 'cache', 'imported-runs.json'),
    });
    await new Fingerprinter(store.fingerprintCache).fingerprint(ws, ['data.csv']);
    assert.deepEqual(readdirSync(join(store.storeDir, 'cache')).sort(), [
      'fingerprints.json',
      'imported-runs.json',
    ]);
  });
});
