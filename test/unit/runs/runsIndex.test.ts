/**
 * The runs index: whatever happens to the run folders between listings (runs added, rewritten
 * atomically or in place, deleted, damaged), listing through the index gives exactly what parsing
 * every `run.json` gives, and reads `run.json` only for what changed.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { listIndexedRuns, runsIndexPath, type RunsIndexFile } from '../../../src/core/runs/runsIndex';
import { RunStore } from '../../../src/core/runs/store';
import type { RunRecord } from '../../../src/core/runs/types';
import { tempDir } from '../../helpers/gitRepo';

type Op =
  | { kind: 'add'; lr: number }
  | { kind: 'rewrite'; pick: number; lr: number }
  | { kind: 'inPlace'; pick: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'damage'; pick: number }
  | { kind: 'concurrentLists' };

const ops: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), lr: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ kind: fc.constant('rewrite' as const), pick: fc.nat(), lr: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ kind: fc.constant('inPlace' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('damage' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('concurrentLists' as const) }),
);

function addRun(store: RunStore, lr: number): Promise<RunRecord> {
  return store.create({
    task: lr % 2 === 0 ? 'train' : 'eval',
    kind: 'command',
    status: 'succeeded',
    command: 'python train.py',
    cwd: store.root,
    git: { commit: null, branch: null, dirty: false, snapshot: null },
    params: { lr: lr / 1000 },
    data: [],
    metrics: {},
    artifacts: [],
  });
}

async function apply(store: RunStore, op: Op): Promise<void> {
  const ids = await store.ids();
  const id = ids.length > 0 && 'pick' in op ? ids[op.pick % ids.length] : undefined;
  switch (op.kind) {
    case 'add':
      await addRun(store, op.lr);
      return;
    case 'rewrite': {
      const record = id === undefined ? undefined : await store.get(id);
      if (record) {
        await store.write({ ...record, params: { lr: op.lr / 1000 }, status: 'failed' });
      }
      return;
    }
    case 'inPlace': {
      // Same size, same inode: only the modification time tells the change (a digit of lr).
      if (id !== undefined && (await store.get(id)) !== undefined) {
        const file = store.file(id, 'record');
        const text = readFileSync(file, 'utf8');
        writeFileSync(
          file,
          text.replace(/"lr": 0\.00(\d)/, (_m, d: string) => `"lr": 0.00${(Number(d) % 9) + 1}`),
        );
      }
      return;
    }
    case 'delete':
      if (id !== undefined) {
        rmSync(store.runDir(id), { recursive: true, force: true });
      }
      return;
    case 'damage':
      if (id !== undefined) {
        writeFileSync(store.file(id, 'record'), '{"schema": 1, "id": ');
      }
      return;
    case 'concurrentLists':
      // The CLI and the editor listing at once: both right, and the index left whole.
      await Promise.all([listIndexedRuns(store), listIndexedRuns(store)]);
      // No run folder ever: no index either (listing creates nothing in a workspace without runs).
      if (existsSync(store.runsDir)) {
        assert.doesNotThrow(() => JSON.parse(readFileSync(runsIndexPath(store), 'utf8')) as unknown);
      }
      return;
  }
}

/** What parsing every run.json gives: runs newest first, and the ids of unreadable folders. */
async function fullParse(store: RunStore): Promise<{ runs: RunRecord[]; problems: string[] }> {
  const { runs, problems } = await store.list();
  return { runs, problems: problems.map((p) => p.id).sort() };
}

