/**
 * `xlens show <imported run>` outside any workspace (no xlens.yaml), through the real CLI process, on
 * logs written by the real Keras 3.15 (CSVLogger append=True over three trainings) and tensorboardX
 * 2.6.5 (add_hparams): by path, by --cwd, by key from anywhere; an ambiguous name lists each key.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../helpers/gitRepo';
import { repoRoot, runIds, xlens } from '../../helpers/xlensProcess';

const FIXTURES = join(repoRoot, 'test/fixtures');

function folder(): string {
  const dir = tempDir('xlens-show-anywhere-');
  cpSync(join(FIXTURES, 'keras/csv_append/training_191017.log'), join(dir, 'logs/training_191017.log'));
  cpSync(join(FIXTURES, 'tensorboardx/runs'), join(dir, 'runs'), { recursive: true });
  return dir;
}

describe('xlens show <imported run> without an xlens.yaml', () => {
  it('a log holding several runs lists each with its key; the key shows that run, from any folder', async () => {
    const dir = folder();
    const sessions = JSON.parse(
      readFileSync(join(FIXTURES, 'keras/csv_append/expected_sessions.json'), 'utf8'),
    ) as { epochs: number[]; metrics: Record<string, number[]> }[];
    const listed = await xlens(dir, ['show', 'logs/training_191017.log']);
    assert.equal(listed.code, 2, listed.stderr);
    assert.match(listed.stderr, /"logs\/training_191017\.log" matches 3 imported runs; give the key of one/);
    const keys = [
      ...listed.stderr.matchAll(/^ {2}logs\/training_191017\.log #\d \(keras-csv, .*\): '(.+)'$/gm),
    ].map((m) => m[1]);
    assert.deepEqual(keys, [
      `keras-csv:${join(dir, 'logs/training_191017.log')}#training_191017.log`,
      `keras-csv:${join(dir, 'logs/training_191017.log')}#training_191017.log#2`,
      `keras-csv:${join(dir, 'logs/training_191017.log')}#training_191017.log#3`,
    ]);
    const shown = await xlens(tempDir('xlens-elsewhere-'), ['show', keys[1], '--json']);
    assert.equal(shown.code, 0, shown.stderr);
    const run = JSON.parse(shown.stdout) as {
      imported: boolean;
      name: string;
      metrics: { name: string; points: number; lastStep: number; last: number }[];
    };
    assert.equal(run.name, 'logs/training_191017.log #2');
    for (const m of run.metrics) {
      const values = sessions[1].metrics[m.name];
      assert.equal(m.points, values.length, m.name);
      assert.equal(m.lastStep, sessions[1].epochs.at(-1));
      assert.ok(Math.abs(m.last - values.at(-1)!) < 1e-6, m.name);
    }
    assert.deepEqual(runIds(dir), [], 'nothing written');
  });

  it('finds a run by name under --cwd, params included; says what to give when nothing matches', async () => {
    const dir = folder();
    const shown = await xlens(tempDir('xlens-elsewhere-'), ['--cwd', dir, 'show', 'runs/lr_0.1']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^imported: +lr_0\.1 \(tensorboard run, not run by xlens\)$/m);
    assert.match(shown.stdout, /^ {2}lr = 0\.1$/m);
    assert.match(shown.stdout, /^ {2}hparam\/accuracy /m);
    const none = await xlens(dir, ['show', 'no-such-run']);
    assert.equal(none.code, 2);
    assert.match(
      none.stderr,
      /no imported run matches "no-such-run" in the logs under .* \(and there is no xlens\.yaml here or above\)/,
    );
    const latest = await xlens(dir, ['show']);
    assert.equal(latest.code, 2);
    assert.match(latest.stderr, /no xlens\.yaml in /);
  });
});
