import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../../src/core/base/random';
import { RowReservoir } from '../../../src/core/data/sample';
import { mulberry32 as trainerMulberry32 } from '../../../src/core/train/random';

describe('mulberry32', () => {
  it('matches an independent implementation of the published generator', () => {
    // Reference values from a Python transcription of Tommy Ettinger's Mulberry32 (not of our code):
    //   def mulberry32(seed):
    //       a = seed & 0xffffffff
    //       imul = lambda x, y: (x * y) & 0xffffffff
    //       while True:
    //           a = (a + 0x6d2b79f5) & 0xffffffff
    //           t = imul(a ^ (a >> 15), a | 1)
    //           t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xffffffff
    //           yield ((t ^ (t >> 14)) & 0xffffffff) / 4294967296
    //   g = mulberry32(42); [next(g) for _ in range(4)]
    const expected = [0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693];
    assert.deepEqual(Array.from({ length: 4 }, mulberry32(42)), expected);
    // Seeds are reduced modulo 2^32, fractions truncated.
    assert.equal(mulberry32(2 ** 32 + 42)(), expected[0]);
    assert.equal(mulberry32(42.9)(), expected[0]);
  });

  it('is the one generator behind the trainer and the row sampler', () => {
    assert.equal(trainerMulberry32, mulberry32);
    // The reservoir's first replacement decision is floor(u * (k + 1)) with u the first draw.
    const k = 3;
    const reservoir = new RowReservoir(k, 42);
    for (let i = 0; i < k; i++) {
      reservoir.next();
    }
    const j = Math.floor(mulberry32(42)() * (k + 1));
    const decision = reservoir.next();
    assert.deepEqual(decision, j < k ? { slot: j, append: false } : undefined);
  });
});
