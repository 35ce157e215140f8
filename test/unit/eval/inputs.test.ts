// The evaluation module on column arrays (what a monitor passes per time window) and on names from
// data that are members of Object.prototype.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateClassification } from '../../../src/core/eval/classification';
import { sortLabels } from '../../../src/core/eval/labels';
import { evaluationMetrics } from '../../../src/core/eval/present';

describe('evaluation on column arrays', () => {
  const labels = ['__proto__', 'constructor', 'toString'];
  const actual = Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1]);
  const predicted = Int32Array.from([0, 1, 2, 1, 1, 0, 0, 2]);
  const p = (row: number[]) => row;
  const rows = [
    p([0.7, 0.2, 0.1]),
    p([0.1, 0.8, 0.1]),
    p([0.2, 0.2, 0.6]),
    p([0.3, 0.5, 0.2]),
    p([0.2, 0.7, 0.1]),
    p([0.5, 0.1, 0.4]),
    p([0.6, 0.3, 0.1]),
    p([0.1, 0.3, 0.6]),
  ];
  const columns = [0, 1, 2].map((c) => Float64Array.from(rows, (r) => r[c]));

  it('keeps class names such as __proto__ and constructor as ordinary labels', () => {
    const ev = evaluateClassification({
      labels,
      actual,
      predicted,
      probabilities: { classes: [0, 1, 2], columns },
    });
    assert.deepEqual(
      ev.perClass.map((r) => r.label),
      labels,
    );
    assert.deepEqual(
      ev.scores!.curves.map((c) => c.label),
      labels,
    );
    assert.equal(Object.getPrototypeOf(evaluationMetrics(ev)), null);
  });

  it("evaluates a window as sub-arrays of the same columns, with the window's own classes", () => {
    const window = evaluateClassification({
      labels,
      actual: actual.subarray(0, 3),
      predicted: predicted.subarray(0, 3),
      probabilities: { classes: [0, 1, 2], columns: columns.map((c) => c.subarray(0, 3)) },
    });
    assert.equal(window.rows, 3);
    assert.equal(window.accuracy, 1);
    assert.equal(window.scores!.rocAuc, 1);
  });

  it('sorts labels as NumPy does: numbers numerically, text by code point', () => {
    assert.deepEqual(sortLabels(['10', '9', '-1'], true), ['-1', '9', '10']);
    assert.deepEqual(sortLabels(['b', 'B', 'a', '\u{1F600}', '\uFFFF'], false), [
      'B',
      'a',
      'b',
      '\uFFFF',
      '\u{1F600}',
    ]);
  });
});
