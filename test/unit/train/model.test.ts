import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { UserInputError } from '../../../src/core/base/errors';
import { selectBackend } from '../../../src/core/train/backend';
import { buildModel, buildOptimizer, loadModel, saveModel } from '../../../src/core/train/denseModel';
import type { Preprocessing } from '../../../src/core/train/preprocess';

const prep: Preprocessing = {
  format: 'xlens-preprocessing',
  version: 1,
  features: [
    { name: 'a', kind: 'numeric', mean: 0, std: 1 },
    { name: 'b', kind: 'numeric', mean: 0, std: 1 },
  ],
  target: { name: 'y', problem: 'classification', classes: ['no', 'yes'] },
  inputNames: ['a', 'b'],
};

describe('dense model from the task spec', () => {
  before(async () => {
    await selectBackend('cpu');
  });

  it('appends a softmax output over the classes, or one linear unit for regression', () => {
    const layers = [
      { dense: 4, activation: 'relu' },
      { dropout: 0.2 },
      { batchNormalization: true as const },
    ];
    const classifier = buildModel(layers, { adam: { learning_rate: 0.01 } }, 3, 'classification', 5, 1);
    assert.deepEqual(
      classifier.layers.map((l) => l.getClassName()),
      ['Dense', 'Dropout', 'BatchNormalization', 'Dense'],
    );
    assert.deepEqual(classifier.outputs[0].shape, [null, 5]);
    assert.equal(classifier.layers.at(-1)!.getConfig().activation, 'softmax');
    const regressor = buildModel([], { sgd: {} }, 3, 'regression', 1, 1);
    assert.deepEqual(regressor.outputs[0].shape, [null, 1]);
    assert.equal(regressor.layers[0].getConfig().activation, 'linear');
  });

  it('initialises the same weights for the same seed', () => {
    const weights = (seed: number) =>
      buildModel([{ dense: 3, activation: 'tanh' }], {}, 2, 'classification', 2, seed)
        .getWeights()
        .map((w) => Array.from(w.dataSync()));
    assert.deepEqual(weights(9), weights(9));
    assert.notDeepEqual(weights(9), weights(10));
  });

  it('names the layer or optimizer setting that is wrong', () => {
    assert.throws(
      () =>
        buildModel(
          [
            { dense: 4, activation: 'relu' },
            { dense: 2, activation: 'rleu' },
          ],
          {},
          2,
          'regression',
          1,
          0,
        ),
      (e: unknown) =>
        e instanceof UserInputError && /model\.layers\[1\]: unknown activation "rleu"/.test(e.message),
    );
    assert.throws(
      () => buildModel([{ dropout: 1.5 }], {}, 2, 'regression', 1, 0),
      /model\.layers\[0\]: dropout rate/,
    );
    assert.throws(
      () => buildOptimizer({ adam: { learning_rate: -1 } }),
      /optimizer\.adam\.learning_rate must be a positive number/,
    );
    assert.throws(() => buildOptimizer({ adagrad: {} } as never), /optimizer "adagrad" is not supported/);
  });

  it('saves model.json, weights.bin and preprocessing.json and loads a model that predicts the same', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'xlens-model-')), 'model');
    const model = buildModel([{ dense: 4, activation: 'relu' }], { rmsprop: {} }, 2, 'classification', 2, 3);
    await saveModel(model, prep, folder);
    const loaded = await loadModel(folder);
    assert.deepEqual(loaded.preprocessing, prep);
    assert.deepEqual(JSON.parse(readFileSync(join(folder, 'preprocessing.json'), 'utf8')), prep);
    const x = tf.tensor2d([
      [0.5, -1],
      [2, 0.25],
    ]);
    const before = Array.from((model.predict(x) as tf.Tensor).dataSync());
    const after = Array.from((loaded.model.predict(x) as tf.Tensor).dataSync());
    assert.deepEqual(after, before);
  });

  it('says which file is missing from a model folder', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'xlens-model-'));
    await assert.rejects(
      loadModel(join(folder, 'absent'), 'runs/x/artifacts/model'),
      /runs\/x\/artifacts\/model: model folder not found/,
    );
    await assert.rejects(loadModel(folder), /model\.json is missing/);
  });
});
