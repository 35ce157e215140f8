/**
 * The throttle of the compare and table views' updates (src/core/base/throttle.ts), on Node's mock timers:
 * a burst of requests runs the action once, an interval after the first; `now` runs it at once and drops
 * the pending run (the compare view posts its snapshot as soon as every run has been read, instead of
 * up to a second later); nothing runs after `dispose`.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { Throttle } from '../../../src/core/base/throttle';

describe('Throttle', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('runs a burst of requests once, an interval after the first', () => {
    let runs = 0;
    const throttle = new Throttle(1000, () => runs++);
    throttle.schedule();
    mock.timers.tick(400);
    throttle.schedule();
    throttle.schedule();
    assert.equal(runs, 0);
    mock.timers.tick(599);
    assert.equal(runs, 0);
    mock.timers.tick(1);
    assert.equal(runs, 1);
    mock.timers.tick(5000);
    assert.equal(runs, 1);
    throttle.schedule();
    mock.timers.tick(1000);
    assert.equal(runs, 2);
  });

  it('runs at once on now, and drops the run that was pending', () => {
    let runs = 0;
    const throttle = new Throttle(1000, () => runs++);
    throttle.schedule();
    mock.timers.tick(10);
    throttle.now();
    assert.equal(runs, 1);
    mock.timers.tick(5000);
    assert.equal(runs, 1, 'the pending run was dropped');
    throttle.schedule();
    mock.timers.tick(1000);
    assert.equal(runs, 2, 'requests after now are throttled again');
  });

  it('runs nothing after dispose', () => {
    let runs = 0;
    const throttle = new Throttle(1000, () => runs++);
    throttle.schedule();
    throttle.dispose();
    mock.timers.tick(5000);
    throttle.schedule();
    throttle.now();
    mock.timers.tick(5000);
    assert.equal(runs, 0);
  });
});
