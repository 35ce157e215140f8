// Every drift statistic against SciPy/NumPy on fixed inputs (ties, tiny samples, constant columns,
// empty bins). The reference numbers and the Python that produced them are in
// test/fixtures/drift/scipy-reference.{json,py}; no Python is needed to run these tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  distinctSorted,
  histogramSorted,
  sturgesEdges,
  valueBinsSorted,
  VALUE_BINS_MAX_UNIQUE,
} from '../../../src/core/drift/stats/binning';
import { chiSquareTest } from '../../../src/core/drift/stats/chiSquare';
import { jensenShannonDistance, populationStabilityIndex } from '../../../src/core/drift/stats/divergence';
import { ksTwoSample } from '../../../src/core/drift/stats/ks';
import { kolmogorovSf } from '../../../src/core/drift/stats/kolmogorov';
import { chiSquaredSf, normalSf } from '../../../src/core/drift/stats/special';
import { normedWasserstein, wassersteinDistance } from '../../../src/core/drift/stats/wasserstein';
import { twoProportionZTest } from '../../../src/core/drift/stats/zTest';
import { sortedValues } from '../../../src/core/drift/columnDrift';

interface Reference {
  ks_2samp: { name: string; a: number[]; b: number[]; statistic: number; pvalue: number }[];
  kstwo_sf: { n: number; x: number; sf: number }[];
  chisquare: {
    name: string;
    reference: number[];
    current: number[];
    statistic: number | null;
    pvalue: number;
  }[];
  chi2_sf: { x: number; df: number; sf: number }[];
  norm_sf: { z: number; sf: number }[];
  ztest: { name: string; reference: string[]; current: string[]; statistic: number; pvalue: number }[];
  wasserstein: { name: string; a: number[]; b: number[]; distance: number; normed: number }[];
  jensenshannon: { name: string; p: number[]; q: number[]; distance: number }[];
  binned: {
    name: string;
    reference: number[];
    current: number[];
    edges: number[] | null;
    referenceCounts: number[];
    currentCounts: number[];
    psi: number;
    jensenshannon: number;
  }[];
}

const reference = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/drift/scipy-reference.json'), 'utf8'),
) as Reference;