describe('runs index', () => {
  it('after any sequence of added, rewritten, deleted and damaged run folders, lists what a full parse lists', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ops, { minLength: 1, maxLength: 10 }), async (sequence) => {
        const store = new RunStore(tempDir('xlens-index-prop-'));
        try {
          for (const op of sequence) {
            await apply(store, op);
            const indexed = await listIndexedRuns(store);
            assert.deepEqual(
              { runs: indexed.runs, problems: indexed.problems.map((p) => p.id).sort() },
              await fullParse(store),
            );
          }
        } finally {
          rmSync(store.root, { recursive: true, force: true });
        }
      }),
      { numRuns: 20 },
    );
  });

  it('reads run.json only for runs that changed since the last listing, and writes nothing when none did', async () => {
    const store = new RunStore(tempDir('xlens-index-inc-'));
    const runs: RunRecord[] = [];
    for (let i = 1; i <= 5; i++) {
      runs.push(await addRun(store, i));
    }
    const first = await listIndexedRuns(store);
    assert.deepEqual(
      [first.stats.file, first.stats.read, first.stats.reused, first.stats.written],
      ['missing', 5, 0, true],
    );
    const second = await listIndexedRuns(store);
    assert.deepEqual(
      [second.stats.file, second.stats.read, second.stats.reused, second.stats.written],
      ['used', 0, 5, false],
    );
    await store.write({ ...runs[2], status: 'failed' });
    rmSync(store.runDir(runs[0].id), { recursive: true });
    const third = await listIndexedRuns(store);
    assert.deepEqual(
      [third.stats.read, third.stats.reused, third.stats.dropped, third.stats.written],
      [1, 3, 1, true],
    );
    assert.equal(third.runs.find((r) => r.id === runs[2].id)?.status, 'failed');
    assert.deepEqual(
      (await listIndexedRuns(store, { task: 'train' })).runs.map((r) => r.id),
      runs
        .filter((r) => r.task === 'train' && r.id !== runs[0].id)
        .map((r) => r.id)
        .reverse(),
    );
  });

  it('gives back records of any shape as run.json has them: field order, names such as __proto__, other params per run', async () => {
    const store = new RunStore(tempDir('xlens-index-shapes-'));
    const params: Record<string, unknown>[] = [
      { lr: 0.1 },
      { epochs: 3, lr: 0.1 },
      {},
      { metrics: 'x', nested: { a: [1] } },
    ];
    for (const [i, p] of params.entries()) {
      const run = await addRun(store, i + 1);
      // As text: an object literal would turn `__proto__` into a prototype.
      const text = JSON.stringify({ ...run, params: p, git: { ...run.git, subject: `s${i}` } });
      const hostile =
        i === 2
          ? text.replace('"params":{}', '"params":{"__proto__":1,"constructor":2},"__proto__":{"x":1}')
          : text;
      writeFileSync(store.file(run.id, 'record'), hostile);
    }
    const first = await listIndexedRuns(store);
    const second = await listIndexedRuns(store);
    assert.deepEqual([second.stats.read, second.stats.reused], [0, 4]);
    const { runs } = await fullParse(store);
    for (const listed of [first.runs, second.runs]) {
      assert.deepEqual(listed, runs);
      assert.equal(JSON.stringify(listed), JSON.stringify(runs), 'the same fields in the same order');
    }
    const hostile = second.runs.find((r) => Object.hasOwn(r.params, 'constructor'))!;
    assert.equal(Object.getPrototypeOf(hostile), Object.prototype);
    assert.equal(Object.getPrototypeOf(hostile.params), Object.prototype);
    assert.deepEqual(Object.keys(hostile.params), ['__proto__', 'constructor']);
  });

  it('rebuilds an index of the previous layout (version 2) from the run folders, never reading its records', async () => {
    const store = new RunStore(tempDir('xlens-index-v2-'));
    const runs = [await addRun(store, 1), await addRun(store, 2)];
    const first = await listIndexedRuns(store);
    const index = JSON.parse(readFileSync(runsIndexPath(store), 'utf8')) as RunsIndexFile;
    // A version 2 index with every identity right and a forged task in each record.
    const entries = Object.fromEntries(
      runs.map((r) => {
        const info = statSync(store.file(r.id, 'record'));
        const record = { ...r, task: 'forged', metrics: 0, data: 0, artifacts: 0, command: 0 };
        return [r.id, { mtimeMs: info.mtimeMs, size: info.size, ino: info.ino, record, details: [46, 2] }];
      }),
    );
    writeFileSync(
      runsIndexPath(store),
      JSON.stringify({ version: 2, generation: index.generation, entries }),
    );
    const listed = await listIndexedRuns(store);
    assert.deepEqual(listed.runs, first.runs);
    assert.deepEqual([listed.stats.file, listed.stats.read, listed.stats.written], ['damaged', 2, true]);
    assert.equal((JSON.parse(readFileSync(runsIndexPath(store), 'utf8')) as RunsIndexFile).version, 3);
  });
});
