import assert from 'node:assert/strict';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { build, type Metafile } from 'esbuild';
import { nodeBundleOptions } from '../../../scripts/esbuildOptions.mjs';

const root = join(__dirname, '..', '..', '..');

/**
 * What activation evaluates: the modules reachable from `src/extension.ts` through static imports.
 * Modules reached only through `import()` are evaluated on first use, so they do not count.
 */
let eager: Set<string>;
let bundled: Set<string>;
/** The bundle's code, as dist/extension.js holds it, and where it would be. */
let code: string;
const outfile = join(root, 'dist', 'activation-check.js');

before(async () => {
  const result = await build({
    // The options of dist/extension.js (esbuild.js), so the check sees what the product bundles.
    ...nodeBundleOptions(root),
    entryPoints: [join(root, 'src/extension.ts')],
    write: false,
    metafile: true,
    outfile,
    logLevel: 'silent',
  });
  code = result.outputFiles.find((file) => file.path === outfile)!.text;
  const inputs: Metafile['inputs'] = result.metafile.inputs;
  bundled = new Set(Object.keys(inputs));
  eager = new Set();
  const queue = ['src/extension.ts'];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (eager.has(file)) {
      continue;
    }
    eager.add(file);
    for (const edge of inputs[file]?.imports ?? []) {
      if (!edge.external && edge.kind !== 'dynamic-import') {
        queue.push(edge.path);
      }
    }
  }
});

/** The package a bundled input belongs to, or undefined for our own sources. */
function packageOf(file: string): string | undefined {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
}

describe('activation loads nothing heavy', () => {
  it('bundles no TensorFlow.js, vega or columnar readers into the extension host at all', () => {
    const packages = new Set([...bundled].map(packageOf).filter((p) => p !== undefined));
    for (const heavy of [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-layers',
      'vega',
      'vega-lite',
      'vega-embed',
      'apache-arrow',
      'hyparquet',
      'sql.js',
      'protobufjs',
    ]) {
      assert.ok(!packages.has(heavy), `${heavy} is bundled into dist/extension.js`);
    }
  });

  it('evaluates only our wiring at activation: config, store, git, charts and readers load on first use', () => {
    const eagerPackages = [...eager].map(packageOf).filter((p) => p !== undefined);
    assert.deepEqual(eagerPackages, [], 'no library is evaluated at activation');
    for (const lazy of [
      'src/core/config/load.ts',
      'src/core/runs/store.ts',
      'src/core/git/gitContext.ts',
      'src/core/charts/metricCharts.ts',
      'src/core/metrics/discovery/discovery.ts',
      'src/core/metrics/discovery/workerClient.ts',
      'src/features/dashboard/openDashboard.ts',
      'src/features/drift/openDrift.ts',
    ]) {
      if (bundled.has(lazy)) {
        assert.ok(!eager.has(lazy), `${lazy} is imported statically from src/extension.ts`);
      }
    }
    assert.ok(eager.has('src/extensionRoot.ts'));
  });

  it('makes no Intl formatter or collator while loading: their locale data loads on first use', () => {
    const made: string[] = [];
    const kinds = ['NumberFormat', 'Collator', 'DateTimeFormat', 'PluralRules', 'Segmenter'] as const;
    const originals = kinds.map((kind) => [kind, Intl[kind]] as const);
    const { _load: load } = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    // `vscode` is the editor's: any property of it, called or constructed, is a stand-in.
    const stand: object = new Proxy(function standIn() {}, {
      get: (_target, key) => (key === 'then' ? undefined : stand),
      apply: () => stand,
      construct: () => stand,
    });
    try {
      for (const [kind, original] of originals) {
        Object.defineProperty(Intl, kind, {
          configurable: true,
          writable: true,
          value: new Proxy(original, {
            construct: (target, args: unknown[]) => {
              made.push(kind);
              return Reflect.construct(target, args) as object;
            },
          }),
        });
      }
      (Module as unknown as { _load: unknown })._load = function (
        this: unknown,
        request: string,
        ...rest: unknown[]
      ) {
        return request === 'vscode' ? stand : load.call(this, request, ...rest);
      };
      const bundle = new Module(outfile) as Module & { _compile(code: string, file: string): void };
      bundle.filename = outfile;
      bundle.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
        dirname(outfile),
      );
      bundle._compile(code, outfile);
      assert.equal(typeof (bundle.exports as { activate?: unknown }).activate, 'function');
    } finally {
      (Module as unknown as { _load: unknown })._load = load;
      for (const [kind, original] of originals) {
        Object.defineProperty(Intl, kind, { configurable: true, writable: true, value: original });
      }
    }
    assert.deepEqual(made, []);
  });
});
