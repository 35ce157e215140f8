/**
 * Chooses the TensorFlow.js backend for the trainer process: `tensorflow` (the native
 * `@tensorflow/tfjs-node`, an optional dependency that is usually absent) when it loads, else `wasm`
 * (single-threaded in Node; the `.wasm` binaries come from `dist/wasm/` in the bundle or from
 * `node_modules/@tensorflow/tfjs-backend-wasm/dist/` when running from sources), else `cpu` (plain JS).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// A named import: a bare import of this package is dropped by bundlers (its package.json marks the
// Node build side-effect free), and with it the registration of the cpu backend and its kernels.
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** What is recorded in `info.json`. */
export interface BackendInfo {
  backend: string;
  tfjsVersion: string;
  /** Why a preferred backend was skipped, one entry per skipped backend. */
  fallbacks?: string[];
}

const WASM_FILE = 'tfjs-backend-wasm.wasm';

/** The folder holding the TensorFlow.js `.wasm` binaries, or undefined when none is found. */
export function findWasmFolder(here: string = __dirname): string | undefined {
  const candidates = [join(here, 'wasm')];
  for (let dir = here; ; dir = dirname(dir)) {
    candidates.push(join(dir, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist'));
    if (dirname(dir) === dir) {
      break;
    }
  }
  return candidates.find((c) => existsSync(join(c, WASM_FILE)));
}

function loadNative(): boolean {
  try {
    // A plain require keeps the optional native module out of the bundle (esbuild marks it external);
    // it registers the `tensorflow` backend with the shared engine when it loads.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-node');
    return tf.findBackend('tensorflow') !== null || tf.findBackendFactory('tensorflow') !== null;
  } catch {
    return false;
  }
}

/**
 * Initialises the best available backend (or exactly `prefer` when given and available).
 * Silences TensorFlow.js' "install tfjs-node" console advice by switching on production mode.
 * @throws Error only when even the cpu backend cannot be set.
 */
export async function selectBackend(prefer?: BackendName): Promise<BackendInfo> {
  tf.env().set('PROD', true);
  if (tf.findBackendFactory('cpu') === null) {
    throw new Error(`the TensorFlow.js cpu backend ${version_cpu} did not register`);
  }
  const fallbacks: string[] = [];
  const order: BackendName[] = prefer ? [prefer] : ['tensorflow', 'wasm', 'cpu'];
  for (const name of order) {
    if (name === 'tensorflow' && !loadNative()) {
      fallbacks.push('tensorflow: @tensorflow/tfjs-node is not installed');
      continue;
    }
    if (name === 'wasm') {
      const folder = findWasmFolder();
      if (folder === undefined) {
        fallbacks.push(`wasm: ${WASM_FILE} not found next to the bundle or in node_modules`);
        continue;
      }
      setWasmPaths(folder.endsWith('/') ? folder : `${folder}/`);
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return {
          backend: tf.getBackend(),
          tfjsVersion: tf.version_core,
          ...(fallbacks.length ? { fallbacks } : {}),
        };
      }
      fallbacks.push(`${name}: failed to initialise`);
    } catch (error) {
      fallbacks.push(`${name}: ${(error as Error).message}`);
    }
  }
  if (prefer !== undefined) {
    throw new Error(`TensorFlow.js backend "${prefer}" is unavailable (${fallbacks.join('; ')})`);
  }
  throw new Error(`No TensorFlow.js backend could be initialised (${fallbacks.join('; ')})`);
}
