/**
 * `xlens runs` lists through the runs index (real CLI processes, a real git repository): the first
 * listing writes `.xlens/cache/runs-index.json` and its details part, later listings agree with the run folders after runs
 * are added, removed, rewritten or the index is damaged; a run pulled from a remote is listed with
 * where it came from, and re-running it makes a local run.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RUNS_INDEX_VERSION, type RunsIndexFile } from '../../../src/core/runs/runsIndex';
import type { RunRecord } from '../../../src/core/runs/types';
import { gitIn, makeRepo, tempDir } from '../../helpers/gitRepo';
import { runIds, xlens } from '../../helpers/xlensProcess';

const CONFIG = 'version: 1\ntasks:\n  hi:\n    run: "echo lr=${params.lr}"\n    params: { lr: 0.1 }\n';
const INDEX = '.xlens/cache/runs-index.json';
const DETAILS = '.xlens/cache/runs-index-details.jsonl';

async function runsJson(root: string, args: string[] = []): Promise<RunRecord[]> {
  const listed = await xlens(root, ['runs', '--json', ...args]);
  assert.equal(listed.code, 0, listed.stderr);
  return JSON.parse(listed.stdout) as RunRecord[];
}

function recordsOnDisk(root: string): RunRecord[] {
  return runIds(root)
    .reverse()
    .map((id) => JSON.parse(readFileSync(join(root, '.xlens/runs', id, 'run.json'), 'utf8')) as RunRecord);
}

describe('xlens runs through the runs index (real CLI process)', () => {
  it('writes the index on first listing and always lists what the run folders hold', async () => {
    const root = makeRepo({ 'xlens.yaml': CONFIG });
    const empty = await xlens(root, ['runs']);
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(existsSync(join(root, INDEX)), false, 'no runs, no index');
    for (const lr of ['0.1', '0.2', '0.3']) {
      assert.equal((await xlens(root, ['run', 'hi', '-q', '--set', `lr=${lr}`])).code, 0);
    }
    assert.deepEqual(await runsJson(root), recordsOnDisk(root));
    const index = JSON.parse(readFileSync(join(root, INDEX), 'utf8')) as RunsIndexFile;
    assert.equal(index.version, RUNS_INDEX_VERSION);
    assert.ok(existsSync(join(root, DETAILS)), 'the details part beside it');
    assert.deepEqual(index.entries.map((entry) => entry[0]).sort(), runIds(root).sort());

    // A run removed, another rewritten by hand (in place), the index then cut in half.
    const [first, second] = runIds(root);
    assert.equal((await xlens(root, ['rm', first])).code, 0);
    const file = join(root, '.xlens/runs', second, 'run.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"lr": 0.2', '"lr": 0.7'));
    assert.deepEqual(await runsJson(root), recordsOnDisk(root));
    assert.equal((await runsJson(root, ['--filter', 'params.lr == 0.7'])).length, 1);
    const text = readFileSync(join(root, INDEX), 'utf8');
    writeFileSync(join(root, INDEX), text.slice(0, text.length / 2));
    assert.deepEqual(await runsJson(root), recordsOnDisk(root));
    assert.deepEqual(
      (await runsJson(root, ['--task', 'hi', '--sort', 'params.lr'])).map((r) => r.params.lr),
      [0.3, 0.7],
    );
  });

  it('marks pulled runs with their remote; re-running one makes a local run', async () => {
    const origin = makeRepo({ 'xlens.yaml': CONFIG });
    const bare = join(tempDir('xlens-bare-'), 'shared.git');
    gitIn(origin, ['init', '-q', '--bare', '-b', 'main', bare]);
    gitIn(origin, ['remote', 'add', 'origin', bare]);
    gitIn(origin, ['push', '-q', 'origin', 'main']);
    assert.equal((await xlens(origin, ['run', 'hi', '-q'])).code, 0);
    assert.equal((await xlens(origin, ['push'])).code, 0);
    const clone = join(tempDir('xlens-clone-'), 'work');
    gitIn(tempDir(), ['clone', '-q', bare, clone]);
    assert.equal((await xlens(clone, ['pull'])).code, 0);
    assert.equal((await xlens(clone, ['run', 'hi', '-q'])).code, 0);

    const table = await xlens(clone, ['runs']);
    assert.equal(table.code, 0, table.stderr);
    const [local, pulled] = runIds(clone).reverse();
    assert.match(table.stdout, /\bFROM\b/);
    assert.match(table.stdout, new RegExp(`^${pulled} .* pulled: origin\\s*$`, 'm'));
    assert.match(table.stdout, new RegExp(`^${local} .* local\\s*$`, 'm'));
    const [localRecord, pulledRecord] = await runsJson(clone);
    assert.equal(pulledRecord.origin?.remote, 'origin');
    assert.equal(localRecord.origin, undefined, 'a run made here is local');
    // Without pulled runs the table has no FROM column.
    assert.doesNotMatch((await xlens(origin, ['runs'])).stdout, /\bFROM\b/);
  });
});
