/**
 * The dense model of the built-in trainer and its files: built from the task's `model.layers`
 * with the output layer appended (softmax over the classes, or one linear unit for regression),
 * saved as TensorFlow.js Layers format (`model.json` + `weights.bin`) beside `preprocessing.json`.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { UserInputError } from '../base/errors';
import type { LayerSpec, OptimizerSpec } from '../config/types';
import type { Preprocessing } from './preprocess';

/** Activation names TensorFlow.js Layers accepts. */
export const ACTIVATIONS = [
  'elu',
  'hardSigmoid',
  'linear',
  'relu',
  'relu6',
  'selu',
  'sigmoid',
  'softmax',
  'softplus',
  'softsign',
  'tanh',
  'swish',
  'mish',
  'gelu',
] as const;
type Activation = (typeof ACTIVATIONS)[number];

function isActivation(name: string): name is Activation {
  return (ACTIVATIONS as readonly string[]).includes(name);
}

/**
 * Builds and compiles the model.
 * @param inputCount width of the encoded input (see `Preprocessing.inputNames`).
 * @param outputCount number of classes, or 1 for regression.
 * @param seed seeds each dense layer's Glorot-uniform kernel (`seed + layer index`).
 * @throws UserInputError for an unknown activation, a non-positive unit count or a dropout rate outside [0, 1).
 */
export function buildModel(
  layers: readonly LayerSpec[],
  optimizer: OptimizerSpec,
  inputCount: number,
  problem: 'classification' | 'regression',
  outputCount: number,
  seed: number,
): tfl.Sequential {
  const model = tfl.sequential();
  let first = true;
  const inputShape = (): { inputShape?: number[] } => {
    const shape = first ? { inputShape: [inputCount] } : {};
    first = false;
    return shape;
  };
  layers.forEach((spec, index) => {
    const where = `model.layers[${index}]`;
    if ('dense' in spec) {
      if (!Number.isInteger(spec.dense) || spec.dense < 1) {
        throw new UserInputError(
          `${where}: dense needs a positive whole number of units, got ${spec.dense}.`,
        );
      }
      const activation = spec.activation ?? 'linear';
      if (!isActivation(activation)) {
        throw new UserInputError(
          `${where}: unknown activation "${activation}"; use one of ${ACTIVATIONS.join(', ')}.`,
        );
      }
      model.add(
        tfl.layers.dense({
          units: spec.dense,
          activation,
          kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + index }),
          ...inputShape(),
        }),
      );
    } else if ('dropout' in spec) {
      if (!(spec.dropout >= 0 && spec.dropout < 1)) {
        throw new UserInputError(`${where}: dropout rate must be in [0, 1), got ${spec.dropout}.`);
      }
      // No per-layer seed: a fixed dropout seed would draw the same mask for every batch. Masks come
      // from Math.random, which the trainer process seeds (see withSeededRandom).
      model.add(tfl.layers.dropout({ rate: spec.dropout, ...inputShape() }));
    } else if ('batchNormalization' in spec) {
      model.add(tfl.layers.batchNormalization({ ...inputShape() }));
    } else {
      throw new UserInputError(`${where}: unknown layer; use dense, dropout or batchNormalization.`);
    }
  });
  model.add(
    tfl.layers.dense({
      units: problem === 'classification' ? outputCount : 1,
      activation: problem === 'classification' ? 'softmax' : 'linear',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + layers.length }),
      ...inputShape(),
    }),
  );
  model.compile({
    optimizer: buildOptimizer(optimizer),
    loss: problem === 'classification' ? 'categoricalCrossentropy' : 'meanSquaredError',
    metrics: problem === 'classification' ? ['accuracy'] : ['mae'],
  });
  return model;
}

/**
 * The optimizer named in the spec (first key wins). Default learning rates follow Keras:
 * adam 0.001, sgd 0.01 (with optional momentum), rmsprop 0.001. An empty spec means adam.
 * @throws UserInputError for an unknown optimizer or a non-positive learning rate.
 */
export function buildOptimizer(spec: OptimizerSpec): tf.Optimizer {
  const [name, options] = (Object.entries(spec)[0] ?? ['adam', {}]) as [
    string,
    { learning_rate?: number; momentum?: number } | undefined,
  ];
  const rate = (fallback: number): number => {
    const value = options?.learning_rate ?? fallback;
    if (!(value > 0 && Number.isFinite(value))) {
      throw new UserInputError(`optimizer.${name}.learning_rate must be a positive number, got ${value}.`);
    }
    return value;
  };
  switch (name) {
    case 'adam':
      return tf.train.adam(rate(0.001));
    case 'sgd':
      return options?.momentum ? tf.train.momentum(rate(0.01), options.momentum) : tf.train.sgd(rate(0.01));
    case 'rmsprop':
      return tf.train.rmsprop(rate(0.001));
    default:
      throw new UserInputError(`optimizer "${name}" is not supported; use adam, sgd or rmsprop.`);
  }
}

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const PREPROCESSING_FILE = 'preprocessing.json';

/**
 * Writes `model.json` (TensorFlow.js Layers format, one weights group), `weights.bin` and
 * `preprocessing.json` into `folder` (created when missing).
 */
export async function saveModel(
  model: tfl.LayersModel,
  preprocessing: Preprocessing,
  folder: string,
): Promise<void> {
  mkdirSync(folder, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0));
      const modelJson = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileSync(join(folder, WEIGHTS_FILE), new Uint8Array(weightData));
      writeFileSync(join(folder, MODEL_FILE), JSON.stringify(modelJson));
      return Promise.resolve({
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: weightData.byteLength,
        },
      });
    }),
  );
  writeFileSync(join(folder, PREPROCESSING_FILE), `${JSON.stringify(preprocessing, null, 2)}\n`);
}

/**
 * Loads a model folder written by {@link saveModel}.
 * @param displayName how the folder is named in messages.
 * @throws UserInputError when the folder or one of its three files is missing or unreadable.
 */
export async function loadModel(
  folder: string,
  displayName: string = folder,
): Promise<{ model: tfl.LayersModel; preprocessing: Preprocessing }> {
  if (!existsSync(folder)) {
    throw new UserInputError(
      `${displayName}: model folder not found; run the training task first or fix the task's "model" path.`,
      { file: displayName },
    );
  }
  for (const name of [MODEL_FILE, WEIGHTS_FILE, PREPROCESSING_FILE]) {
    if (!existsSync(join(folder, name))) {
      throw new UserInputError(
        `${displayName}: ${name} is missing; point "model" at an artifacts/model folder of a tfjs-train run.`,
        { file: displayName },
      );
    }
  }
  const modelJson = readJson(join(folder, MODEL_FILE), displayName) as tf.io.ModelJSON;
  const preprocessing = readJson(join(folder, PREPROCESSING_FILE), displayName) as Preprocessing;
  if (preprocessing.format !== 'xlens-preprocessing') {
    throw new UserInputError(
      `${displayName}/${PREPROCESSING_FILE}: not an Experiment Lens preprocessing file.`,
    );
  }
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, (manifest) => {
    const weightSpecs = manifest.flatMap((group) => group.weights);
    const buffers = manifest.flatMap((group) =>
      group.paths.map((p) => {
        const bytes = readFileSync(join(folder, p));
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      }),
    );
    return Promise.resolve([weightSpecs, tf.io.CompositeArrayBuffer.join(buffers)]);
  });
  const model = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  return { model, preprocessing };
}

function readJson(path: string, displayName: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new UserInputError(`${displayName}: cannot read ${path}: ${(error as Error).message}`, {
      file: displayName,
    });
  }
}
