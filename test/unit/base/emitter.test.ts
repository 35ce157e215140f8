import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DisposableStore, toDisposable } from '../../../src/core/base/disposable';
import { Emitter } from '../../../src/core/base/emitter';

describe('Emitter', () => {
  it('delivers values to every listener until it is unsubscribed', () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    const sub = emitter.event((v) => seen.push(v));
    emitter.fire(1);
    sub.dispose();
    emitter.fire(2);
    assert.deepEqual(seen, [1]);
  });

  it('keeps notifying the other listeners when one throws', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<string>((e) => errors.push(e));
    const seen: string[] = [];
    emitter.event(() => {
      throw new Error('boom');
    });
    emitter.event((v) => seen.push(v));
    emitter.fire('x');
    assert.deepEqual(seen, ['x']);
    assert.equal(errors.length, 1);
  });
});

describe('DisposableStore', () => {
  it('disposes in reverse order and disposes late additions at once', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.track(toDisposable(() => order.push('a')));
    store.track(toDisposable(() => order.push('b')));
    store.dispose();
    assert.deepEqual(order, ['b', 'a']);
    store.track(toDisposable(() => order.push('late')));
    assert.deepEqual(order, ['b', 'a', 'late']);
  });
});
