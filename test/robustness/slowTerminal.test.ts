/**
 * A terminal that does not read (a paused pager, a stuck pipe) never makes `xlens run` hold the
 * task's output in memory: output beyond a bounded backlog is left out of the terminal with a note,
 * and output.log keeps all of it (issue "Nothing lost, nothing escapes", item 15: 545 MB of RSS for
 * 200 MB of output).
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeRepo } from '../helpers/gitRepo';
import { latestRun, startXlens, waitFor } from '../helpers/xlensProcess';

const MB = 1024 * 1024;
const OUTPUT_MB = 160;

/** Prints OUTPUT_MB of lines as fast as the pipe takes them. */
const LOUD = `
const line = 'x'.repeat(1023) + '\\n';
const block = line.repeat(1024);
let left = ${OUTPUT_MB};
const more = () => { while (left > 0) { left--; if (!process.stdout.write(block)) { process.stdout.once('drain', more); return; } } };
more();
`;

/** Peak resident memory of `pid` in bytes (Linux /proc). */
function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status);
  return kb ? Number(kb[1]) * 1024 : NaN;
}

describe('a terminal that does not read', () => {
  it(
    'keeps the memory of xlens run bounded and all the output in output.log',
    { timeout: 180_000 },
    async () => {
      const root = makeRepo({
        'xlens.yaml': 'version: 1\ntasks:\n  loud:\n    run: node loud.js\n',
        'loud.js': LOUD,
      });
      const run = startXlens(root, ['run', 'loud']);
      run.child.stdout!.pause(); // the reader stops reading
      await waitFor('the task to end', () => latestRun(root)?.status === 'succeeded', 150_000);
      const peak = peakRss(run.child.pid!);
      run.child.stdout!.resume();
      const done = await run.done;
      assert.equal(done.code, 0, done.stderr);
      const id = latestRun(root)!.id;
      assert.equal(
        statSync(join(root, '.xlens/runs', id, 'output.log')).size,
        OUTPUT_MB * MB,
        'output.log has it all',
      );
      assert.ok(
        peak < (OUTPUT_MB / 2) * MB + 200 * MB,
        `peak RSS ${Math.round(peak / MB)} MB for ${OUTPUT_MB} MB of output`,
      );
      assert.match(
        done.stdout,
        /\[xlens: .* of output not shown here while this terminal was not reading; all of it is in output\.log\]/,
      );
    },
  );
});
