/**
 * A task that rewrites XLENS_METRICS_FILE instead of appending to it (`open(path, 'w')` each epoch,
 * or write-to-temp-then-rename), through the real `xlens run`: every point is kept once, and one
 * warning says to append.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeRepo } from '../../helpers/gitRepo';
import { latestRun, metricLines, xlens } from '../../helpers/xlensProcess';

/**
 * Writes 5 steps in the given way; after each, waits until xlens has taken the step (it shows in the
 * run's checked metrics.jsonl), bounded so that a reader that misses the step fails the test instead
 * of hanging it.
 */
const WRITER = `
const fs = require('fs');
const path = require('path');
const mode = process.argv[2];
const file = process.env.XLENS_METRICS_FILE;
const checked = path.join(process.env.XLENS_RUN_DIR, 'metrics.jsonl');
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const lines = [];
for (let s = 1; s <= 5; s++) {
  const line = JSON.stringify({ step: s, values: { loss: 1 / s } }) + '\\n';
  lines.push(line);
  if (mode === 'latest') fs.writeFileSync(file, line);
  else if (mode === 'history') fs.writeFileSync(file, lines.join(''));
  else { fs.writeFileSync(file + '.tmp', lines.join('')); fs.renameSync(file + '.tmp', file); }
  const end = Date.now() + 15000;
  const taken = () => fs.existsSync(checked) && fs.readFileSync(checked, 'utf8').includes('"step":' + s + ',');
  while (!taken() && Date.now() < end) sleep(20);
  console.log('step', s, taken() ? 'taken' : 'missed');
}
`;

const CONFIG = [
  'version: 1',
  'tasks:',
  '  latest: { run: node write.js latest }',
  '  history: { run: node write.js history }',
  '  renamed: { run: node write.js renamed }',
  '',
].join('\n');

describe('xlens run: a metrics file rewritten instead of appended (real CLI process)', () => {
  for (const task of ['latest', 'history', 'renamed']) {
    it(`keeps every point once when the task ${task === 'latest' ? "rewrites it with 'w' holding the last point" : task === 'history' ? "rewrites it with 'w' holding all points" : 'replaces it by rename'}`, async () => {
      const root = makeRepo({ 'xlens.yaml': CONFIG, 'write.js': WRITER });
      const run = await xlens(root, ['run', task]);
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stdout, /missed/, 'xlens took each step while the task waited');
      const record = latestRun(root)!;
      const lines = metricLines(root, record.id);
      assert.deepEqual(
        lines.map((l) => [l.step, l.values.loss]),
        [1, 2, 3, 4, 5].map((s) => [s, 1 / s]),
      );
      assert.equal(record.metrics.loss.last, 0.2);
      // A file rewritten with all its lines only looks rewritten when a read falls between the
      // truncation and the write; the other two ways always do.
      const warnings = record.warnings ?? [];
      assert.equal(
        warnings.length,
        task === 'history' ? Math.min(warnings.length, 1) : 1,
        warnings.join('\n'),
      );
      for (const warning of warnings) {
        assert.match(warning, /XLENS_METRICS_FILE was rewritten \(.+\): append to it \(open\(path, 'a'\)\)/);
        assert.doesNotMatch(warning, /jsonl:\d/, 'names no line the file never had');
      }
    });
  }
});
