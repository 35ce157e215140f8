/** Compare-view series transforms: debiased EMA smoothing, outlier-free y range, min–max buckets, groups. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  clippedDomain,
  groupBands,
  minMaxBuckets,
  quantile,
  smoothEma,
} from '../../../src/core/charts/seriesTransforms';
import { MetricColumns } from '../../../src/core/metrics/metricColumns';
import type { MetricPoint } from '../../../src/core/metrics/series';

const series = (values: number[]): MetricPoint[] => values.map((value, step) => ({ step, value }));

describe('series transforms of the compare view', () => {
  it('smooths with a debiased EMA (TensorBoard): the first point is kept, later ones follow the formula', () => {
    const smoothed = smoothEma(series([1, 2, 3]), 0.6).map((p) => p.value);
    assert.equal(smoothed[0], 1);
    assert.ok(Math.abs(smoothed[1] - (0.6 * 0.4 + 0.4 * 2) / (1 - 0.6 ** 2)) < 1e-12);
    assert.ok(Math.abs(smoothed[2] - (0.6 * 1.04 + 0.4 * 3) / (1 - 0.6 ** 3)) < 1e-12);
    const flat = series([5, 5, 5]);
    assert.equal(smoothEma(flat, 0.9), flat, 'a constant series is left as is');
    assert.throws(() => smoothEma(flat, 1), RangeError);
  });

  it('smoothing stays within the range of the values and keeps steps', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (values, weight) => {
          const out = smoothEma(series(values), weight);
          const lo = Math.min(...values);
          const hi = Math.max(...values);
          const slack = 1e-9 * Math.max(1, Math.abs(lo), Math.abs(hi));
          out.forEach((p, i) => {
            assert.equal(p.step, i);
            assert.ok(p.value >= lo - slack && p.value <= hi + slack, `${p.value} outside [${lo}, ${hi}]`);
          });
        },
      ),
    );
  });

  it('takes quantiles as NumPy does and leaves outliers out of the y range', () => {
    const values = Array.from({ length: 10 }, (_, i) => i + 1);
    assert.equal(quantile(values, 0.05), 1.45);
    assert.equal(quantile(values, 0.5), 5.5);
    assert.equal(quantile([], 0.5), undefined);
    const spiky = series([...Array.from({ length: 99 }, (_, i) => 1 + i / 100), 1e9]);
    const [lo, hi] = clippedDomain([spiky])!;
    assert.ok(hi < 3 && lo > 0.9, `[${lo}, ${hi}] ignores the 1e9 outlier`);
    assert.equal(clippedDomain([series([2])]), undefined);
  });

  it('keeps a one-step spike in 100,000 steps visible after downsampling to 2,000 buckets', () => {
    const points = Array.from({ length: 100_000 }, (_, step) => ({
      step,
      value: step === 54_321 ? 100 : Math.exp(-step / 30_000),
    }));
    const bands = minMaxBuckets(points, 2000);
    assert.ok(bands.length <= 2000);
    assert.equal(Math.max(...bands.map((b) => b.max)), 100);
    const spike = bands.find((b) => b.max === 100)!;
    assert.ok(
      spike.min < 1 && spike.value < spike.max / 10,
      'the line is the bucket mean, the band reaches the spike',
    );
    assert.equal(bands[bands.length - 1].step, 99_999, 'the line ends at the last step');
    assert.equal(Math.min(...bands.map((b) => b.min)), points[99_999].value);
  });

  it('every point falls inside its bucket band and buckets cover all steps', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 500 }),
        fc.integer({ min: 1, max: 50 }),
        (steps, buckets) => {
          const points = [...steps].sort((a, b) => a - b).map((step) => ({ step, value: Math.sin(step) }));
          const bands = minMaxBuckets(points, buckets);
          assert.ok(bands.length <= Math.max(buckets, 1));
          assert.equal(Math.max(...bands.map((b) => b.max)), Math.max(...points.map((p) => p.value)));
          assert.equal(Math.min(...bands.map((b) => b.min)), Math.min(...points.map((p) => p.value)));
          bands.forEach((b) => assert.ok(b.min <= b.value && b.value <= b.max));
        },
      ),
    );
  });

  it('buckets columns with steps in order as the point loop does (bucket ends searched, not computed per point)', () => {
    fc.assert(
      fc.property(
        // Gaps of 0 (a repeated step) to wide jumps, so buckets range from empty to crowded and a bucket's
        // size is a poor guess of the next one's.
        fc.array(
          fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 50, max: 5000 })),
          {
            minLength: 1,
            maxLength: 3000,
          },
        ),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 0, max: 1000 }),
        (gaps, buckets, first) => {
          let step = first;
          const points = gaps.map((gap, i) => ({ step: (step += gap), value: Math.sin(i) * (i % 7) }));
          const columns = MetricColumns.from(points);
          assert.equal(columns.stepsInOrder, true);
          assert.deepEqual(minMaxBuckets(columns, buckets), minMaxBuckets(points, buckets));
        },
      ),
    );
  });

  it('columns know whether their steps are in order (a step going back or NaN is not)', () => {
    assert.equal(MetricColumns.from(series([1, 2, 3])).stepsInOrder, true);
    assert.equal(
      MetricColumns.from([
        { step: 2, value: 0 },
        { step: 2, value: 1 },
      ]).stepsInOrder,
      true,
    );
    assert.equal(
      MetricColumns.from([
        { step: 2, value: 0 },
        { step: 1, value: 1 },
      ]).stepsInOrder,
      false,
    );
    assert.equal(MetricColumns.from([{ step: Number.NaN, value: 0 }]).stepsInOrder, false);
    assert.equal(
      MetricColumns.from([
        { step: 0, value: 0 },
        { step: Number.NaN, value: 0 },
      ]).stepsInOrder,
      false,
    );
    const back = MetricColumns.from(series(Array.from({ length: 5000 }, (_, i) => i % 13)));
    back.push(10, 1);
    assert.equal(back.stepsInOrder, false);
    assert.deepEqual(
      minMaxBuckets(back, 100),
      minMaxBuckets([...series(Array.from({ length: 5000 }, (_, i) => i % 13)), { step: 10, value: 1 }], 100),
    );
  });

  it('columns appended from others keep knowing whether their steps are in order', () => {
    // A run restarted from a checkpoint: its second read logs steps the first read passed already.
    const first = MetricColumns.from(series(Array.from({ length: 3000 }, (_, i) => i)));
    const again = MetricColumns.from(series(Array.from({ length: 3000 }, (_, i) => i + 1000)));
    const joined = new MetricColumns();
    joined.append(first, 0, first.length);
    assert.equal(joined.stepsInOrder, true);
    joined.append(again, 0, again.length);
    assert.equal(joined.stepsInOrder, false, 'step 1000 after step 2999');
    assert.deepEqual(minMaxBuckets(joined, 100), minMaxBuckets([...joined.points()], 100));
    const later = new MetricColumns();
    later.append(first, 0, 10);
    later.append(first, 10, 20);
    assert.equal(later.stepsInOrder, true);
    const nan = new MetricColumns();
    nan.append(MetricColumns.from([{ step: Number.NaN, value: 1 }]), 0, 1);
    assert.equal(nan.stepsInOrder, false);
  });

  it('groups runs into a mean line with a min–max band per bucket', () => {
    const a = series([1, 1, 1, 1]);
    const b = series([3, 3, 3, 3]);
    const c = series([2, 2]);
    const grouped = groupBands([a, b, c], 4);
    assert.deepEqual(
      grouped.map((g) => [g.value, g.min, g.max, g.runs]),
      [
        [2, 1, 3, 3],
        [2, 1, 3, 3],
        [2, 1, 3, 2],
        [2, 1, 3, 2],
      ],
    );
    assert.deepEqual(groupBands([[], []], 10), []);
  });
});