/** Statistics agree to 1e-9 relative (absolute near 0). */
function assertStatistic(actual: number, expected: number, what: string): void {
  const tolerance = 1e-9 * Math.max(Math.abs(expected), 1e-12);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs scipy ${expected}`);
}

/** p-values agree to 1e-6 (relative to the value, or absolute below 1). */
function assertPValue(actual: number, expected: number, what: string): void {
  const tolerance = 1e-6 * Math.max(expected, Number.MIN_VALUE);
  const ok = Math.abs(actual - expected) <= tolerance || Math.abs(actual - expected) <= 1e-6 * 1e-6;
  assert.ok(ok, `${what}: ${actual} vs scipy ${expected} (diff ${Math.abs(actual - expected)})`);
}

const sorted = (values: number[]): Float64Array => Float64Array.from(values).sort();

describe('two-sample Kolmogorov–Smirnov = scipy.stats.ks_2samp(method="auto")', () => {
  for (const c of reference.ks_2samp) {
    it(`${c.name} (n=${c.a.length}, ${c.b.length})`, () => {
      const result = ksTwoSample(sorted(c.a), sorted(c.b));
      assertStatistic(result.statistic, c.statistic, 'D');
      assertPValue(result.pValue, c.pvalue, 'p');
      assert.equal(result.method, Math.max(c.a.length, c.b.length) <= 10_000 ? 'exact' : 'asymp');
    });
  }

  it('is symmetric in its samples', () => {
    const c = reference.ks_2samp.find((k) => k.name === 'unequal sizes')!;
    const ab = ksTwoSample(sorted(c.a), sorted(c.b));
    const ba = ksTwoSample(sorted(c.b), sorted(c.a));
    assert.equal(ab.statistic, ba.statistic);
    assertPValue(ab.pValue, ba.pValue, 'p');
  });

  it('rejects an empty sample', () => {
    assert.throws(() => ksTwoSample(new Float64Array(0), sorted([1])), RangeError);
  });
});

describe('one-sample KS distribution = scipy.stats.kstwo.sf', () => {
  for (const c of reference.kstwo_sf) {
    it(`n=${c.n} x=${c.x}`, () => assertPValue(kolmogorovSf(c.n, c.x), c.sf, `sf(${c.x}; ${c.n})`));
  }
});

describe('chi-squared = scipy.stats.chisquare(current, reference × n_cur/n_ref)', () => {
  for (const c of reference.chisquare) {
    it(c.name, () => {
      const result = chiSquareTest(c.reference, c.current);
      if (c.statistic === null) {
        assert.equal(result.statistic, Infinity);
      } else {
        assertStatistic(result.statistic, c.statistic, 'chi2');
      }
      assertPValue(result.pValue, c.pvalue, 'p');
      assert.equal(result.dof, c.reference.length - 1);
    });
  }
  for (const c of reference.chi2_sf) {
    it(`chi2.sf(${c.x}, ${c.df})`, () => assertPValue(chiSquaredSf(c.x, c.df), c.sf, 'sf'));
  }
});

describe('two-proportion Z-test (Evidently "z") with scipy.stats.norm', () => {
  for (const c of reference.norm_sf) {
    it(`norm.sf(${c.z})`, () => assertPValue(normalSf(c.z), c.sf, 'sf'));
  }
  for (const c of reference.ztest) {
    it(c.name, () => {
      const first = [...new Set([...c.reference, ...c.current])].sort()[0];
      const other = (values: string[]): number => values.filter((v) => v !== first).length;
      const result = twoProportionZTest(
        other(c.reference),
        c.reference.length,
        other(c.current),
        c.current.length,
      );
      assertStatistic(result.statistic, c.statistic, 'z');
      assertPValue(result.pValue, c.pvalue, 'p');
    });
  }
  it('gives p = 1 when both samples hold the same single value', () => {
    assert.deepEqual(twoProportionZTest(0, 10, 0, 7), { statistic: 0, pValue: 1 });
  });
});

describe('Wasserstein-1 = scipy.stats.wasserstein_distance; normed by max(np.std(ref), 0.001)', () => {
  for (const c of reference.wasserstein) {
    it(c.name, () => {
      assertStatistic(wassersteinDistance(sorted(c.a), sorted(c.b)), c.distance, 'W1');
      assertStatistic(normedWasserstein(sorted(c.a), sorted(c.b)), c.normed, 'normed W1');
    });
  }
});

describe('Jensen–Shannon distance = scipy.spatial.distance.jensenshannon(base=2)', () => {
  for (const c of reference.jensenshannon) {
    it(c.name, () => assertStatistic(jensenShannonDistance(c.p, c.q), c.distance, 'JS'));
  }
});

describe('shared bins (numpy.histogram_bin_edges "sturges" / value bins), PSI and JS on them', () => {
  for (const c of reference.binned) {
    it(c.name, () => {
      const ref = sorted(c.reference);
      const cur = sorted(c.current);
      const numericBins = distinctSorted(ref).values.length > VALUE_BINS_MAX_UNIQUE;
      assert.equal(numericBins, c.edges !== null);
      let refCounts: Float64Array;
      let curCounts: Float64Array;
      if (c.edges) {
        const edges = sturgesEdges(ref, cur);
        assert.equal(edges.length, c.edges.length, 'number of Sturges edges');
        edges.forEach((e, i) => assertStatistic(e, c.edges![i], `edge ${i}`));
        refCounts = histogramSorted(ref, edges);
        curCounts = histogramSorted(cur, edges);
      } else {
        const bins = valueBinsSorted(ref, cur);
        refCounts = bins.reference;
        curCounts = bins.current;
      }
      assert.deepEqual(Array.from(refCounts), c.referenceCounts);
      assert.deepEqual(Array.from(curCounts), c.currentCounts);
      assertStatistic(populationStabilityIndex(refCounts, curCounts), c.psi, 'PSI');
      assertStatistic(jensenShannonDistance(refCounts, curCounts), c.jensenshannon, 'JS');
    });
  }
});

describe('sortedValues', () => {
  it('drops NaN and sorts ascending, by counting for small-range integers and by comparison otherwise', () => {
    let seed = 1;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const integers = Float64Array.from({ length: 5000 }, (_, i) =>
      i % 97 === 0 ? NaN : Math.floor(random() * 600) - 300,
    );
    const floats = Float64Array.from({ length: 5000 }, (_, i) =>
      i % 89 === 0 ? NaN : (random() - 0.5) * 1e3,
    );
    const wide = Float64Array.from({ length: 5000 }, () => Math.floor(random() * 1e9));
    for (const values of [integers, floats, wide, Float64Array.from([3, NaN, 1, 2])]) {
      const expected = Array.from(values)
        .filter((v) => !Number.isNaN(v))
        .sort((a, b) => a - b);
      assert.deepEqual(Array.from(sortedValues(values)), expected);
    }
  });
});
