/**
 * Live acceptance: a Lightning CSVLogger `metrics.csv`, written while `xlens run` follows it as the
 * task's metric source (`csv:`), rewritten with a wider header when the first validation adds keys,
 * as Lightning does. Every point of the final file arrives in the run's metrics.jsonl exactly once.
 *
 * The writer is the real Lightning (test/fixtures/lightning/generate.py --live) when
 * /work/venv-tf/bin/python (or $XLENS_LIGHTNING_PYTHON) can import it; otherwise the sequence of
 * writes the real Lightning 2.6.6 made (test/fixtures/lightning/csv_writes.jsonl) is replayed by a
 * child process, appending or rewriting as Lightning did, each write once xlens has taken the one
 * before. The test says which in its name.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeRepo } from '../../helpers/gitRepo';
import { LIGHTNING_FIXTURE, lightningPoints } from '../../helpers/lightningCsv';
import { latestRun, metricLines, xlens } from '../../helpers/xlensProcess';

const PYTHON = process.env.XLENS_LIGHTNING_PYTHON ?? '/work/venv-tf/bin/python';
const REAL =
  existsSync(PYTHON) &&
  spawnSync(PYTHON, ['-c', 'import lightning, torch'], { stdio: 'ignore' }).status === 0;

/** Replays Lightning's writes: appends when the new content extends the old, else rewrites ('w'). */
const REPLAY = `
const fs = require('fs');
const path = require('path');
const writes = fs.readFileSync(process.argv[2], 'utf8').split('\\n').filter(Boolean).map((l) => JSON.parse(l));
const file = 'logs/live/version_0/metrics.csv';
fs.mkdirSync(path.dirname(file), { recursive: true });
const checked = path.join(process.env.XLENS_RUN_DIR, 'metrics.jsonl');
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const size = () => (fs.existsSync(checked) ? fs.statSync(checked).size : 0);
let previous = '';
for (const content of writes) {
  const before = size();
  if (content.startsWith(previous)) fs.appendFileSync(file, content.slice(previous.length));
  else fs.writeFileSync(file, content);
  previous = content;
  const end = Date.now() + 15000;
  while (size() === before && Date.now() < end) sleep(20);
}
`;

describe('live: xlens run follows a Lightning CSVLogger metrics.csv', () => {
  it(`every point arrives in metrics.jsonl exactly once (${REAL ? `real Lightning from ${PYTHON}` : 'Lightning not installed: replaying the writes of the committed fixture'})`, async () => {
    const command = REAL
      ? `${PYTHON} ${join(LIGHTNING_FIXTURE, 'generate.py')} --live logs`
      : `node replay.js ${join(LIGHTNING_FIXTURE, 'csv_writes.jsonl')}`;
    const root = makeRepo({
      'replay.js': REPLAY,
      'xlens.yaml': [
        'version: 1',
        'tasks:',
        '  fit:',
        `    run: ${command}`,
        '    metrics:',
        '      - csv: logs/live/version_0/metrics.csv',
        '',
      ].join('\n'),
    });
    const run = await xlens(root, ['run', 'fit']);
    assert.equal(run.code, 0, run.stderr);
    const record = latestRun(root)!;
    assert.equal(record.status, 'succeeded');
    assert.deepEqual(record.warnings ?? [], []);
    const written = readFileSync(join(root, 'logs/live/version_0/metrics.csv'), 'utf8');
    assert.match(written.split('\n')[0], /val_loss/, 'the header was widened during the run');
    // What the file holds at the end, point by point, against what xlens recorded, counted.
    const want = new Map<string, number>();
    for (const [name, points] of lightningPoints(written)) {
      for (const [step, value] of points) {
        const key = `${name}@${step}=${value}`;
        want.set(key, (want.get(key) ?? 0) + 1);
      }
    }
    const got = new Map<string, number>();
    for (const line of metricLines(root, record.id)) {
      for (const [name, value] of Object.entries(line.values)) {
        const key = `${name}@${line.step}=${value}`;
        got.set(key, (got.get(key) ?? 0) + 1);
      }
    }
    assert.ok(want.size > 40, `a real training's worth of points (${want.size})`);
    assert.deepEqual(got, want);
  });
});
