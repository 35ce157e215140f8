import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MAX_POINTS, downsampleSeries } from '../../../src/core/charts/downsample';
import type { MetricPoint } from '../../../src/core/metrics/series';

/** A noisy decaying loss curve of `length` steps with one spike up and one dip down. */
function curve(length: number): MetricPoint[] {
  let seed = 7;
  const random = () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
  return Array.from({ length }, (_, step) => ({
    step,
    value: Math.exp(-step / 25_000) + 0.02 * random() + (step === 70_001 ? 2 : 0) - (step === 12_345 ? 1 : 0),
  }));
}

describe('downsampleSeries', () => {
  it('returns short series untouched', () => {
    const points = curve(DEFAULT_MAX_POINTS);
    assert.equal(downsampleSeries(points), points);
  });

  it('reduces 100,000 points to at most 2,000 original points in step order', () => {
    const points = curve(100_000);
    const out = downsampleSeries(points);
    assert.ok(out.length <= 2000 && out.length > 1900, `${out.length} points`);
    const originals = new Set(points);
    assert.ok(
      out.every((p) => originals.has(p)),
      'every point is one of the input',
    );
    for (let i = 1; i < out.length; i++) {
      assert.ok(out[i].step > out[i - 1].step, 'steps increase');
    }
  });

  it('keeps the shape: first and last points, the global maximum and minimum', () => {
    const points = curve(100_000);
    const out = downsampleSeries(points);
    assert.equal(out[0], points[0]);
    assert.equal(out.at(-1), points.at(-1));
    const max = points.reduce((a, b) => (b.value > a.value ? b : a));
    const min = points.reduce((a, b) => (b.value < a.value ? b : a));
    assert.equal(max.step, 70_001);
    assert.equal(min.step, 12_345);
    assert.ok(out.includes(max), 'spike kept');
    assert.ok(out.includes(min), 'dip kept');
  });

  it('honours a smaller budget and rejects a budget below 3', () => {
    assert.ok(downsampleSeries(curve(10_000), 100).length <= 100);
    assert.throws(() => downsampleSeries(curve(10), 2), RangeError);
  });
});
