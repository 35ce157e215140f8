/**
 * A `timeout:` means what it says at any length: Node's `setTimeout` fires after 1 ms for delays of
 * 2^31 ms (about 24.8 days) or more, which killed tasks with `timeout: 25d` at once and recorded them
 * "timed out after 25d". Values no run could mean (`1e308`, more than a year) are refused at their
 * line and column (issue "Nothing lost, nothing escapes", item 11).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setLongTimeout } from '../../src/core/base/longTimeout';
import { tempDir, writeFiles } from '../helpers/gitRepo';
import { latestRun, xlens } from '../helpers/xlensProcess';

function workspace(timeout: string): string {
  const root = tempDir('xlens-timeout-');
  writeFiles(root, {
    'xlens.yaml': `version: 1\ntasks:\n  short:\n    run: sleep 0.3 && echo done\n    timeout: ${timeout}\n`,
  });
  return root;
}

describe('long timeouts', () => {
  for (const timeout of ['25d', '600h', '3000000', '365d']) {
    it(`timeout: ${timeout} does not stop a short task early`, async () => {
      const root = workspace(timeout);
      const result = await xlens(root, ['run', 'short']);
      const record = latestRun(root);
      assert.equal(record?.status, 'succeeded', `${record?.error ?? ''}\n${result.stderr}`);
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stdout + result.stderr, /timed out|TimeoutOverflowWarning/);
    });
  }

  for (const [timeout, why] of [
    ['1e308', /longer than a year \(a number means seconds\)/],
    ['366d', /longer than a year; the longest is 365d/],
    ['99999999999999999999h', /longer than a year/],
  ] as const) {
    it(`timeout: ${timeout} is refused at its line and column`, async () => {
      const root = workspace(timeout);
      const result = await xlens(root, ['run', 'short']);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /xlens\.yaml:5:14: timeout /);
      assert.match(result.stderr, why);
      assert.doesNotMatch(result.stderr, /unexpected error/);
      assert.equal(latestRun(root), undefined, 'no run is created');
    });
  }

  it('a timer longer than one step of the clock re-arms until its deadline', async () => {
    const started = performance.now();
    const fired = await new Promise<number>((resolve) =>
      setLongTimeout(() => resolve(performance.now()), 120, 25),
    );
    assert.ok(fired - started >= 119, `fired after ${fired - started} ms, before the 120 ms deadline`);
  });

  it('a cancelled long timer never fires', async () => {
    let fired = false;
    const timer = setLongTimeout(() => (fired = true), 60, 10);
    await new Promise((r) => setTimeout(r, 25));
    timer.dispose();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(fired, false);
  });
});
