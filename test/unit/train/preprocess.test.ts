import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeRows, fitPreprocessing, labelledRows } from '../../../src/core/train/preprocess';
import { parseTable } from '../../../src/core/train/table';

// Rows 0–3 are "training", row 4 "validation" (with an outlier and a category never seen in training).
const csv = ['size,colour,label', '1,red,a', '3,,b', ',blue,a', '5,red,b', '1000,green,a'].join('\n');
const table = parseTable(csv, 'toy.csv');
const train = [0, 1, 2, 3];

describe('preprocessing fitted on the training rows only', () => {
  const prep = fitPreprocessing(table, { target: 'label' }, train, [0, 1, 2, 3, 4]);

  it('takes mean and std from the observed training values; validation values do not move them', () => {
    const size = prep.features[0];
    assert.ok(size?.kind === 'numeric');
    assert.equal(size.mean, 3); // (1 + 3 + 5) / 3, not influenced by 1000 in row 4
    assert.equal(size.std, Math.sqrt(8 / 3));
  });

  it('finds categories and the most frequent value in training rows', () => {
    const colour = prep.features[1];
    assert.ok(colour?.kind === 'categorical');
    assert.deepEqual(colour.categories, ['blue', 'red']);
    assert.equal(colour.mostFrequent, 'red');
    assert.deepEqual(prep.inputNames, ['size', 'colour=blue', 'colour=red']);
  });

  it('infers classification from a text target and lists the classes', () => {
    assert.deepEqual(prep.target, { name: 'label', problem: 'classification', classes: ['a', 'b'] });
  });

  it('imputes, standardises, one-hot encodes, and encodes an unseen category as all zeros', () => {
    const encoded = encodeRows(prep, table, [2, 1, 4]);
    const std = Math.sqrt(8 / 3);
    const expected = [
      [0, 1, 0], // missing size → mean → 0; blue
      [0, 0, 1], // size 3 → 0; missing colour → red
      [(1000 - 3) / std, 0, 0], // green never seen in training
    ].flat();
    assert.deepEqual(
      Array.from(encoded.x, (v) => Number(v.toFixed(4))),
      expected.map((v) => Number(Math.fround(v).toFixed(4))),
    );
    assert.deepEqual(Array.from(encoded.y), [0, 1, 0]);
    assert.deepEqual(encoded.rawTarget, ['a', 'b', 'a']);
  });

  it('matches columns by name when the evaluation file orders them differently', () => {
    const other = parseTable('label,colour,size\nb,blue,5\n', 'eval.csv');
    const encoded = encodeRows(prep, other, [0]);
    assert.deepEqual(Array.from(encoded.x.slice(1)), [1, 0]);
    assert.equal(encoded.y[0], 1);
  });

  it('imputes a text value in a numeric feature and lists it; an unknown class is an error with file and line', () => {
    const bad = parseTable('size,colour,label\n2,red,a\nbig,red,a\n4,red,c\n', 'new.csv');
    const encoded = encodeRows(prep, bad, [1]);
    assert.deepEqual(encoded.stray, [{ line: 3, column: 'size', value: 'big' }]);
    assert.equal(encoded.x[0], 0); // the training mean, standardised
    assert.throws(
      () => encodeRows(prep, bad, [2]),
      /new\.csv:4: class "c" of "label" was not seen in training/,
    );
  });

  it('names every unknown column at once, with suggestions', () => {
    const other = parseTable('Size,label\n1,a\n', 'other.csv');
    assert.throws(
      () => encodeRows(prep, other, [0]),
      /other\.csv:1: unknown columns: size \(feature; did you mean Size\?\), colour \(feature\); available columns: Size, label\./,
    );
  });
});

describe('problem type and target handling', () => {
  const numeric = parseTable('x,y\n1,10\n2,20\n3,\n4,40\n', 'r.csv');

  it('infers regression from a numeric target and standardises it on training rows', () => {
    const rows = labelledRows(numeric, 'y');
    assert.deepEqual(rows, [0, 1, 3]);
    const prep = fitPreprocessing(numeric, { target: 'y' }, [0, 1]);
    assert.deepEqual(prep.target, { name: 'y', problem: 'regression', mean: 15, std: 5 });
    assert.deepEqual(Array.from(encodeRows(prep, numeric, [0, 3]).y), [-1, 5]);
  });

  it('treats a numeric target as classes when problem is classification', () => {
    const prep = fitPreprocessing(numeric, { target: 'y', problem: 'classification' }, [0, 1], [0, 1, 3]);
    assert.ok(prep.target.problem === 'classification');
    assert.deepEqual(prep.target.classes, ['10', '20', '40']);
  });

  it('rejects a regression on a text target, and a feature with no training values', () => {
    assert.throws(
      () => fitPreprocessing(table, { target: 'label', problem: 'regression' }, train),
      /toy\.csv:2: target "label" is "a", not a number/,
    );
    const empty = parseTable('x,y\n,1\n,2\n5,3\n', 'e.csv');
    assert.throws(
      () => fitPreprocessing(empty, { target: 'y' }, [0, 1]),
      /feature column "x" has no values in the training rows/,
    );
  });
});
