/**
 * A run whose `run.json` exists but cannot be read is reported as unreadable, with the reason (a
 * folder, a dangling or looping link), and never with the advice to delete the run: its metrics,
 * output and artifacts are intact (issue "Nothing lost, nothing escapes", item 14). As root, `chmod
 * 000` does not stop a read, so the faults here are ones that stop root too.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RunStore } from '../../src/core/runs/store';
import { tempDir, writeFiles } from '../helpers/gitRepo';
import { xlens } from '../helpers/xlensProcess';

/** A workspace with one finished run (record, metrics, output), returning its run.json path. */
async function workspaceWithRun(): Promise<{ root: string; id: string; record: string }> {
  const root = tempDir('xlens-records-');
  writeFiles(root, { 'xlens.yaml': 'version: 1\ntasks:\n  t:\n    run: "true"\n' });
  const store = new RunStore(root);
  const run = await store.create({
    task: 't',
    kind: 'command',
    status: 'succeeded',
    command: 'true',
    cwd: root,
    git: { commit: null, branch: null, dirty: false, snapshot: null },
    params: {},
    data: [],
    metrics: {},
    artifacts: [],
  });
  writeFileSync(store.file(run.id, 'metrics'), '{"step":0,"time":1,"values":{"loss":1}}\n');
  writeFileSync(store.file(run.id, 'output'), 'done\n');
  return { root, id: run.id, record: store.file(run.id, 'record') };
}

const faults: [string, (record: string) => void, RegExp][] = [
  [
    'a folder in its place',
    (record) => {
      rmSync(record);
      mkdirSync(record);
    },
    /unreadable: it is a folder, not a file \(EISDIR\)/,
  ],
  [
    'a dangling symbolic link',
    (record) => {
      rmSync(record);
      symlinkSync('run.json.moved', record);
    },
    /unreadable: it is a symbolic link to "run\.json\.moved", which does not exist \(ENOENT\)/,
  ],
  [
    'a symbolic link loop',
    (record) => {
      rmSync(record);
      symlinkSync('run.json', record);
    },
    /unreadable: it is a symbolic link to "run\.json", which loops back on itself \(ELOOP\)/,
  ],
];

describe('unreadable run records', () => {
  for (const [what, damage, reason] of faults) {
    it(`says why run.json is unreadable and never advises deleting the run: ${what}`, async () => {
      const { root, id, record } = await workspaceWithRun();
      damage(record);
      const runs = await xlens(root, ['runs']);
      assert.equal(runs.code, 0, runs.stderr);
      assert.match(runs.stderr, reason);
      assert.ok(runs.stderr.includes(join('.xlens', 'runs', id, 'run.json')), runs.stderr);
      assert.doesNotMatch(runs.stderr, /missing|Delete the folder/i);
      const show = await xlens(root, ['show', id]);
      assert.equal(show.code, 2, show.stderr);
      assert.match(show.stderr, reason);
      assert.match(show.stderr, /other files are intact/);
      assert.doesNotMatch(show.stderr, /missing|Delete the folder|unexpected error/i);
    });
  }

  it('still calls a truly absent run.json missing', async () => {
    const { root, id, record } = await workspaceWithRun();
    rmSync(record);
    const show = await xlens(root, ['show', id]);
    assert.equal(show.code, 2, show.stderr);
    assert.match(show.stderr, /run\.json: missing; the run folder is incomplete/);
  });
});
